"""Each person's notifications, and the record of who was told what on a recommendation."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from tests.helpers import count_queries, sign_in, submit, text_of
from tracker.extensions import db
from tracker.models import AuditEvent, Notification, NotificationRecipient, User
from tracker.services import accounts
from tracker.services.chasing import run_daily_jobs

MONTH = "Within one month of my final decision, pay Mrs X £300."
SMTP_URL = "smtp://127.0.0.1:8025"  # never connected to: the pages only read the settings


@pytest.fixture
def told(app, build, frozen_clock):
    """Two councils' recommendations due on 1 December 2026, and the people told about them;
    `run(day)` runs the scheduler's daily jobs that morning."""
    build.authority("LEICS", name="Leicestershire County Council")
    build.authority("NOTTS", name="Nottinghamshire County Council")
    people = {
        "caseworker": build.user("caseworker", name="Cara Caseworker"),
        "officer": build.user("officer", authority="LEICS", name="Olive Officer"),
        "colleague": build.user(
            "officer", authority="LEICS", email="oscar@example.org", name="Oscar Officer"
        ),
        "notts": build.user("officer", authority="NOTTS", name="Nina Notts"),
        "manager": build.user("manager", name="Mo Manager"),
    }
    for reference, authority in (("26 000 001", "LEICS"), ("26 000 002", "NOTTS")):
        build.case(
            authority,
            reference=reference,
            decided=date(2026, 11, 1),
            recommendations=[(MONTH, "personal")],
            recorded_by=people["caseworker"],
        )

    def run(day: date) -> None:
        morning = frozen_clock(to=datetime(day.year, day.month, day.day, 7, tzinfo=UTC))
        with app.app_context():
            run_daily_jobs(db.session, day, now=morning)
            db.session.commit()

    def client_for(role: str):
        client = app.test_client()
        sign_in(client, people[role])
        return client

    (leics,) = build.recommendation_ids("26 000 001")
    return {"run": run, "client": client_for, "people": people, "leics": leics}


def _page(client, path: str = "/notifications/") -> str:
    response = client.get(path)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _new_tags(html: str) -> int:
    """How many notices the page tags as new."""
    return len(re.findall(r'class="govuk-tag[^"]*">\s*New\s*<', html))


def _recipient(app, email: str, subject_start: str) -> NotificationRecipient:
    with app.app_context():
        found = db.session.scalars(
            sa.select(NotificationRecipient)
            .join(NotificationRecipient.notification)
            .join(User, User.id == NotificationRecipient.user_id)
            .where(User.email == email)
        ).all()
        (match,) = [r for r in found if r.notification.subject.startswith(subject_start)]
        return match


def _update_recipient(app, recipient_id: int, **values: object) -> None:
    with app.app_context():
        db.session.execute(
            sa.update(NotificationRecipient)
            .where(NotificationRecipient.id == recipient_id)
            .values(**values)
        )
        db.session.commit()


def test_a_person_sees_only_their_own_notices_newest_first(told) -> None:
    told["run"](date(2026, 11, 17))
    told["run"](date(2026, 12, 2))
    html = _page(told["client"]("officer"))
    chaser = html.index("Overdue by 1 day: case 26 000 001, recommendation 1")
    reminder = html.index("Due in 14 days: case 26 000 001, recommendation 1")
    assert chaser < reminder, "newest first"
    assert "2 notifications" in html
    assert "26 000 002" not in html, "another council's notices are not shown"
    assert "Copied to you" not in html

    caseworker = _page(told["client"]("caseworker"))
    assert "2 notifications" in caseworker, "chasers on both their cases, no reminders"
    assert "Overdue by 1 day: case 26 000 002" in caseworker
    assert "Due in 14 days" not in caseworker
    assert caseworker.count("Copied to you for information") == 2

    assert "You have no notifications." in _page(told["client"]("manager"))


