"""Recommendation pages: the deadline read from the words, corrections, recorded events."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from tracker import access, clock, deadlines
from tracker.access import Permission
from tracker.extensions import db
from tracker.forms import apply_errors, form_int
from tracker.models import AuditEvent, Recommendation
from tracker.recommendations.forms import DueDateForm, EventDateForm
from tracker.services import audit, recommendations
from tracker.services.errors import ConflictError, ValidationError
from tracker.web import long_date

bp = Blueprint("recommendations", __name__, url_prefix="/recommendations")


@bp.route("/<int:recommendation_id>")
@access.signed_in
def show(recommendation_id: int) -> ResponseReturnValue:
    """What the council will do, by when and why that date, and everything that happened."""
    recommendation = access.get_recommendation_or_404(recommendation_id, access.acting_user())
    return _page(recommendation, DueDateForm())


@bp.route("/<int:recommendation_id>/due-date", methods=["POST"])
@access.signed_in
def set_due_date(recommendation_id: int) -> ResponseReturnValue:
    """A caseworker sets or corrects the agreed due date."""
    user = access.acting_user()
    recommendation = access.get_recommendation_or_404(recommendation_id, user)
    access.ensure(user, Permission.RECORD_CASES)
    form = DueDateForm()
    if form.validate():
        try:
            recommendations.set_due_date(
                db.session,
                recommendation,
                due_date=form.due_date.data,
                reason=form.reason.data or "",
                expected_version=form_int(form.version.data),
                actor=user,
                now=clock.now(),
            )
        except (ValidationError, ConflictError) as error:
            return _refused(recommendation, error, due_date_form=form)
        db.session.commit()
        flash(f"The due date is now {long_date(form.due_date.data)}.", "success")
        return redirect(url_for("recommendations.show", recommendation_id=recommendation.id))
    return _page(recommendation, form)


@bp.route("/<int:recommendation_id>/events/<int:position>", methods=["POST"])
@access.signed_in
def record_event_date(recommendation_id: int, position: int) -> ResponseReturnValue:
    """Record when the event a deadline part waits for happened."""
    user = access.acting_user()
    recommendation = access.get_recommendation_or_404(recommendation_id, user)
    access.ensure(user, Permission.RECORD_CASES)
    form = _event_form(position)
    if form.validate():
        try:
            recommendations.record_event_date(
                db.session,
                recommendation,
                position=position,
                event_date=form.event_date.data,
                expected_version=form_int(form.version.data),
                actor=user,
                now=clock.now(),
            )
        except (ValidationError, ConflictError) as error:
            return _refused(recommendation, error, event_form=(position, form))
        db.session.commit()
        flash("The date was recorded and the deadline worked out again.", "success")
        return redirect(url_for("recommendations.show", recommendation_id=recommendation.id))
    return _page(recommendation, DueDateForm(), (position, form))


def _event_form(position: int) -> EventDateForm:
    # One form per waiting part on the page, each with its own field names and ids.
    return EventDateForm(prefix=f"event-{position}")


def _refused(
    recommendation: Recommendation,
    error: ValidationError | ConflictError,
    *,
    due_date_form: DueDateForm | None = None,
    event_form: tuple[int, EventDateForm] | None = None,
) -> ResponseReturnValue:
    """Show the page again with what was wrong; nothing was saved."""
    db.session.rollback()
    form = due_date_form or (event_form[1] if event_form else None)
    assert form is not None
    if isinstance(error, ValidationError):
        apply_errors(form, error.fields)
    else:
        form.form_errors.append(error.message)
    return _page(recommendation, due_date_form or DueDateForm(), event_form)


def _page(
    recommendation: Recommendation,
    due_date_form: DueDateForm,
    submitted_event_form: tuple[int, EventDateForm] | None = None,
) -> str:
    case = recommendation.case
    event_forms = {
        part.position: _event_form(part.position)
        for part in recommendation.deadline_parts
        if part.awaits_event
    }
    if submitted_event_form:
        event_forms[submitted_event_form[0]] = submitted_event_form[1]
    for form in (due_date_form, *event_forms.values()):
        form.version.data = str(recommendation.version)
    history = audit.history(db.session, AuditEvent.recommendation_id == recommendation.id)
    reading = deadlines.compute_deadline(recommendation.text, case.decision_date)
    return render_template(
        "recommendations/show.html",
        recommendation=recommendation,
        case=case,
        history=history,
        problems=reading.problems,
        today=clock.today(),
        due_date_form=due_date_form,
        event_forms=event_forms,
        form=next((f for f in (due_date_form, *event_forms.values()) if f.errors), None),
    )
