"""When each scheduled job last succeeded, for the health check

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 10:00:00.000000

A new table only: the code running before this migration never reads it, so the migration
can run ahead of a rolling deployment.

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "job_runs",
        sa.Column("job", sa.String(length=60), nullable=False),
        sa.Column("succeeded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("job", name=op.f("pk_job_runs")),
    )


def downgrade():
    op.drop_table("job_runs")
