"""The compliance workflow: evidence, review, extensions, and the case's compliance outcome.

open → evidence submitted → accepted, or changes requested (back to the council with the
caseworker's reason); not complied closes it with a reason. When every recommendation of a
case is closed the case's outcome is recorded that day; reopening one withdraws it.
Every step is an event in the audit trail, and a stale or concurrent change is refused.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tracker.models import (
    Case,
    ComplianceOutcome,
    DueDateSource,
    EvidenceFile,
    EvidenceReview,
    EvidenceSubmission,
    ExtensionRequest,
    ExtensionStatus,
    Recommendation,
    RecommendationStatus,
    ReviewDecision,
    User,
)
from tracker.permissions import Permission, can
from tracker.plumbing import metrics
from tracker.plumbing.local_time import local_date
from tracker.plumbing.storage import StoredFile
from tracker.services import audit
from tracker.services.errors import (
    ConflictError,
    StateError,
    ValidationError,
    stale_as_conflict,
)
from tracker.services.recommendations import DEADLINE_FIELDS, STALE_MESSAGE

MAX_NOTE = 5000
MAX_FILES = 10  # files in one submission, on the page and in the API alike
STATUS_FIELDS = ("status", "completed_on")


def submit_evidence(
    session: Session,
    recommendation: Recommendation,
    files: Sequence[tuple[StoredFile, str]],
    note: str,
    *,
    actor: User,
    now: datetime,
    expected_version: int | None = None,
) -> EvidenceSubmission:
    """A council officer sends evidence: a new revision, never a replacement."""
    _check_version(recommendation, expected_version)
    if recommendation.status.closed:
        raise StateError(
            f"This recommendation is {recommendation.status.label.lower()}: "
            "it takes no more evidence unless a caseworker reopens it."
        )
    if not files:
        raise ValidationError({"file": "Choose at least one file to upload"})
    check_file_count(len(files))
    for text, field in ((note, "note"), *((file_note, "file_note") for _, file_note in files)):
        _check_note(text, field)
    with stale_as_conflict(STALE_MESSAGE):
        revision = (
            session.scalar(
                sa.select(sa.func.max(EvidenceSubmission.revision)).where(
                    EvidenceSubmission.recommendation_id == recommendation.id
                )
            )
            or 0
        ) + 1
        submission = EvidenceSubmission(
            recommendation_id=recommendation.id,
            revision=revision,
            note=note.strip(),
            submitted_by_id=actor.id,
            submitted_at=now,
        )
        session.add(submission)
        for stored, file_note in files:
            submission.files.append(
                EvidenceFile(
                    original_name=stored.original_name,
                    content_type=stored.content_type,
                    size=stored.size,
                    sha256=stored.sha256,
                    note=file_note.strip(),
                )
            )
        before = audit.snapshot(recommendation, STATUS_FIELDS)
        recommendation.status = RecommendationStatus.EVIDENCE_SUBMITTED
        recommendation.evidence_submitted_at = now  # its place in the review queue
        recommendation.updated_at = now  # every action moves the version: races are caught
        session.flush()
    audit.record(
        session,
        action="evidence.submitted",
        entity=submission,
        actor=actor,
        now=now,
        about=recommendation,
        before=before,
        after={
            "status": recommendation.status.value,
            "revision": revision,
            "files": [{"name": f.original_name, "sha256": f.sha256} for f in submission.files],
        },
        note=submission.note,
    )
    # Counted when recorded: a commit that then loses a race (409) is rare enough to ignore.
    metrics.EVIDENCE_STORED.inc(len(files))
    return submission


def check_file_count(count: int) -> None:
    """Refuse a submission of more files than one may hold; call it before keeping any."""
    if count > MAX_FILES:
        raise ValidationError({"file": f"You can send up to {MAX_FILES} files at a time"})


def review(
    session: Session,
    recommendation: Recommendation,
    decision: ReviewDecision | str,
    note: str,
    *,
    actor: User,
    now: datetime,
    expected_version: int | None = None,
) -> Recommendation:
    """A caseworker judges the evidence: accept, ask for changes, or record non-compliance."""
    _check_version(recommendation, expected_version)
    try:
        decision = ReviewDecision(decision)
    except ValueError:
        raise ValidationError(
            {"decision": "Choose accept, changes_requested or not_complied"}
        ) from None
    status = recommendation.status
    if status.closed:
        raise StateError(
            f"This recommendation is already {status.label.lower()}; "
            "reopen it before reviewing it again."
        )
    if decision is not ReviewDecision.NOT_COMPLIED and status is not (
        RecommendationStatus.EVIDENCE_SUBMITTED
    ):
        raise StateError("There is no evidence awaiting review.")
    if decision is not ReviewDecision.ACCEPT and not note.strip():
        field_message = (
            "Say what the council needs to change or add"
            if decision is ReviewDecision.CHANGES_REQUESTED
            else "Say why the council has not complied"
        )
        raise ValidationError({"note": field_message})
    _check_note(note, "note")
    latest = session.scalars(
        sa.select(EvidenceSubmission)
        .where(EvidenceSubmission.recommendation_id == recommendation.id)
        .order_by(EvidenceSubmission.revision.desc())
        .limit(1)
    ).first()
    before = audit.snapshot(recommendation, STATUS_FIELDS)
    if decision is ReviewDecision.ACCEPT:
        assert latest is not None  # evidence_submitted means a submission exists
        recommendation.status = RecommendationStatus.ACCEPTED
        recommendation.completed_on = local_date(latest.submitted_at)
        recommendation.closed_at = now
    elif decision is ReviewDecision.CHANGES_REQUESTED:
        recommendation.status = RecommendationStatus.CHANGES_REQUESTED
    else:
        recommendation.status = RecommendationStatus.NOT_COMPLIED
        recommendation.closed_at = now
    recommendation.updated_at = now
    session.add(
        EvidenceReview(
            recommendation_id=recommendation.id,
            submission_id=latest.id if latest else None,
            decision=decision,
            note=note.strip(),
            reviewed_by_id=actor.id,
            reviewed_at=now,
        )
    )
    with stale_as_conflict(STALE_MESSAGE):
        session.flush()
    audit.record(
        session,
        action=f"recommendation.{decision.value}",
        entity=recommendation,
        actor=actor,
        now=now,
        before=before,
        after=audit.snapshot(recommendation, STATUS_FIELDS),
        note=note.strip(),
    )
    settle_case(session, recommendation.case, actor=actor, now=now)
    return recommendation


def reopen(
    session: Session,
    recommendation: Recommendation,
    reason: str,
    *,
    actor: User,
    now: datetime,
    expected_version: int | None = None,
) -> Recommendation:
    """A caseworker reopens a closed recommendation; the case's outcome is withdrawn."""
    _check_version(recommendation, expected_version)
    if not recommendation.status.closed:
        raise StateError("This recommendation is not closed.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why you are reopening it"})
    _check_note(reason, "reason")
    before = audit.snapshot(recommendation, STATUS_FIELDS)
    has_evidence = session.scalar(
        sa.select(sa.func.count(EvidenceSubmission.id)).where(
            EvidenceSubmission.recommendation_id == recommendation.id
        )
    )
    recommendation.status = (
        RecommendationStatus.CHANGES_REQUESTED if has_evidence else RecommendationStatus.OPEN
    )
    recommendation.closed_at = None
    recommendation.completed_on = None
    recommendation.updated_at = now
    with stale_as_conflict(STALE_MESSAGE):
        session.flush()
    audit.record(
        session,
        action="recommendation.reopened",
        entity=recommendation,
        actor=actor,
        now=now,
        before=before,
        after=audit.snapshot(recommendation, STATUS_FIELDS),
        note=reason.strip(),
    )
    settle_case(session, recommendation.case, actor=actor, now=now)
    return recommendation


