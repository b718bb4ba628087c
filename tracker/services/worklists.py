"""The lists people work from: what is due, what waits for review, what to chase.

Each is one SELECT of recommendations in the order of an index, paged by
tracker.plumbing.pagination: the count reads `recommendations` alone (one council's through
its own column, `authority_id`, and its own indexes), the page reads its keys from the index
and then joins the case and authority to those rows only. `scope` is a WHERE clause on
`Recommendation` (tracker.web.access.recommendation_scope).
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from tracker.models import Authority, Case, Recommendation, RecommendationStatus

# Soonest due first, undated last: the order of the index `ix_recommendations_open_due`.
DUE_ORDER = (Recommendation.due_date.is_(None), Recommendation.due_date, Recommendation.id)


def _with_case(scope: sa.ColumnElement[bool], authority: str) -> sa.Select[tuple[Recommendation]]:
    statement = sa.select(Recommendation).options(
        joinedload(Recommendation.case, innerjoin=True).joinedload(Case.authority, innerjoin=True)
    )
    if not isinstance(scope, sa.sql.elements.True_):
        statement = statement.where(scope)
    if authority:
        code = authority.strip().upper()
        statement = statement.where(
            Recommendation.authority_id
            == sa.select(Authority.id).where(Authority.code == code).scalar_subquery()
        )
    return statement


def due_list(
    scope: sa.ColumnElement[bool], *, authority: str = ""
) -> sa.Select[tuple[Recommendation]]:
    """Open recommendations, due soonest first (overdue ones first of all); undated last."""
    return (
        _with_case(scope, authority).where(Recommendation.is_open_condition()).order_by(*DUE_ORDER)
    )


def review_queue(
    scope: sa.ColumnElement[bool], *, authority: str = ""
) -> sa.Select[tuple[Recommendation]]:
    """Evidence awaiting review, the longest waiting first (the order of the index
    `ix_recommendations_review_queue`)."""
    return (
        _with_case(scope, authority)
        .where(Recommendation.status == RecommendationStatus.EVIDENCE_SUBMITTED)
        .order_by(Recommendation.evidence_submitted_at, Recommendation.id)
    )


def chase_list(
    scope: sa.ColumnElement[bool], today: date, *, authority: str = ""
) -> sa.Select[tuple[Recommendation]]:
    """Overdue recommendations, the most overdue first, optionally for one authority."""
    # The due list's order, which for dated work is the due date's: the same index serves both.
    return (
        _with_case(scope, authority)
        .where(Recommendation.overdue_condition(today))
        .order_by(*DUE_ORDER)
    )


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
    statement = _with_case(scope, authority).options(selectinload(Recommendation.deadline_parts))
    if status is not None:
        statement = statement.where(Recommendation.status == status)
    if overdue is not None:
        statement = statement.where(
            Recommendation.overdue_condition(today)
            if overdue
            else Recommendation.not_overdue_condition(today)
        )
    return statement.order_by(*DUE_ORDER)
