"""Deadlines say how they were worked out, in words a council officer can check."""

from __future__ import annotations

from datetime import date

import pytest

from tests.helpers import sign_in
from tracker.deadlines import compute_deadline, holidays_between


@pytest.mark.parametrize(
    ("text", "decided", "due", "how"),
    [
        (
            "Within 20 working days of my final decision, remind staff of the policy.",
            date(2025, 4, 3),
            date(2025, 5, 6),
            "20 working days from 3 April 2025 (the decision), skipping weekends, Good Friday,"
            " Easter Monday and May Day",
        ),
        (
            "Within 10 working days of the final decision, apologise to Mr X.",
            date(2025, 6, 2),
            date(2025, 6, 16),
            "10 working days from 2 June 2025 (the decision), skipping weekends",
        ),
        (
            "Within one month of my final decision, pay Mrs X £300.",
            date(2026, 1, 31),
            date(2026, 2, 28),
            "1 month from 31 January 2026 (the decision), the last day of February as it has"
            " no 31st",
        ),
        (
            "Within 14 days of the final decision, apologise.",
            date(2026, 11, 1),
            date(2026, 11, 15),
            "14 days from 1 November 2026 (the decision)",
        ),
        (
            "By 31 March 2027, review the policy.",
            date(2026, 11, 1),
            date(2027, 3, 31),
            "The date the words state",
        ),
        (
            "Before 1 April 2027, review the policy.",
            date(2026, 11, 1),
            date(2027, 3, 31),
            "The date the words state, less a day: they say “before”",
        ),
    ],
)
def test_each_date_says_how_it_was_worked_out(text, decided, due, how) -> None:
    [part] = compute_deadline(text, decided).parts
    assert (part.due_date, part.how) == (due, how)


def test_a_date_after_an_event_and_the_one_chained_to_it() -> None:
    text = (
        "Within one month of receiving the valuer's report, decide the claim, and then within"
        " a further 14 days pay what is due."
    )
    waiting = compute_deadline(text, date(2026, 11, 1)).parts
    assert [part.how for part in waiting] == ["", ""]
    done = compute_deadline(
        text, date(2026, 11, 1), event_dates={"receiving the valuer's report": date(2026, 12, 10)}
    ).parts
    assert [part.how for part in done] == [
        "1 month from 10 December 2026 (receiving the valuer's report)",
        "14 days from 10 January 2027 (the deadline before)",
    ]


def test_an_assumed_date_says_it_is_the_usual_time() -> None:
    deadline = compute_deadline("Pay Mrs X £300.", date(2026, 11, 1), kind="personal")
    assert deadline.how == (
        "1 month from 1 November 2026 (the decision): the usual time for a personal remedy"
        " whose words give none"
    )


def test_holidays_between_names_weekday_bank_holidays_in_order() -> None:
    assert holidays_between(date(2025, 12, 20), date(2026, 1, 5), "england-and-wales") == [
        "Christmas Day",
        "Boxing Day",
        "New Year's Day",
    ]
    assert holidays_between(date(2025, 12, 20), date(2026, 1, 5), "scotland")[-1] == (
        "New Year Holiday"
    )


def test_the_recommendation_page_says_how(app, client, build) -> None:
    build.authority("LEICS")
    recommendation_id = build.payment_due(decided=date(2026, 1, 31))
    sign_in(client, build.user("officer", authority="LEICS"))
    page = client.get(f"/recommendations/{recommendation_id}").get_data(as_text=True)
    assert "How we worked out the due date" in page
    assert "1 month from 31 January 2026 (the decision), the last day of February" in page
