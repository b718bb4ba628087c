"""The overdue sweep reads only the rows it may change

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 01:00:00.000000

Two partial indexes on (status, due_date) replace the one on overdue_since. The sweep flags
open work past its due date that is not flagged yet: the index of unflagged rows finds it by
status and date, without reading the work already flagged. It clears flagged work that is
closed or no longer past its date: the index of flagged rows holds only those, by status and
date. (An index on overdue_since alone served neither: "IS NULL" is nearly every row, and
the clearing condition's OR left the flagged rows to a whole-table scan on SQLite.)

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

UNFLAGGED = "overdue_since IS NULL"
FLAGGED = "overdue_since IS NOT NULL"


def upgrade():
    for name, where in (
        ("ix_recommendations_unflagged_status_due_date", UNFLAGGED),
        ("ix_recommendations_flagged_status_due_date", FLAGGED),
    ):
        op.create_index(
            name,
            "recommendations",
            ["status", "due_date"],
            unique=False,
            postgresql_where=sa.text(where),
            sqlite_where=sa.text(where),
        )
    op.drop_index("ix_recommendations_overdue_since", table_name="recommendations")


def downgrade():
    op.create_index(
        "ix_recommendations_overdue_since", "recommendations", ["overdue_since"], unique=False
    )
    op.drop_index("ix_recommendations_flagged_status_due_date", table_name="recommendations")
    op.drop_index("ix_recommendations_unflagged_status_due_date", table_name="recommendations")
