"""The public council performance pages: no sign-in, only what a manager published, and
nothing personal (service improvements only, without their timescales)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from tracker.extensions import db
from tracker.plumbing import clock
from tracker.plumbing.pagination import page_number
from tracker.plumbing.years import FinancialYear
from tracker.services import publications
from tracker.web import access

bp = Blueprint("public", __name__, url_prefix="/councils")
LATEST_SHOWN = 10


@bp.route("/")
def index() -> ResponseReturnValue:
    """The councils with a published performance page."""
    return render_template(
        "public/index.html", councils=publications.published_authorities(db.session)
    )


@bp.route("/<code>")
def latest(code: str) -> ResponseReturnValue:
    """A council's latest published year."""
    authority = access.published_authority(code)
    year = publications.published_years(db.session, authority)[0]
    return redirect(url_for("public.council", code=authority.code, year=year.label))


@bp.route("/<code>/<year>")
def council(code: str, year: str) -> ResponseReturnValue:
    """A council's performance for a year, as published, and its latest service improvements."""
    authority = access.published_authority(code)
    try:
        financial_year = FinancialYear.parse(year)
    except ValueError:
        abort(404)
    publication = publications.published(db.session, authority, financial_year)
    if publication is None:
        abort(404)
    today = clock.today()
    return render_template(
        "public/council.html",
        authority=authority,
        year=financial_year,
        years=publications.published_years(db.session, authority),
        publication=publication,
        figures=publication.figures,
        improvements=publications.latest_service_improvements(
            db.session, authority, today, count=LATEST_SHOWN
        ),
        reports=publications.public_reports(db.session, authority, today),
    )


@bp.route("/<code>/service-improvements")
def improvements(code: str) -> ResponseReturnValue:
    """Every service improvement of the council still on show, latest first."""
    authority = access.published_authority(code)
    page = publications.service_improvements(
        db.session,
        authority,
        clock.today(),
        page=page_number(request.args.get("page")),
        per_page=current_app.config["PER_PAGE"],
    )
    return render_template("public/improvements.html", authority=authority, page=page)
