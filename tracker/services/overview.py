"""Counts of open work: what is open, overdue, due soon, awaiting review, long delayed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload

from tracker.models import Authority, Case, Recommendation, RecommendationStatus, User

DUE_SOON_DAYS = 14


@dataclass(frozen=True)
class WorkCounts:
    """How much open remedy work there is within a scope."""

    open: int
    overdue: int
    due_soon: int
    awaiting_review: int


def figures(today: date) -> dict[str, sa.ColumnElement[int]]:
    """Counts of open work as SQL aggregates over recommendations, by name: the home pages
    and the scheduler's daily snapshots select the ones they show."""
    is_open = Recommendation.is_open_condition()
    return {
        "open": sa.func.count().filter(is_open),
        "overdue": sa.func.count().filter(Recommendation.overdue_condition(today)),
        "due_soon": sa.func.count().filter(
            is_open, Recommendation.due_date.between(today, today + timedelta(days=DUE_SOON_DAYS))
        ),
        "awaiting_review": sa.func.count().filter(
            Recommendation.status == RecommendationStatus.EVIDENCE_SUBMITTED
        ),
        "delayed_remedies": sa.func.count().filter(
            is_open, Recommendation.delayed_remedy_since.is_not(None)
        ),
    }


def work_counts(session: Session, scope: sa.ColumnElement[bool], today: date) -> WorkCounts:
    """One aggregate query over the recommendations of the cases in `scope`."""
    named = figures(today)
    row = session.execute(
        sa.select(*(named[name] for name in ("open", "overdue", "due_soon", "awaiting_review")))
        .select_from(Recommendation)
        .join(Recommendation.case)
        .where(scope)
    ).one()
    return WorkCounts(*(int(value) for value in row))


def recent_cases(session: Session, scope: sa.ColumnElement[bool], limit: int = 5) -> list[Case]:
    """The latest decided cases within `scope`."""
    return list(
        session.scalars(
            sa.select(Case)
            .where(scope)
            .options(joinedload(Case.authority))
            .order_by(Case.decision_date.desc(), Case.id.desc())
            .limit(limit)
        )
    )


def record_counts(session: Session) -> dict[str, int]:
    """How many accounts and authorities there are (an admin's home page)."""
    return {
        "user_count": session.scalar(sa.select(sa.func.count(User.id))) or 0,
        "authority_count": session.scalar(sa.select(sa.func.count(Authority.id))) or 0,
    }
