"""API: cases."""

from __future__ import annotations

from typing import Any

from flask import current_app

from tracker.api import api_blueprint
from tracker.api.payloads import case_payload, escalation_payload
from tracker.api.schemas import CaseInSchema, CaseSchema, EscalationInSchema, EscalationSchema
from tracker.extensions import db
from tracker.models import Case
from tracker.plumbing import clock
from tracker.plumbing.settings import deadline_rules
from tracker.services import chases, escalations
from tracker.services.cases import CaseInput, RecommendationInput, create_case
from tracker.web import access
from tracker.web.access import Permission

blp = api_blueprint("Cases", "Decided cases and their recommendations")


@blp.route("", methods=["POST"])
@blp.arguments(CaseInSchema)
@blp.response(201, CaseSchema)
@blp.answers(400, 401, 403, 409, 413, 422)
@access.requires(Permission.RECORD_CASES)
def create(body: dict[str, Any]) -> dict[str, Any]:
    """Record a case with its recommendations (caseworkers)."""
    recommendations = [RecommendationInput(**entry) for entry in body.pop("recommendations")]
    case = create_case(
        db.session,
        CaseInput(**body, recommendations=recommendations),
        actor=access.acting_user(),
        now=clock.now(),
        today=clock.today(),
        rules=deadline_rules(current_app.config),
    )
    return _answer(case)


@blp.route("/<reference>", methods=["GET"])
@blp.response(200, CaseSchema)
@blp.answers(401, 404)
@access.signed_in
def read(reference: str) -> dict[str, Any]:
    """One case (reference as `24 007 343`, `24007343` or `24-007-343`) and its
    recommendations. A council officer can see only their own council's cases."""
    return _answer(access.case(reference))


@blp.route("/<reference>/escalations", methods=["POST"])
@blp.arguments(EscalationInSchema)
@blp.response(201, EscalationSchema)
@blp.answers(400, 401, 403, 404, 409, 413, 422)
@access.signed_in
def escalate(body: dict[str, Any], reference: str) -> dict[str, Any]:
    """Record a step of the escalation ladder taken on the case today, with why (caseworkers
    and managers). 409 once the case has its compliance outcome."""
    case = access.case(reference, Permission.ESCALATE)
    user = access.acting_user()
    escalation = escalations.record_step(
        db.session,
        case,
        body["step"],
        body["note"],
        actor=user,
        today=clock.today(),
        now=clock.now(),
    )
    return escalation_payload(escalation, user)


@blp.route("/<reference>/escalations", methods=["GET"])
@blp.response(200, EscalationSchema(many=True))
@blp.answers(401, 403, 404)
@access.signed_in
def escalation_steps(reference: str) -> list[dict[str, Any]]:
    """The steps of the escalation ladder taken on the case, oldest first (caseworkers and
    managers: the notes are the Ombudsman's)."""
    case = access.case(reference, Permission.ESCALATE)
    return [escalation_payload(step, by) for step, by in escalations.steps_of(db.session, case.id)]


def _answer(case: Case) -> dict[str, Any]:
    chased = chases.chase_status(db.session, [r.id for r in case.recommendations])
    return case_payload(case, clock.today(), chased)
