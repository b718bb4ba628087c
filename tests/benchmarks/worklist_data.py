"""Bulk data for the list benchmarks: cases, recommendations and evidence, set-based on both
databases (generate_series on PostgreSQL, a recursive CTE on SQLite), then ANALYZE."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tests.benchmarks.national import note_latest_evidence
from tests.benchmarks.portable_sql import settle

# Of 21 recommendations, 12 are closed (fell due 30–760 days ago), 9 open (due from 60 days ago to
# 300 days ahead: about one in six of them late), 2 of those awaiting review; 1 in 50 undated.
_STATUS = """CASE n % 21
    WHEN 0 THEN 'not_complied' WHEN 1 THEN 'evidence_submitted' WHEN 2 THEN 'evidence_submitted'
    WHEN 3 THEN 'changes_requested' WHEN 4 THEN 'open' WHEN 5 THEN 'open' WHEN 6 THEN 'open'
    WHEN 7 THEN 'open' WHEN 8 THEN 'open' WHEN 9 THEN 'open' ELSE 'accepted' END"""
_OPEN = "n % 21 BETWEEN 1 AND 9"
# Days from today to the due date: a scatter that does not follow the id order.
_DAYS = f"CASE WHEN {_OPEN} THEN (n * 7919) % 361 - 60 ELSE -30 - (n * 7919) % 731 END"
# 400 councils of uneven size: the lowest numbered are the largest (the square skews them).
_COUNCIL = "((n * 7919) % 1000) * ((n * 7919) % 1000) * 400 / 1000000"

NUMBERS = {
    "postgresql": "SELECT n FROM generate_series(CAST(0 AS bigint), :count - 1) AS n",
    "sqlite": "WITH RECURSIVE numbers(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM numbers "
    "WHERE n + 1 < :count) SELECT n FROM numbers",
}
REFERENCE = {
    "postgresql": "lpad((20 + n / 1000000)::text, 2, '0') || ' ' || lpad((n / 1000 % 1000)::text,"
    " 3, '0') || ' ' || lpad((n % 1000)::text, 3, '0')",
    "sqlite": "printf('%02d %03d %03d', 20 + n / 1000000, n / 1000 % 1000, n % 1000)",
}


def _days(dialect: str, days: str) -> str:
    """SQL for the date `days` (an SQL integer) days from :today."""
    if dialect == "postgresql":
        return f"(CAST(:today AS date) + CAST({days} AS integer))"
    return f"date(:today, ({days}) || ' days')"


def load(session: Session, recommendations: int, today: date, first_authority_id: int) -> None:
    """Bulk-load `recommendations` (two to a case) across 400 councils numbered from
    `first_authority_id`, with evidence for those awaiting review; then ANALYZE."""
    dialect = session.get_bind().dialect.name
    now = datetime.combine(today, time(12), UTC)  # as the benchmark's frozen clock has it
    stamp = now.isoformat(sep=" ") if dialect == "postgresql" else now.strftime("%Y-%m-%d %H:%M:%S")
    values = {"today": today.isoformat(), "now": stamp, "first": first_authority_id}
    cases = recommendations // 2
    # The SQL is put together from this module's constants only (S608).
    session.execute(
        sa.text(
            "INSERT INTO cases (reference, authority_id, category, subcategory, decision_date,"  # noqa: S608
            " outcome, satisfactory_remedy, public_report, created_at, updated_at, version)"
            f" SELECT {REFERENCE[dialect]}, :first + {_COUNCIL}, 'Adult care services',"
            f" 'Charging', {_days(dialect, '-30 - (n * 31) % 370')}, 'upheld', false, false,"
            f" :now, :now, 1 FROM ({NUMBERS[dialect]}) AS numbers"
        ),
        values | {"count": cases},
    )
    first_case = session.scalar(sa.text("SELECT min(id) FROM cases"))
    session.execute(
        sa.text(
            "INSERT INTO recommendations (case_id, authority_id, position, text, kind, status,"  # noqa: S608
            " explicit, evidence_expected, due_date, created_at, updated_at, version)"
            " SELECT :first_case + n / 2,"
            " (SELECT authority_id FROM cases WHERE id = :first_case + n / 2), 1 + n % 2,"
            " 'Within one month of my final decision, pay Mrs X £100.', 'personal',"
            f" {_STATUS}, true, '', CASE WHEN n % 50 = 4 THEN NULL ELSE"
            f" {_days(dialect, _DAYS)} END, :now, :now, 1"
            f" FROM ({NUMBERS[dialect]}) AS numbers"
        ),
        values | {"count": cases * 2, "first_case": first_case},
    )
    minutes = "((id % 100000) * 7919 % 100000)"
    submitted = (
        f"CAST(:now AS timestamptz) - make_interval(mins => {minutes})"
        if dialect == "postgresql"
        else f"strftime('%Y-%m-%d %H:%M:%f', :now, '-' || {minutes} || ' minutes')"
    )
    session.execute(
        sa.text(
            "INSERT INTO evidence_submissions (recommendation_id, revision, note, submitted_by_id,"  # noqa: S608
            f" submitted_at) SELECT id, 1, '', (SELECT min(id) FROM users), {submitted}"
            " FROM recommendations WHERE status = 'evidence_submitted'"
        ),
        values,
    )
    note_latest_evidence(session)
    session.commit()
    settle(session.get_bind())
