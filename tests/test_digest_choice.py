"""Each person chooses how often their new notices are e-mailed: as they come, daily (the
default) or weekly; the daily and weekly digests go at the first run after 7am UK time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from tests.helpers import CHASED_ON, chased_people, sign_in, submit
from tracker import scheduler
from tracker.extensions import db
from tracker.models import AuditEvent, Notification, NotificationRecipient, User
from tracker.plumbing.local_time import LOCAL_TIME


def at(day, hour: int, minute: int = 0) -> datetime:
    """That UK time, as the scheduler's clock gives it (UTC)."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=LOCAL_TIME).astimezone(UTC)


def choose(app, email: str, digest: str) -> None:
    with app.app_context():
        db.session.scalar(sa.select(User).where(User.email == email)).digest = digest
        db.session.commit()


def new_notice(app, occasion: str) -> None:
    """Something new for each of the three people."""
    with app.app_context():
        any_recommendation = db.session.scalar(sa.select(Notification.recommendation_id))
        notice = Notification(
            recommendation_id=any_recommendation,
            kind="reminder_1",
            occasion=occasion,
            subject=f"Due tomorrow ({occasion})",
            body="Something new.",
            created_at=datetime.now(UTC),
        )
        db.session.add(notice)
        db.session.flush()
        for user_id in db.session.scalars(sa.select(User.id)):
            db.session.add(NotificationRecipient(notification_id=notice.id, user_id=user_id))
        db.session.commit()


def sent_to(app, smtp, now: datetime) -> list[str]:
    before = len(smtp.inbox.messages)
    scheduler.deliver_email(app, now=now)
    return sorted(message["To"] for message in smtp.inbox.messages[before:])


@pytest.fixture
def people(app, build, frozen_clock):
    found = chased_people(app, build)
    choose(app, found["officer"], "immediate")
    choose(app, found["manager"], "weekly")
    return found


def test_each_gets_their_digest_when_they_chose(app, smtp, people) -> None:
    day = CHASED_ON
    # The first digest of each goes at once: none has had one since its time passed.
    assert sent_to(app, smtp, at(day, 12)) == sorted(people.values())
    new_notice(app, "first")
    assert sent_to(app, smtp, at(day, 15)) == [people["officer"]], "as they come"
    next_day = day + timedelta(days=1)
    assert sent_to(app, smtp, at(next_day, 6, 55)) == [], "not before 7am"
    daily = (
        [people["caseworker"]]
        if next_day.weekday()
        else sorted([people["caseworker"], people["manager"]])
    )
    assert sent_to(app, smtp, at(next_day, 7, 5)) == daily
    assert sent_to(app, smtp, at(next_day, 9)) == []
    monday = day + timedelta(days=7 - day.weekday())
    if monday != next_day:
        assert sent_to(app, smtp, at(monday, 7, 1)) == [people["manager"]]


def test_a_new_account_gets_a_daily_digest(app, build) -> None:
    email = build.user("manager")
    with app.app_context():
        assert db.session.scalar(sa.select(User.digest).where(User.email == email)).value == "daily"


def test_a_person_chooses_on_their_account_page(app, client, build) -> None:
    email = build.user("caseworker")
    sign_in(client, email)
    page = client.get("/account").get_data(as_text=True)
    assert 'value="daily" checked' in page
    response = submit(client, "/account/digest", {"digest": "weekly"}, form_page="/account")
    assert response.status_code == 302
    assert "once a week, on Monday morning" in client.get("/account").get_data(as_text=True)
    refused = submit(client, "/account/digest", {"digest": "hourly"}, form_page="/account")
    assert refused.status_code == 200
    assert 'id="digest-error"' in refused.get_data(as_text=True)
    with app.app_context():
        assert (
            db.session.scalar(sa.select(User.digest).where(User.email == email)).value == "weekly"
        )
        event = db.session.scalar(
            sa.select(AuditEvent).where(AuditEvent.action == "user.digest_chosen")
        )
        assert (event.before, event.after) == ({"digest": "daily"}, {"digest": "weekly"})
