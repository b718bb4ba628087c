"""The few SQL spellings that differ between PostgreSQL and SQLite, for bulk loads made by
the database itself, and integer hashes that stand in for random numbers in them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import sqlalchemy as sa

# The SQL here is put together from the caller's own constants and integers, never from input.
# ruff: noqa: S608


@dataclass(frozen=True)
class Dialect:
    """The few SQL spellings that differ between PostgreSQL and SQLite."""

    name: str

    def series(self, count: int) -> str:
        """Rows n = 1 … count."""
        if self.name == "postgresql":
            return f"SELECT CAST(n AS BIGINT) AS n FROM generate_series(1, {count}) AS n"
        return (
            f"WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < {count}) "
            "SELECT n FROM s"
        )

    def add_days(self, day: str, days: str) -> str:
        """A date `days` (an integer expression) after `day`."""
        if self.name == "postgresql":
            return f"(CAST({day} AS DATE) + CAST({days} AS INTEGER))"
        return f"date({day}, ({days}) || ' days')"

    def minus_minutes(self, moment: str, minutes: str) -> str:
        """A timestamp `minutes` before `moment`."""
        if self.name == "postgresql":
            return f"(CAST({moment} AS TIMESTAMPTZ) - ({minutes}) * INTERVAL '1 minute')"
        return f"datetime({moment}, '-' || ({minutes}) || ' minutes')"

    def pad3(self, number: str) -> str:
        """A number below 1000 as three digits."""
        if self.name == "postgresql":
            return f"lpad(CAST({number} AS TEXT), 3, '0')"
        return f"printf('%03d', {number})"

    def year2(self, day: str) -> str:
        """The two-digit year of a date."""
        if self.name == "postgresql":
            return f"to_char({day}, 'YY')"
        return f"substr({day}, 3, 2)"

    def typed(self, parameter: str, sql_type: str) -> str:
        """A bound parameter that PostgreSQL must know the type of (in a CASE, say)."""
        if self.name == "postgresql":
            return f"CAST({parameter} AS {sql_type})"
        return parameter

    def indexes_query(self) -> str:
        """(name, CREATE statement) of a table's (:table) own indexes, not those that back a
        primary key or unique constraint, nor the unique ones a foreign key refers to (the
        database checks the key against them as rows arrive)."""
        if self.name == "postgresql":
            return (
                "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = :table"
                " AND NOT EXISTS (SELECT 1 FROM pg_constraint c"
                " WHERE c.conname = i.indexname"
                " OR c.conindid = format('%I', i.indexname)::regclass)"
            )
        return (
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = :table"
            " AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE INDEX%'"
        )

    def day(self, value: date) -> str:
        """A date as a bound value (SQLite's own date adapter is deprecated)."""
        return value.isoformat()

    def moment(self, value: datetime) -> str:
        """A UTC timestamp as a bound value, as each database stores it."""
        utc = value.astimezone(UTC)
        if self.name == "postgresql":
            return utc.isoformat()
        return utc.replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")

    def day_number(self, column: str) -> str:
        """Days since 1970-01-01, as an integer."""
        if self.name == "postgresql":
            return f"({column} - DATE '1970-01-01')"
        return f"CAST(julianday({column}) - 2440587.5 AS INTEGER)"


def mix(column: str, salt: int) -> str:
    """A pseudo-random integer in [0, 1000003) from a row number: a different multiplier for
    each salt, so figures drawn from one row are not in lockstep."""
    multipliers = (2654435761, 40503, 2246822519, 3266489917, 668265263, 374761393, 1103515245)
    return f"((CAST({column} AS BIGINT) * {multipliers[salt]} + {salt * 7919}) % 1000003)"


def settle(engine: sa.Engine) -> None:
    """What a running database does by itself after a bulk load, done now: planner statistics
    (ANALYZE) and, on PostgreSQL, the visibility map that autovacuum keeps (it also vacuums
    after bulk inserts since version 13), without which an index-only scan visits the table
    for every row. Call with no transaction open on the data just loaded."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        vacuum = "VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE"
        connection.execute(sa.text(vacuum))