def test_a_notice_shows_its_words_where_it_leads_and_whether_it_was_emailed(app, told) -> None:
    app.config.update(SMTP_URL=SMTP_URL, EMAIL_ENABLED=True)
    told["run"](date(2026, 11, 17))
    officer = told["client"]("officer")
    html = _page(officer)
    assert "17 November 2026 at 7:00am" in html
    assert (
        '<p class="govuk-body app-table__cell--text">Leicestershire County Council agreed to do'
        " this by 1 December 2026:\n\n"
    ) in html, "the words as text, their line breaks kept (the class shows them)"
    assert f'href="/recommendations/{told["leics"]}"' in html
    assert "Case 26 000 001, recommendation 1" in html
    assert "Waiting to be e-mailed" in html
    assert _new_tags(html) == 1

    reminder = _recipient(app, told["people"]["officer"], "Due in 14 days")
    _update_recipient(app, reminder.id, emailed_at=datetime(2026, 11, 17, 8, 30, tzinfo=UTC))
    assert "E-mailed 17 November 2026 at 8:30am" in _page(officer)


def test_the_words_of_a_notice_are_shown_as_text_not_markup(app, told) -> None:
    told["run"](date(2026, 11, 17))
    with app.app_context():
        db.session.execute(sa.update(Notification).values(body="<script>alert(1)</script>"))
        db.session.commit()
    html = _page(told["client"]("officer"))
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def _menu(client, path: str = "/") -> str:
    """What the Notifications link in the navigation says."""
    found = re.search(r'href="/notifications/"[^>]*>\s*(.*?)\s*</a>', _page(client, path))
    assert found, f"no Notifications link on {path}"
    return found.group(1)


def test_the_navigation_counts_unread_notices(told) -> None:
    assert _menu(told["client"]("officer")) == "Notifications"
    told["run"](date(2026, 11, 17))
    told["run"](date(2026, 12, 2))
    assert _menu(told["client"]("officer")) == "Notifications (2)"
    assert _menu(told["client"]("caseworker"), "/cases/") == "Notifications (2)"
    assert _menu(told["client"]("manager")) == "Notifications"


