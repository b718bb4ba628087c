"""Deadlines on saved recommendations: read from the words, set by caseworkers, moved by events."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa

from tests.helpers import csrf_token, page_form, sign_in, submit, text_of
from tracker.extensions import db
from tracker.models import AuditEvent, Case, DueDateSource, Recommendation

DECIDED = date(2024, 11, 12)
STATED = "Within three months of my final decision statement, the Council will review its policy."
ASSUMED = "The Council will apologise to Mrs X."
WAITING = "Within a month of receiving the District Valuer's report, reconsider the charge."


@pytest.fixture
def case(build) -> str:
    build.authority("LEICS", name="Leicestershire County Council")
    build.authority("NOTTS")
    return build.case(
        "LEICS",
        reference="24 001 615",
        decided=DECIDED,
        recommendations=[
            (STATED, "service_improvement"),
            (ASSUMED, "personal"),
            (WAITING, "personal"),
        ],
    )


def recommendations(app) -> list[Recommendation]:
    with app.app_context():
        rows = db.session.scalars(sa.select(Recommendation).order_by(Recommendation.position))
        found = list(rows)
        for row in found:
            _ = [(p.phrase, p.event_date) for p in row.deadline_parts]
        return found


def test_saving_a_case_dates_each_recommendation_from_its_words(app, case) -> None:
    stated, assumed, waiting = recommendations(app)
    assert (stated.decision_due_date, stated.due_date) == (date(2025, 2, 12), date(2025, 2, 12))
    assert stated.explicit and stated.due_date_source is DueDateSource.STATED
    assert [p.phrase for p in stated.deadline_parts] == [
        "Within three months of my final decision statement"
    ]
    # No deadline in the words: the personal default, assumed, with no date from the decision.
    assert (assumed.decision_due_date, assumed.due_date) == (None, date(2024, 12, 12))
    assert not assumed.explicit and assumed.due_date_source is DueDateSource.ASSUMED
    # Waiting for an event: no date at all until it is recorded.
    assert (waiting.due_date, waiting.due_date_source) == (None, None)
    assert waiting.deadline_parts[0].awaits_event == "receiving the District Valuer's report"


def test_the_case_page_says_where_each_date_came_from(client, build, case) -> None:
    sign_in(client, build.user("caseworker"))
    html = client.get("/cases/24-001-615").get_data(as_text=True)
    assert "12 February 2025" in html
    assert "– within three months of my final decision statement" in html
    assert "Assumed – to be confirmed" in html
    assert "Waits for receiving the District Valuer&#39;s report" in html


def _page_form(
    client, recommendation_id: int, prefix: str = "due", **fields: Any
) -> dict[str, Any]:
    """A form from the recommendation's page, as its browser would send it."""
    return page_form(client, f"/recommendations/{recommendation_id}", prefix, **fields)


def test_a_caseworker_sets_the_due_date_with_a_reason(app, client, build, case) -> None:
    sign_in(client, build.user("caseworker"))
    _, assumed, _ = recommendations(app)
    form = _page_form(
        client, assumed.id, due_date=["31", "1", "2025"], reason="Agreed with the council by phone"
    )
    response = client.post(f"/recommendations/{assumed.id}/due-date", data=form)
    assert response.status_code == 302
    assert "The due date is now 31 January 2025" in client.get(
        response.headers["Location"]
    ).get_data(as_text=True)
    _, after, _ = recommendations(app)
    assert after.due_date == date(2025, 1, 31)
    assert after.due_date_source is DueDateSource.CASEWORKER
    assert after.decision_due_date is None, "the decision's own date stays as it was"
    with app.app_context():
        event = db.session.scalar(
            sa.select(AuditEvent).where(AuditEvent.action == "recommendation.due_date_set")
        )
        assert event.note == "Agreed with the council by phone" and event.actor_id is not None
        assert event.before["due_date"] == "2024-12-12"
        assert event.after["due_date"] == "2025-01-31"


