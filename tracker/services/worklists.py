"""The lists people work from: what is due, what waits for review, what to chase.

Each is one SELECT (with its count, through tracker.plumbing.pagination): the case and authority are
joined in, so a page costs the same few queries however many recommendations there are.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, selectinload

from tracker.models import Authority, Case, EvidenceSubmission, Recommendation, RecommendationStatus


def _with_case(scope: sa.ColumnElement[bool]) -> sa.Select[tuple[Recommendation]]:
    return (
        sa.select(Recommendation)
        .join(Recommendation.case)
        .join(Case.authority)
        .options(contains_eager(Recommendation.case).contains_eager(Case.authority))
        .where(scope)
    )


def _for_authority(
    statement: sa.Select[tuple[Recommendation]], authority: str
) -> sa.Select[tuple[Recommendation]]:
    return statement.where(Authority.code == authority.strip().upper()) if authority else statement


def due_list(
    scope: sa.ColumnElement[bool], *, authority: str = ""
) -> sa.Select[tuple[Recommendation]]:
    """Open recommendations, due soonest first (overdue ones first of all); undated last."""
    statement = _with_case(scope).where(Recommendation.is_open_condition())
    return _for_authority(statement, authority).order_by(
        Recommendation.due_date.is_(None), Recommendation.due_date, Recommendation.id
    )


def review_queue(
    scope: sa.ColumnElement[bool], *, authority: str = ""
) -> sa.Select[tuple[Recommendation]]:
    """Evidence awaiting review, the longest waiting first."""
    latest = (
        sa.select(
            EvidenceSubmission.recommendation_id,
            sa.func.max(EvidenceSubmission.submitted_at).label("submitted_at"),
        )
        .group_by(EvidenceSubmission.recommendation_id)
        .subquery()
    )
    statement = (
        _with_case(scope)
        .join(latest, latest.c.recommendation_id == Recommendation.id)
        .where(Recommendation.status == RecommendationStatus.EVIDENCE_SUBMITTED)
    )
    return _for_authority(statement, authority).order_by(latest.c.submitted_at, Recommendation.id)


def chase_list(
    scope: sa.ColumnElement[bool], today: date, *, authority: str = ""
) -> sa.Select[tuple[Recommendation]]:
    """Overdue recommendations, the most overdue first, optionally for one authority."""
    statement = _with_case(scope).where(Recommendation.overdue_condition(today))
    return _for_authority(statement, authority).order_by(Recommendation.due_date, Recommendation.id)


def recommendation_list(
    scope: sa.ColumnElement[bool],
    today: date,
    *,
    authority: str = "",
    status: RecommendationStatus | None = None,
    overdue: bool | None = None,
) -> sa.Select[tuple[Recommendation]]:
    """Every recommendation, open or closed, soonest due first (undated last), optionally for
    one authority, in one status, and overdue or not (the API's list)."""
    statement = _with_case(scope).options(selectinload(Recommendation.deadline_parts))
    if status is not None:
        statement = statement.where(Recommendation.status == status)
    if overdue is not None:
        statement = statement.where(
            Recommendation.overdue_condition(today)
            if overdue
            else Recommendation.not_overdue_condition(today)
        )
    return _for_authority(statement, authority).order_by(
        Recommendation.due_date.is_(None), Recommendation.due_date, Recommendation.id
    )
