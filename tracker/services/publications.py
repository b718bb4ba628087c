"""What the public sees: published performance pages, service improvements and public reports.

Nothing personal is ever published: only service improvements (never personal remedies),
with their timescales taken out, beside the case's reference and categories. A service
improvement is shown for 5 years after its decision, or 10 when the case was a public report.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tracker import deadlines
from tracker.models import (
    Authority,
    Case,
    Outcome,
    Publication,
    Recommendation,
    RecommendationKind,
    User,
)
from tracker.plumbing.pagination import Page, paginate
from tracker.plumbing.years import FinancialYear
from tracker.services import audit, statistics

DECISIONS_SHOWN_YEARS = 5
REPORTS_SHOWN_YEARS = 10


def publish(
    session: Session, authority: Authority, year: FinancialYear, *, actor: User, now: datetime
) -> Publication:
    """Publish (or publish again) the authority's performance page for `year`, with its
    figures as they stand now."""
    counted = statistics.authority_figures(session, authority, year)
    # The page also says how many outcomes were satisfactory, and how many reports there were.
    figures = statistics.as_published(counted) | {
        "complied": counted.counts.complied,
        "public_reports": counted.counts.public_reports,
    }
    publication = published(session, authority, year)
    before = None
    if publication is None:
        publication = Publication(authority_id=authority.id, year=year.label, figures=figures)
        session.add(publication)
    else:
        before = {"figures": publication.figures, "published_at": publication.published_at}
        publication.figures = figures
    publication.published_by_id = actor.id
    publication.published_at = now
    audit.record(
        session,
        action="publication.published",
        entity=publication,
        actor=actor,
        now=now,
        before=audit.snapshot_values(before) if before else None,
        after={"authority": authority.code, "year": year.label, "figures": figures},
    )
    return publication


def published(session: Session, authority: Authority, year: FinancialYear) -> Publication | None:
    """The authority's published page for `year`, if there is one."""
    return session.scalar(
        sa.select(Publication).where(
            Publication.authority_id == authority.id, Publication.year == year.label
        )
    )


def published_years(session: Session, authority: Authority) -> list[FinancialYear]:
    """The years the authority's page has been published for, newest first."""
    labels = session.scalars(
        sa.select(Publication.year)
        .where(Publication.authority_id == authority.id)
        .order_by(Publication.year.desc())
    )
    return [FinancialYear.parse(label) for label in labels]


def published_authorities(session: Session) -> list[tuple[Authority, str]]:
    """Authorities with a published page, by name, each with its latest published year."""
    latest = (
        sa.select(Publication.authority_id, sa.func.max(Publication.year).label("year"))
        .group_by(Publication.authority_id)
        .subquery()
    )
    rows = session.execute(
        sa.select(Authority, latest.c.year)
        .join(latest, latest.c.authority_id == Authority.id)
        .order_by(Authority.name)
    )
    return [(authority, year) for authority, year in rows]


@dataclass(frozen=True)
class ServiceImprovements:
    """One case's published service improvements."""

    reference: str
    category: str
    subcategory: str
    decision_date: date
    public_report: bool
    improvements: list[str]


def _shown(today: date) -> sa.ColumnElement[bool]:
    """Still within its publication period: 5 years from the decision, 10 for a report."""
    return sa.or_(
        Case.decision_date > deadlines.add_months(today, -12 * DECISIONS_SHOWN_YEARS),
        sa.and_(
            Case.public_report,
            Case.decision_date > deadlines.add_months(today, -12 * REPORTS_SHOWN_YEARS),
        ),
    )


def _improved_cases(authority: Authority, today: date) -> sa.Select[Any]:
    """The authority's upheld cases on show with a service improvement: read from two partial
    indexes (upheld cases by authority, service improvements by case), whose predicates the
    values are written into the SQL to match (a planner proves that from literals only)."""
    has_improvement = (
        sa.select(Recommendation.id)
        .where(
            Recommendation.case_id == Case.id,
            Recommendation.kind
            == _written_in(Recommendation.kind, RecommendationKind.SERVICE_IMPROVEMENT),
        )
        .exists()
    )
    return sa.select(Case.id).where(
        Case.authority_id == authority.id,
        Case.outcome == _written_in(Case.outcome, Outcome.UPHELD),
        _shown(today),
        has_improvement,
    )


def _written_in(column: Any, value: object) -> sa.BindParameter[Any]:
    """`value` of `column`, written into the SQL rather than sent as a parameter."""
    return sa.bindparam(None, value, type_=column.type, literal_execute=True, unique=True)


def service_improvements(
    session: Session, authority: Authority, today: date, *, page: int = 1, per_page: int = 10
) -> Page[ServiceImprovements]:
    """A page of the cases with service improvements on show, latest decision first, each
    with its improvements' published words (their timescales taken out). Three queries."""
    cases = paginate(session, _latest_improved_cases(authority, today), page, per_page)
    return replace(cases, items=_improvements(session, cases.items))


@dataclass(frozen=True)
class LatestServiceImprovements:
    """The latest cases with service improvements, and whether there are more."""

    items: list[ServiceImprovements]
    more: bool


def latest_service_improvements(
    session: Session, authority: Authority, today: date, *, count: int = 10
) -> LatestServiceImprovements:
    """The latest `count` cases with service improvements on show, as `service_improvements`
    gives them, and whether there are more: work in proportion to `count`, where counting
    them all grows with the council (25,000 upheld cases for the largest at 1M). Two queries."""
    ids = list(session.scalars(_latest_improved_cases(authority, today).limit(count + 1)))
    return LatestServiceImprovements(_improvements(session, ids[:count]), more=len(ids) > count)


def _latest_improved_cases(authority: Authority, today: date) -> sa.Select[Any]:
    return _improved_cases(authority, today).order_by(
        Case.decision_date.desc(), Case.reference.desc()
    )


def _improvements(session: Session, case_ids: list[int]) -> list[ServiceImprovements]:
    """The cases' service improvements, in the order of `case_ids` (latest first)."""
    rows = session.execute(
        sa.select(
            Case.reference,
            Case.category,
            Case.subcategory,
            Case.decision_date,
            Case.public_report,
            Recommendation.text,
        )
        .join(Recommendation, Recommendation.case_id == Case.id)
        .where(
            Case.id.in_(case_ids),
            # Never a personal remedy: only what the council changes for everyone.
            Recommendation.kind == RecommendationKind.SERVICE_IMPROVEMENT,
        )
        .order_by(Case.decision_date.desc(), Case.reference.desc(), Recommendation.position)
    )
    found: dict[str, ServiceImprovements] = {}
    for reference, category, subcategory, decided, report, text in rows:
        entry = found.setdefault(
            reference, ServiceImprovements(reference, category, subcategory, decided, report, [])
        )
        entry.improvements.append(deadlines.text_without_deadlines(text))
    return list(found.values())


def public_reports(session: Session, authority: Authority, today: date) -> list[Case]:
    """The authority's public reports still on show (10 years), latest first."""
    return list(
        session.scalars(
            sa.select(Case)
            .where(
                Case.authority_id == authority.id,
                Case.public_report,
                Case.decision_date > deadlines.add_months(today, -12 * REPORTS_SHOWN_YEARS),
            )
            .order_by(Case.decision_date.desc(), Case.reference.desc())
        )
    )
