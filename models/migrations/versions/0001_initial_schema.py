"""Initial schema: roadmaps, their order, sections, measures and schools.

Revision ID: 0001
Revises:
Create Date: 2026-11-24 14:04:31.633208
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "roadmaps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("organization", sa.Text(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("numbering", sa.String(length=20), nullable=False),
        sa.Column("subsection_numbering", sa.String(length=20), nullable=False),
        sa.Column("goal", sa.Text(), nullable=False),
        sa.Column("tasks", sa.JSON(), nullable=False),
        sa.Column("approval_kind", sa.String(length=20), nullable=True),
        sa.Column("approval_lines", sa.JSON(), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("period_start <= period_end", name=op.f("ck_roadmaps_period")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_roadmaps")),
    )
    op.create_table(
        "orders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("roadmap_id", sa.Integer(), nullable=False),
        sa.Column("issuer", sa.Text(), nullable=False),
        sa.Column("number", sa.String(length=50), nullable=False),
        sa.Column("number_text", sa.String(length=100), nullable=False),
        sa.Column("date", sa.Date(), nullable=True),
        sa.Column("date_text", sa.String(length=100), nullable=False),
        sa.Column("place", sa.Text(), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("preamble", sa.Text(), nullable=False),
        sa.Column("directive", sa.String(length=100), nullable=False),
        sa.Column("clauses", sa.JSON(), nullable=False),
        sa.Column("signer", sa.Text(), nullable=False),
        sa.Column("signer_position", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["roadmap_id"], ["roadmaps.id"], name=op.f("fk_orders_roadmap_id_roadmaps"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_orders")),
        sa.UniqueConstraint("roadmap_id", name=op.f("uq_orders_roadmap_id")),
    )
    op.create_table(
        "schools",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("roadmap_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("is_shnor", sa.Boolean(), nullable=False),
        sa.Column("is_sssu", sa.Boolean(), nullable=False),
        sa.Column("is_mentor", sa.Boolean(), nullable=False),
        sa.Column("risk_profiles", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["roadmap_id"], ["roadmaps.id"], name=op.f("fk_schools_roadmap_id_roadmaps"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_schools")),
    )
    with op.batch_alter_table("schools", schema=None) as batch_op:
        batch_op.create_index("ix_schools_roadmap", ["roadmap_id", "position"], unique=False)

    op.create_table(
        "sections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("roadmap_id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("number_as_written", sa.String(length=50), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["sections.id"], name=op.f("fk_sections_parent_id_sections"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["roadmap_id"], ["roadmaps.id"], name=op.f("fk_sections_roadmap_id_roadmaps"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sections")),
    )
    with op.batch_alter_table("sections", schema=None) as batch_op:
        batch_op.create_index("ix_sections_parent", ["roadmap_id", "parent_id", "position"], unique=False)

    op.create_table(
        "measures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("roadmap_id", sa.Integer(), nullable=False),
        sa.Column("section_id", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("form", sa.Text(), nullable=False),
        sa.Column("deadline_text", sa.Text(), nullable=False),
        sa.Column("responsible", sa.Text(), nullable=False),
        sa.Column("result", sa.Text(), nullable=False),
        sa.Column("target_group", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("number_as_written", sa.String(length=50), nullable=False),
        sa.Column("extra", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "status IN ('planned', 'in_progress', 'done', 'not_done', 'cancelled')",
            name=op.f("ck_measures_status"),
        ),
        sa.ForeignKeyConstraint(
            ["roadmap_id"], ["roadmaps.id"], name=op.f("fk_measures_roadmap_id_roadmaps"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["section_id"], ["sections.id"], name=op.f("fk_measures_section_id_sections"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_measures")),
    )
    with op.batch_alter_table("measures", schema=None) as batch_op:
        batch_op.create_index("ix_measures_parent", ["roadmap_id", "section_id", "position"], unique=False)

    op.create_table(
        "measure_schools",
        sa.Column("measure_id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["measure_id"],
            ["measures.id"],
            name=op.f("fk_measure_schools_measure_id_measures"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["schools.id"],
            name=op.f("fk_measure_schools_school_id_schools"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("measure_id", "school_id", name=op.f("pk_measure_schools")),
    )


def downgrade() -> None:
    op.drop_table("measure_schools")
    with op.batch_alter_table("measures", schema=None) as batch_op:
        batch_op.drop_index("ix_measures_parent")

    op.drop_table("measures")
    with op.batch_alter_table("sections", schema=None) as batch_op:
        batch_op.drop_index("ix_sections_parent")

    op.drop_table("sections")
    with op.batch_alter_table("schools", schema=None) as batch_op:
        batch_op.drop_index("ix_schools_roadmap")

    op.drop_table("schools")
    op.drop_table("orders")
    op.drop_table("roadmaps")
