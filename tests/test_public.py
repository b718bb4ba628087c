"""The public council performance page: what a manager published, laid out like the source
page, the council's service improvements, and never anything personal."""

from __future__ import annotations

import re
from datetime import date

import pytest
import sqlalchemy as sa

from tests.conftest import USING_POSTGRES
from tests.helpers import csrf_token, sign_in, text_of
from tests.statistics_data import leicestershire_2024_25
from tracker.extensions import db

SECRET_NAME = "Mrs Zebedee Quartermaine"
IMPROVEMENT = "Within three months of my final decision, the Council will remind staff to reply."


def publish(client, code: str, year: str) -> None:
    page = f"/statistics/{code}?year={year}"
    response = client.post(
        f"/statistics/{code}/publish", data={"csrf_token": csrf_token(client, page), "year": year}
    )
    assert response.status_code == 302


@pytest.fixture
def published(app, build, frozen_clock):
    """Leicestershire's 2024-25, published, with service improvements and a personal remedy
    that names the complainant and an amount."""
    leicestershire_2024_25(build)
    build.authority("NOTTS", name="Nottinghamshire County Council")
    build.case(
        "LEICS",
        reference="24 007 343",
        decided=date(2025, 2, 3),
        category="Education",
        subcategory="Special educational needs",
        recommendations=[
            (f"Within one month, apologise to {SECRET_NAME} and pay her £7,500.", "personal"),
            (IMPROVEMENT, "service_improvement"),
        ],
    )
    manager = app.test_client()
    sign_in(manager, build.user("manager"))
    publish(manager, "LEICS", "2024-25")
    return manager


def test_the_published_page_reads_like_the_source(client, published) -> None:
    response = client.get("/councils/LEICS/2024-25")
    assert response.status_code == 200, "no sign-in needed"
    text = text_of(response.get_data(as_text=True))
    for sentence in (
        "Between 1 April 2024 to 31 March 2025, we dealt with 123 complaints.",
        "Of these, 46 were not for us or not ready for us to investigate.",
        "We assessed and closed 36 complaints. We investigated 41 complaints.",
        "We investigated 41 complaints and upheld 34.",
        "83% of complaints we investigated were upheld.",
        "Adjusted for Leicestershire County Council's population, this is 4.6 upheld",
        "In 10 out of 34 upheld cases we found the Council had provided a satisfactory remedy",
        "29% satisfactory remedy rate.",
        "We recorded compliance outcomes in 23 cases.",
        "In 23 cases we were satisfied with the actions taken.",
        "100% compliance rate with recommendations.",
    ):
        assert sentence in text, sentence


def test_service_improvements_show_without_their_timescales(client, published) -> None:
    html = client.get("/councils/LEICS/2024-25").get_data(as_text=True)
    assert "Case reference: 24 007 343" in html
    assert "Special educational needs" in html
    assert "The Council will remind staff to reply." in html
    assert "Within three months" not in html


def test_nothing_personal_is_ever_published(client, build, published) -> None:
    """A name planted in a personal remedy appears on no public page, nor its amount."""
    pages = ["/councils/", "/councils/LEICS", "/councils/LEICS/2024-25"]
    pages += [f"/councils/LEICS/service-improvements?page={n}" for n in (1, 2)]
    for page in pages:
        response = client.get(page, follow_redirects=True)
        assert response.status_code == 200, page
        html = response.get_data(as_text=True)
        for secret in (SECRET_NAME, "Quartermaine", "7,500", "apologise"):
            assert secret not in html, (page, secret)


def test_only_published_years_and_councils_are_public(client, published) -> None:
    assert client.get("/councils/LEICS/2023-24").status_code == 404
    assert client.get("/councils/NOTTS").status_code == 404, "not published: as if absent"
    assert client.get("/councils/NOTTS/2024-25").status_code == 404
    assert client.get("/councils/LEICS/2024").status_code == 404
    assert client.get("/councils/NOWHERE").status_code == 404
    index = client.get("/councils/").get_data(as_text=True)
    assert "Leicestershire County Council" in index and "Nottinghamshire" not in index
    assert client.get("/councils/LEICS").headers["Location"].endswith("/councils/LEICS/2024-25")


