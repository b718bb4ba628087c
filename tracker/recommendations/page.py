"""The recommendation page, shared by every action on it: what a submitted form got wrong is
shown on the page again, with the other forms fresh."""

from __future__ import annotations

from flask import current_app, render_template
from flask_wtf import FlaskForm

from tracker.extensions import db
from tracker.models import Recommendation
from tracker.plumbing import clock
from tracker.plumbing.filetypes import ALLOWED_DESCRIPTION
from tracker.plumbing.settings import deadline_rules
from tracker.recommendations.forms import (
    AssignForm,
    ChaseForm,
    DueDateForm,
    EventDateForm,
    EvidenceForm,
    ExtensionDecisionForm,
    ExtensionRequestForm,
    ReopenForm,
    ReviewForm,
)
from tracker.services import compliance, recommendations
from tracker.services.recommendation_page import recommendation_page
from tracker.web import access
from tracker.web.forms import options

# Each form on the page has its own prefix, so field names and ids never clash.
FORMS: dict[str, type[FlaskForm]] = {
    "due": DueDateForm,
    "review": ReviewForm,
    "reopen": ReopenForm,
    "extension": ExtensionRequestForm,
    "decision": ExtensionDecisionForm,
    "evidence": EvidenceForm,
    "chase": ChaseForm,
    "assign": AssignForm,
}


def event_form(position: int) -> EventDateForm:
    """The form recording when the event a deadline part waits for happened."""
    return EventDateForm(prefix=f"event-{position}")


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
    around = recommendation_page(db.session, recommendation, access.current_actor())
    assign = forms["assign"]
    assign.email.choices = options(
        [
            (o.email, f"{o.name} (link officer)" if o.link_officer else o.name)
            for o in around.officers
        ],
        blank="Nobody",
    )
    if assign is not submitted:
        assign.email.data = around.assignee.email if around.assignee else ""
    return render_template(
        "recommendations/show.html",
        recommendation=recommendation,
        case=recommendation.case,
        history=around.history,
        deadline=recommendations.read_deadline(
            recommendation,
            recommendation.case.decision_date,
            deadline_rules(current_app.config),
        ),
        today=clock.today(),
        forms=forms,
        event_forms=event_forms,
        submissions=around.submissions,
        submitters=around.submitters,
        changes_requested=around.changes_requested,
        pending_extension=around.pending_extension,
        extensions=around.extensions,
        notices=around.notices,
        chases=around.chases,
        assignee=around.assignee,
        actions=around.actions,
        Action=compliance.Action,
        awaits_review=around.awaits_review,
        form=submitted,
        allowed_types="Send " + ALLOWED_DESCRIPTION,
        max_megabytes=f"{current_app.config['EVIDENCE_MAX_BYTES'] / 1_000_000:g}",
    )
