"""Deadlines stay right: when the installed bank holidays change, open due dates counted in
working days are worked out again, with the old and new dates in the audit trail and the
council told; dates people agreed stay."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from tracker.extensions import db
from tracker.models import (
    AuditEvent,
    DueDateSource,
    HolidayCalendar,
    Notification,
    NotificationRecipient,
    Recommendation,
    User,
)
from tracker.services import chasing, redating

DECIDED = date(2025, 4, 3)
WORKING_DAYS = "Within 20 working days of my final decision, remind staff of the policy."
MONTHS = "Within one month of my final decision, pay Mrs X £300."
TODAY = date(2025, 4, 10)
NOW = datetime(2025, 4, 10, 12, tzinfo=UTC)
# What the dates were under a calendar without May Day, as an older `holidays` might give.
OLD_DUE = date(2025, 5, 5)


@pytest.fixture
def council(app, build):
    build.authority("LEICS")
    build.user("officer", authority="LEICS", name="Olive")
    caseworker = build.user("caseworker", name="Casey")
    build.case(
        "LEICS",
        reference="25 000 001",
        decided=DECIDED,
        recommendations=[(WORKING_DAYS, "service_improvement"), (MONTHS, "personal")],
        recorded_by=caseworker,
    )
    build.case(
        "LEICS",
        reference="25 000 002",
        decided=DECIDED,
        recommendations=[(WORKING_DAYS, "service_improvement")],
    )
    with app.app_context():
        rows = db.session.scalars(sa.select(Recommendation).order_by(Recommendation.id)).all()
        working, months, agreed = rows
        for recommendation in (working, agreed):  # as an older calendar worked them out
            recommendation.due_date = recommendation.decision_due_date = OLD_DUE
            recommendation.deadline_parts[0].due_date = OLD_DUE
        agreed.due_date_source = DueDateSource.CASEWORKER  # a date a caseworker set stays
        db.session.add(
            HolidayCalendar(calendar="england-and-wales", fingerprint="0" * 64, recorded_at=NOW)
        )
        db.session.commit()
        return {"working": working.id, "months": months.id, "agreed": agreed.id}


def due_dates(app) -> list[date]:
    with app.app_context():
        return list(
            db.session.scalars(sa.select(Recommendation.due_date).order_by(Recommendation.id))
        )


def test_the_daily_run_redates_when_the_calendar_changed(app, council) -> None:
    with app.app_context():
        report = chasing.run_daily_jobs(db.session, TODAY, now=NOW)
        db.session.commit()
    assert report.redated == 1
    assert due_dates(app) == [date(2025, 5, 6), date(2025, 5, 3), OLD_DUE]
    with app.app_context():
        [event] = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == "recommendation.redated")
        ).all()
        assert event.recommendation_id == council["working"]
        assert event.before["due_date"] == "2025-05-05" and event.after["due_date"] == "2025-05-06"
        assert "due 5 May 2025 is now 6 May 2025" in event.note
        told = db.session.execute(
            sa.select(Notification.subject, User.name, NotificationRecipient.copied)
            .join(NotificationRecipient, NotificationRecipient.notification_id == Notification.id)
            .join(User, User.id == NotificationRecipient.user_id)
            .where(Notification.kind == "redated")
            .order_by(User.name)
        ).all()
        assert told == [
            ("New due date, 6 May 2025: case 25 000 001, recommendation 1", "Casey", True),
            ("New due date, 6 May 2025: case 25 000 001, recommendation 1", "Olive", False),
        ]
        assert db.session.get(HolidayCalendar, "england-and-wales").fingerprint == (
            redating.fingerprint("england-and-wales")
        )
    with app.app_context():  # the next day: the calendar is known, nothing moves
        assert chasing.run_daily_jobs(db.session, TODAY, now=NOW).redated == 0


def test_the_first_run_only_records_the_calendar(app, council) -> None:
    with app.app_context():
        db.session.execute(sa.delete(HolidayCalendar))
        db.session.commit()
        assert chasing.run_daily_jobs(db.session, TODAY, now=NOW).redated == 0
        db.session.commit()
        assert db.session.get(HolidayCalendar, "england-and-wales") is not None
    assert due_dates(app)[0] == OLD_DUE


def test_the_command_redates_at_once(app, runner, council) -> None:
    result = runner.invoke(args=["deadlines", "recompute"], catch_exceptions=False)
    assert result.exit_code == 0
    assert result.output == "1 open due date re-dated with the england-and-wales bank holidays.\n"
    assert due_dates(app)[0] == date(2025, 5, 6)
    again = runner.invoke(args=["deadlines", "recompute"], catch_exceptions=False)
    assert again.output.startswith("0 open due dates re-dated")


def test_each_calendar_has_its_own_fingerprint() -> None:
    assert redating.fingerprint("england-and-wales") != redating.fingerprint("scotland")
    assert redating.fingerprint("scotland") == redating.fingerprint("scotland")
