"""The migrations build the whole model on an empty database, with no drift, and undo it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import flask_migrate
import pytest
import sqlalchemy as sa

from tests.conftest import DATABASE_SUFFIX, USING_POSTGRES, postgres_database
from tracker import create_app
from tracker.extensions import db
from tracker.models import Base


@pytest.fixture
def empty_database(tmp_path: Path) -> Iterator[str]:
    """An empty database of the kind the suite runs on."""
    if USING_POSTGRES:
        # tmp_path's name is the test's: the same in every suite run side by side.
        name = f"tracker_migration_{os.getpid()}_{tmp_path.name[-20:]}{DATABASE_SUFFIX}"
        yield from postgres_database(name.lower())
    else:
        yield f"sqlite:///{tmp_path / 'empty.db'}"


# SQLite's reflection cannot read an expression index back (ix_recommendations_open_due), so the
# comparison skips it there with this warning; PostgreSQL's reflects and compares it.
@pytest.mark.filterwarnings(
    "ignore:Skipped unsupported reflection of expression-based index:sqlalchemy.exc.SAWarning"
)
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based")
def test_the_migration_builds_the_model_and_leaves_no_drift(empty_database, tmp_path) -> None:
    app = create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": empty_database, "INSTANCE_PATH": str(tmp_path)}
    )
    with app.app_context():
        flask_migrate.upgrade()
        tables = set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}
        assert tables == set(Base.metadata.tables)
        flask_migrate.check()  # raises if the models and the migrations disagree

        flask_migrate.downgrade(revision="base")
        assert set(sa.inspect(db.engine).get_table_names()) <= {"alembic_version"}
        flask_migrate.upgrade()
        assert set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"} == tables
        db.engine.dispose()


def test_the_database_refuses_to_rewrite_the_audit_trail(app) -> None:
    with app.app_context(), db.engine.connect() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO audit_events (occurred_at, action, entity_type, entity_id, note) "
                "VALUES (CURRENT_TIMESTAMP, 'test.done', 'case', 1, '')"
            )
        )
        connection.commit()
        statements = ["UPDATE audit_events SET note = 'changed'", "DELETE FROM audit_events"]
        if USING_POSTGRES:  # SQLite has no TRUNCATE; its DELETE without WHERE is refused above
            statements += [
                "TRUNCATE audit_events",
                "TRUNCATE audit_events RESTART IDENTITY CASCADE",
            ]
        for statement in statements:
            with pytest.raises(sa.exc.DatabaseError, match="append-only"):
                connection.execute(sa.text(statement))
            connection.rollback()
        assert connection.execute(sa.text("SELECT note FROM audit_events")).scalar_one() == ""


def test_the_orm_refuses_to_change_an_audit_event(app, build) -> None:
    build.authority("LEICS")
    from tracker.models import AuditEvent

    with app.app_context():
        event = db.session.scalars(sa.select(AuditEvent)).first()
        event.note = "rewritten"
        with pytest.raises(ValueError, match="never changed"):
            db.session.flush()
        db.session.rollback()


def _indexes(connection: sa.Connection) -> set[tuple[str, str]]:
    """Every index of the database, read from its catalogue (expression indexes included,
    which SQLAlchemy's reflection skips on SQLite)."""
    query = (
        "SELECT tablename, indexname FROM pg_indexes WHERE schemaname = 'public'"
        if USING_POSTGRES
        else "SELECT tbl_name, name FROM sqlite_master WHERE type = 'index'"
    )
    return {(table, name) for table, name in connection.execute(sa.text(query))}


def test_each_migration_undone_leaves_every_other_index_in_place(empty_database, tmp_path) -> None:
    """Stepping back one migration at a time finds the indexes each step had on the way up
    (SQLite's batch copy of a table would silently lose an expression index)."""
    app = create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": empty_database, "INSTANCE_PATH": str(tmp_path)}
    )
    steps = [
        "0009",
        "0010",
        "0011",
        "0012",
        "0013",
        "0014",
        "0015",
        "0016",
        "0017",
        "0018",
        "0019",
        "0020",
        "0021",
    ]
    with app.app_context():
        seen = {}
        for revision in steps:
            flask_migrate.upgrade(revision=revision)
            with db.engine.connect() as connection:
                seen[revision] = _indexes(connection)
        for revision in reversed(steps[:-1]):
            flask_migrate.downgrade(revision=revision)
            with db.engine.connect() as connection:
                assert _indexes(connection) == seen[revision], revision
        db.engine.dispose()


_ROWS_AT_0013 = [
    "INSERT INTO authorities (id, code, name, type, population, created_at, updated_at)"
    " VALUES (7, 'LEICS', 'Leicestershire', 'county', 1, :now, :now)",
    "INSERT INTO cases (id, reference, authority_id, category, subcategory, decision_date,"
    " outcome, satisfactory_remedy, public_report, created_at, updated_at, version)"
    " VALUES (3, '24 007 343', 7, 'Education', '', '2024-06-03', 'upheld', false, false,"
    " :now, :now, 1)",
    "INSERT INTO recommendations (id, case_id, position, text, kind, evidence_expected, status,"
    " due_date, explicit, created_at, updated_at, version)"
    " VALUES (5, 3, 1, 'Apologise.', 'personal', '', 'open', '2024-07-03', true, :now, :now, 1)",
    "INSERT INTO deadline_parts (recommendation_id, position, phrase, due_date)"
    " VALUES (5, 1, 'within one month', '2024-07-03')",
]


