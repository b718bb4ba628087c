"""The escalation ladder: each step taken on a case when the council stays overdue, and the
letters to the chief executive and the complainant as a caseworker edits them

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-01 09:00:00.000000

New tables only: the code running before this migration never reads it, so the migration
can run ahead of a rolling deployment.

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "escalations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column(
            "step",
            sa.Enum(
                "chief_executive_letter",
                "meeting",
                "case_conference",
                "complainant_informed",
                "public_report_considered",
                name="escalation_step",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("taken_on", sa.Date(), nullable=False),
        sa.Column("taken_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_escalations_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["taken_by_id"], ["users.id"], name=op.f("fk_escalations_taken_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_escalations")),
    )
    op.create_index(
        "ix_escalations_case_id_taken_on", "escalations", ["case_id", "taken_on"], unique=False
    )
    op.create_table(
        "escalation_letters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "chief_executive",
                "complainant",
                name="escalation_letter_kind",
                native_enum=False,
                create_constraint=True,
                length=15,
            ),
            nullable=False,
        ),
        sa.Column("addressee_name", sa.String(length=100), nullable=False),
        sa.Column("addressee_title", sa.String(length=100), nullable=False),
        sa.Column("letter_date", sa.Date(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_escalation_letters_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["users.id"], name=op.f("fk_escalation_letters_updated_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_escalation_letters")),
        sa.UniqueConstraint("case_id", "kind", name=op.f("uq_escalation_letters_case_id_kind")),
    )


def downgrade():
    op.drop_table("escalation_letters")
    op.drop_index("ix_escalations_case_id_taken_on", table_name="escalations")
    op.drop_table("escalations")
