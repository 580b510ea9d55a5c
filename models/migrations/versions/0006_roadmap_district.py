"""The district a roadmap belongs to: on the regional server each district writes only its own
(row-level security, models/storage/server_security.py); a district's file says it too.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 23:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("roadmaps", schema=None) as batch_op:
        batch_op.add_column(sa.Column("district", sa.String(length=200), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("roadmaps", schema=None) as batch_op:
        batch_op.drop_column("district")
