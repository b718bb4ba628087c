"""Finding cases: search by reference and filters by authority, outcome and year."""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from tracker.models import Authority, Case, Outcome, Recommendation
from tracker.plumbing.years import FinancialYear
from tracker.services.errors import ValidationError

_SEPARATORS = re.compile(r"[\s-]+")


@dataclass(frozen=True)
class CaseFilters:
    """What the person searching asked for; empty values mean "any"."""

    reference: str = ""
    authority: str = ""
    outcome: str = ""
    year: str = ""


def reference_prefix(text: str) -> str:
    """The start of a normalised reference from what was typed: `2400` → `24 00`."""
    digits = _SEPARATORS.sub("", text)
    if not digits.isdigit() or len(digits) > 8:
        raise ValueError("Enter all or the start of a case reference, like 24 007 343")
    groups = [digits[:2], digits[2:5], digits[5:8]]
    return " ".join(group for group in groups if group)


def case_search(scope: sa.ColumnElement[bool], filters: CaseFilters) -> sa.Select[tuple[Case]]:
    """Cases within `scope` matching `filters`, newest decision first.

    Raises ValidationError for filters that make no sense. Authorities are loaded for the
    page's rows only, after LIMIT/OFFSET, so deep pages stay cheap.
    """
    problems: dict[str, str] = {}
    statement = (
        sa.select(Case)
        .options(selectinload(Case.authority))
        .where(scope)
        .order_by(Case.decision_date.desc(), Case.reference.desc())
    )
    if filters.reference.strip():
        try:
            prefix = reference_prefix(filters.reference)
        except ValueError as error:
            problems["reference"] = str(error)
        else:
            # A range rather than LIKE, so the unique index on reference serves it everywhere.
            after = prefix[:-1] + chr(ord(prefix[-1]) + 1)
            statement = statement.where(Case.reference >= prefix, Case.reference < after)
    if filters.authority:
        statement = statement.where(
            Case.authority_id.in_(
                sa.select(Authority.id).where(Authority.code == filters.authority.upper())
            )
        )
    if filters.outcome:
        try:
            statement = statement.where(Case.outcome == Outcome(filters.outcome))
        except ValueError:
            problems["outcome"] = "Choose an outcome from the list"
    if filters.year:
        try:
            year = FinancialYear.parse(filters.year)
        except ValueError as error:
            problems["year"] = str(error)
        else:
            statement = statement.where(Case.decision_date.between(year.first_day, year.last_day))
    if problems:
        raise ValidationError(problems)
    return statement


def recommendation_counts(session: Session, cases: list[Case]) -> dict[int, int]:
    """How many recommendations each of these cases has, in one query."""
    rows = session.execute(
        sa.select(Recommendation.case_id, sa.func.count())
        .where(Recommendation.case_id.in_([case.id for case in cases]))
        .group_by(Recommendation.case_id)
    )
    return {case.id: 0 for case in cases} | dict(rows.all())


def years_with_cases(session: Session, scope: sa.ColumnElement[bool]) -> list[FinancialYear]:
    """Every financial year from the earliest decision in scope to the latest, newest first."""
    earliest, latest = session.execute(
        sa.select(sa.func.min(Case.decision_date), sa.func.max(Case.decision_date)).where(scope)
    ).one()
    if earliest is None:
        return []
    first, last = FinancialYear.of(earliest), FinancialYear.of(latest)
    return [FinancialYear(year) for year in range(last.start_year, first.start_year - 1, -1)]
