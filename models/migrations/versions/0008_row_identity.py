"""A row's identity that survives copies, school sheets and the server: roadmaps, sections,
measures and schools' records get ``uid`` beside their integer id (Anki's note guid, Joplin's
item ids); the integer ids stay the store's own, for the command line and ``dump``.

Rows already there get an identity derived from the file's own identity and the row's id
(uuid5): a file and a copy of it taken before this upgrade — each upgraded on its own, the copy
only when it is merged — give their shared rows the same identities, so they still pair. A
store without an identity (never copied, never synced) derives them from a new random one. New
rows get a random uuid4.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-08 00:50:00
"""

from __future__ import annotations

import json
import uuid

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

TABLES = ("roadmaps", "sections", "measures", "school_executions")
NAMESPACE = uuid.UUID("6f1c2a8e-2b0e-4c3e-9a7e-524d41500008")  # this migration's own


def _lineage(bind: sa.Connection) -> str:
    """The file's identity id (a copy has its original's), else a new random one."""
    value = bind.execute(sa.text("SELECT value FROM file_settings WHERE key = 'file_identity'")).scalar()
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            value = None
    if isinstance(value, dict) and isinstance(value.get("id"), str) and value["id"]:
        return str(value["id"])
    return str(uuid.uuid4())


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("uid", sa.String(length=36), nullable=False, server_default=""))
    bind = op.get_bind()
    lineage = _lineage(bind)
    for table in TABLES:
        ids = [row[0] for row in bind.execute(sa.text(f"SELECT id FROM {table}"))]
        if ids:
            bind.execute(
                sa.text(f"UPDATE {table} SET uid = :uid WHERE id = :id"),
                [{"id": i, "uid": str(uuid.uuid5(NAMESPACE, f"{lineage}/{table}/{i}"))} for i in ids],
            )
        where = sa.text("uid <> ''")
        op.create_index(
            f"ix_{table}_uid", table, ["uid"], unique=True, sqlite_where=where, postgresql_where=where
        )


def downgrade() -> None:
    for table in reversed(TABLES):
        op.drop_index(f"ix_{table}_uid", table_name=table)
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("uid")