def request_extension(
    session: Session,
    recommendation: Recommendation,
    until: date | None,
    reason: str,
    *,
    actor: User,
    now: datetime,
    today: date,
    expected_version: int | None = None,
) -> ExtensionRequest:
    """A council officer asks for more time, with a new date and a reason."""
    _check_version(recommendation, expected_version)
    if recommendation.status.closed:
        raise StateError("A closed recommendation needs no more time.")
    if pending_extension(session, recommendation) is not None:
        raise StateError("There is already a request for more time waiting for a decision.")
    problems = {}
    if until is None:
        problems["until"] = "Enter the date you are asking for"
    elif until <= today:
        problems["until"] = "The date you ask for must be in the future"
    elif recommendation.due_date and until <= recommendation.due_date:
        problems["until"] = "The date you ask for must be after the current due date"
    if not reason.strip():
        problems["reason"] = "Say why the council needs more time"
    elif len(reason) > MAX_NOTE:
        problems["reason"] = f"The reason must be {MAX_NOTE:,} characters or fewer"
    if problems:
        raise ValidationError(problems)
    assert until is not None
    extension = ExtensionRequest(
        recommendation_id=recommendation.id,
        requested_until=until,
        reason=reason.strip(),
        requested_by_id=actor.id,
        requested_at=now,
        status=ExtensionStatus.PENDING,
    )
    session.add(extension)
    recommendation.updated_at = now
    with stale_as_conflict(STALE_MESSAGE):
        session.flush()
    audit.record(
        session,
        action="extension.requested",
        entity=extension,
        actor=actor,
        now=now,
        about=recommendation,
        after={"until": until.isoformat()},
        note=extension.reason,
    )
    return extension