def test_a_caseworker_date_survives_a_corrected_decision_date(app, client, build, case) -> None:
    sign_in(client, build.user("caseworker"))
    stated, assumed, _ = recommendations(app)
    form = _page_form(client, assumed.id, due_date=["31", "1", "2025"], reason="Agreed")
    client.post(f"/recommendations/{assumed.id}/due-date", data=form)
    html = client.get("/cases/24-001-615/edit").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', html).group(1)
    client.post(
        "/cases/24-001-615/edit",
        data={
            "csrf_token": csrf_token(client, "/cases/24-001-615/edit"),
            "version": version,
            "reference": "24 001 615",
            "authority": "LEICS",
            "category": "Education",
            "decision_date": ["12", "12", "2024"],
            "outcome": "upheld",
        },
    )
    stated, assumed, _ = recommendations(app)
    assert (stated.decision_due_date, stated.due_date) == (date(2025, 3, 12), date(2025, 3, 12))
    assert assumed.due_date == date(2025, 1, 31), "set by a caseworker: the words do not move it"
    with app.app_context():
        assert (
            db.session.scalar(
                sa.select(sa.func.count()).where(AuditEvent.action == "recommendation.redated")
            )
            == 1
        )


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"due_date": ["31", "1", "2025"], "reason": ""}, "Give the reason for setting this date"),
        ({"due_date": ["", "", ""], "reason": "x"}, "Enter the new due date"),
        (
            {"due_date": ["1", "1", "2020"], "reason": "x"},
            "The due date must be on or after the decision date",
        ),
    ],
)
def test_bad_due_dates_are_explained_and_change_nothing(
    app, client, build, case, fields, message
) -> None:
    sign_in(client, build.user("caseworker"))
    _, assumed, _ = recommendations(app)
    response = client.post(
        f"/recommendations/{assumed.id}/due-date", data=_page_form(client, assumed.id, **fields)
    )
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    assert recommendations(app)[1].due_date == date(2024, 12, 12)


def test_a_stale_page_cannot_overwrite_a_newer_date(app, client, build, case) -> None:
    sign_in(client, build.user("caseworker"))
    _, assumed, _ = recommendations(app)
    stale = _page_form(client, assumed.id, due_date=["1", "2", "2025"], reason="First")
    newer = _page_form(client, assumed.id, due_date=["2", "2", "2025"], reason="Second")
    assert client.post(f"/recommendations/{assumed.id}/due-date", data=newer).status_code == 302
    response = client.post(f"/recommendations/{assumed.id}/due-date", data=stale)
    assert "Someone else changed this recommendation" in response.get_data(as_text=True)
    assert recommendations(app)[1].due_date == date(2025, 2, 2)


def test_recording_an_event_gives_the_waiting_part_its_date(app, client, build, case) -> None:
    sign_in(client, build.user("caseworker"))
    *_, waiting = recommendations(app)
    page = client.get(f"/recommendations/{waiting.id}").get_data(as_text=True)
    assert "When did this happen: receiving the District Valuer&#39;s report?" in page
    form = _page_form(client, waiting.id, "event-0", event_date=["31", "1", "2025"])
    response = client.post(f"/recommendations/{waiting.id}/events/0", data=form)
    assert response.status_code == 302
    *_, waiting = recommendations(app)
    assert waiting.due_date == date(2025, 2, 28) and waiting.decision_due_date == date(2025, 2, 28)
    assert waiting.deadline_parts[0].event_date == date(2025, 1, 31)
    assert waiting.due_date_source is DueDateSource.STATED
    with app.app_context():
        event = db.session.scalar(
            sa.select(AuditEvent).where(AuditEvent.action == "recommendation.event_recorded")
        )
        assert event.after["event_date"] == "2025-01-31" and event.after["due_date"] == "2025-02-28"


def test_an_event_form_posted_with_only_its_token_is_answered_with_a_page(
    app, client, build, case
) -> None:
    sign_in(client, build.user("caseworker"))
    stated, _, waiting = recommendations(app)
    page = f"/recommendations/{waiting.id}"
    # The part that waits for an event: the page again, saying what went wrong.
    token = {"event-0-csrf_token": csrf_token(client, page)}
    response = client.post(f"{page}/events/0", data=token)
    assert response.status_code == 200
    assert "There is a problem" in response.get_data(as_text=True)
    # A part that does not exist, or waits for nothing: no such form, so not found.
    for address, prefix in (
        (f"{page}/events/5", "event-5"),
        (f"/recommendations/{stated.id}/events/0", "event-0"),
    ):
        response = client.post(address, data={f"{prefix}-csrf_token": csrf_token(client, page)})
        assert response.status_code == 404, address
        assert "Page not found" in response.get_data(as_text=True)
    assert all(part.event_date is None for part in recommendations(app)[2].deadline_parts)


def test_officers_see_deadlines_but_cannot_change_them(app, client, build, case) -> None:
    sign_in(client, build.user("officer", authority="LEICS"))
    stated, assumed, _ = recommendations(app)
    page = client.get(f"/recommendations/{stated.id}").get_data(as_text=True)
    assert "12 February 2025" in page and "Set or correct the due date" not in page
    form = {
        "due-csrf_token": csrf_token(client, f"/recommendations/{stated.id}"),
        "due-version": "1",
        "due-due_date": ["1", "1", "2026"],
        "due-reason": "x",
    }
    assert client.post(f"/recommendations/{assumed.id}/due-date", data=form).status_code == 403


