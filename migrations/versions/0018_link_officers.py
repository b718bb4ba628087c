"""Link officers, the officer each recommendation is assigned to, and how often each person
is e-mailed a digest

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-01 08:30:00.000000

A column with a default and a new table: the code running before this migration never reads
either, so the migration can run ahead of a rolling deployment. Every existing officer starts
as an ordinary officer, and every council without link officers keeps sending its notices to
all its officers, as before. Everyone gets a daily digest unless they choose otherwise.

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

FREQUENCIES = "'immediate', 'daily', 'weekly'"


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("link_officer", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(sa.Column("last_digest_at", sa.DateTime(timezone=True), nullable=True))
    # A column with its CHECK: SQLite adds both in one ALTER TABLE (rebuilding the table,
    # as a batch would to add a constraint, cannot run while foreign keys point at it).
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "ALTER TABLE users ADD COLUMN digest VARCHAR(9) DEFAULT 'daily' NOT NULL"
            f" CONSTRAINT ck_users_digest_frequency CHECK (digest IN ({FREQUENCIES}))"
        )
    else:
        op.add_column(
            "users",
            sa.Column("digest", sa.String(length=9), server_default="daily", nullable=False),
        )
        op.create_check_constraint(
            "ck_users_digest_frequency", "users", f"digest IN ({FREQUENCIES})"
        )
    op.create_table(
        "assignments",
        sa.Column("recommendation_id", sa.Integer(), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=False),
        sa.Column("assigned_by_id", sa.Integer(), nullable=False),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assigned_by_id"], ["users.id"], name=op.f("fk_assignments_assigned_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["officer_id"], ["users.id"], name=op.f("fk_assignments_officer_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["recommendation_id"],
            ["recommendations.id"],
            name=op.f("fk_assignments_recommendation_id_recommendations"),
        ),
        sa.PrimaryKeyConstraint("recommendation_id", name=op.f("pk_assignments")),
    )
    op.create_index(op.f("ix_assignments_officer_id"), "assignments", ["officer_id"], unique=False)


def downgrade():
    op.drop_index(op.f("ix_assignments_officer_id"), table_name="assignments")
    op.drop_table("assignments")
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE users DROP COLUMN digest")  # its CHECK goes with it
    else:
        op.drop_constraint("ck_users_digest_frequency", "users", type_="check")
        op.drop_column("users", "digest")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("last_digest_at")
        batch_op.drop_column("link_officer")
