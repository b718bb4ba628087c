"""The audit trail refuses TRUNCATE as well as UPDATE and DELETE

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 19:00:00.000000

PostgreSQL's row triggers never see TRUNCATE, which emptied the trail in one statement. A
statement-level trigger refuses it with the same message. SQLite has no TRUNCATE: its
`DELETE FROM audit_events` (with or without WHERE) is refused by the existing row trigger,
which also turns off SQLite's truncate optimisation for the table.

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()"
        )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_events_no_truncate ON audit_events")
