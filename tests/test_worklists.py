"""The lists people work from: an officer's due list, the review queue and the chase list."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from tests import samples
from tests.helpers import act, count_queries, send_evidence, sign_in

MONTH = "Within one month of my final decision, pay Mrs X £300."


@pytest.fixture
def work(app, build, frozen_clock):
    """Recommendations in two councils, due at different times around today (23 Nov 2026)."""
    build.authority("LEICS", name="Leicestershire County Council")
    build.authority("NOTTS", name="Nottinghamshire County Council")
    decided = {
        "26 000 001": ("LEICS", date(2026, 9, 1)),  # due 1 October: 53 days overdue
        "26 000 002": ("LEICS", date(2026, 11, 1)),  # due 1 December: 8 days left
        "26 000 003": ("NOTTS", date(2026, 10, 10)),  # due 10 November: 13 days overdue
        "26 000 004": ("LEICS", date(2026, 10, 23)),  # due today
        "26 000 005": ("LEICS", date(2026, 8, 1)),  # closed below: on no list
    }
    for reference, (authority, when) in decided.items():
        build.case(
            authority, reference=reference, decided=when, recommendations=[(MONTH, "personal")]
        )
    ids = {reference: build.recommendation_ids(reference)[0] for reference in decided}
    caseworker = app.test_client()
    sign_in(caseworker, build.user("caseworker"))
    act(caseworker, ids["26 000 005"], "review", "review", decision="not_complied", note="No.")
    officer = app.test_client()
    sign_in(officer, build.user("officer", authority="LEICS"))
    return {"ids": ids, "caseworker": caseworker, "officer": officer, "clock": frozen_clock}


def listed(html: str) -> list[str]:
    """Case references in the order the list shows them."""
    return re.findall(r">(\d\d \d{3} \d{3})</a>", html)


def test_an_officer_sees_their_councils_work_due_soonest_first(work) -> None:
    html = work["officer"].get("/recommendations/").get_data(as_text=True)
    assert "Your council&#39;s recommendations" in html
    assert listed(html) == ["26 000 001", "26 000 004", "26 000 002"]
    assert "26 000 003" not in html, "another council's work is not shown"
    assert "53 days overdue" in html and "Due today" in html and "8 days left" in html
    assert len(re.findall(r">\s*Overdue\s*<", html)) == 1


def test_the_chase_list_shows_the_most_overdue_first_and_filters_by_council(work) -> None:
    caseworker = work["caseworker"]
    html = caseworker.get("/recommendations/overdue").get_data(as_text=True)
    assert listed(html) == ["26 000 001", "26 000 003"]
    assert "2 recommendations" in html
    notts = caseworker.get("/recommendations/overdue?authority=notts").get_data(as_text=True)
    assert listed(notts) == ["26 000 003"]
    assert '<option value="NOTTS" selected>' in notts


def test_an_item_joins_the_chase_list_the_day_after_it_falls_due(work) -> None:
    caseworker = work["caseworker"]
    assert "26 000 004" not in caseworker.get("/recommendations/overdue").get_data(as_text=True)
    work["clock"](timedelta(days=1))
    sign_in(caseworker, "caseworker@example.org")  # yesterday's session has timed out
    html = caseworker.get("/recommendations/overdue").get_data(as_text=True)
    assert listed(html) == ["26 000 001", "26 000 003", "26 000 004"]
    assert "1 day overdue" in html


def test_the_review_queue_shows_evidence_waiting_longest_first(work) -> None:
    ids, officer, caseworker = work["ids"], work["officer"], work["caseworker"]
    assert listed(caseworker.get("/recommendations/review").get_data(as_text=True)) == []
    send_evidence(officer, ids["26 000 002"], [(samples.PDF, "first.pdf")])
    work["clock"](timedelta(hours=2))
    send_evidence(officer, ids["26 000 001"], [(samples.PDF, "second.pdf")])
    html = caseworker.get("/recommendations/review").get_data(as_text=True)
    assert listed(html) == ["26 000 002", "26 000 001"]
    act(caseworker, ids["26 000 002"], "review", "review", decision="accept", note="")
    html = caseworker.get("/recommendations/review").get_data(as_text=True)
    assert listed(html) == ["26 000 001"], "a reviewed item leaves the queue"


def test_evidence_sent_again_after_changes_waits_from_when_it_was_sent_again(work) -> None:
    ids, officer, caseworker = work["ids"], work["officer"], work["caseworker"]
    send_evidence(officer, ids["26 000 002"], [(samples.PDF, "first.pdf")])
    work["clock"](timedelta(hours=2))
    send_evidence(officer, ids["26 000 001"], [(samples.PDF, "second.pdf")])
    act(
        caseworker,
        ids["26 000 002"],
        "review",
        "review",
        decision="changes_requested",
        note="Send the signed letter.",
    )
    work["clock"](timedelta(hours=2))
    send_evidence(officer, ids["26 000 002"], [(samples.PDF, "signed.pdf")])
    html = caseworker.get("/recommendations/review").get_data(as_text=True)
    assert listed(html) == ["26 000 001", "26 000 002"]


def test_officers_have_no_review_queue_or_chase_list(work) -> None:
    officer = work["officer"]
    assert officer.get("/recommendations/review").status_code == 403
    assert officer.get("/recommendations/overdue").status_code == 403
    home = officer.get("/recommendations/").get_data(as_text=True)
    assert ">Review<" not in home and ">Chase<" not in home


def test_an_officer_cannot_see_another_council_by_filtering_for_it(work) -> None:
    html = work["officer"].get("/recommendations/?authority=NOTTS").get_data(as_text=True)
    assert listed(html) == []
    assert "Nottinghamshire" not in html


def test_lists_are_paginated(app, work) -> None:
    app.config["PER_PAGE"] = 2
    caseworker = work["caseworker"]
    first = caseworker.get("/recommendations/").get_data(as_text=True)
    assert listed(first) == ["26 000 001", "26 000 003"]
    assert "Showing 1 to 2 of 4" in first
    second = caseworker.get("/recommendations/?page=2").get_data(as_text=True)
    assert listed(second) == ["26 000 004", "26 000 002"]
    past_the_end = caseworker.get("/recommendations/?page=99").get_data(as_text=True)
    assert listed(past_the_end) == [] and "Nothing to show" in past_the_end


@pytest.mark.parametrize(
    "path", ["/recommendations/", "/recommendations/review", "/recommendations/overdue"]
)
def test_a_list_runs_the_same_queries_for_few_or_many_rows(app, build, work, path) -> None:
    def queries() -> int:
        with count_queries(app) as statements:
            assert work["caseworker"].get(path).status_code == 200
        return len(statements)

    send_evidence(work["officer"], work["ids"]["26 000 001"], [(samples.PDF, "a.pdf")])
    few = queries()  # every list has a row or two
    for number in range(30):
        reference = f"25 100 {number:03d}"
        build.case(
            "LEICS",
            reference=reference,
            decided=date(2026, 1, 5),
            recommendations=[(MONTH, "personal"), ("Remind staff.", "service_improvement")],
        )
        send_evidence(
            work["officer"], build.recommendation_ids(reference)[0], [(samples.PDF, "a.pdf")]
        )
    assert queries() == few
