"""Engine settings that depend on the database in use."""

from __future__ import annotations

import decimal
import enum
import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import Insert


def using_postgresql(session: Session) -> bool:
    """Whether the session talks to PostgreSQL (else SQLite)."""
    return session.get_bind().dialect.name == "postgresql"


def configure_engine(engine: sa.Engine) -> None:
    """Make SQLite behave: enforce foreign keys, allow readers beside one writer."""
    if engine.dialect.name != "sqlite":
        return

    @sa.event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA busy_timeout = 5000")
        cursor.close()


def insert_or_ignore(session: Session, model: type[Any]) -> Insert:
    """`INSERT … ON CONFLICT DO NOTHING` on either database: a row that would break a unique
    key is skipped, which is how the notification ledger stays exactly-once."""
    module = postgresql if using_postgresql(session) else sqlite
    return module.insert(model).on_conflict_do_nothing()


def upsert(session: Session, model: type[Any], values: dict[str, Any], *, key: str) -> Insert:
    """`INSERT … ON CONFLICT (key) DO UPDATE` on either database: the row with this key gets
    `values`, whether it existed or not."""
    module = postgresql if using_postgresql(session) else sqlite
    statement = module.insert(model).values(values)
    changes = {name: value for name, value in values.items() if name != key}
    return statement.on_conflict_do_update(index_elements=[key], set_=changes)


def _lock_key(name: str) -> int:
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


def lock_for_transaction(session: Session, name: str) -> None:
    """On PostgreSQL, wait for an advisory lock held until the transaction ends, so two runs
    of the same job never overlap. SQLite lets one writer at a time anyway."""
    if using_postgresql(session):
        session.execute(sa.select(sa.func.pg_advisory_xact_lock(_lock_key(name))))


def try_lock_for_transaction(session: Session, name: str) -> bool:
    """On PostgreSQL, take the advisory lock held until the transaction ends if it is free;
    False when another transaction holds it (the caller skips rather than wait). On SQLite
    (one process, one writer at a time) always True."""
    if not using_postgresql(session):
        return True
    return bool(session.scalar(sa.select(sa.func.pg_try_advisory_xact_lock(_lock_key(name)))))


def upkeep(session: Session) -> None:
    """Refresh SQLite's query planner statistics (PostgreSQL's autovacuum keeps its own).

    Without them SQLite picks poor plans for the work lists once the tables grow; sampling
    a thousand rows an index keeps this quick on any size of database.
    """
    if not using_postgresql(session):
        session.execute(sa.text("PRAGMA analysis_limit = 1000"))
        session.execute(sa.text("ANALYZE"))


def begin_writing(session: Session) -> None:
    """Open the transaction for writing now, so SAVEPOINTs nest inside it.

    pysqlite only begins a transaction at the first INSERT, UPDATE or DELETE: a SAVEPOINT
    issued before one would itself be the outermost transaction, and releasing it would
    commit, out of the caller's hands. BEGIN IMMEDIATE also takes SQLite's one write lock
    up front. PostgreSQL's transaction has begun already.
    """
    if not using_postgresql(session):
        connection = session.connection().connection.driver_connection
        if connection is not None and not connection.in_transaction:
            connection.execute("BEGIN IMMEDIATE")


@contextmanager
def one_unit_of_work(session: Session) -> Iterator[None]:
    """Commit once when the block ends well, roll back when it raises: a CLI command's or a
    job run's unit of work (a request's is `tracker.web.unit_of_work`)."""
    try:
        yield
    except BaseException:
        session.rollback()
        raise
    session.commit()


def json_rows(
    columns: list[sa.ColumnClause[Any]], parameter: str, *, postgresql_rows: bool = True
) -> sa.FromClause:
    """The rows of a JSON array (bound to `parameter`, see `as_json`) as a table of typed
    `columns`, to UPDATE … FROM or INSERT … SELECT many rows at once: on PostgreSQL
    `jsonb_to_recordset`, on SQLite (`postgresql_rows=False`) each column `json_extract`ed
    from `json_each`.

    One parameter however many rows: a statement with thousands of parameters costs the
    driver more to prepare (psycopg rewrites each placeholder, SQLAlchemy converts each
    value) than the database to run.
    """
    if not postgresql_rows:
        listed = sa.func.json_each(sa.bindparam(parameter, type_=sa.Text())).table_valued("value")
        return sa.select(
            *(
                sa.type_coerce(
                    sa.func.json_extract(listed.c.value, f"$.{column.name}"), column.type
                ).label(column.name)
                for column in columns
            )
        ).subquery(f"{parameter}_rows")
    payload = sa.cast(sa.bindparam(parameter, type_=sa.Text()), postgresql.JSONB())
    return (
        sa.func.jsonb_to_recordset(payload).table_valued(*columns).render_derived(with_types=True)
    )


def as_json(rows: list[dict[str, Any]], *, postgresql_rows: bool = True) -> str:
    """Rows as the JSON array `json_rows` reads: dates in ISO 8601, enums by value, times in
    ISO 8601 (PostgreSQL) or as SQLite holds them (UTC, `2026-01-05 09:00:00.000000`)."""
    return json.dumps(rows, default=_plain if postgresql_rows else _plain_for_sqlite)


def _plain_for_sqlite(value: Any) -> Any:
    if isinstance(value, datetime):  # as UtcDateTime and SQLAlchemy write it
        if value.tzinfo is None:
            raise ValueError("timestamps must be timezone-aware")
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    return _plain(value)


def _plain(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, decimal.Decimal):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON")
