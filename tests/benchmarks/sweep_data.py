"""A national-scale recommendations table for the overdue sweep, loaded in set-based SQL.

For `open_count` open recommendations, dated from TODAY (the day the sweep is given):
10% already overdue and flagged by earlier runs, 1% fell due in the past week and are not
flagged yet, 0.1% flagged but since given a later date; the rest fall due in the coming year.
Besides them, a fifth as many closed ones from earlier years (1 in 1,000 of those flagged
when it was closed). Five recommendations a case, cases over 400 councils.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from tests.benchmarks.conftest import insert_authorities
from tests.helpers import TODAY
from tracker.models import Case, Recommendation
from tracker.models.base import UtcDateTime

NOW = datetime(TODAY.year, TODAY.month, TODAY.day, 12, tzinfo=UTC)
PER_CASE = 5
OPEN_STATUSES = ("open", "evidence_submitted", "changes_requested")


def expected(open_count: int) -> tuple[int, int]:
    """How many the sweep flags and clears on the loaded data."""
    closed = open_count // 5
    cleared_closed = sum(1 for n in range(open_count, open_count + closed) if n % 1000 == 0)
    return open_count // 100, open_count // 1000 + cleared_closed


def load(session: sa.orm.Session, open_count: int) -> None:
    """Insert the cases and recommendations, commit, and ANALYZE."""
    postgres = session.get_bind().dialect.name == "postgresql"
    total = open_count + open_count // 5
    authority_ids = insert_authorities(400, types=["unitary"], population=lambda _: 200_000)
    n = _numbers(total // PER_CASE, postgres)
    session.execute(
        sa.insert(Case).from_select(
            [
                "reference",
                "authority_id",
                "category",
                "subcategory",
                "decision_date",
                "outcome",
                "satisfactory_remedy",
                "public_report",
                "created_at",
                "updated_at",
                "version",
            ],
            sa.select(
                sa.literal("R") + sa.cast(n, sa.String),
                min(authority_ids) + n % len(authority_ids),
                sa.literal("Housing"),
                sa.literal("Allocations"),
                sa.literal(TODAY - timedelta(days=60), sa.Date()),
                sa.literal("upheld"),
                sa.false(),
                sa.false(),
                sa.literal(NOW, UtcDateTime()),
                sa.literal(NOW, UtcDateTime()),
                sa.literal(1),
            ),
        )
    )
    first_case = session.scalar(sa.select(sa.func.min(Case.id)))
    n = _numbers(total, postgres)
    kind = n % 1000
    is_open = n < open_count
    flagged, newly, extended = kind < 100, kind < 110, kind == 110
    due = sa.case(
        (~is_open, _day(-(1 + n % 700), postgres)),
        (flagged, _day(-(8 + n % 300), postgres)),
        (newly, _day(-(1 + n % 7), postgres)),
        (extended, _day(1 + n % 60, postgres)),
        else_=_day(n % 366, postgres),
    )
    overdue_since = sa.case(
        (~is_open & (kind == 0), _day(-1, postgres)),
        (is_open & flagged, _day(-(7 + n % 300), postgres)),
        (is_open & extended, _day(-10, postgres)),
        else_=sa.null(),
    )
    status = sa.case(
        (~is_open, sa.literal("accepted")),
        *((n % 3 == i, sa.literal(s)) for i, s in enumerate(OPEN_STATUSES)),
    )
    session.execute(
        sa.insert(Recommendation).from_select(
            [
                "case_id",
                "authority_id",
                "position",
                "text",
                "kind",
                "status",
                "explicit",
                "evidence_expected",
                "due_date",
                "overdue_since",
                "created_at",
                "updated_at",
                "version",
            ],
            sa.select(
                first_case + n // PER_CASE,
                # The case's council, as the cases above were given theirs.
                # (An integer: PostgreSQL's FLOOR of a division is a double, which has no %.)
                min(authority_ids) + sa.cast(n // PER_CASE, sa.Integer) % len(authority_ids),
                n % PER_CASE + 1,
                sa.literal("Within one month of my final decision, pay Mr Y £250."),
                sa.literal("personal"),
                status,
                sa.true(),
                sa.literal(""),
                due,
                overdue_since,
                sa.literal(NOW, UtcDateTime()),
                sa.literal(NOW, UtcDateTime()),
                sa.literal(1),
            ),
        )
    )
    session.commit()
    session.execute(sa.text("ANALYZE"))
    session.commit()


def _numbers(count: int, postgres: bool) -> sa.ColumnElement[int]:
    """A column of the whole numbers 0 … count - 1, to select from."""
    if postgres:
        return sa.func.generate_series(0, count - 1).table_valued("n").render_derived("numbers").c.n
    numbers = sa.select(sa.literal(0).label("n")).cte("numbers", recursive=True)
    numbers = numbers.union_all(sa.select(numbers.c.n + 1).where(numbers.c.n < count - 1))
    return numbers.c.n


def _day(offset: sa.ColumnElement[int] | int, postgres: bool) -> sa.ColumnElement[object]:
    """TODAY moved by `offset` days, in the database's own date arithmetic."""
    if postgres:
        return sa.literal(TODAY, sa.Date()) + offset
    return sa.func.date(TODAY.isoformat(), sa.cast(offset, sa.String) + " days")
