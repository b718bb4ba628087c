"""Annual review letters: the page a manager reads and writes the letter on, and its PDF."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue

from tracker.extensions import db
from tracker.letters.forms import LetterForm
from tracker.letters.pdf import render_pdf
from tracker.models import Authority
from tracker.plumbing import clock
from tracker.plumbing.years import FinancialYear
from tracker.services import letters
from tracker.web import access
from tracker.web.access import Permission
from tracker.web.forms import form_int, save_form

bp = Blueprint("letters", __name__, url_prefix="/authorities")


@bp.route("/<code>/letters/<year>", methods=["GET", "POST"])
@access.requires(Permission.VIEW_STATISTICS)
def letter(code: str, year: str) -> ResponseReturnValue:
    """The authority's annual review letter for a year as it will read, and the form a
    manager writes its addressee, date and narrative with."""
    user = access.acting_user()
    authority = access.authority(code)
    financial_year = _year_or_404(year)
    saved = letters.find_letter(db.session, authority, financial_year)
    form = LetterForm(obj=saved)
    if request.method == "GET":
        form.version.data = str(saved.version if saved else 0)
        if saved is None:
            form.addressee_title.data = letters.DEFAULT_ADDRESSEE_TITLE
    else:
        access.ensure(user, Permission.PUBLISH)
        data = letters.LetterInput(
            narrative=form.narrative.data or "",
            addressee_name=form.addressee_name.data or "",
            addressee_title=form.addressee_title.data or "",
            letter_date=form.letter_date.data,
        )

        def changed_meanwhile() -> None:
            now_saved = letters.find_letter(db.session, authority, financial_year)
            form.version.data = str(now_saved.version if now_saved else 0)

        written = save_form(
            form,
            check=lambda: letters.check_letter(data),
            save=lambda: letters.save_letter(
                db.session,
                authority,
                financial_year,
                data,
                expected_version=form_int(form.version.data),
                actor=user,
                now=clock.now(),
            ),
            changed_meanwhile=changed_meanwhile,
        )
        if written is not None:
            flash(f"The {financial_year} letter to {authority.name} is saved.", "success")
            return redirect(
                url_for("letters.letter", code=authority.code, year=financial_year.label)
            )
    return render_template(
        "letters/show.html",
        form=form,
        narrative_max_length=letters.NARRATIVE_MAX_LENGTH,
        **_letter_context(authority, financial_year),
    )


@bp.route("/<code>/letters/<year>.pdf")
@access.requires(Permission.VIEW_STATISTICS)
def pdf(code: str, year: str) -> ResponseReturnValue:
    """The letter as an A4 PDF, to download."""
    authority = access.authority(code)
    financial_year = _year_or_404(year)
    html = render_template("letters/print.html", **_letter_context(authority, financial_year))
    name = f"annual-review-letter-{authority.code}-{financial_year.label}.pdf"
    return Response(
        render_pdf(html),
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",  # a draft letter, not for shared caches
        },
    )


def _year_or_404(text: str) -> FinancialYear:
    try:
        return FinancialYear.parse(text)
    except ValueError:
        abort(404)


def _letter_context(authority: Authority, year: FinancialYear) -> dict[str, object]:
    """What both the page and the PDF lay out: the letter, and who signs it."""
    return {
        "letter": letters.compose(db.session, authority, year, today=clock.today()),
        "ombudsman": current_app.config["OMBUDSMAN_NAME"],
        "signatory": current_app.config["LETTER_SIGNATORY"],
    }