def decide_extension(
    session: Session,
    recommendation: Recommendation,
    decision: str,
    note: str,
    *,
    actor: User,
    now: datetime,
    expected_version: int | None = None,
) -> ExtensionRequest:
    """A caseworker agrees (the agreed due date moves) or refuses a request for more time."""
    _check_version(recommendation, expected_version)
    if recommendation.status.closed:
        # Moving the date now would rejudge work already judged on time or late.
        raise StateError("This recommendation is closed: reopen it before deciding on more time.")
    extension = pending_extension(session, recommendation)
    if extension is None:
        raise StateError("There is no request for more time waiting for a decision.")
    if decision not in ("agreed", "refused"):
        raise ValidationError({"decision": "Choose agreed or refused"})
    if decision == "refused" and not note.strip():
        raise ValidationError({"note": "Say why the request is refused"})
    _check_note(note, "note")
    before = audit.snapshot(recommendation, DEADLINE_FIELDS)
    extension.status = ExtensionStatus(decision)
    extension.decided_by_id, extension.decided_at = actor.id, now
    extension.decision_note = note.strip()
    extension.previous_due_date = recommendation.due_date
    if extension.status is ExtensionStatus.AGREED:
        recommendation.due_date = extension.requested_until
        recommendation.due_date_source = DueDateSource.EXTENSION
    recommendation.updated_at = now
    with stale_as_conflict(STALE_MESSAGE):
        session.flush()
    old, new = audit.changes(before, audit.snapshot(recommendation, DEADLINE_FIELDS))
    audit.record(
        session,
        action=f"extension.{decision}",
        entity=extension,
        actor=actor,
        now=now,
        about=recommendation,
        before=old,
        after={"until": extension.requested_until.isoformat(), **new},
        note=extension.decision_note,
    )
    return extension


def pending_extension(session: Session, recommendation: Recommendation) -> ExtensionRequest | None:
    """The request for more time waiting for a decision, if there is one."""
    return session.scalars(
        sa.select(ExtensionRequest).where(
            ExtensionRequest.recommendation_id == recommendation.id,
            ExtensionRequest.status == ExtensionStatus.PENDING,
        )
    ).first()


class Action(enum.StrEnum):
    """What may be done next to a recommendation, by someone."""

    SUBMIT_EVIDENCE = "submit_evidence"
    REVIEW = "review"
    REOPEN = "reopen"
    REQUEST_EXTENSION = "request_extension"
    DECIDE_EXTENSION = "decide_extension"
    SET_DUE_DATE = "set_due_date"
    RECORD_EVENT_DATE = "record_event_date"
    CHASE = "chase"
    ASSIGN = "assign"


