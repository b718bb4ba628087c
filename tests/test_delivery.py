"""E-mail digests to a real SMTP server on loopback; the scheduler process; runs at once."""

from __future__ import annotations

import smtplib
import threading
from datetime import UTC, date, datetime, time

import pytest
import sqlalchemy as sa
from apscheduler.schedulers.base import STATE_STOPPED

from tests.helpers import CHASED_ON, chased_people, payment_case
from tracker import scheduler
from tracker.extensions import db
from tracker.models import AuditEvent, Notification, NotificationRecipient
from tracker.services import chasing

DAY = CHASED_ON


def noon(day: date) -> datetime:
    return datetime.combine(day, time(12), UTC)


@pytest.fixture
def notices(app, build, frozen_clock):
    """On DAY: a chaser to the officer (caseworker copied) and an escalation to the manager
    (caseworker copied): three people, the caseworker with two notices."""
    return chased_people(app, build)


def waiting(app) -> int:
    with app.app_context():
        return db.session.scalar(
            sa.select(sa.func.count()).where(NotificationRecipient.emailed_at.is_(None))
        )


def test_each_person_gets_one_plain_text_digest_with_links(app, smtp, notices) -> None:
    report = scheduler.deliver_email(app)
    assert (report.digests, report.notices, report.queued) == (3, 4, 0)
    assert smtp.inbox.to() == sorted(notices.values())
    [digest] = [m for m in smtp.inbox.messages if m["To"] == notices["caseworker"]]
    assert digest["Subject"] == "Remedy Tracker: 2 notices"
    assert digest.get_content_type() == "text/plain"
    body = digest.get_payload(decode=True).decode()
    assert "Hello Casey," in body and "(copied to you for information)" in body
    assert "Overdue by 28 days: case 26 000 001, recommendation 1" in body
    assert "https://tracker.example/recommendations/" in body
    assert "https://tracker.example/notifications/" in body
    [single] = [m for m in smtp.inbox.messages if m["To"] == notices["officer"]]
    assert single["Subject"] == "Overdue by 28 days: case 26 000 001, recommendation 1"
    assert waiting(app) == 0


def test_a_second_run_sends_nothing_again(app, smtp, notices) -> None:
    scheduler.deliver_email(app)
    assert scheduler.deliver_email(app).digests == 0
    with app.app_context():
        chasing.run_daily_jobs(db.session, DAY, now=noon(DAY))  # the jobs again too: no new notices
        db.session.commit()
    assert scheduler.deliver_email(app).digests == 0
    assert len(smtp.inbox.messages) == 3


def test_with_the_server_down_notices_wait_and_go_out_once_next_run(app, smtp, notices) -> None:
    smtp.stop()
    report = scheduler.deliver_email(app)
    assert (report.digests, report.queued) == (0, 4) and report.error
    assert waiting(app) == 4
    smtp.start()
    assert scheduler.deliver_email(app).digests == 3
    assert smtp.inbox.to() == sorted(notices.values())


def test_a_server_stopped_mid_run_leaves_the_rest_for_the_next(
    app, smtp, notices, monkeypatch
) -> None:
    send = smtplib.SMTP.send_message

    def send_then_stop(connection, message, *args, **kwargs):
        result = send(connection, message, *args, **kwargs)
        smtp.stop()  # the server goes away after taking the first digest
        return result

    monkeypatch.setattr(smtplib.SMTP, "send_message", send_then_stop)
    report = scheduler.deliver_email(app)
    assert report.digests == 1 and report.queued == 2 and report.error
    first = smtp.inbox.to()
    assert len(first) == 1
    monkeypatch.setattr(smtplib.SMTP, "send_message", send)
    smtp.start()
    assert scheduler.deliver_email(app).digests == 2
    assert smtp.inbox.to() == sorted(notices.values()), "each person once, none twice"
    with app.app_context():
        recipients = db.session.scalars(sa.select(NotificationRecipient)).all()
        assert all(r.emailed_at and r.sending_since is None for r in recipients)
        assert sum(r.email_attempts for r in recipients) == 1, "the digest that failed is counted"


