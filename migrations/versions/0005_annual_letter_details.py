"""Annual letters: the addressee, the letter's date, and a version for optimistic locking

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 10:00:00.000000

Letters written before this revision keep their narrative; their addressee is blank (the
letter then greets the chief executive) and they are undated until a manager dates them.

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("annual_letters", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("addressee_name", sa.String(length=100), server_default="", nullable=False)
        )
        batch_op.add_column(
            sa.Column("addressee_title", sa.String(length=100), server_default="", nullable=False)
        )
        batch_op.add_column(sa.Column("letter_date", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))


def downgrade():
    with op.batch_alter_table("annual_letters", schema=None) as batch_op:
        batch_op.drop_column("version")
        batch_op.drop_column("letter_date")
        batch_op.drop_column("addressee_title")
        batch_op.drop_column("addressee_name")