def test_the_page_keeps_its_published_figures_until_published_again(
    client, build, published
) -> None:
    build.case("LEICS", decided=date(2025, 3, 1), outcome="not_upheld")
    assert "We investigated 41 complaints" in client.get("/councils/LEICS/2024-25").get_data(
        as_text=True
    )
    publish(published, "LEICS", "2024-25")
    assert "We investigated 42 complaints" in client.get("/councils/LEICS/2024-25").get_data(
        as_text=True
    )


def test_the_latest_ten_with_view_all(client, build, published) -> None:
    for number in range(12):
        build.case(
            "LEICS",
            reference=f"25 100 {number:03d}",
            decided=date(2025, 6, 1 + number),
            recommendations=[(f"Review procedure number {number}.", "service_improvement")],
        )
    html = client.get("/councils/LEICS/2024-25").get_data(as_text=True)
    shown = re.findall(r"Case reference: (\d\d \d{3} \d{3})", html)
    assert shown == [f"25 100 {n:03d}" for n in range(11, 1, -1)], "latest ten, newest first"
    assert "The latest 10 cases are listed below – click ‘view all’" in html, "as the source"
    assert "View all cases with service improvements" in html
    everything = client.get("/councils/LEICS/service-improvements").get_data(as_text=True)
    assert len(re.findall(r"Case reference:", everything)) == 13


def test_ten_or_fewer_are_all_listed_without_saying_latest(client, build, published) -> None:
    for number in range(9):  # and 24 007 343: ten
        build.case(
            "LEICS",
            reference=f"25 100 {number:03d}",
            decided=date(2025, 6, 1 + number),
            recommendations=[(f"Review procedure number {number}.", "service_improvement")],
        )
    html = client.get("/councils/LEICS/2024-25").get_data(as_text=True)
    assert len(re.findall(r"Case reference: (\d\d \d{3} \d{3})", html)) == 10
    assert "The latest" not in html and "View all cases with service improvements" in html


def test_improvements_show_for_five_years_and_reports_for_ten(client, build, published) -> None:
    """Today is 23 November 2026: decisions after 23 November 2021 and reports after
    23 November 2016 are on show."""
    for reference, decided_on, report in (
        ("21 000 001", date(2021, 11, 24), False),  # on show
        ("21 000 002", date(2021, 11, 23), False),  # five years ago today: gone
        ("17 000 003", date(2016, 11, 24), True),  # a report: on show for ten
        ("16 000 004", date(2016, 11, 23), True),  # gone
    ):
        build.case(
            "LEICS",
            reference=reference,
            decided=decided_on,
            public_report=report,
            recommendations=[(f"Train staff ({reference}).", "service_improvement")],
        )
    html = client.get("/councils/LEICS/service-improvements").get_data(as_text=True)
    assert "21 000 001" in html and "17 000 003" in html
    assert "21 000 002" not in html and "16 000 004" not in html


def test_the_service_improvements_are_counted_from_their_partial_indexes(
    app, client, published
) -> None:
    """The count of the council's cases with service improvements, as their page sends it,
    says `outcome = 'upheld'` and `kind = 'service_improvement'` in its own words: the partial
    indexes' predicates, which a planner must see to use them (PostgreSQL's prepared, generic
    plans never see a parameter's value). SQLite's plan, with the parameters it was sent with,
    reads both indexes; PostgreSQL's is in the load test (at 1M, not a handful of rows)."""
    sent: list[tuple[str, object]] = []

    def keep(_conn, _cursor, statement, parameters, *_args) -> None:
        sent.append((statement, parameters))

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", keep)
    try:
        assert client.get("/councils/LEICS/service-improvements").status_code == 200
    finally:
        sa.event.remove(engine, "before_cursor_execute", keep)
    [(count, parameters)] = [
        (statement, parameters)
        for statement, parameters in sent
        if statement.startswith("SELECT count(*)") and "recommendations" in statement
    ]
    assert "cases.outcome = 'upheld'" in count
    assert "recommendations.kind = 'service_improvement'" in count
    if not USING_POSTGRES:
        with engine.connect() as connection:
            plan = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {count}", parameters).all()
        details = " ".join(row[-1] for row in plan)
        assert "SEARCH cases USING COVERING INDEX" in details, details  # SQLite's hold the rowid
        assert "INDEX ix_recommendations_service_improvement_case_id (case_id=?)" in details
