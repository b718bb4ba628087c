"""Case pages: adding a case with recommendations, the list and its filters, corrections."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa

from tests.helpers import count_queries, csrf_token, sign_in, submit
from tracker.extensions import db
from tracker.models import AuditEvent, Case


@pytest.fixture
def caseworker(client, build):
    build.authority("LEICS", name="Leicestershire County Council")
    build.authority("NOTTS", name="Nottinghamshire County Council")
    sign_in(client, build.user("caseworker"))
    return client


def new_case(**overrides: Any) -> dict[str, Any]:
    """The add-a-case form as a caseworker fills it in, with two recommendations."""
    form = {
        "action": "save",
        "reference": "24-007-343",
        "authority": "LEICS",
        "category": "Education",
        "subcategory": "Special educational needs",
        "decision_date": ["28", "1", "2025"],
        "outcome": "upheld",
        "recommendations-0-text": "Within one month of my final decision, pay Mr X £300.",
        "recommendations-0-kind": "personal",
        "recommendations-0-amount": "£300",
        "recommendations-1-text": "Within three months, remind staff of the policy.",
        "recommendations-1-kind": "service_improvement",
        "recommendations-1-amount": "",
    }
    form.update(overrides)
    return {key: value for key, value in form.items() if value is not None}


def saved_cases(app) -> list[Case]:
    with app.app_context():
        cases = db.session.scalars(sa.select(Case)).all()
        for case in cases:
            _ = [r.text for r in case.recommendations], case.authority.code
        return cases


def errors_on(response) -> list[str]:
    """The messages in the page's error summary."""
    html = response.get_data(as_text=True)
    summary = html.split('class="govuk-error-summary"')[1].split("</ul>")[0]
    return [
        re.sub(r"\s+", " ", m).strip() for m in re.findall(r"<a [^>]*>(.*?)</a>", summary, re.S)
    ]


def test_a_caseworker_adds_a_case_with_two_recommendations(app, caseworker) -> None:
    response = submit(caseworker, "/cases/new", new_case())
    assert response.status_code == 302
    assert response.headers["Location"] == "/cases/24-007-343"
    page = caseworker.get("/cases/24-007-343").get_data(as_text=True)
    assert "Case 24 007 343 was added" in page
    assert "pay Mr X £300" in page and "remind staff of the policy" in page
    assert "£300.00" in page
    [case] = saved_cases(app)
    assert case.reference == "24 007 343" and case.authority.code == "LEICS"
    assert case.decision_date == date(2025, 1, 28)
    assert [(r.position, r.kind.value, r.amount) for r in case.recommendations] == [
        (1, "personal", Decimal("300.00")),
        (2, "service_improvement", None),
    ]
    with app.app_context():
        actions = db.session.scalars(
            sa.select(AuditEvent.action).where(AuditEvent.case_id == case.id)
        ).all()
        actor_ids = set(
            db.session.scalars(sa.select(AuditEvent.actor_id).where(AuditEvent.case_id == case.id))
        )
    assert sorted(actions) == ["case.created", "recommendation.created", "recommendation.created"]
    assert None not in actor_ids, "the caseworker is recorded as the actor"
    assert "24 007 343" in caseworker.get("/cases/").get_data(as_text=True)


def test_blank_recommendation_entries_are_ignored(app, caseworker) -> None:
    form = new_case(**{"recommendations-1-text": "", "recommendations-1-kind": None})
    assert submit(caseworker, "/cases/new", form).status_code == 302
    assert len(saved_cases(app)[0].recommendations) == 1


def test_a_case_without_recommendations_can_be_added(app, caseworker) -> None:
    form = new_case(
        outcome="not_upheld",
        **{f"recommendations-{i}-{f}": None for i in (0, 1) for f in ("text", "kind", "amount")},
    )
    assert submit(caseworker, "/cases/new", form).status_code == 302
    assert saved_cases(app)[0].recommendations == []


def test_add_another_and_remove_change_the_form_without_saving(app, caseworker) -> None:
    added = submit(caseworker, "/cases/new", new_case(action="add"))
    html = added.get_data(as_text=True)
    assert added.status_code == 200
    assert "Recommendation 3" in html and 'name="recommendations-2-text"' in html
    assert "pay Mr X £300" in html, "what was typed is kept"
    removed = submit(caseworker, "/cases/new", new_case(action="remove-0"))
    html = removed.get_data(as_text=True)
    assert "pay Mr X £300" not in html and "remind staff of the policy" in html
    assert "Recommendation 2" not in html
    assert saved_cases(app) == []


