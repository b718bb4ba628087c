"""Letters on a case's escalation ladder: the page a caseworker reads, edits and saves the
drafted letter on, and its PDF."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue

from tracker.extensions import db
from tracker.letters.forms import EscalationLetterForm
from tracker.letters.pdf import render_pdf
from tracker.models import Case, EscalationLetterKind
from tracker.plumbing import clock
from tracker.services import escalation_letters
from tracker.services.letters import NARRATIVE_MAX_LENGTH, LetterInput, check_letter
from tracker.web import access
from tracker.web.access import Permission
from tracker.web.forms import form_int, save_form

bp = Blueprint("escalation_letters", __name__, url_prefix="/cases")
KINDS = (
    "any(" + ", ".join(repr(kind.value.replace("_", "-")) for kind in EscalationLetterKind) + ")"
)


@bp.route(f"/<reference>/letters/<{KINDS}:kind>", methods=["GET", "POST"])
@access.signed_in
def letter(reference: str, kind: str) -> ResponseReturnValue:
    """The letter as it will read, drafted from the case's facts until a caseworker saves
    their edit, and the form they edit it with (caseworkers and managers)."""
    case = access.case(reference, Permission.ESCALATE)
    letter_kind = EscalationLetterKind(kind.replace("-", "_"))
    drafted = _compose(case, letter_kind)
    form = EscalationLetterForm()
    if request.method == "GET":
        form.process(
            addressee_name=drafted.addressee_name,
            addressee_title=drafted.addressee_title,
            narrative=drafted.body,
            version=str(drafted.saved.version if drafted.saved else 0),
        )
        form.letter_date.data = drafted.saved.letter_date if drafted.saved else None
    else:
        data = LetterInput(
            narrative=form.narrative.data or "",
            addressee_name=form.addressee_name.data or "",
            addressee_title=form.addressee_title.data or "",
            letter_date=form.letter_date.data,
        )

        def changed_meanwhile() -> None:
            now_saved = escalation_letters.find_letter(db.session, case, letter_kind)
            form.version.data = str(now_saved.version if now_saved else 0)

        saved = save_form(
            form,
            check=lambda: check_letter(data),
            save=lambda: escalation_letters.save_letter(
                db.session,
                case,
                letter_kind,
                data,
                expected_version=form_int(form.version.data),
                actor=access.acting_user(),
                now=clock.now(),
            ),
            changed_meanwhile=changed_meanwhile,
        )
        if saved is not None:
            flash(f"The {letter_kind.label.lower()} is saved.", "success")
            return redirect(url_for("escalation_letters.letter", reference=case.slug, kind=kind))
        drafted = _compose(case, letter_kind)
    return render_template(
        "letters/escalation.html",
        letter=drafted,
        form=form,
        kind=kind,
        narrative_max_length=NARRATIVE_MAX_LENGTH,
        **_signed(),
    )


@bp.route(f"/<reference>/letters/<{KINDS}:kind>.pdf")
@access.signed_in
def pdf(reference: str, kind: str) -> ResponseReturnValue:
    """The letter as an A4 PDF, to download and send."""
    case = access.case(reference, Permission.ESCALATE)
    drafted = _compose(case, EscalationLetterKind(kind.replace("-", "_")))
    html = render_template("letters/escalation_print.html", letter=drafted, **_signed())
    name = f"{kind}-letter-{case.slug}.pdf"
    return Response(
        render_pdf(html),
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",  # a letter about a complaint, not for shared caches
        },
    )


def _compose(case: Case, kind: EscalationLetterKind) -> escalation_letters.DraftedLetter:
    return escalation_letters.compose(
        db.session,
        case,
        kind,
        today=clock.today(),
        ombudsman=current_app.config["OMBUDSMAN_NAME"],
    )


def _signed() -> dict[str, str]:
    return {
        "ombudsman": current_app.config["OMBUDSMAN_NAME"],
        "signatory": current_app.config["LETTER_SIGNATORY"],
    }