def test_another_councils_officer_finds_nothing(app, client, build, case) -> None:
    sign_in(client, build.user("officer", authority="NOTTS"))
    stated, *_ = recommendations(app)
    assert client.get(f"/recommendations/{stated.id}").status_code == 404
    form = {
        "due-csrf_token": csrf_token(client, "/"),
        "due-version": "1",
        "due-due_date": ["1", "1", "2026"],
        "due-reason": "x",
    }
    assert client.post(f"/recommendations/{stated.id}/due-date", data=form).status_code == 404
    assert recommendations(app)[0].due_date == date(2025, 2, 12)


def test_the_api_shows_the_parts_and_where_the_date_came_from(client, build, case) -> None:
    token = build.token(build.user("caseworker"))
    body = client.get("/api/v1/cases/24001615", headers={"Authorization": f"Bearer {token}"}).json
    stated, assumed, waiting = body["recommendations"]
    assert stated["due_date_source"] == "stated" and stated["deadline_parts"] == [
        {
            "phrase": "Within three months of my final decision statement",
            "due_date": "2025-02-12",
            "awaits_event": None,
            "event_date": None,
        }
    ]
    assert (assumed["due_date_source"], assumed["explicit"]) == ("assumed", False)
    assert waiting["deadline_parts"][0]["awaits_event"] == "receiving the District Valuer's report"


SECTION = """Agreed action
Within one month of my final decision, the Council has agreed to:
• apologise to Mrs X for the distress caused; and
• pay Mrs X £300 to acknowledge the distress.

Within 20 working days:
- Remind staff of the need to follow the complaints policy.

The Council should provide us with evidence it has complied with the above actions.
"""


def _new_case(**extra: Any) -> dict[str, Any]:
    return {
        "reference": "24 007 343",
        "authority": "LEICS",
        "category": "Adult care services",
        "decision_date": ["20", "12", "2024"],
        "outcome": "upheld",
        "agreed_actions": SECTION,
        **extra,
    }


def test_a_pasted_section_is_split_previewed_and_saved(app, client, build) -> None:
    build.authority("LEICS")
    sign_in(client, build.user("caseworker"))
    split = submit(client, "/cases/new", _new_case(action="split"))
    html = split.get_data(as_text=True)
    assert "split into 3 recommendations" in html
    assert "Within one month of my final decision, the Council has agreed to apologise" in html
    assert '<mark class="app-deadline">Within one month of my final decision</mark>' in html
    assert "Due 20 January 2025" in html  # one month after 20 December 2024
    assert "Due 22 January 2025" in html  # 20 working days, Christmas and New Year skipped
    assert 'value="300.00"' in html
    assert 'service_improvement" checked' in html
    # Save what the split produced, as the browser would resubmit it.
    fields = {
        "recommendations-0-text": re.search(
            r'name="recommendations-0-text"[^>]*>([^<]*)<', html
        ).group(1),
        "recommendations-0-kind": "personal",
        "recommendations-1-text": "Within one month of my final decision, the Council has "
        "agreed to pay Mrs X £300 to acknowledge the distress.",
        "recommendations-1-kind": "personal",
        "recommendations-1-amount": "300.00",
        "recommendations-2-text": "Within 20 working days, remind staff of the need to follow "
        "the complaints policy.",
        "recommendations-2-kind": "service_improvement",
        "recommendations-2-evidence_expected": "The Council should provide us with evidence.",
    }
    saved = submit(client, "/cases/new", _new_case(action="save", **fields))
    assert saved.status_code == 302
    with app.app_context():
        case = db.session.scalar(sa.select(Case))
        assert [(r.due_date, r.explicit) for r in case.recommendations] == [
            (date(2025, 1, 20), True),
            (date(2025, 1, 20), True),
            (date(2025, 1, 22), True),
        ]
        assert case.recommendations[2].evidence_expected == (
            "The Council should provide us with evidence."
        )


def test_splitting_nothing_says_so(client, build) -> None:
    build.authority("LEICS")
    sign_in(client, build.user("caseworker"))
    html = submit(client, "/cases/new", _new_case(action="split", agreed_actions="")).get_data(
        as_text=True
    )
    assert "Paste the agreed actions to split them" in html


