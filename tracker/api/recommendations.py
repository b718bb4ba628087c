"""API: recommendations."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import request
from sqlalchemy.orm import contains_eager, selectinload

from tracker.api import api_blueprint
from tracker.api.parsing import FORM_AND_FILES
from tracker.api.payloads import extension_payload, recommendation_payload, submission_payload
from tracker.api.schemas import (
    EvidenceUploadSchema,
    ExtensionAgreeSchema,
    ExtensionDecisionSchema,
    ExtensionRefuseSchema,
    ExtensionRequestSchema,
    ExtensionSchema,
    RecommendationPageSchema,
    RecommendationQuerySchema,
    RecommendationSchema,
    ReviewAcceptSchema,
    ReviewRefuseSchema,
    ReviewSchema,
    SubmissionSchema,
)
from tracker.evidence.uploads import accepts_evidence, chosen, kept_uploads
from tracker.extensions import db
from tracker.models import Authority, Case, Recommendation, RecommendationStatus
from tracker.plumbing import clock
from tracker.plumbing.pagination import paginate
from tracker.services import compliance
from tracker.web import access, evidence_store
from tracker.web.access import Permission

blp = api_blueprint("Recommendations", "Recommendations and where they stand")
CHANGE_ANSWERS = (400, 401, 403, 404, 409, 413, 422)


def _one_of(*schemas: type) -> dict[str, Any]:
    """A JSON request body that is one of `schemas` (OpenAPI 3.0 has no if/then: a rule
    such as "a refusal needs a note" is said as one shape per case)."""
    return {
        "required": True,
        "content": {"application/json": {"schema": {"oneOf": list(schemas)}}},
    }


@blp.route("", methods=["GET"])
@blp.arguments(RecommendationQuerySchema, location="query")
@blp.response(200, RecommendationPageSchema)
@blp.answers(401, 422)
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


@blp.route("/<int:recommendation_id>", methods=["GET"])
@blp.response(200, RecommendationSchema)
@blp.answers(401, 404)
@access.signed_in
def read(recommendation_id: int) -> dict[str, Any]:
    """One recommendation. A council officer can see only their own council's."""
    recommendation = access.get_recommendation_or_404(recommendation_id, access.acting_user())
    return recommendation_payload(recommendation, clock.today())


@blp.route("/<int:recommendation_id>/evidence", methods=["POST"])
@blp.arguments(EvidenceUploadSchema, location=FORM_AND_FILES)
@blp.response(201, SubmissionSchema)
@blp.answers(*CHANGE_ANSWERS)
@accepts_evidence
@access.signed_in
def submit_evidence(form: dict[str, Any], recommendation_id: int) -> dict[str, Any]:
    """Send evidence (council officers): one or more `file` parts and an optional `note`.
    Files are checked by their content; each must be under the size limit (413)."""
    user = access.acting_user()
    recommendation = access.get_recommendation_or_404(recommendation_id, user)
    access.ensure(user, Permission.SUBMIT_EVIDENCE)
    uploads = [("file", upload, "") for upload in request.files.getlist("file") if chosen(upload)]
    kept = kept_uploads(db.session, evidence_store(), uploads)
    submission = compliance.submit_evidence(
        db.session,
        recommendation,
        kept,
        form["note"],
        actor=user,
        now=clock.now(),
        expected_version=form["version"],
    )
    db.session.commit()
    return submission_payload(submission)


@blp.route("/<int:recommendation_id>/review", methods=["POST"])
@blp.arguments(ReviewSchema)
@blp.doc(requestBody=_one_of(ReviewAcceptSchema, ReviewRefuseSchema))
@blp.response(200, RecommendationSchema)
@blp.answers(*CHANGE_ANSWERS)
@access.signed_in
def review(body: dict[str, Any], recommendation_id: int) -> dict[str, Any]:
    """Judge the evidence (caseworkers): accept, changes_requested or not_complied, with a
    note (needed for the last two). 409 if the recommendation changed or is closed."""
    user = access.acting_user()
    recommendation = access.get_recommendation_or_404(recommendation_id, user)
    access.ensure(user, Permission.REVIEW_EVIDENCE)
    compliance.review(
        db.session,
        recommendation,
        body["decision"],
        body["note"],
        actor=user,
        now=clock.now(),
        expected_version=body["version"],
    )
    db.session.commit()
    return recommendation_payload(recommendation, clock.today())


@blp.route("/<int:recommendation_id>/extension", methods=["POST"])
@blp.arguments(ExtensionRequestSchema)
@blp.response(201, ExtensionSchema)
@blp.answers(*CHANGE_ANSWERS)
@access.signed_in
def request_extension(body: dict[str, Any], recommendation_id: int) -> dict[str, Any]:
    """Ask for more time (council officers), with the new date and the reason."""
    user = access.acting_user()
    recommendation = access.get_recommendation_or_404(recommendation_id, user)
    access.ensure(user, Permission.REQUEST_EXTENSION)
    extension = compliance.request_extension(
        db.session,
        recommendation,
        body["until"],
        body["reason"],
        actor=user,
        now=clock.now(),
        today=clock.today(),
        expected_version=body["version"],
    )
    db.session.commit()
    return extension_payload(extension, recommendation)


@blp.route("/<int:recommendation_id>/extension/decision", methods=["POST"])
@blp.arguments(ExtensionDecisionSchema)
@blp.doc(requestBody=_one_of(ExtensionAgreeSchema, ExtensionRefuseSchema))
@blp.response(200, ExtensionSchema)
@blp.answers(*CHANGE_ANSWERS)
@access.signed_in
def decide_extension(body: dict[str, Any], recommendation_id: int) -> dict[str, Any]:
    """Agree (the agreed due date moves) or refuse, with a note (caseworkers)."""
    user = access.acting_user()
    recommendation = access.get_recommendation_or_404(recommendation_id, user)
    access.ensure(user, Permission.REVIEW_EVIDENCE)
    extension = compliance.decide_extension(
        db.session,
        recommendation,
        body["decision"],
        body["note"],
        actor=user,
        now=clock.now(),
        expected_version=body["version"],
    )
    db.session.commit()
    return extension_payload(extension, recommendation)