def test_marking_all_as_read_clears_the_count(app, told, frozen_clock) -> None:
    told["run"](date(2026, 11, 17))
    told["run"](date(2026, 12, 2))
    officer = told["client"]("officer")
    assert "You have 2 new notifications." in _page(officer)
    casework = AuditEvent.entity_type != "user"  # signing in is audited too
    with app.app_context():
        events = db.session.scalar(sa.select(sa.func.count(AuditEvent.id)).where(casework))
    read_at = frozen_clock(to=datetime(2026, 12, 2, 9, 15, tzinfo=UTC))

    response = submit(officer, "/notifications/read", {}, form_page="/notifications/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/notifications/"
    html = _page(officer)
    assert "All your notifications are marked as read." in html
    assert _menu(officer) == "Notifications"
    assert "Mark all as read" not in html
    assert "2 notifications" in html, "read notices stay listed"
    assert _new_tags(html) == 0

    assert _recipient(app, told["people"]["officer"], "Overdue").read_at == read_at
    assert _menu(told["client"]("colleague")) == "Notifications (2)", "only your own"
    assert _menu(told["client"]("caseworker")) == "Notifications (2)"
    with app.app_context():
        assert (
            db.session.scalar(sa.select(sa.func.count(AuditEvent.id)).where(casework)) == events
        ), "reading is not casework: nothing in the audit trail"

    told["run"](date(2026, 12, 9))
    officer = told["client"]("officer")  # a week on: signed in again
    assert _menu(officer) == "Notifications (1)", "a new notice is new again"


def test_marking_as_read_needs_the_csrf_token(app, told) -> None:
    told["run"](date(2026, 11, 17))
    officer = told["client"]("officer")
    for data in ({}, {"csrf_token": "forged"}):
        response = officer.post("/notifications/read", data=data)
        assert response.status_code == 400
    assert _menu(officer) == "Notifications (1)"


def test_anonymous_visitors_are_sent_to_sign_in(client) -> None:
    response = client.get("/notifications/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")
    assert client.get("/notifications", follow_redirects=True).request.path == "/sign-in"


def test_an_officer_moved_to_another_council_is_not_led_to_the_old_ones_records(app, told) -> None:
    told["run"](date(2026, 11, 17))
    officer = told["client"]("officer")
    assert f'href="/recommendations/{told["leics"]}"' in _page(officer)
    with app.app_context():
        user = accounts.find_user(db.session, told["people"]["officer"])
        assert user is not None
        data = accounts.UserInput(
            email=user.email, name=user.name, role=user.role, authority_code="NOTTS"
        )
        accounts.update_user(db.session, user, data, actor=None, now=user.created_at)
        db.session.commit()
    html = _page(officer)
    assert f"/recommendations/{told['leics']}" not in html
    assert "26 000 001" not in html
    assert "You have no notifications." in html
    assert _menu(officer) == "Notifications"


def test_notifications_are_paginated(app, told) -> None:
    told["run"](date(2026, 11, 17))
    told["run"](date(2026, 11, 24))
    told["run"](date(2026, 11, 30))
    app.config["PER_PAGE"] = 2
    officer = told["client"]("officer")
    first = _page(officer)
    assert "Due tomorrow" in first and "Due in 7 days" in first
    assert "Showing 1 to 2 of 3" in first
    second = _page(officer, "/notifications/?page=2")
    assert "Due in 14 days" in second and "Due tomorrow" not in second


def test_the_list_runs_the_same_queries_for_few_or_many_notices(app, build, told) -> None:
    def queries() -> int:
        officer = told["client"]("officer")  # signed in afresh: sessions time out over days
        with count_queries(app) as statements:
            assert officer.get("/notifications/").status_code == 200
        return len(statements)

    told["run"](date(2026, 11, 17))
    few = queries()
    for number in range(20):
        build.case(
            "LEICS",
            reference=f"26 100 {number:03d}",
            decided=date(2026, 11, 1),
            recommendations=[(MONTH, "personal"), ("Pay £50 within 14 days.", "personal")],
        )
    told["run"](date(2026, 11, 24))
    told["run"](date(2026, 11, 30))
    assert queries() == few


def test_caseworkers_see_who_was_told_what_and_when(app, told) -> None:
    app.config.update(SMTP_URL=SMTP_URL, EMAIL_ENABLED=True)
    told["run"](date(2026, 11, 17))
    told["run"](date(2026, 12, 2))
    officer = told["people"]["officer"]
    reminder = _recipient(app, officer, "Due in 14 days")
    _update_recipient(app, reminder.id, emailed_at=datetime(2026, 11, 17, 8, 30, tzinfo=UTC))
    chaser = _recipient(app, told["people"]["colleague"], "Overdue")
    _update_recipient(app, chaser.id, email_attempts=2, last_error="Connection refused")

    html = _page(told["client"]("caseworker"), f"/recommendations/{told['leics']}")
    section = html[html.index("Notices sent") : html.index(">History<")]
    assert section.index("Overdue by 1 day") < section.index("Due in 14 days"), "newest first"
    assert "2 December 2026 at 7:00am" in section and "17 November 2026 at 7:00am" in section
    chaser_row, reminder_row = section.split('<tr class="govuk-table__row">')[2:]
    assert _said(reminder_row) == [
        "Olive Officer: e-mailed 17 November 2026 at 8:30am",
        "Oscar Officer: waiting to be e-mailed",
    ]
    assert _said(chaser_row) == [
        "Olive Officer: waiting to be e-mailed",
        "Oscar Officer: waiting to be e-mailed 2 failed attempts, the last: Connection refused",
        "Cara Caseworker (copied): waiting to be e-mailed",
    ]
    assert "Nina Notts" not in section
    manager = _page(told["client"]("manager"), f"/recommendations/{told['leics']}")
    assert "Notices sent" in manager


def _said(row: str) -> list[str]:
    """Each person in a 'Who was told' cell, as one line of text."""
    items = re.findall(r"<li>(.*?)</li>", row, flags=re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", item).split()) for item in items]


def test_a_recommendation_with_no_notices_says_so(told) -> None:
    html = _page(told["client"]("caseworker"), f"/recommendations/{told['leics']}")
    assert "No reminders or chasers have been sent about this recommendation." in html


def test_officers_do_not_see_the_notices_section(told) -> None:
    told["run"](date(2026, 12, 2))
    html = _page(told["client"]("officer"), f"/recommendations/{told['leics']}")
    assert "Notices sent" not in html
    assert "(copied)" not in html and "e-mailed" not in html


def test_the_recommendation_page_runs_the_same_queries_however_many_notices(app, told) -> None:
    page = f"/recommendations/{told['leics']}"

    def queries() -> int:
        caseworker = told["client"]("caseworker")  # signed in afresh: sessions time out
        with count_queries(app) as statements:
            assert caseworker.get(page).status_code == 200
        return len(statements)

    told["run"](date(2026, 11, 17))
    few = queries()
    for day in (24, 30):
        told["run"](date(2026, 11, day))
    for day in (2, 9, 16, 29):
        told["run"](date(2026, 12, day))
    assert queries() == few


@pytest.mark.parametrize(
    "settings",
    [
        {"EMAIL_ENABLED": False, "SMTP_URL": SMTP_URL},
        {"EMAIL_ENABLED": True, "SMTP_URL": None},
        {"EMAIL_ENABLED": True, "SMTP_URL": ""},
    ],
    ids=["switched off", "no SMTP_URL", "empty SMTP_URL"],
)
def test_with_email_off_the_pages_say_notices_are_only_in_the_app(app, told, settings) -> None:
    app.config.update(settings)
    told["run"](date(2026, 11, 17))
    told["run"](date(2026, 12, 2))
    mine = text_of(_page(told["client"]("officer")))
    assert "This service is not sending e-mail: your notifications are only here" in mine
    assert "e-mailed to you too" not in mine
    assert "Waiting to be e-mailed" not in mine
    assert mine.count("Not e-mailed") == 2
    shown = text_of(_page(told["client"]("caseworker"), f"/recommendations/{told['leics']}"))
    told_table = shown[shown.index("Notices sent") : shown.index("History")]
    assert "waiting to be e-mailed" not in told_table
    assert "Olive Officer: not e-mailed: this service is not sending e-mail" in told_table


def test_with_email_on_the_page_says_each_notice_is_emailed_too(app, told) -> None:
    app.config.update(SMTP_URL=SMTP_URL, EMAIL_ENABLED=True)
    told["run"](date(2026, 11, 17))
    mine = text_of(_page(told["client"]("officer")))
    assert "Each is e-mailed to you too." in mine
    assert "not sending e-mail" not in mine and "Not e-mailed" not in mine
    assert "Waiting to be e-mailed" in mine


def test_a_council_with_no_officer_account_has_its_notices_shown_to_the_caseworker(
    app, build, told
) -> None:
    app.config.update(SMTP_URL=SMTP_URL, EMAIL_ENABLED=True)
    build.deactivate(told["people"]["notts"])
    told["run"](date(2026, 11, 17))
    told["run"](date(2026, 12, 2))
    because = (
        "Sent to you because Nottinghamshire County Council has no officer account in "
        "Remedy Tracker"
    )
    mine = text_of(_page(told["client"]("caseworker")))
    assert "Due in 14 days: case 26 000 002, recommendation 1" in mine
    assert mine.count(because) == 2, "the reminder and the chaser, not Leicestershire's"
    assert "Due in 14 days: case 26 000 001" not in mine, "Leicestershire has its officers"

    (notts,) = build.recommendation_ids("26 000 002")
    shown = text_of(_page(told["client"]("caseworker"), f"/recommendations/{notts}"))
    told_table = shown[shown.index("Notices sent") : shown.index("History")]
    assert "Nobody" not in told_table
    instead = (
        "Cara Caseworker (instead of the council): waiting to be e-mailed Not deliverable to "
        "the council: it has no officer account"
    )
    assert told_table.count(instead) == 2
    assert "(copied)" not in told_table