def test_saving_after_a_removal_keeps_what_was_typed(app, caseworker) -> None:
    form = new_case(
        **{
            "recommendations-0-text": None,
            "recommendations-0-kind": None,
            "recommendations-0-amount": None,
        }
    )
    assert submit(caseworker, "/cases/new", form).status_code == 302
    [recommendation] = saved_cases(app)[0].recommendations
    assert recommendation.text == "Within three months, remind staff of the policy."


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"reference": ""}, "Enter the case reference"),
        ({"reference": "24 07 343"}, "Enter a case reference in the format 24 007 343"),
        ({"authority": ""}, "Choose the authority"),
        ({"authority": "MADEUP"}, "There is no authority with the code MADEUP"),
        ({"outcome": "won"}, "Choose the outcome"),
        ({"category": ""}, "Enter the category, for example Education"),
        ({"decision_date": ["", "", ""]}, "Enter the decision date"),
        ({"decision_date": ["28", "", "2025"]}, "Decision date must include a month"),
        ({"decision_date": ["31", "2", "2025"]}, "Decision date must be a real date"),
        ({"decision_date": ["1", "1", "25"]}, "Decision date must be a real date"),
        ({"decision_date": ["1", "1", "2099"]}, "Decision date must be today or in the past"),
        ({"outcome": None}, "Choose the outcome"),
        (
            {"outcome": "not_upheld", "satisfactory_remedy": "y"},
            "Only an upheld case can have a satisfactory remedy",
        ),
        ({"outcome": "not_upheld"}, "Only an upheld case has recommendations"),
        (
            {"recommendations-1-kind": None},
            "Choose whether recommendation 2 is a personal remedy or a service improvement",
        ),
        (
            {"recommendations-0-amount": "three hundred"},
            "Amount to pay, in pounds must be an amount, like 1250.00",
        ),
        (
            {"recommendations-0-amount": "1.234"},
            "Amount to pay, in pounds must be in pounds and pence, like 1250.00",
        ),
        (
            {"recommendations-1-text": "", "recommendations-1-amount": "50"},
            "Enter the text of recommendation 2",
        ),
    ],
)
def test_bad_input_is_reported_and_nothing_is_saved(app, caseworker, overrides, message) -> None:
    response = submit(caseworker, "/cases/new", new_case(**overrides), form_page="/cases/new")
    assert response.status_code == 200
    assert message in errors_on(response)
    assert "<title>Error: " in response.get_data(as_text=True)
    assert saved_cases(app) == []


def test_errors_link_to_the_field_they_are_about(caseworker) -> None:
    response = submit(
        caseworker,
        "/cases/new",
        new_case(decision_date=["", "", ""], **{"recommendations-1-kind": None}),
    )
    html = response.get_data(as_text=True)
    assert 'href="#decision_date-day"' in html and 'id="decision_date-day"' in html
    assert 'href="#recommendations-1-kind"' in html and 'id="recommendations-1-kind"' in html


def test_a_duplicate_reference_is_refused_whichever_way_it_is_written(
    app, build, caseworker
) -> None:
    build.case("LEICS", reference="24 007 343")
    response = submit(caseworker, "/cases/new", new_case(reference="24007343"))
    assert "A case with the reference 24 007 343 already exists" in errors_on(response)
    assert len(saved_cases(app)) == 1


def test_what_was_typed_stays_in_the_form_after_an_error(caseworker) -> None:
    html = submit(caseworker, "/cases/new", new_case(category="")).get_data(as_text=True)
    assert 'value="24-007-343"' in html
    assert "pay Mr X £300." in html
    assert re.search(r'value="28"', html) and re.search(r'value="2025"', html)


@pytest.fixture
def listed(build, caseworker):
    build.case("LEICS", reference="24 007 343", decided=date(2025, 1, 28))
    build.case("LEICS", reference="24 001 324", decided=date(2024, 4, 1), outcome="not_for_us")
    build.case(
        "NOTTS", reference="23 019 093", decided=date(2024, 3, 31), outcome="assessed_and_closed"
    )
    return caseworker


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"24 007 343", "24 001 324", "23 019 093"}),
        ("reference=24007343", {"24 007 343"}),
        ("reference=24-00", {"24 007 343", "24 001 324"}),
        ("reference=23 019", {"23 019 093"}),
        ("authority=NOTTS", {"23 019 093"}),
        ("authority=leics", {"24 007 343", "24 001 324"}),
        ("outcome=not_for_us", {"24 001 324"}),
        ("year=2024-25", {"24 007 343", "24 001 324"}),
        ("year=2023-24", {"23 019 093"}),
        ("year=2024-25&outcome=upheld", {"24 007 343"}),
    ],
)
def test_the_list_searches_and_filters(listed, query, expected) -> None:
    html = listed.get(f"/cases/?{query}").get_data(as_text=True)
    shown = set(re.findall(r'href="/cases/[\d-]+">(\d\d \d{3} \d{3})</a>', html))
    assert shown == expected


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("reference=abc", "Enter all or the start of a case reference"),
        ("year=2024", "Enter a financial year like 2024-25"),
        ("year=2024-26", "Enter a financial year like 2024-25"),
        ("outcome=won", "Choose an outcome from the list"),
    ],
)
def test_a_bad_filter_is_explained_not_ignored_silently(listed, query, message) -> None:
    response = listed.get(f"/cases/?{query}")
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)


def test_the_list_offers_the_years_that_have_cases(listed) -> None:
    html = listed.get("/cases/").get_data(as_text=True)
    assert '<option value="2024-25"' in html and '<option value="2023-24"' in html
    assert '<option value="2025-26"' not in html


