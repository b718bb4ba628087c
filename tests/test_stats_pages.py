"""Managers' statistics pages: every council for a year, CSV, one council's trend, publishing."""

from __future__ import annotations

import csv
import io
import re

import pytest
import sqlalchemy as sa
from flask import url_for

from tests.helpers import count_queries, csrf_token, sign_in
from tests.statistics_data import Y2020, Y2024, decided
from tracker.extensions import db
from tracker.models import AuditEvent, Publication
from tracker.plumbing.years import FinancialYear


@pytest.fixture
def manager(client, build):
    """Three county councils and a district; Leicestershire in 2020-21 and 2024-25."""
    build.authority("LEICS", name="Leicestershire County Council", population=734_000)
    build.authority("NOTTS", name="Nottinghamshire County Council", population=830_000)
    build.authority("DERBY", name="Derbyshire County Council", population=800_000)
    build.authority("HARB", name="Harborough District Council", type="district")
    decided(build, "LEICS", Y2024, upheld=33, not_upheld=7, satisfactory_remedies=10, satisfied=23)
    decided(build, "LEICS", Y2020, upheld=13, not_upheld=6, satisfactory_remedies=1, satisfied=7)
    decided(build, "NOTTS", Y2024, upheld=9, not_upheld=1)
    decided(build, "HARB", Y2024, not_for_us=3)
    sign_in(client, build.user("manager"))
    return client


def table_rows(html: str) -> list[str]:
    """The authority names in the order the table lists them."""
    return re.findall(r'<th scope="row" class="govuk-table__header"><a [^>]+>([^<]+)</a>', html)


def test_every_council_for_a_year_sorted_and_filtered(manager) -> None:
    html = manager.get("/statistics/?year=2024-25").get_data(as_text=True)
    assert table_rows(html) == [
        "Derbyshire County Council",
        "Harborough District Council",
        "Leicestershire County Council",
        "Nottinghamshire County Council",
    ]
    assert 'aria-sort="ascending"' in html
    by_rate = manager.get("/statistics/?year=2024-25&sort=uphold_rate&order=desc")
    assert table_rows(by_rate.get_data(as_text=True)) == [
        "Nottinghamshire County Council",  # 90%
        "Leicestershire County Council",  # 83%
        "Derbyshire County Council",  # no data: last
        "Harborough District Council",
    ]
    counties = manager.get("/statistics/?year=2024-25&type=county").get_data(as_text=True)
    assert "Harborough" not in counties and "3 authorities" in counties
    assert ">83%<" in html and ">No data<" in html


def test_each_council_links_to_its_own_page_for_the_year(app, manager) -> None:
    html = manager.get("/statistics/?year=2024-25").get_data(as_text=True)
    links = re.findall(r'<th scope="row" class="govuk-table__header"><a [^>]*href="([^"]+)"', html)
    with app.test_request_context():
        assert links == [
            url_for("stats.authority", code=code, year="2024-25")
            for code in ("DERBY", "HARB", "LEICS", "NOTTS")
        ]
    assert manager.get(links[2]).status_code == 200


def test_a_bad_year_is_said_plainly(manager) -> None:
    html = manager.get("/statistics/?year=2024").get_data(as_text=True)
    assert "There is a problem" in html and "Enter a financial year like 2024-25" in html


def test_the_year_downloads_as_csv_with_averages(manager) -> None:
    response = manager.get("/statistics/2024-25.csv?type=county")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "statistics-2024-25-county.csv" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    leics = next(row for row in rows if row["code"] == "LEICS")
    assert (leics["investigated"], leics["upheld"], leics["uphold_rate"]) == ("40", "33", "83")
    assert leics["uphold_rate_average"] == "86"  # (82.5 + 90) / 2, Derbyshire has no data
    assert leics["upheld_per_100k"] == "4.5" and leics["compliance_rate"] == "100"
    assert next(row for row in rows if row["code"] == "DERBY")["uphold_rate"] == ""
    assert manager.get("/statistics/2024.csv").status_code == 404


