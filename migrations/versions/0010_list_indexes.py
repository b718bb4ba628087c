"""Indexes that give the lists their order, so a page reads its own rows and no more

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 12:00:00.000000

Indexes only: the code running before this migration is as correct with them as without, so
the migration can run ahead of a rolling deployment.

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

# Repeated from the model on purpose: a migration stays what it was when the model moves on.
OPEN_PREDICATE = "status IN ('open', 'evidence_submitted', 'changes_requested')"


def upgrade():
    with op.batch_alter_table("recommendations", schema=None) as batch_op:
        batch_op.create_index(
            "ix_recommendations_open_due",
            [sa.text("(due_date IS NULL)"), "due_date", "id"],
            unique=False,
            postgresql_where=sa.text(OPEN_PREDICATE),
            sqlite_where=sa.text(OPEN_PREDICATE),
        )


def downgrade():
    with op.batch_alter_table("recommendations", schema=None) as batch_op:
        batch_op.drop_index("ix_recommendations_open_due")
