"""Statistics pages for managers: every council for a year (and as CSV), one council's figures
and trend against similar authorities, and publishing its performance page."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from wtforms import HiddenField

from tracker.extensions import db
from tracker.models import AuthorityType
from tracker.plumbing import clock
from tracker.plumbing.years import FinancialYear
from tracker.services import publications, statistics
from tracker.stats import tables
from tracker.stats.charts import Trend, line_chart
from tracker.web import access
from tracker.web.access import Permission

bp = Blueprint("stats", __name__, url_prefix="/statistics")
TREND_YEARS = 5
# The rates charted over the years, by name (statistics.RATES defines them).
TREND_FIGURES = ("compliance_rate", "uphold_rate", "upheld_per_100k", "on_time_rate")


class PublishForm(FlaskForm):
    """Publish (again) the performance page for the year shown."""

    year = HiddenField()


@bp.route("/")
@access.requires(Permission.VIEW_STATISTICS)
def index() -> ResponseReturnValue:
    """Every council's figures for a year, sortable, filtered by type."""
    year, problems = _year_asked()
    kind = _type_asked()
    rows = statistics.year_figures(db.session, year, authority_type=kind)
    sort = request.args.get("sort", "name")
    descending = request.args.get("order") == "desc"
    return render_template(
        "stats/index.html",
        year=year,
        years=_years_offered(year),
        kind=kind,
        types=list(AuthorityType),
        rows=tables.sort_rows(rows, sort, descending),
        columns=tables.COLUMNS,
        cells=tables.cells,
        sort=sort if sort in tables.COLUMNS_BY_KEY else "name",
        descending=descending,
        problems=problems,
    )


@bp.route("/<year>.csv")
@access.requires(Permission.VIEW_STATISTICS)
def download(year: str) -> ResponseReturnValue:
    """Every council's figures for a year (or one type's) as CSV."""
    try:
        financial_year = FinancialYear.parse(year)
    except ValueError:
        abort(404)
    kind = _type_asked()
    rows = statistics.year_figures(db.session, financial_year, authority_type=kind)
    name = f"statistics-{financial_year.label}{'-' + kind.value if kind else ''}.csv"
    return Response(
        tables.as_csv(rows),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.route("/<code>")
@access.requires(Permission.VIEW_STATISTICS)
def authority(code: str) -> ResponseReturnValue:
    """One council's figures for a year against similar authorities, and its trend."""
    council = access.authority(code)
    year, problems = _year_asked()
    with_data = statistics.years_with_data(db.session, council)
    earlier = [y for y in with_data if y < year]
    trend = statistics.trend(db.session, council, [year, *earlier[: TREND_YEARS - 1]])
    figures = trend[-1]  # the year shown: the latest of the trend
    trends = [
        Trend(
            key=rate.name,
            title=rate.label,
            unit=rate.unit_in_words,
            years=[f.year.label for f in trend],
            values=[f.rates[rate.name] for f in trend],
            averages=[f.averages[rate.name] for f in trend],
        )
        for rate in (statistics.RATES_BY_NAME[name] for name in TREND_FIGURES)
    ]
    form = PublishForm(year=year.label)
    return render_template(
        "stats/authority.html",
        authority=council,
        year=year,
        years=_years_offered(year, with_data),
        figures=figures,
        rates=statistics.RATES,
        trends=[(trend, line_chart(trend, council.name)) for trend in trends],
        publication=publications.published(db.session, council, year),
        form=form,
        problems=problems,
    )


@bp.route("/<code>/publish", methods=["POST"])
@access.requires(Permission.PUBLISH)
def publish(code: str) -> ResponseReturnValue:
    """Publish the council's performance page for a year, with its figures as they are now."""
    council = access.authority(code)
    try:  # the form's CSRF token was checked before the view ran
        year = FinancialYear.parse(PublishForm().year.data or "")
    except ValueError:
        abort(400, "Choose the year to publish.")
    publications.publish(db.session, council, year, actor=access.acting_user(), now=clock.now())
    flash(f"{council.name}'s performance page for {year} is published.", "success")
    return redirect(url_for("stats.authority", code=council.code, year=year.label))


def _year_asked() -> tuple[FinancialYear, list[dict[str, str]]]:
    """The year in the address, or the latest complete one (saying so if it was not a year)."""
    default = FinancialYear.latest_complete(clock.today())
    text = request.args.get("year", "").strip()
    if not text:
        return default, []
    try:
        return FinancialYear.parse(text), []
    except ValueError as error:
        return default, [{"text": str(error), "href": "#filter-year"}]


def _type_asked() -> AuthorityType | None:
    try:
        return AuthorityType(request.args.get("type", ""))
    except ValueError:
        return None


def _years_offered(
    year: FinancialYear, with_data: list[FinancialYear] | None = None
) -> list[FinancialYear]:
    """Years with data (every council's, unless given), and the one shown, newest first."""
    if with_data is None:
        with_data = statistics.years_with_data(db.session)
    return sorted(set(with_data) | {year}, reverse=True)
