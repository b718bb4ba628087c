"""Records turned into the API's answers (the schemas document and check their shape)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from tracker.models import (
    Authority,
    Case,
    Chase,
    Escalation,
    EvidenceSubmission,
    ExtensionRequest,
    Recommendation,
    User,
)
from tracker.services.chases import ChaseStatus
from tracker.services.compliance import Action


def authority_payload(authority: Authority) -> dict[str, Any]:
    """An authority as the API shows it."""
    return {
        "code": authority.code,
        "name": authority.name,
        "type": authority.type.value,
        "population": authority.population,
    }


def recommendation_payload(
    recommendation: Recommendation,
    today: date,
    chased: ChaseStatus,
    actions: Iterable[Action] | None = None,
) -> dict[str, Any]:
    """A recommendation as the API shows it; `overdue` is worked out as of `today`; `chased`
    says how often and when last it was chased and who holds it at the council; with
    `actions` (what the person asking may do next) when they are given."""
    payload = {
        "id": recommendation.id,
        "case": recommendation.case.reference,
        "position": recommendation.position,
        "text": recommendation.text,
        "kind": recommendation.kind.value,
        "amount": recommendation.amount,
        "status": recommendation.status.value,
        "due_date": recommendation.due_date,
        "decision_due_date": recommendation.decision_due_date,
        "explicit": recommendation.explicit,
        "due_date_source": (
            recommendation.due_date_source.value if recommendation.due_date_source else None
        ),
        "deadline_parts": [
            {
                "phrase": part.phrase,
                "due_date": part.due_date,
                "awaits_event": part.awaits_event,
                "event_date": part.event_date,
            }
            for part in recommendation.deadline_parts
        ],
        "overdue": recommendation.is_overdue(today),
        "assignee": chased.assignee,
        "chasers": chased.chasers,
        "last_chased_on": chased.last_chased_on,
        "escalation": chased.escalation,
        "version": recommendation.version,
    }
    if actions is not None:
        payload["actions"] = sorted(action.value for action in actions)
    return payload


def case_payload(case: Case, today: date, chased: Mapping[int, ChaseStatus]) -> dict[str, Any]:
    """A case and its recommendations as the API shows them (`chased`: by recommendation id)."""
    return {
        "reference": case.reference,
        "authority": case.authority.code,
        "category": case.category,
        "subcategory": case.subcategory,
        "decision_date": case.decision_date,
        "outcome": case.outcome.value,
        "satisfactory_remedy": case.satisfactory_remedy,
        "public_report": case.public_report,
        "compliance_outcome": case.compliance_outcome.value if case.compliance_outcome else None,
        "compliance_date": case.compliance_date,
        "recommendations": [
            recommendation_payload(r, today, chased[r.id]) for r in case.recommendations
        ],
    }


def extension_payload(
    extension: ExtensionRequest, recommendation: Recommendation
) -> dict[str, Any]:
    """A request for more time as the API shows it."""
    return {
        "id": extension.id,
        "recommendation": recommendation.id,
        "until": extension.requested_until,
        "reason": extension.reason,
        "status": extension.status.value,
        "decision_note": extension.decision_note,
        "due_date": recommendation.due_date,
    }


def submission_payload(submission: EvidenceSubmission) -> dict[str, Any]:
    """A revision of evidence as the API shows it."""
    return {
        "recommendation": submission.recommendation_id,
        "revision": submission.revision,
        "note": submission.note,
        "submitted_at": submission.submitted_at,
        "files": [
            {
                "id": f.id,
                "name": f.original_name,
                "content_type": f.content_type,
                "size": f.size,
                "sha256": f.sha256,
            }
            for f in submission.files
        ],
    }


def chase_payload(chase: Chase, recorded_by: User) -> dict[str, Any]:
    """A chase made by hand as the API shows it."""
    return {
        "id": chase.id,
        "recommendation": chase.recommendation_id,
        "method": chase.method.value,
        "date": chase.chased_on,
        "note": chase.note,
        "recorded_by": recorded_by.email,
        "recorded_at": chase.recorded_at,
    }


def escalation_payload(escalation: Escalation, taken_by: User) -> dict[str, Any]:
    """A step of the escalation ladder as the API shows it."""
    return {
        "step": escalation.step.value,
        "note": escalation.note,
        "by": taken_by.email,
        "on": escalation.taken_on,
    }
