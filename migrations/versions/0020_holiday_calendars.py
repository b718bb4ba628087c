"""Which bank holidays the deadlines were last worked out with, for each calendar

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-01 09:30:00.000000

A new table only: the code running before this migration never reads it. The first daily run
after it records the installed calendar; later runs re-date open working-day deadlines when
the installed `holidays` package gives other bank holidays.

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "holiday_calendars",
        sa.Column("calendar", sa.String(length=40), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("calendar", name=op.f("pk_holiday_calendars")),
    )


def downgrade():
    op.drop_table("holiday_calendars")
