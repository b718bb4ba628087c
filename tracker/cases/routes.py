"""Case pages: the list, adding a case with its recommendations, the case, corrections."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from tracker.cases import entries
from tracker.cases.forms import CaseDetailsForm, EditCaseForm, EscalationForm, NewCaseForm
from tracker.extensions import db
from tracker.models import AuditEvent, Case, Outcome
from tracker.permissions import can
from tracker.plumbing import clock
from tracker.plumbing.pagination import COUNT_UP_TO, page_number, paginate
from tracker.plumbing.settings import deadline_rules
from tracker.services import audit, case_search, cases, escalations, follow_ups
from tracker.services.authorities import authority_choices
from tracker.services.errors import DomainError, ValidationError
from tracker.web import access
from tracker.web.access import Permission
from tracker.web.forms import form_int, save_form, show_refusal

bp = Blueprint("cases", __name__, url_prefix="/cases")


@bp.route("/")
@access.signed_in
def index() -> ResponseReturnValue:
    """Cases the person may see, searchable by reference and filtered."""
    user = access.acting_user()
    scope = access.case_scope(user)
    filters = case_search.CaseFilters(
        reference=request.args.get("reference", ""),
        authority=request.args.get("authority", ""),
        outcome=request.args.get("outcome", ""),
        year=request.args.get("year", ""),
    )
    problems: dict[str, str] = {}
    try:
        statement = case_search.case_search(scope, filters)
    except ValidationError as error:
        problems = error.fields
        statement = case_search.case_search(scope, case_search.CaseFilters())
    page = paginate(
        db.session,
        statement,
        page_number(request.args.get("page")),
        current_app.config["PER_PAGE"],
        count_up_to=COUNT_UP_TO,
    )
    return render_template(
        "cases/index.html",
        page=page,
        recommendation_counts=case_search.recommendation_counts(db.session, page.items),
        filters=filters,
        problems=problems,
        problem_list=[
            {"text": message, "href": f"#filter-{name}"} for name, message in problems.items()
        ],
        outcomes=[(outcome.value, outcome.label) for outcome in Outcome],
        authorities=authority_choices(db.session, access.authority_scope(user)),
        years=case_search.years_with_cases(db.session, scope),
        query={key: value for key, value in request.args.items() if key != "page" and value},
    )


@bp.route("/new", methods=["GET", "POST"])
@access.requires(Permission.RECORD_CASES)
def new() -> ResponseReturnValue:
    """Add a case and its recommendations in one go."""
    user = access.acting_user()
    form = NewCaseForm()
    form.set_authorities(authority_choices(db.session, access.authority_scope(user)))
    action = request.form.get("action", "save")
    earlier_reference = (request.args.get("follows") or form.follows.data or "").strip()
    earlier = access.case(earlier_reference) if earlier_reference else None
    if request.method == "GET" and earlier is not None:
        form.follows.data = earlier.reference
        form.authority.data = earlier.authority.code
        form.category.data, form.subcategory.data = earlier.category, earlier.subcategory
    if request.method == "POST" and action != "save":
        message = entries.change_entries(form, action)
        if message:
            flash(message, "info")
    elif request.method == "POST":
        data, today, rules = _case_input(form), clock.today(), deadline_rules(current_app.config)

        def check_follow_up() -> None:
            if earlier is not None:
                follow_ups.check_follow_up(db.session, earlier.reference, data.authority)

        def check() -> None:  # every problem at once, when the form has its own
            problems: dict[str, str] = {}
            for rule in (
                check_follow_up,
                lambda: cases.check_case(db.session, data, today, rules=rules),
            ):
                try:
                    rule()
                except ValidationError as error:
                    problems |= error.fields
            if problems:
                raise ValidationError(problems)

        def save() -> Case:
            check_follow_up()
            case = cases.create_case(
                db.session, data, actor=user, now=clock.now(), today=today, rules=rules
            )
            if earlier is not None:
                follow_ups.link(db.session, case, earlier, actor=user, now=clock.now())
            return case

        case = save_form(
            form,
            check=check,
            save=save,
            field_names=lambda fields: entries.form_field_names(form, fields),
        )
        if case is not None:
            flash(f"Case {case.reference} was added.", "success")
            return redirect(url_for("cases.show", reference=case.slug))
    return render_template(
        "cases/new.html",
        form=form,
        follows=earlier,
        previews=entries.previews(
            form, form.decision_date.data, deadline_rules(current_app.config)
        ),
    )


@bp.route("/<reference>")
@access.signed_in
def show(reference: str) -> ResponseReturnValue:
    """The case, its recommendations and their status, the escalation ladder (to those who
    escalate) and its history."""
    return _case_page(access.case(reference), EscalationForm())


@bp.route("/<reference>/escalations", methods=["POST"])
@access.signed_in
def escalate(reference: str) -> ResponseReturnValue:
    """Record a step of the escalation ladder taken on the case today."""
    case = access.case(reference, Permission.ESCALATE)
    form = EscalationForm()
    if not form.validate():
        return _case_page(case, form)
    try:
        escalation = escalations.record_step(
            db.session,
            case,
            form.step.data or "",
            form.note.data or "",
            actor=access.acting_user(),
            today=clock.today(),
            now=clock.now(),
        )
    except DomainError as error:
        show_refusal(form, error)
        return _case_page(case, form)
    flash(f"Recorded: {escalation.step.label.lower()}.", "success")
    return redirect(url_for("cases.show", reference=case.slug, _anchor="escalation"))


def _case_page(case: Case, escalation_form: EscalationForm) -> str:
    user = access.acting_user()
    return render_template(
        "cases/show.html",
        case=case,
        history=audit.history(db.session, AuditEvent.case_id == case.id),
        today=clock.today(),
        steps=(escalations.steps_of(db.session, case.id) if can(user, Permission.ESCALATE) else []),
        links=follow_ups.links(db.session, case),
        escalation_form=escalation_form,
    )


@bp.route("/<reference>/edit", methods=["GET", "POST"])
@access.signed_in
def edit(reference: str) -> ResponseReturnValue:
    """Correct a case's details; a stale form is refused rather than overwriting."""
    case = access.case(reference, Permission.RECORD_CASES)
    user = access.acting_user()
    form = EditCaseForm(obj=case)
    form.set_authorities(authority_choices(db.session, access.authority_scope(user)))
    if request.method == "GET":
        form.authority.data = case.authority.code
        form.outcome.data = case.outcome.value
        form.version.data = str(case.version)
    else:
        data, today, rules = _case_input(form), clock.today(), deadline_rules(current_app.config)
        saved = save_form(
            form,
            check=lambda: cases.check_case(db.session, data, today, rules=rules, existing=case),
            save=lambda: cases.update_case(
                db.session,
                case,
                data,
                expected_version=form_int(form.version.data),
                actor=user,
                now=clock.now(),
                today=today,
                rules=rules,
            ),
            changed_meanwhile=lambda: setattr(form.version, "data", str(case.version)),
        )
        if saved is not None:
            flash(f"Case {case.reference} was updated.", "success")
            return redirect(url_for("cases.show", reference=case.slug))
    return render_template("cases/edit.html", form=form, case=case)


def _case_input(form: CaseDetailsForm) -> cases.CaseInput:
    return cases.CaseInput(
        reference=form.reference.data or "",
        authority=form.authority.data or "",
        category=form.category.data or "",
        subcategory=form.subcategory.data or "",
        decision_date=form.decision_date.data,
        outcome=form.outcome.data or "",
        satisfactory_remedy=bool(form.satisfactory_remedy.data),
        public_report=bool(form.public_report.data),
        recommendations=(
            entries.recommendation_inputs(form) if isinstance(form, NewCaseForm) else []
        ),
    )
