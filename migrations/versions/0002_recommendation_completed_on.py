"""Record the day a recommendation was done

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 10:40:00.000000

Lateness is judged on the day the council did it (its accepted evidence arrived), not on
the day a caseworker got round to accepting it.

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("recommendations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("completed_on", sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table("recommendations", schema=None) as batch_op:
        batch_op.drop_column("completed_on")