def test_with_email_off_notices_are_kept_in_the_app_only(app, smtp, notices, runner) -> None:
    app.config["EMAIL_ENABLED"] = False
    assert scheduler.deliver_email(app) is None
    assert smtp.inbox.messages == []
    assert waiting(app) == 4
    result = runner.invoke(args=["sweep", "--today", "2026-12-30"])
    assert result.exit_code == 0, result.output
    assert "E-mail is off: the notices are in the app." in result.output


def test_flask_sweep_runs_the_jobs_for_a_day_and_sends_the_mail(app, smtp, notices, runner):
    result = runner.invoke(args=["sweep", "--today", "2027-01-05"])
    assert result.exit_code == 0, result.output
    assert "2027-01-05: overdue 0, no longer overdue 0, reminders 0, chasers 1" in result.output
    assert "E-mail: 3 digests with 6 notices sent, 0 queued." in result.output
    bad = runner.invoke(args=["sweep", "--today", "5 January"])
    assert bad.exit_code != 0 and "Invalid value for '--today'" in bad.output


def test_the_scheduler_is_built_but_never_started_by_the_app(app) -> None:
    built = scheduler.build_scheduler(app)
    assert built.state == STATE_STOPPED
    jobs = {job.id: job for job in built.get_jobs()}
    assert set(jobs) == {"daily-jobs", "email-delivery"}
    assert str(built.timezone) == "UTC"
    assert built._job_defaults["coalesce"] is True
    assert built._job_defaults["max_instances"] == 1
    assert not [t for t in threading.enumerate() if "APScheduler" in t.name]


def test_two_runs_at_the_same_time_record_each_notice_once(app, notices) -> None:
    """Two scheduler processes by mistake: on PostgreSQL the one that finds the advisory lock
    taken skips (None); on either database the ledger's unique key would refuse a copy."""
    gate = threading.Barrier(2)
    reports: list[chasing.RunReport] = []
    errors: list[BaseException] = []

    day = date(2027, 1, 5)

    def sweep() -> None:
        try:
            with app.app_context():
                gate.wait(timeout=10)
                reports.append(chasing.run_daily_jobs(db.session, day, now=noon(day)))
                db.session.commit()
        except BaseException as error:  # reported below, not lost in the thread
            errors.append(error)

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert len(reports) == 2
    assert sum(report.chasers for report in reports if report is not None) == 1
    with app.app_context():
        chasers = db.session.scalar(
            sa.select(sa.func.count()).where(
                Notification.kind == "chaser", Notification.occasion == "2027-01-05"
            )
        )
        recipients = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(NotificationRecipient)
            .join(Notification)
            .where(Notification.occasion == "2027-01-05")
        )
        overdue_events = db.session.scalar(
            sa.select(sa.func.count()).where(AuditEvent.action == "recommendation.overdue")
        )
    assert (chasers, recipients, overdue_events) == (1, 2, 1)


def test_a_council_with_no_officer_account_has_its_notices_mailed_to_the_caseworker(
    app, smtp, build, frozen_clock
) -> None:
    caseworker = payment_case(build)
    with app.app_context():
        chasing.run_daily_jobs(db.session, date(2026, 12, 2), now=noon(date(2026, 12, 2)))
        db.session.commit()
    assert scheduler.deliver_email(app).digests == 1
    [digest] = smtp.inbox.messages
    assert digest["To"] == caseworker
    assert digest["Subject"] == "Overdue by 1 day: case 26 000 001, recommendation 1"
    body = " ".join(digest.get_payload(decode=True).decode().split())
    assert (
        "Sent to you because Leicestershire County Council has no officer account in "
        "Remedy Tracker." in body
    )
    assert "copied to you" not in body