def test_a_councils_figures_against_similar_authorities_and_its_trend(manager) -> None:
    html = manager.get("/statistics/LEICS?year=2024-25").get_data(as_text=True)
    assert "Leicestershire County Council: 2024-25" in html
    assert re.search(r"Uphold rate</th>\s*<td[^>]*>83%</td>\s*<td[^>]*>86%</td>", html)
    charts = re.findall(r'<svg class="app-chart"[^>]*role="img"', html)
    assert len(charts) == 4
    assert '<title id="chart-uphold_rate-title">Uphold rate: Leicestershire County Council' in html
    assert "2020-21: Leicestershire County Council 68%" in html, "the chart describes itself"
    assert re.search(r"2020-21</th>\s*<td[^>]*>68%</td>", html), "and the table has the numbers"
    assert "not published yet" in html


def test_the_page_costs_the_same_queries_for_few_or_many_councils(app, build, manager) -> None:
    def queries() -> int:
        with count_queries(app) as statements:
            assert manager.get("/statistics/?year=2024-25").status_code == 200
        return len(statements)

    few = queries()
    for number in range(20):
        code = f"EXTRA{number}"
        build.authority(code, name=f"Extra {number} County Council")
        decided(build, code, Y2024, upheld=1)
    assert queries() == few


def test_publishing_makes_the_public_page_and_records_who(app, manager) -> None:
    page = "/statistics/LEICS?year=2024-25"
    response = manager.post(
        "/statistics/LEICS/publish",
        data={"csrf_token": csrf_token(manager, page), "year": "2024-25"},
    )
    assert response.status_code == 302
    assert "is published" in manager.get(response.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        publication = db.session.scalar(sa.select(Publication))
        assert publication.year == "2024-25" and publication.figures["uphold_rate"] == 83
        assert (
            db.session.scalar(
                sa.select(sa.func.count()).where(AuditEvent.action == "publication.published")
            )
            == 1
        )
    assert manager.get("/councils/LEICS/2024-25").status_code == 200


def test_publishing_needs_the_token(manager) -> None:
    response = manager.post("/statistics/LEICS/publish", data={"year": "2024-25"})
    assert response.status_code == 400


@pytest.mark.parametrize("role", ["caseworker", "officer", "admin"])
def test_only_managers_see_statistics(client, build, role) -> None:
    build.authority("LEICS")
    sign_in(client, build.user(role, authority="LEICS" if role == "officer" else None))
    assert client.get("/statistics/").status_code == 403
    assert client.get("/statistics/LEICS").status_code == 403
    assert client.get("/statistics/2024-25.csv").status_code == 403
    token = csrf_token(client, "/")
    response = client.post(
        "/statistics/LEICS/publish", data={"csrf_token": token, "year": "2024-25"}
    )
    assert response.status_code == 403


def test_statistics_need_signing_in(client) -> None:
    assert client.get("/statistics/").status_code == 302


# What every signed-in page sends whatever it shows, left out of a page's count: the sign-in
# lookup (session and person) and the header's count of unread notices. (The person's row was
# read again after the unit of work committed, for the request log's line: no longer.)
PER_REQUEST_PLUMBING = (
    "FROM user_sessions JOIN users",
    "FROM users",
    "FROM notification_recipients",
)


def page_statements(statements: list[str]) -> list[str]:
    """The statements a page sends for itself: all of them but the per-request plumbing."""
    return [s for s in statements if not any(p in s for p in PER_REQUEST_PLUMBING)]


def test_a_councils_page_runs_at_most_six_queries_however_many_years_and_peers(
    app, build, manager
) -> None:
    """Every statement of the request (before_cursor_execute on the engine): the plumbing
    above (the signed-in person with their session, and their unread notices), then the
    council, the years with data, its peers with their counts per year, and the publication.
    Five years of trend and three peers cost what one year and one peer do (before: 22 for
    this page, 25 with the plumbing)."""
    for start in (2021, 2022, 2023):
        decided(build, "NOTTS", FinancialYear(start), upheld=2, not_upheld=1)
        decided(build, "DERBY", FinancialYear(start), upheld=1, not_upheld=3)
    with count_queries(app) as statements:
        response = manager.get("/statistics/LEICS?year=2024-25")
    assert response.status_code == 200
    assert len(statements) - len(page_statements(statements)) == 2, "the plumbing, as named"
    assert len(page_statements(statements)) == 4, page_statements(statements)
    assert len(statements) <= 6  # issue 15
    html = response.get_data(as_text=True)
    assert "2020-21: Leicestershire County Council 68%" in html