def test_the_councils_migration_keeps_every_row_and_its_references(empty_database, tmp_path):
    """0014 gives each recommendation its case's council; SQLite makes the table again for it,
    under the rows that refer to it."""
    app = create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": empty_database, "INSTANCE_PATH": str(tmp_path)}
    )
    recommendation = "SELECT id, case_id, text, due_date FROM recommendations"

    def unchanged(before: list) -> sa.Connection:
        connection = db.engine.connect()
        assert connection.execute(sa.text(recommendation)).all() == before
        parts = "SELECT recommendation_id FROM deadline_parts"
        assert connection.execute(sa.text(parts)).scalars().all() == [5]
        if not USING_POSTGRES:
            assert connection.execute(sa.text("PRAGMA foreign_key_check")).all() == []
        return connection

    with app.app_context():
        flask_migrate.upgrade(revision="0013")
        with db.engine.begin() as connection:
            for statement in _ROWS_AT_0013:
                connection.execute(sa.text(statement), {"now": "2024-06-03 12:00:00+00:00"})
            before = connection.execute(sa.text(recommendation)).all()
        flask_migrate.upgrade(revision="0014")
        with unchanged(before) as connection:
            council = "SELECT authority_id FROM recommendations"
            assert connection.execute(sa.text(council)).scalar_one() == 7
        flask_migrate.downgrade(revision="0013")
        with unchanged(before):
            pass
        db.engine.dispose()


def _case_row(number: int, authority_id: int, decided: str, outcome: str, **more: object) -> str:
    compliance, day = more.get("compliance", "NULL"), more.get("on", "NULL")
    return (
        "INSERT INTO cases (reference, authority_id, category, subcategory, decision_date,"  # noqa: S608
        " outcome, satisfactory_remedy, public_report, compliance_outcome, compliance_date,"
        f" created_at, updated_at, version) VALUES ('24 000 {number:03d}', {authority_id},"
        f" 'Education', '', '{decided}', '{outcome}', {more.get('remedy', 'false')},"
        f" {more.get('report', 'false')}, {compliance}, {day}, :now, :now, 1)"
    )


_CASES_AT_0015 = [
    "INSERT INTO authorities (id, code, name, type, population, created_at, updated_at)"
    " VALUES (7, 'LEICS', 'Leicestershire', 'county', 1, :now, :now),"
    " (8, 'NOTTS', 'Nottinghamshire', 'county', 1, :now, :now)",
    _case_row(
        1, 7, "2024-03-31", "upheld", remedy="true", compliance="'satisfied'", on="'2024-04-01'"
    ),
    _case_row(2, 7, "2024-04-01", "upheld", report="true"),
    _case_row(3, 7, "2025-01-05", "upheld", compliance="'satisfied_late'", on="'2025-03-31'"),
    _case_row(4, 8, "2024-06-01", "not_for_us"),
    _case_row(5, 8, "2024-06-02", "assessed_and_closed"),
    _case_row(6, 8, "2020-02-29", "not_upheld"),
    _case_row(7, 8, "2020-02-29", "upheld", compliance="'not_satisfied'", on="'2021-01-01'"),
]


def test_the_counts_migration_counts_the_cases_there_are_and_undoes_cleanly(
    empty_database, tmp_path
) -> None:
    """0016 fills authority_year_counts from the cases already there; undone, it leaves no
    table and no trigger behind (a case is written as before), and it can be done again."""
    from tests.test_year_counts import counted_live, kept

    app = create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": empty_database, "INSTANCE_PATH": str(tmp_path)}
    )
    now = {"now": "2024-06-03 12:00:00+00:00"}
    with app.app_context():
        flask_migrate.upgrade(revision="0015")
        with db.engine.begin() as connection:
            for statement in _CASES_AT_0015:
                connection.execute(sa.text(statement), now)
        flask_migrate.upgrade(revision="0016")
        assert kept(app) == counted_live(app)
        assert kept(app)[(2023, 7)]["satisfactory_remedies"] == 1
        assert kept(app)[(2024, 7)]["compliance_outcomes"] == 2  # 1 April 2024 and 31 March 2025
        flask_migrate.downgrade(revision="0015")
        assert "authority_year_counts" not in sa.inspect(db.engine).get_table_names()
        with db.engine.begin() as connection:  # no trigger left to write to a missing table
            connection.execute(sa.text(_case_row(8, 7, "2024-07-01", "upheld")), now)
            connection.execute(
                sa.text("UPDATE cases SET outcome = 'not_upheld' WHERE reference = '24 000 008'")
            )
            connection.execute(sa.text("DELETE FROM cases WHERE reference = '24 000 008'"))
        flask_migrate.upgrade(revision="0016")
        assert kept(app) == counted_live(app)
        db.engine.dispose()