def test_checking_due_dates_previews_without_saving(app, client, build) -> None:
    build.authority("LEICS")
    sign_in(client, build.user("caseworker"))
    html = submit(
        client,
        "/cases/new",
        _new_case(
            action="preview",
            agreed_actions="",
            **{
                "recommendations-0-text": "Review the policy within 10 school days.",
                "recommendations-0-kind": "service_improvement",
            },
        ),
    ).get_data(as_text=True)
    assert "Assumed due 20 March 2025 – to be confirmed" in html
    assert "“within 10 school days” was not understood as a deadline" in html
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Case.id))) == 0


ISSUE_12 = (
    "Within one month of the final decision, the Council will apologise to Mrs X and pay her "
    "£300 for the distress caused. Within three months of the final decision, the Council will "
    "review its procedures for financial assessments and remind relevant staff to complete "
    "them in a timely manner."
)
TWO_DEADLINES = (
    "Within one month of my final decision, the Council will apologise to Mrs X, and within "
    "three months it will review its procedure."
)


def _one_entry(text: str, **extra: Any) -> dict[str, Any]:
    return _new_case(
        agreed_actions="",
        **{"recommendations-0-text": text, "recommendations-0-kind": "personal", **extra},
    )


def _case_count(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(Case.id)))


def test_a_pasted_paragraph_is_split_by_sentence_each_with_its_own_date(client, build) -> None:
    build.authority("LEICS")
    sign_in(client, build.user("caseworker"))
    html = submit(client, "/cases/new", _new_case(action="split", agreed_actions=ISSUE_12))
    page = text_of(html.get_data(as_text=True))
    assert "split into 2 recommendations" in page
    first, second = page.split("Recommendation 2")
    assert "Due 20 January 2025" in first and "pay her £300" in first  # one month
    assert "Due 20 March 2025" in second and "review its procedures" in second  # three months
    assert "holds 2 deadlines" not in page
    html = html.get_data(as_text=True)
    assert 'name="recommendations-0-amount" type="text" value="300.00"' in html
    assert re.search(r'name="recommendations-1-kind"[^>]*value="service_improvement" checked', html)


def test_the_preview_says_when_one_entry_holds_two_deadlines(client, build) -> None:
    build.authority("LEICS")
    sign_in(client, build.user("caseworker"))
    html = submit(client, "/cases/new", _one_entry(TWO_DEADLINES, action="preview"))
    page = text_of(html.get_data(as_text=True))
    assert "Warning This recommendation holds 2 deadlines" in page
    assert "split it into 2 recommendations" in page
    assert "“Within one month of my final decision”: 20 January 2025" in page
    assert "“within three months”: 20 March 2025" in page
    assert 'name="recommendations-0-deadlines_confirmed"' in html.get_data(as_text=True)
    assert "Keep it as one recommendation, due on the later date, 20 March 2025" in page


def test_one_entry_with_two_deadlines_is_not_saved_until_split_or_confirmed(app, client, build):
    build.authority("LEICS")
    sign_in(client, build.user("caseworker"))
    refused = submit(client, "/cases/new", _one_entry(TWO_DEADLINES, action="save"))
    assert refused.status_code == 200 and _case_count(app) == 0
    html = refused.get_data(as_text=True)
    summary = html.split('class="govuk-error-summary"')[1].split("</ul>")[0]
    assert 'href="#recommendations-0-deadlines_confirmed"' in summary
    assert (
        "Recommendation 1 holds 2 deadlines: split it into 2 recommendations, or confirm it is "
        "all due on the later date" in text_of(summary)
    )
    assert 'id="recommendations-0-deadlines_confirmed"' in html


def test_a_confirmed_entry_with_two_deadlines_is_saved_due_on_the_later_date(app, client, build):
    build.authority("LEICS")
    sign_in(client, build.user("caseworker"))
    saved = submit(
        client,
        "/cases/new",
        _one_entry(TWO_DEADLINES, action="save", **{"recommendations-0-deadlines_confirmed": "y"}),
    )
    assert saved.status_code == 302
    with app.app_context():
        [recommendation] = db.session.scalar(sa.select(Case)).recommendations
        assert recommendation.due_date == date(2025, 3, 20)
        assert [p.due_date for p in recommendation.deadline_parts] == [
            date(2025, 1, 20),
            date(2025, 3, 20),
        ]


def test_the_api_still_takes_a_text_with_two_deadlines_as_it_stands(client, build) -> None:
    build.authority("LEICS")
    token = build.token(build.user("caseworker"))
    response = client.post(
        "/api/v1/cases",
        json={
            "reference": "24 007 343",
            "authority": "LEICS",
            "category": "Adult care services",
            "decision_date": "2024-12-20",
            "outcome": "upheld",
            "recommendations": [{"text": TWO_DEADLINES, "kind": "personal"}],
        },
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 201, response.json
    assert response.json["recommendations"][0]["due_date"] == "2025-03-20"
