"""Recommendation pages: the lists people work from, the page, and the actions on it."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm

from tracker.extensions import db
from tracker.models import ExtensionStatus, Recommendation, User
from tracker.plumbing import clock
from tracker.plumbing.formats import long_date
from tracker.plumbing.pagination import page_number, paginate
from tracker.plumbing.settings import deadline_rules
from tracker.recommendations.page import FORMS, event_form, render_page
from tracker.services import assignments, chases, compliance, recommendations, worklists
from tracker.services.authorities import authority_choices
from tracker.services.errors import DomainError
from tracker.web import access
from tracker.web.access import Permission
from tracker.web.forms import form_int, show_refusal

bp = Blueprint("recommendations", __name__, url_prefix="/recommendations")

Action = Callable[[Recommendation, FlaskForm, User], str]


@bp.route("/")
@access.signed_in
def index() -> ResponseReturnValue:
    """Open recommendations, due soonest first: an officer's are their own council's."""
    user = access.acting_user()
    return _worklist(
        worklists.due_list(
            access.recommendation_scope(user), authority=request.args.get("authority", "")
        ),
        "Your council's recommendations" if user.authority else "Open recommendations",
        "recommendations.index",
    )


@bp.route("/review")
@access.requires(Permission.REVIEW_EVIDENCE)
def review_queue() -> ResponseReturnValue:
    """Evidence awaiting review, the longest waiting first."""
    scope = access.recommendation_scope(access.acting_user())
    return _worklist(
        worklists.review_queue(scope, authority=request.args.get("authority", "")),
        "Evidence to review",
        "recommendations.review_queue",
    )


@bp.route("/overdue")
@access.requires(Permission.VIEW_ALL_COUNCILS)
def chase_list() -> ResponseReturnValue:
    """Overdue recommendations to chase, the most overdue first."""
    scope = access.recommendation_scope(access.acting_user())
    statement = worklists.chase_list(
        scope, clock.today(), authority=request.args.get("authority", "")
    )
    return _worklist(statement, "Overdue recommendations to chase", "recommendations.chase_list")


@bp.route("/<int:recommendation_id>")
@access.signed_in
def show(recommendation_id: int) -> ResponseReturnValue:
    """What the council will do, by when and why that date, its evidence and its history."""
    return render_page(access.recommendation(recommendation_id))


def _due_date(recommendation: Recommendation, form: FlaskForm, user: User) -> str:
    recommendations.set_due_date(
        db.session,
        recommendation,
        due_date=form.due_date.data,
        reason=form.reason.data or "",
        expected_version=form_int(form.version.data),
        actor=user,
        now=clock.now(),
    )
    return f"The due date is now {long_date(form.due_date.data)}."


def _review(recommendation: Recommendation, form: FlaskForm, user: User) -> str:
    compliance.review(
        db.session,
        recommendation,
        form.decision.data or "",
        form.note.data or "",
        actor=user,
        now=clock.now(),
        expected_version=form_int(form.version.data),
    )
    message = f"Recorded: {recommendation.status.label.lower()}."
    if outcome := recommendation.case.compliance_outcome:
        message += f" The case's compliance outcome is {outcome.label.lower()}."
    return message


def _reopen(recommendation: Recommendation, form: FlaskForm, user: User) -> str:
    compliance.reopen(
        db.session,
        recommendation,
        form.reason.data or "",
        actor=user,
        now=clock.now(),
        expected_version=form_int(form.version.data),
    )
    return "The recommendation was reopened; the case's compliance outcome is withdrawn."


def _extension(recommendation: Recommendation, form: FlaskForm, user: User) -> str:
    compliance.request_extension(
        db.session,
        recommendation,
        form.until.data,
        form.reason.data or "",
        actor=user,
        now=clock.now(),
        today=clock.today(),
        expected_version=form_int(form.version.data),
    )
    return "Your request for more time was sent to the caseworker."


def _decision(recommendation: Recommendation, form: FlaskForm, user: User) -> str:
    extension = compliance.decide_extension(
        db.session,
        recommendation,
        form.decision.data or "",
        form.note.data or "",
        actor=user,
        now=clock.now(),
        expected_version=form_int(form.version.data),
    )
    if extension.status is ExtensionStatus.AGREED:
        return f"More time agreed: the due date is now {long_date(recommendation.due_date)}."
    return "The request for more time was refused."


def _chase(recommendation: Recommendation, form: FlaskForm, user: User) -> str:
    chase = chases.record_chase(
        db.session,
        recommendation,
        form.method.data or "",
        form.note.data or "",
        form.date.data,
        actor=user,
        today=clock.today(),
        now=clock.now(),
    )
    return (
        f"Chase recorded: {chase.method.label.lower()} on {long_date(chase.chased_on)}. "
        "The next automatic chaser goes 7 days after it if the work is still overdue."
    )


def _assign(recommendation: Recommendation, form: FlaskForm, user: User) -> str:
    officer = assignments.assign(
        db.session, recommendation, form.email.data or None, actor=user, now=clock.now()
    )
    return f"Assigned to {officer.name}." if officer else "It is no longer assigned to anyone."


ACTIONS: dict[str, tuple[str, Permission, Action]] = {
    "due-date": ("due", Permission.RECORD_CASES, _due_date),
    "review": ("review", Permission.REVIEW_EVIDENCE, _review),
    "reopen": ("reopen", Permission.REVIEW_EVIDENCE, _reopen),
    "extension": ("extension", Permission.REQUEST_EXTENSION, _extension),
    "extension-decision": ("decision", Permission.REVIEW_EVIDENCE, _decision),
    "chase": ("chase", Permission.CHASE, _chase),
    "assign": ("assign", Permission.ASSIGN, _assign),
}


@bp.route(
    "/<int:recommendation_id>/<any(" + ", ".join(repr(name) for name in ACTIONS) + "):action>",
    methods=["POST"],
)
@access.signed_in
def act(recommendation_id: int, action: str) -> ResponseReturnValue:
    """Set a due date, review evidence, reopen, ask for or decide on more time, record a
    chase made by hand, assign to an officer."""
    prefix, permission, perform = ACTIONS[action]
    recommendation = access.recommendation(recommendation_id, permission)
    form = FORMS[prefix](prefix=prefix)
    return _perform(
        recommendation, form, lambda: perform(recommendation, form, access.acting_user())
    )


@bp.route("/<int:recommendation_id>/events/<int:position>", methods=["POST"])
@access.signed_in
def record_event_date(recommendation_id: int, position: int) -> ResponseReturnValue:
    """Record when the event a deadline part waits for happened."""
    recommendation = access.recommendation(recommendation_id, Permission.RECORD_CASES)
    # The page has a form only for a part that waits for an event; any other is not found
    # (and the page could not show the form again with its error).
    if not any(
        part.position == position and part.awaits_event for part in recommendation.deadline_parts
    ):
        abort(404)
    form = event_form(position)

    def perform() -> str:
        recommendations.record_event_date(
            db.session,
            recommendation,
            position=position,
            event_date=form.event_date.data,
            expected_version=form_int(form.version.data),
            actor=access.acting_user(),
            now=clock.now(),
            rules=deadline_rules(current_app.config),
        )
        return "The date was recorded and the deadline worked out again."

    return _perform(recommendation, form, perform)


def _perform(
    recommendation: Recommendation, form: FlaskForm, perform: Callable[[], str]
) -> ResponseReturnValue:
    """Validate, act and say what happened; or show the page again with the problem."""
    if not form.validate():
        return render_page(recommendation, form)
    try:
        message = perform()
    except DomainError as error:
        # The service names its fields as the API does (`until`); on the page they carry the
        # form's prefix (`extension-until`), so each problem shows by its field.
        show_refusal(form, error, lambda fields: {form._prefix + k: v for k, v in fields.items()})
        return render_page(recommendation, form)
    flash(message, "success")
    return redirect(url_for("recommendations.show", recommendation_id=recommendation.id))


def _worklist(statement: object, title: str, endpoint: str) -> ResponseReturnValue:
    page = paginate(
        db.session,
        statement,  # type: ignore[arg-type]
        page_number(request.args.get("page")),
        current_app.config["PER_PAGE"],
    )
    user = access.acting_user()
    return render_template(
        "recommendations/list.html",
        page=page,
        title=title,
        endpoint=endpoint,
        today=clock.today(),
        authorities=authority_choices(db.session, access.authority_scope(user)),
        authority=request.args.get("authority", "").upper(),
        query={key: value for key, value in request.args.items() if key != "page" and value},
    )
