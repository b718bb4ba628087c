"""API: recommendations."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, selectinload

from tracker import access, clock
from tracker.api import api_blueprint
from tracker.api.payloads import recommendation_payload
from tracker.api.schemas import RecommendationPageSchema, RecommendationQuerySchema
from tracker.extensions import db
from tracker.models import Authority, Case, Recommendation, RecommendationStatus
from tracker.pagination import paginate

blp = api_blueprint("Recommendations", "Recommendations and where they stand")


@blp.route("", methods=["GET"])
@blp.arguments(RecommendationQuerySchema, location="query")
@blp.response(200, RecommendationPageSchema)
@access.signed_in
def index(query: dict[str, Any]) -> dict[str, Any]:
    """Recommendations the caller may see, soonest due first; filter by authority code,
    status, and overdue (not closed, agreed due date before today)."""
    user, today = access.acting_user(), clock.today()
    statement = (
        sa.select(Recommendation)
        .join(Recommendation.case)
        .options(contains_eager(Recommendation.case), selectinload(Recommendation.deadline_parts))
        .where(access.case_scope(user))
        .order_by(Recommendation.due_date.is_(None), Recommendation.due_date, Recommendation.id)
    )
    if "authority" in query:
        statement = statement.where(
            Case.authority_id.in_(
                sa.select(Authority.id).where(Authority.code == query["authority"].upper())
            )
        )
    if "status" in query:
        statement = statement.where(Recommendation.status == RecommendationStatus(query["status"]))
    if "overdue" in query:
        statement = statement.where(
            Recommendation.overdue_condition(today)
            if query["overdue"]
            else Recommendation.not_overdue_condition(today)
        )
    page = paginate(db.session, statement, query["page"], query["per_page"])
    return {
        "items": [recommendation_payload(item, today) for item in page.items],
        "page": page.page,
        "pages": page.pages,
        "total": page.total,
    }
