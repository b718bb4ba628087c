"""Counts for the home pages: what is open, overdue, due soon and awaiting review."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload

from tracker.models import Case, Recommendation, RecommendationStatus

DUE_SOON_DAYS = 14


@dataclass(frozen=True)
class WorkCounts:
    """How much open remedy work there is within a scope."""

    open: int
    overdue: int
    due_soon: int
    awaiting_review: int


def work_counts(session: Session, scope: sa.ColumnElement[bool], today: date) -> WorkCounts:
    """One aggregate query over the recommendations of the cases in `scope`."""
    is_open = Recommendation.is_open_condition()
    row = session.execute(
        sa.select(
            sa.func.count().filter(is_open),
            sa.func.count().filter(Recommendation.overdue_condition(today)),
            sa.func.count().filter(
                is_open,
                Recommendation.due_date.between(today, today + timedelta(days=DUE_SOON_DAYS)),
            ),
            sa.func.count().filter(
                Recommendation.status == RecommendationStatus.EVIDENCE_SUBMITTED
            ),
        )
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
