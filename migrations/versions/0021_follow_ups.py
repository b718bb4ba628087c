"""A case opened to investigate the failure to comply with an earlier one names it

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-01 10:00:00.000000

A new table only: the code running before this migration never reads it.

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "follow_ups",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("follows_case_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_follow_ups_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["follows_case_id"], ["cases.id"], name=op.f("fk_follow_ups_follows_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_follow_ups")),
    )
    op.create_index(
        op.f("ix_follow_ups_follows_case_id"), "follow_ups", ["follows_case_id"], unique=False
    )


def downgrade():
    op.drop_index(op.f("ix_follow_ups_follows_case_id"), table_name="follow_ups")
    op.drop_table("follow_ups")
