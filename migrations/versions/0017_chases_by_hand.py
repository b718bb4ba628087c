"""Chases made by hand: a caseworker's call, letter, e-mail or meeting with the council

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-01 08:00:00.000000

A new table only: the code running before this migration never reads it, so the migration
can run ahead of a rolling deployment.

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "chases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recommendation_id", sa.Integer(), nullable=False),
        sa.Column(
            "method",
            sa.Enum(
                "email",
                "phone",
                "letter",
                "meeting",
                name="chase_method",
                native_enum=False,
                create_constraint=True,
                length=7,
            ),
            nullable=False,
        ),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("chased_on", sa.Date(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["recommendation_id"],
            ["recommendations.id"],
            name=op.f("fk_chases_recommendation_id_recommendations"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_chases_recorded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chases")),
    )
    op.create_index(
        "ix_chases_recommendation_id_chased_on",
        "chases",
        ["recommendation_id", "chased_on"],
        unique=False,
    )


def downgrade():
    op.drop_index("ix_chases_recommendation_id_chased_on", table_name="chases")
    op.drop_table("chases")