def test_the_list_is_paginated(app, build, caseworker) -> None:
    for _ in range(30):
        build.case("LEICS")
    first = caseworker.get("/cases/").get_data(as_text=True)
    assert "Showing 1 to 25 of 30" in first
    second = caseworker.get("/cases/?page=2").get_data(as_text=True)
    assert "Showing 26 to 30 of 30" in second
    assert caseworker.get("/cases/?page=abc").status_code == 200


def test_the_list_runs_the_same_queries_for_few_or_many_cases(app, build, caseworker) -> None:
    def queries() -> int:
        with count_queries(app) as statements:
            assert caseworker.get("/cases/").status_code == 200
        return len(statements)

    for _ in range(3):
        build.case("LEICS")
    few = queries()
    for _ in range(40):
        build.case("NOTTS", recommendations=[("a", "personal"), ("b", "personal")])
    assert queries() == few


def test_the_case_page_shows_recommendations_deadlines_and_history(build, caseworker) -> None:
    build.case(
        "LEICS",
        reference="24 007 343",
        decided=date(2024, 6, 3),
        amount=Decimal("1250"),
        recommendations=[
            ("Within three months of my final decision, pay Mrs B £1,250.", "personal"),
            ("Remind staff of the policy.", "service_improvement"),
        ],
    )
    html = caseworker.get("/cases/24-007-343").get_data(as_text=True)
    assert "pay Mrs B £1,250." in html and "£1,250.00" in html
    assert '<mark class="app-deadline">Within three months of my final decision</mark>' in html, (
        "the words the date came from are marked"
    )
    assert "3 September 2024" in html and "– within three months of my final decision" in html
    assert "Assumed – to be confirmed" in html, "the service improvement's words give no date"
    assert "Overdue" in html, "both dates have passed and neither is closed"
    assert "Case created" in html and "Recommendation created" in html


def _edit_form(client, reference: str = "24-007-343", **overrides: Any) -> dict[str, Any]:
    html = client.get(f"/cases/{reference}/edit").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', html).group(1)
    form = {
        "reference": "24 007 343",
        "authority": "LEICS",
        "category": "Education",
        "subcategory": "School transport",
        "decision_date": ["3", "6", "2024"],
        "outcome": "upheld",
        "version": version,
        "csrf_token": csrf_token(client, f"/cases/{reference}/edit"),
    }
    form.update(overrides)
    return form


def test_a_caseworker_corrects_a_case_and_the_change_is_recorded(app, build, caseworker) -> None:
    build.case("LEICS", reference="24 007 343")
    response = caseworker.post("/cases/24-007-343/edit", data=_edit_form(caseworker))
    assert response.status_code == 302
    with app.app_context():
        case = db.session.scalar(sa.select(Case))
        event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "case.updated"))
        assert case.subcategory == "School transport"
        assert event.before == {"subcategory": "Special educational needs"}
        assert event.after == {"subcategory": "School transport"}
        assert event.actor_id is not None


def test_a_stale_correction_is_refused_rather_than_overwriting(app, build, caseworker) -> None:
    build.case("LEICS", reference="24 007 343")
    stale = _edit_form(caseworker, category="First change")
    newer = _edit_form(caseworker, category="Second change")
    assert caseworker.post("/cases/24-007-343/edit", data=newer).status_code == 302
    response = caseworker.post("/cases/24-007-343/edit", data=stale)
    assert response.status_code == 200
    assert "Someone else changed this case" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(Case.category)) == "Second change"


def test_a_case_with_recommendations_stays_upheld(app, build, caseworker) -> None:
    build.case("LEICS", reference="24 007 343")
    response = caseworker.post(
        "/cases/24-007-343/edit", data=_edit_form(caseworker, outcome="not_upheld")
    )
    assert "A case with recommendations must stay upheld" in errors_on(response)


def test_a_long_list_says_more_than_its_bound_and_pages_up_to_it(
    app, build, caseworker, monkeypatch
) -> None:
    monkeypatch.setattr("tracker.cases.routes.COUNT_UP_TO", 30)
    for _ in range(31):
        build.case("LEICS")
    first = caseworker.get("/cases/").get_data(as_text=True)
    assert "More than 30 cases" in first and "Showing 1 to 25 of more than 30" in first
    second = caseworker.get("/cases/?page=2").get_data(as_text=True)
    assert "Showing 26 to 31 of more than 30" in second  # the rows it shows
    assert "No cases match" in caseworker.get("/cases/?page=3").get_data(as_text=True)


def test_the_page_links_are_the_first_the_last_and_those_near(app) -> None:
    from flask import render_template_string

    from tracker.plumbing.pagination import Page

    with app.test_request_context("/cases/"):
        html = render_template_string(
            '{% from "macros/pagination.html" import pagination %}'
            '{{ pagination(page, "cases.index") }}',
            page=Page(items=[], page=500, per_page=20, total=1_000_000),
        )
    numbers = [int(n) for n in re.findall(r"page=(\d+)", html)]
    assert sorted(set(numbers)) == [1, *range(498, 503), 50_000]
    assert html.count("govuk-pagination__item--ellipsis") == 2
