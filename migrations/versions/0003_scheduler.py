"""What the scheduler needs: e-mail claims, a quick look at flagged work, a lighter trail

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 14:00:00.000000

- notification_recipients.sending_since: a delivery run marks the notices it is sending, so
  a second run at the same time leaves them alone; a claim left by a run that died is taken
  up again after a while.
- An index on recommendations.overdue_since: the sweep finds what it flagged directly; and
  one on each person's unread notices, which every page counts.
- audit_events files events under a case and a recommendation by id, with no foreign keys:
  the trail is history, nothing is deleted from it or from what it describes, and checking
  each of the sweep's thousands of events a run against the live tables doubled its cost.
  (SQLite rebuilds the table to drop them, which drops its append-only triggers: they are
  made again.)

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

AUDIT_FOREIGN_KEYS = [
    ("fk_audit_events_case_id_cases", "cases", "case_id"),
    ("fk_audit_events_recommendation_id_recommendations", "recommendations", "recommendation_id"),
]


def upgrade():
    with op.batch_alter_table("notification_recipients", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sending_since", sa.DateTime(timezone=True), nullable=True))
        batch_op.drop_index("ix_notification_recipients_user_id")
        batch_op.create_index(
            "ix_notification_recipients_user_id_read_at", ["user_id", "read_at"], unique=False
        )
    with op.batch_alter_table("recommendations", schema=None) as batch_op:
        batch_op.create_index("ix_recommendations_overdue_since", ["overdue_since"], unique=False)
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        for name, _table, _column in AUDIT_FOREIGN_KEYS:
            batch_op.drop_constraint(name, type_="foreignkey")
    _remake_sqlite_triggers()


def downgrade():
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        for name, table, column in AUDIT_FOREIGN_KEYS:
            batch_op.create_foreign_key(name, table, [column], ["id"])
    _remake_sqlite_triggers()
    with op.batch_alter_table("recommendations", schema=None) as batch_op:
        batch_op.drop_index("ix_recommendations_overdue_since")
    with op.batch_alter_table("notification_recipients", schema=None) as batch_op:
        batch_op.drop_index("ix_notification_recipients_user_id_read_at")
        batch_op.create_index("ix_notification_recipients_user_id", ["user_id"], unique=False)
        batch_op.drop_column("sending_since")


def _remake_sqlite_triggers():
    """SQLite's batch mode copies audit_events into a new table: its triggers go with the
    old one. PostgreSQL altered the table in place and kept its own."""
    if op.get_bind().dialect.name != "sqlite":
        return
    for event in ("UPDATE", "DELETE"):
        op.execute(f"DROP TRIGGER IF EXISTS audit_events_no_{event.lower()}")
        op.execute(
            f"CREATE TRIGGER audit_events_no_{event.lower()} BEFORE {event} ON audit_events "
            "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END"
        )
