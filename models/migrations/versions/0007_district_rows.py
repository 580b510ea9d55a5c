"""Whose rows they are on the regional server: a change-log line, a person and a setting carry the
district that wrote them (and the line the server account), so that row-level security keeps a
district's people, PINs, sync records and change log to that district
(models/storage/server_security.py). In a district's file they stay empty.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-08 00:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def _name(column: str) -> sa.Column[str]:
    return sa.Column(column, sa.String(length=200), nullable=False, server_default="")


def upgrade() -> None:
    with op.batch_alter_table("change_log", schema=None) as batch_op:
        batch_op.add_column(_name("district"))
        batch_op.add_column(_name("account"))
    for table in ("people", "file_settings"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(_name("district"))


def downgrade() -> None:
    for table in ("file_settings", "people"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("district")
    with op.batch_alter_table("change_log", schema=None) as batch_op:
        batch_op.drop_column("account")
        batch_op.drop_column("district")
