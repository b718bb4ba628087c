"""Two scheduler processes against PostgreSQL: the jobs run once per occasion, the second
process skips (logged and counted), and no e-mail goes twice."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa
from prometheus_client import REGISTRY
from sqlalchemy.orm import Session

from tests.conftest import USING_POSTGRES
from tests.helpers import chased_people
from tracker import scheduler
from tracker.extensions import db
from tracker.plumbing import clock
from tracker.plumbing.database import try_lock_for_transaction
from tracker.services import job_runs
from tracker.services.notices import delivery

pytestmark = pytest.mark.skipif(
    not USING_POSTGRES, reason="advisory locks and concurrent writers need PostgreSQL"
)


def skipped() -> float:
    labels = {"job": "daily-jobs", "outcome": "skipped"}
    return REGISTRY.get_sample_value("tracker_job_runs_total", labels) or 0.0


def test_a_second_scheduler_skips_while_the_first_runs_the_daily_jobs(app, caplog) -> None:
    with app.app_context():
        engine = db.engine
    before = skipped()
    with Session(engine) as other:  # the first scheduler, mid-run: it holds the lock
        assert try_lock_for_transaction(other, "tracker.chasing")
        with caplog.at_level("INFO", logger="tracker.scheduler"):
            assert scheduler.daily_jobs(app) is None
        other.rollback()
    assert skipped() == before + 1
    [line] = [record for record in caplog.records if record.getMessage() == "job"]
    assert line.outcome == "skipped"  # type: ignore[attr-defined]
    with app.app_context():
        assert job_runs.last_success(db.session, job_runs.DAILY_JOBS) is None
    assert scheduler.daily_jobs(app) is not None  # the lock is free again: it runs
    with app.app_context():
        assert job_runs.last_success(db.session, job_runs.DAILY_JOBS) is not None


def test_two_deliveries_at_once_send_each_notice_in_one_email(app, build, smtp, frozen_clock):
    people = chased_people(app, build)
    gate = threading.Barrier(2)
    reports: list[delivery.DeliveryReport] = []
    errors: list[BaseException] = []

    def deliver() -> None:
        try:
            gate.wait(timeout=10)
            report = scheduler.deliver_email(app, now=clock.now())
            assert report is not None
            reports.append(report)
        except BaseException as error:  # reported below, not lost in the thread
            errors.append(error)

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sum(report.notices for report in reports) == 4
    assert sum(report.digests for report in reports) == 3
    assert sorted(smtp.inbox.to()) == sorted(people.values())  # one e-mail each
    with app.app_context():
        waiting = db.session.scalar(
            sa.text("SELECT count(*) FROM notification_recipients WHERE emailed_at IS NULL")
        )
    assert waiting == 0
