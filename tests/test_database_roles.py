"""The database roles the README's production section sets up, built from the README itself:
the application role does its work, and no statement it can send changes or removes an audit
event (PostgreSQL only: SQLite has no roles)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import flask_migrate
import pytest
import sqlalchemy as sa

from tests.conftest import SERVER_URL, USING_POSTGRES
from tests.helpers import Builders
from tracker import create_app
from tracker.extensions import db

pytestmark = pytest.mark.skipif(not USING_POSTGRES, reason="database roles are PostgreSQL's")

README = Path(__file__).resolve().parent.parent / "README.md"


def documented_sql(step: str) -> str:
    """The SQL block the README gives for one step of setting up the roles."""
    found = re.search(
        rf"<!-- database-roles: {re.escape(step)} -->\s*```sql\n(.*?)```", README.read_text(), re.S
    )
    assert found, f"the README documents the step {step!r}"
    return found.group(1)


def statements(sql: str, names: dict[str, str]) -> list[str]:
    """The README's statements with this test's role and database names."""
    for documented, ours in names.items():
        sql = re.sub(rf"\b{documented}\b", ours, sql)
    return [line.strip() for line in re.split(r";\s*\n|\n(?=\\)", sql) if line.strip()]


def run(url: sa.URL, sql: list[str], *, autocommit: bool = False) -> None:
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT" if autocommit else None)
    with engine.begin() as connection:
        for statement in sql:
            connection.execute(sa.text(statement))
    engine.dispose()


@pytest.fixture
def roles(tmp_path: Path) -> Iterator[dict[str, sa.URL]]:
    """A database made as the README says, with an owner and an application role of its own
    (role names are cluster-wide, so each run has its own)."""
    suffix = f"{os.getpid()}_{tmp_path.name[-8:]}".lower().replace("-", "_")
    names = {
        "tracker_owner": f"tracker_owner_{suffix}",
        "tracker_app": f"tracker_app_{suffix}",
        "tracker": f"tracker_roles_{suffix}",
    }
    server = sa.make_url(SERVER_URL)
    database = server.set(database=names["tracker"])
    superuser_sql = statements(documented_sql("superuser"), names)
    connect = next(i for i, line in enumerate(superuser_sql) if line.startswith("\\connect"))
    try:
        run(server, superuser_sql[:connect], autocommit=True)
        run(database, superuser_sql[connect + 1 :])
        owner = database.set(username=names["tracker_owner"], password=None)
        run(owner, statements(documented_sql("owner, before the first migration"), names))
        app = create_app(
            {
                "TESTING": True,
                "SQLALCHEMY_DATABASE_URI": owner.render_as_string(hide_password=False),
                "INSTANCE_PATH": str(tmp_path / "owner"),
            }
        )
        with app.app_context():
            flask_migrate.upgrade()
            db.engine.dispose()
        run(owner, statements(documented_sql("owner, after the first migration"), names))
        yield {"owner": owner, "app": database.set(username=names["tracker_app"], password=None)}
    finally:
        run(server, [f'DROP DATABASE IF EXISTS "{names["tracker"]}" WITH (FORCE)'], autocommit=True)
        dropped = [
            f'DROP ROLE IF EXISTS "{names[role]}"' for role in ("tracker_owner", "tracker_app")
        ]
        run(server, dropped, autocommit=True)


# Refused by privilege, ownership or the append-only triggers.
REFUSED = "permission denied|must be owner|append-only|violates foreign key"

# Every way a statement could change or remove audit events, or switch off what guards them.
ATTEMPTS = [
    "UPDATE audit_events SET note = 'rewritten'",
    "DELETE FROM audit_events",
    "TRUNCATE audit_events",
    "TRUNCATE users, audit_events CASCADE",
    "DELETE FROM users",
    "INSERT INTO audit_events (id, occurred_at, action, entity_type, entity_id, note) "
    "SELECT id, occurred_at, action, entity_type, entity_id, 'rewritten' FROM audit_events "
    "ON CONFLICT (id) DO UPDATE SET note = excluded.note",
    "ALTER TABLE audit_events DISABLE TRIGGER ALL",
    "DROP TRIGGER audit_events_append_only ON audit_events",
    "DROP TRIGGER audit_events_no_truncate ON audit_events",
    "CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger AS "
    "$$ BEGIN RETURN NULL; END; $$ LANGUAGE plpgsql",
    "SET session_replication_role = replica",
    "ALTER TABLE audit_events RENAME TO audit_events_old",
    "DROP TABLE audit_events CASCADE",
    "CREATE RULE keep_quiet AS ON UPDATE TO audit_events DO INSTEAD NOTHING",
]


def test_the_application_role_works_but_cannot_rewrite_the_audit_trail(roles, tmp_path) -> None:
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": roles["app"].render_as_string(hide_password=False),
            "INSTANCE_PATH": str(tmp_path / "app"),
            "EVIDENCE_DIR": str(tmp_path / "evidence"),
        }
    )
    build = Builders(app)
    build.authority("LEICS")
    build.case(
        "LEICS",
        recommendations=[("Within one month of my final decision, pay Mrs X £300.", "personal")],
        recorded_by=build.user("caseworker"),
    )
    engine = sa.create_engine(roles["app"])
    with engine.connect() as connection:
        before = connection.execute(
            sa.text("SELECT id, action, note FROM audit_events ORDER BY id")
        ).all()
        assert len(before) >= 3, "the application recorded its work in the audit trail"
        for attempt in ATTEMPTS:
            with pytest.raises(sa.exc.DatabaseError, match=REFUSED):
                connection.execute(sa.text(attempt))
            connection.rollback()
        after = connection.execute(
            sa.text("SELECT id, action, note FROM audit_events ORDER BY id")
        ).all()
    engine.dispose()
    assert after == before
    with app.app_context():
        db.engine.dispose()
