"""Alembic environment: always runs on a connection handed over by models.storage.migrations."""

from __future__ import annotations

from alembic import context

from models.entities import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - only reached by a stray `alembic` command
    raise RuntimeError("Run migrations through models.storage.migrations.upgrade().")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite cannot ALTER most things; batch mode copies the table
    compare_type=True,
    transaction_per_migration=False,
)
with context.begin_transaction():
    context.run_migrations()
