"""The recommendation page, shared by every action on it: what a submitted form got wrong is
shown on the page again, with the other forms fresh."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app, render_template
from flask_wtf import FlaskForm
from sqlalchemy.orm import selectinload

from tracker import deadlines
from tracker.extensions import db
from tracker.models import (
    AuditEvent,
    EvidenceReview,
    EvidenceSubmission,
    ExtensionRequest,
    Recommendation,
    ReviewDecision,
    User,
)
from tracker.plumbing import clock
from tracker.plumbing.filetypes import ALLOWED_DESCRIPTION
from tracker.plumbing.settings import deadline_rules
from tracker.recommendations.forms import (
    DueDateForm,
    EventDateForm,
    EvidenceForm,
    ExtensionDecisionForm,
    ExtensionRequestForm,
    ReopenForm,
    ReviewForm,
)
from tracker.services import audit, compliance
from tracker.services.errors import DomainError, ValidationError
from tracker.services.notices import inbox
from tracker.web import access
from tracker.web.access import Permission
from tracker.web.forms import apply_errors

# Each form on the page has its own prefix, so field names and ids never clash.
FORMS: dict[str, type[FlaskForm]] = {
    "due": DueDateForm,
    "review": ReviewForm,
    "reopen": ReopenForm,
    "extension": ExtensionRequestForm,
    "decision": ExtensionDecisionForm,
    "evidence": EvidenceForm,
}


def event_form(position: int) -> EventDateForm:
    """The form recording when the event a deadline part waits for happened."""
    return EventDateForm(prefix=f"event-{position}")


def refused(recommendation: Recommendation, form: FlaskForm, error: DomainError) -> str:
    """Show the page again with what was wrong; nothing was saved."""
    db.session.rollback()
    if isinstance(error, ValidationError):
        apply_errors(form, error.fields)
    else:
        form.form_errors.append(error.message)
    return render_page(recommendation, form)


def render_page(recommendation: Recommendation, submitted: FlaskForm | None = None) -> str:
    """The recommendation, its deadline, evidence, requests for more time, the notices sent
    about it (to those who chase) and its history."""
    forms = {prefix: form_class(prefix=prefix) for prefix, form_class in FORMS.items()}
    event_forms = {
        part.position: event_form(part.position)
        for part in recommendation.deadline_parts
        if part.awaits_event
    }
    if submitted is not None:
        prefix = (submitted._prefix or "").rstrip("-")
        if prefix.startswith("event-"):
            event_forms[int(prefix.removeprefix("event-"))] = submitted  # type: ignore[assignment]
        else:
            forms[prefix] = submitted
    for form in (*forms.values(), *event_forms.values()):
        form.version.data = str(recommendation.version)
    submissions = db.session.scalars(
        sa.select(EvidenceSubmission)
        .where(EvidenceSubmission.recommendation_id == recommendation.id)
        .options(selectinload(EvidenceSubmission.files))
        .order_by(EvidenceSubmission.revision.desc())
    ).all()
    people = dict(
        db.session.execute(
            sa.select(User.id, User.name).where(
                User.id.in_({s.submitted_by_id for s in submissions})
            )
        ).all()
    )
    last_review = db.session.scalars(
        sa.select(EvidenceReview)
        .where(EvidenceReview.recommendation_id == recommendation.id)
        .order_by(EvidenceReview.reviewed_at.desc(), EvidenceReview.id.desc())
        .limit(1)
    ).first()
    extensions = db.session.scalars(
        sa.select(ExtensionRequest)
        .where(ExtensionRequest.recommendation_id == recommendation.id)
        .order_by(ExtensionRequest.requested_at.desc())
    ).all()
    # Who was told what is the Ombudsman's record of chasing, not the council's business.
    notices = (
        inbox.sent_about(db.session, recommendation.id)
        if access.can(access.current_actor(), Permission.VIEW_ALL_COUNCILS)
        else []
    )
    return render_template(
        "recommendations/show.html",
        recommendation=recommendation,
        case=recommendation.case,
        history=audit.history(db.session, AuditEvent.recommendation_id == recommendation.id),
        problems=deadlines.compute_deadline(
            recommendation.text,
            recommendation.case.decision_date,
            rules=deadline_rules(current_app.config),
        ).problems,
        today=clock.today(),
        forms=forms,
        event_forms=event_forms,
        submissions=submissions,
        submitters=people,
        changes_requested=(
            last_review
            if last_review and last_review.decision is ReviewDecision.CHANGES_REQUESTED
            else None
        ),
        pending_extension=compliance.pending_extension(db.session, recommendation),
        extensions=extensions,
        notices=notices,
        form=submitted,
        allowed_types="Send " + ALLOWED_DESCRIPTION,
        max_megabytes=f"{current_app.config['EVIDENCE_MAX_BYTES'] / 1_000_000:g}",
    )