def actions_for(
    session: Session, recommendation: Recommendation, user: User | None
) -> frozenset[Action]:
    """What `user` may do next to `recommendation` as it stands now (`available_actions`)."""
    return available_actions(
        recommendation, user, pending_extension=pending_extension(session, recommendation)
    )


def available_actions(
    recommendation: Recommendation,
    user: User | None,
    *,
    pending_extension: ExtensionRequest | None,
) -> frozenset[Action]:
    """What `user` may do next to `recommendation`, given where it stands and whether a
    request for more time awaits a decision: decided here once, for pages and the API."""
    closed = recommendation.status.closed
    allowed = {
        Action.SUBMIT_EVIDENCE: can(user, Permission.SUBMIT_EVIDENCE) and not closed,
        Action.REVIEW: can(user, Permission.REVIEW_EVIDENCE) and not closed,
        Action.REOPEN: can(user, Permission.REVIEW_EVIDENCE) and closed,
        Action.REQUEST_EXTENSION: (
            can(user, Permission.REQUEST_EXTENSION) and not closed and pending_extension is None
        ),
        Action.DECIDE_EXTENSION: (
            can(user, Permission.REVIEW_EVIDENCE) and not closed and pending_extension is not None
        ),
        Action.SET_DUE_DATE: can(user, Permission.RECORD_CASES) and not closed,
        Action.RECORD_EVENT_DATE: can(user, Permission.RECORD_CASES),
        Action.CHASE: can(user, Permission.CHASE) and not closed,
        Action.ASSIGN: can(user, Permission.ASSIGN) and not closed,
    }
    return frozenset(action for action, yes in allowed.items() if yes)


def settle_case(session: Session, case: Case, *, actor: User | None, now: datetime) -> None:
    """Record the case's compliance outcome when every recommendation is closed, with that
    day's date; withdraw it when one is reopened.

    The case's version moves even when its outcome does not: two people closing its last
    two open recommendations at once each see the other's as open, and without this both
    would save and the case would never get its outcome. One of them is told to try again.
    """
    outcome = compliance_outcome(case.recommendations)
    before = {
        "compliance_outcome": case.compliance_outcome,
        "compliance_date": case.compliance_date,
    }
    case.updated_at = now
    if outcome != case.compliance_outcome:
        case.compliance_outcome = outcome
        case.compliance_date = local_date(now) if outcome else None
    with stale_as_conflict("The case changed while this was being saved. Try again."):
        session.flush()
    if outcome == before["compliance_outcome"]:
        return
    audit.record(
        session,
        action="case.compliance_recorded" if outcome else "case.compliance_withdrawn",
        entity=case,
        actor=actor,
        now=now,
        before=audit.snapshot_values(before),
        after=audit.snapshot(case, ("compliance_outcome", "compliance_date")),
    )


def compliance_outcome(recommendations: Sequence[Recommendation]) -> ComplianceOutcome | None:
    """satisfied, satisfied late (any done after its agreed due date), not satisfied (any not
    complied with), or None while any is open or there are none."""
    if not recommendations or not all(r.status.closed for r in recommendations):
        return None
    if any(r.status is RecommendationStatus.NOT_COMPLIED for r in recommendations):
        return ComplianceOutcome.NOT_SATISFIED
    late = any(
        r.completed_on is not None and r.due_date is not None and r.completed_on > r.due_date
        for r in recommendations
    )
    return ComplianceOutcome.SATISFIED_LATE if late else ComplianceOutcome.SATISFIED


def _check_version(recommendation: Recommendation, expected_version: int | None) -> None:
    if expected_version is not None and recommendation.version != expected_version:
        raise ConflictError(STALE_MESSAGE)


def _check_note(note: str, field: str) -> None:
    if len(note or "") > MAX_NOTE:
        raise ValidationError({field: f"Keep it to {MAX_NOTE:,} characters or fewer"})
