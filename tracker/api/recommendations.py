"""API: recommendations."""

from __future__ import annotations

from typing import Any

from flask import request

from tracker.api import api_blueprint
from tracker.api.parsing import FORM_AND_FILES
from tracker.api.payloads import (
    chase_payload,
    extension_payload,
    recommendation_payload,
    submission_payload,
)
from tracker.api.schemas import (
    AssigneeInSchema,
    ChaseInSchema,
    ChaseSchema,
    EvidenceUploadSchema,
    ExtensionAgreeSchema,
    ExtensionDecisionSchema,
    ExtensionRefuseSchema,
    ExtensionRequestSchema,
    ExtensionSchema,
    RecommendationPageSchema,
    RecommendationQuerySchema,
    RecommendationSchema,
    RecommendationWithActionsSchema,
    ReviewAcceptSchema,
    ReviewRefuseSchema,
    ReviewSchema,
    SubmissionSchema,
)
from tracker.evidence.uploads import accepts_evidence, chosen, kept_uploads
from tracker.extensions import db
from tracker.models import Recommendation, RecommendationStatus
from tracker.plumbing import clock
from tracker.plumbing.pagination import paginate
from tracker.services import assignments, chases, compliance, worklists
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
    today = clock.today()
    statement = worklists.recommendation_list(
        access.recommendation_scope(access.acting_user()),
        today,
        authority=query.get("authority", ""),
        status=RecommendationStatus(query["status"]) if "status" in query else None,
        overdue=query.get("overdue"),
    )
    page = paginate(db.session, statement, query["page"], query["per_page"])
    chased = chases.chase_status(db.session, [item.id for item in page.items])
    return {
        "items": [recommendation_payload(item, today, chased[item.id]) for item in page.items],
        "page": page.page,
        "pages": page.pages,
        "total": page.total,
    }


@blp.route("/<int:recommendation_id>", methods=["GET"])
@blp.response(200, RecommendationWithActionsSchema)
@blp.answers(401, 404)
@access.signed_in
def read(recommendation_id: int) -> dict[str, Any]:
    """One recommendation. A council officer can see only their own council's."""
    recommendation = access.recommendation(recommendation_id)
    actions = compliance.actions_for(db.session, recommendation, access.acting_user())
    return _answer(recommendation, actions)


@blp.route("/<int:recommendation_id>/evidence", methods=["POST"])
@blp.arguments(EvidenceUploadSchema, location=FORM_AND_FILES)
@blp.response(201, SubmissionSchema)
@blp.answers(*CHANGE_ANSWERS, 503)
@accepts_evidence
@access.signed_in
def submit_evidence(form: dict[str, Any], recommendation_id: int) -> dict[str, Any]:
    """Send evidence (council officers): one or more `file` parts and an optional `note`.
    Files are checked by their content; each must be under the size limit (413). When virus
    scanning is on, a file with a virus is refused (422, code `infected`), and so is every
    file while the scanner cannot be reached (503); 503 too when the evidence store cannot be
    reached. Nothing is saved then."""
    recommendation = access.recommendation(recommendation_id, Permission.SUBMIT_EVIDENCE)
    uploads = [("file", upload, "") for upload in request.files.getlist("file") if chosen(upload)]
    kept = kept_uploads(db.session, evidence_store(), uploads, recommendation=recommendation)
    submission = compliance.submit_evidence(
        db.session,
        recommendation,
        kept,
        form["note"],
        actor=access.acting_user(),
        now=clock.now(),
        expected_version=form["version"],
    )
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
    recommendation = access.recommendation(recommendation_id, Permission.REVIEW_EVIDENCE)
    compliance.review(
        db.session,
        recommendation,
        body["decision"],
        body["note"],
        actor=access.acting_user(),
        now=clock.now(),
        expected_version=body["version"],
    )
    return _answer(recommendation)


@blp.route("/<int:recommendation_id>/extension", methods=["POST"])
@blp.arguments(ExtensionRequestSchema)
@blp.response(201, ExtensionSchema)
@blp.answers(*CHANGE_ANSWERS)
@access.signed_in
def request_extension(body: dict[str, Any], recommendation_id: int) -> dict[str, Any]:
    """Ask for more time (council officers), with the new date and the reason."""
    recommendation = access.recommendation(recommendation_id, Permission.REQUEST_EXTENSION)
    extension = compliance.request_extension(
        db.session,
        recommendation,
        body["until"],
        body["reason"],
        actor=access.acting_user(),
        now=clock.now(),
        today=clock.today(),
        expected_version=body["version"],
    )
    return extension_payload(extension, recommendation)


@blp.route("/<int:recommendation_id>/extension/decision", methods=["POST"])
@blp.arguments(ExtensionDecisionSchema)
@blp.doc(requestBody=_one_of(ExtensionAgreeSchema, ExtensionRefuseSchema))
@blp.response(200, ExtensionSchema)
@blp.answers(*CHANGE_ANSWERS)
@access.signed_in
def decide_extension(body: dict[str, Any], recommendation_id: int) -> dict[str, Any]:
    """Agree (the agreed due date moves) or refuse, with a note (caseworkers)."""
    recommendation = access.recommendation(recommendation_id, Permission.REVIEW_EVIDENCE)
    extension = compliance.decide_extension(
        db.session,
        recommendation,
        body["decision"],
        body["note"],
        actor=access.acting_user(),
        now=clock.now(),
        expected_version=body["version"],
    )
    return extension_payload(extension, recommendation)


@blp.route("/<int:recommendation_id>/chases", methods=["POST"])
@blp.arguments(ChaseInSchema)
@blp.response(201, ChaseSchema)
@blp.answers(*CHANGE_ANSWERS)
@access.signed_in
def record_chase(body: dict[str, Any], recommendation_id: int) -> dict[str, Any]:
    """Record a chase made by hand (caseworkers): `method` (email, phone, letter or meeting),
    `date` (today or earlier) and a `note` of what was said. It counts as a chaser: the next
    automatic one is due 7 days after it. 409 if the recommendation is closed."""
    recommendation = access.recommendation(recommendation_id, Permission.CHASE)
    user = access.acting_user()
    chase = chases.record_chase(
        db.session,
        recommendation,
        body["method"],
        body["note"],
        body["date"],
        actor=user,
        today=clock.today(),
        now=clock.now(),
    )
    return chase_payload(chase, user)


@blp.route("/<int:recommendation_id>/assignee", methods=["POST"])
@blp.arguments(AssigneeInSchema)
@blp.response(200, RecommendationSchema)
@blp.answers(*CHANGE_ANSWERS)
@access.signed_in
def assign(body: dict[str, Any], recommendation_id: int) -> dict[str, Any]:
    """Give the recommendation to an officer of its council by `email` (`null`: to nobody),
    who then receives its reminders and chasers (the council's link officers and
    caseworkers). 422 if they are not an active officer of that council; 409 if closed."""
    recommendation = access.recommendation(recommendation_id, Permission.ASSIGN)
    assignments.assign(
        db.session, recommendation, body["email"], actor=access.acting_user(), now=clock.now()
    )
    return _answer(recommendation)


def _answer(
    recommendation: Recommendation, actions: frozenset[compliance.Action] | None = None
) -> dict[str, Any]:
    chased = chases.chase_status(db.session, [recommendation.id])[recommendation.id]
    return recommendation_payload(recommendation, clock.today(), chased, actions)
