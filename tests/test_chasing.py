"""The scheduler's daily jobs, run with fixed dates: flag, remind, chase, escalate, snapshot."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
import sqlalchemy as sa

from tests import samples
from tests.helpers import act, send_evidence, sign_in
from tracker.extensions import db
from tracker.models import (
    AuditEvent,
    AuthoritySnapshot,
    Notification,
    NotificationRecipient,
    Recommendation,
    User,
)
from tracker.services import chasing, compliance

DUE = date(2026, 12, 1)  # decided 1 November, "within one month"
PAYMENT = "Within one month of my final decision, pay Mrs X £300."


@pytest.fixture
def council(app, build, frozen_clock):
    """Leicestershire's case due on 1 December; two officers there (one gone), one in
    Nottinghamshire, the caseworker who recorded the case, another caseworker, a manager."""
    build.authority("LEICS")
    build.authority("NOTTS")
    caseworker = build.user("caseworker", name="Casey")
    build.user("caseworker", email="other@example.org", name="Other")
    build.case(
        "LEICS",
        reference="26 000 001",
        decided=date(2026, 11, 1),
        recommendations=[(PAYMENT, "personal")],
        recorded_by=caseworker,
    )
    officer = build.user("officer", authority="LEICS", name="Olive")
    gone = build.user("officer", authority="LEICS", email="gone@example.org")
    build.deactivate(gone)
    build.user("officer", authority="NOTTS", name="Nina")
    build.user("manager", name="Mandy")
    [recommendation_id] = build.recommendation_ids("26 000 001")
    return {"id": recommendation_id, "officer": officer, "caseworker": caseworker}


def noon(day: date) -> datetime:
    return datetime.combine(day, time(12), UTC)


def run(app, today: date) -> chasing.RunReport:
    with app.app_context():
        report = chasing.run_daily_jobs(db.session, today, now=noon(today))
        db.session.commit()
        return report


def run_daily(app, first: date, last: date) -> None:
    day = first
    while day <= last:
        run(app, day)
        day += timedelta(days=1)


def ledger(app) -> list[tuple[str, str, list[tuple[str, bool]]]]:
    """(kind, occasion, [(name, copied)…]) for every notice, in the order recorded."""
    with app.app_context():
        notices = db.session.scalars(sa.select(Notification).order_by(Notification.id)).all()
        names = dict(db.session.execute(sa.select(User.id, User.name)).all())
        return [
            (
                notice.kind,
                notice.occasion,
                sorted((names[r.user_id], r.copied) for r in notice.recipients),
            )
            for notice in notices
        ]


def recommendation(app, recommendation_id: int) -> Recommendation:
    with app.app_context():
        return db.session.get(Recommendation, recommendation_id)


def events(app, action: str) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).where(AuditEvent.action == action))


def test_overdue_is_flagged_the_first_day_after_the_due_date_not_before(app, council) -> None:
    assert run(app, DUE).overdue == 0
    assert recommendation(app, council["id"]).overdue_since is None
    assert run(app, DUE + timedelta(days=1)).overdue == 1
    assert recommendation(app, council["id"]).overdue_since == DUE + timedelta(days=1)
    assert run(app, DUE + timedelta(days=2)).overdue == 0, "flagged once"
    assert events(app, "recommendation.overdue") == 1
    with app.app_context():
        event = db.session.scalar(
            sa.select(AuditEvent).where(AuditEvent.action == "recommendation.overdue")
        )
        assert (event.actor_id, event.recommendation_id) == (None, council["id"])
        assert event.after == {"overdue_since": "2026-12-02"}


def test_an_agreed_extension_stops_it_being_overdue(app, council) -> None:
    run(app, date(2026, 12, 2))
    with app.app_context():
        item = db.session.get(Recommendation, council["id"])
        officer = db.session.scalar(sa.select(User).where(User.email == council["officer"]))
        caseworker = db.session.scalar(sa.select(User).where(User.email == council["caseworker"]))
        compliance.request_extension(
            db.session,
            item,
            date(2027, 1, 31),
            "The payment run is monthly.",
            actor=officer,
            now=noon(date(2026, 12, 2)),
            today=date(2026, 12, 2),
        )
        compliance.decide_extension(
            db.session, item, "agreed", "", actor=caseworker, now=noon(date(2026, 12, 2))
        )
        db.session.commit()
    report = run(app, date(2026, 12, 3))
    assert report.no_longer_overdue == 1
    assert recommendation(app, council["id"]).overdue_since is None
    run_daily(app, date(2026, 12, 4), date(2026, 12, 31))
    assert [kind for kind, *_ in ledger(app)] == ["chaser"], "no chasing while more time runs"
    assert events(app, "recommendation.no_longer_overdue") == 1


def test_reminders_go_out_14_7_and_1_days_before_on_those_days_only(app, council) -> None:
    run_daily(app, date(2026, 11, 10), DUE)
    officers = [("Olive", False)]  # not the one gone, not another council's
    assert ledger(app) == [
        ("reminder_14", "2026-12-01", officers),
        ("reminder_7", "2026-12-01", officers),
        ("reminder_1", "2026-12-01", officers),
    ]
    with app.app_context():
        created = db.session.scalars(
            sa.select(Notification.subject).order_by(Notification.id)
        ).all()
    assert created == [
        "Due in 14 days: case 26 000 001, recommendation 1",
        "Due in 7 days: case 26 000 001, recommendation 1",
        "Due tomorrow: case 26 000 001, recommendation 1",
    ]


def test_a_missed_reminder_day_is_not_made_up_later(app, council) -> None:
    run(app, date(2026, 11, 18))  # the 14-day reminder was due yesterday
    assert ledger(app) == []


def test_chasers_go_weekly_to_officers_with_the_caseworker_copied(app, council) -> None:
    run_daily(app, DUE, date(2026, 12, 28))
    chasers = [(kind, occasion, who) for kind, occasion, who in ledger(app) if kind == "chaser"]
    assert [occasion for _, occasion, _ in chasers] == [
        "2026-12-02",
        "2026-12-09",
        "2026-12-16",
        "2026-12-23",
    ]
    assert chasers[0][2] == [("Casey", True), ("Olive", False)]


def test_a_missed_chaser_is_caught_up_then_the_week_starts_again(app, council) -> None:
    for day in (date(2026, 12, 2), date(2026, 12, 11), date(2026, 12, 17), date(2026, 12, 18)):
        run(app, day)
    assert [occasion for kind, occasion, _ in ledger(app) if kind == "chaser"] == [
        "2026-12-02",
        "2026-12-11",
        "2026-12-18",
    ]


def test_four_weeks_overdue_is_escalated_to_managers_once(app, council) -> None:
    run_daily(app, DUE, date(2027, 1, 20))
    escalations = [entry for entry in ledger(app) if entry[0] == "escalation"]
    assert escalations == [("escalation", "2026-12-01", [("Casey", True), ("Mandy", False)])]
    assert recommendation(app, council["id"]).escalated_on == date(2026, 12, 29)
    assert events(app, "recommendation.escalated") == 1


def test_a_year_overdue_is_flagged_a_delayed_remedy(app, council) -> None:
    assert run(app, date(2027, 11, 30)).delayed_remedies == 0
    assert run(app, date(2027, 12, 1)).delayed_remedies == 1
    assert run(app, date(2027, 12, 2)).delayed_remedies == 0
    assert recommendation(app, council["id"]).delayed_remedy_since == date(2027, 12, 1)
    assert [entry for entry in ledger(app) if entry[0] == "delayed_remedy"] == [
        ("delayed_remedy", "2026-12-01", [("Casey", True), ("Mandy", False)])
    ]


def test_closed_work_is_neither_flagged_nor_chased(app, client, council) -> None:
    sign_in(client, council["caseworker"])
    act(client, council["id"], "review", "review", decision="not_complied", note="Refused.")
    run_daily(app, date(2026, 11, 10), date(2027, 1, 10))
    assert ledger(app) == []
    assert recommendation(app, council["id"]).overdue_since is None


def test_a_run_repeated_the_same_day_records_nothing_new(app, council) -> None:
    day = date(2026, 12, 29)  # overdue, chased and escalated that day
    first = run(app, day)
    assert (first.overdue, first.chasers, first.escalations, first.snapshots) == (1, 1, 1, 2)
    with app.app_context():
        counts = [
            db.session.scalar(sa.select(sa.func.count()).select_from(table))
            for table in (Notification, NotificationRecipient, AuditEvent, AuthoritySnapshot)
        ]
    again = run(app, day)
    assert (again.overdue, again.chasers, again.escalations, again.snapshots) == (0, 0, 0, 0)
    with app.app_context():
        assert [
            db.session.scalar(sa.select(sa.func.count()).select_from(table))
            for table in (Notification, NotificationRecipient, AuditEvent, AuthoritySnapshot)
        ] == counts


def test_each_authority_gets_a_daily_snapshot_of_its_open_work(app, build, council) -> None:
    build.case(
        "NOTTS",
        reference="26 000 002",
        decided=date(2026, 6, 1),
        recommendations=[(PAYMENT, "personal"), ("Remind staff.", "service_improvement")],
    )
    run(app, date(2026, 12, 2))
    with app.app_context():
        rows = db.session.execute(
            sa.select(
                AuthoritySnapshot.taken_on,
                AuthoritySnapshot.open_recommendations,
                AuthoritySnapshot.overdue_recommendations,
                AuthoritySnapshot.awaiting_review,
            ).order_by(AuthoritySnapshot.authority_id)
        ).all()
    # Leicestershire: one open, a day overdue. Nottinghamshire: the payment was due in July;
    # "remind staff" states no deadline, so it is assumed three months: September.
    assert rows == [(date(2026, 12, 2), 1, 1, 0), (date(2026, 12, 2), 2, 2, 0)]


def test_evidence_waiting_for_a_caseworker_is_not_chased(app, client, council) -> None:
    """The council has done its part until a caseworker asks for more; it is still overdue."""
    officer = app.test_client()
    sign_in(officer, council["officer"])
    send_evidence(officer, council["id"], [(samples.PDF, "receipt.pdf")])
    run_daily(app, date(2026, 11, 10), date(2026, 12, 5))
    assert ledger(app) == [], "no reminders, no chasers while evidence waits"
    assert recommendation(app, council["id"]).overdue_since == date(2026, 12, 2)
    sign_in(client, council["caseworker"])
    act(client, council["id"], "review", "review", decision="changes_requested", note="More.")
    run(app, date(2026, 12, 6))
    assert [(kind, occasion) for kind, occasion, _ in ledger(app)] == [("chaser", "2026-12-06")]


def in_place_of_council(app) -> list[tuple[str, str, bool]]:
    """(kind, name, in place of the council) for every person told, in the order recorded."""
    with app.app_context():
        rows = db.session.execute(
            sa.text(
                "SELECT n.kind, u.name, r.in_place_of_council FROM notification_recipients r "
                "JOIN notifications n ON n.id = r.notification_id "
                "JOIN users u ON u.id = r.user_id ORDER BY n.id, r.id"
            )
        )
        return [(kind, name, bool(flag)) for kind, name, flag in rows]


def test_a_council_with_no_officer_account_has_its_notices_sent_to_the_caseworker(
    app, build, council
) -> None:
    build.deactivate(council["officer"])  # the other Leicestershire officer is gone too
    run_daily(app, date(2026, 11, 10), date(2026, 12, 29))
    instead = [("Casey", False)]  # addressed in the council's place, not copied
    assert ledger(app) == [
        ("reminder_14", "2026-12-01", instead),
        ("reminder_7", "2026-12-01", instead),
        ("reminder_1", "2026-12-01", instead),
        ("chaser", "2026-12-02", instead),
        ("chaser", "2026-12-09", instead),
        ("chaser", "2026-12-16", instead),
        ("chaser", "2026-12-23", instead),
        ("escalation", "2026-12-01", [("Casey", True), ("Mandy", False)]),
    ], "one row for the caseworker on a chaser, not one addressed and one copied"
    assert in_place_of_council(app) == [
        *[(kind, "Casey", True) for kind in ["reminder_14", "reminder_7", "reminder_1"]],
        *[("chaser", "Casey", True)] * 4,
        ("escalation", "Mandy", False),  # escalations are not the council's to receive
        ("escalation", "Casey", False),
    ]


def test_with_no_officer_and_no_caseworker_the_managers_are_told_instead(
    app, build, council
) -> None:
    build.deactivate(council["officer"])
    build.deactivate(council["caseworker"])
    build.user("manager", email="max@example.org", name="Max")
    run(app, date(2026, 11, 17))
    run(app, date(2026, 12, 2))
    managers = [("Mandy", False), ("Max", False)]
    assert ledger(app) == [
        ("reminder_14", "2026-12-01", managers),
        ("chaser", "2026-12-02", managers),
    ]
    assert {flag for _, _, flag in in_place_of_council(app)} == {True}


def test_a_council_with_an_officer_gets_its_own_notices(app, council) -> None:
    run(app, date(2026, 12, 2))
    assert in_place_of_council(app) == [("chaser", "Olive", False), ("chaser", "Casey", False)]
