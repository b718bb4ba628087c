"""The scheduler process (`flask scheduler`): the daily jobs (with the evidence store's
clean-up) and e-mail delivery, on a timer.

It is its own process, never started by `create_app`: run one beside the web workers. Jobs
have fixed ids, run one at a time, and coalesce missed runs into one. The daily jobs run at
start and then every hour: each is safe to repeat within a day (the ledger's unique keys), so
a restart or a missed hour catches up and never sends anything twice.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from typing import Any

from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask

from tracker.extensions import db
from tracker.plumbing import clock, metrics
from tracker.plumbing.database import one_unit_of_work, upkeep
from tracker.plumbing.local_time import local_date
from tracker.plumbing.mail import configured_mailer
from tracker.plumbing.settings import deadline_rules
from tracker.plumbing.storage import store_for
from tracker.services import chasing, evidence_cleanup, job_runs
from tracker.services.notices import delivery

log = logging.getLogger(__name__)
EMAIL_DELIVERY = "email-delivery"


@contextmanager
def job_run(job: str) -> Iterator[dict[str, Any]]:
    """Time one run of `job`: one JSON log line and the metrics, by outcome. The block sets
    `outcome` to "skipped" when another process did the work, and `report` to what it did."""
    run: dict[str, Any] = {"outcome": "succeeded", "report": ""}
    started = time.perf_counter()
    try:
        yield run
    except BaseException:
        run["outcome"] = "failed"
        raise
    finally:
        seconds = time.perf_counter() - started
        metrics.JOB_RUNS.labels(job, run["outcome"]).inc()
        metrics.JOB_SECONDS.labels(job).observe(seconds)
        level = logging.ERROR if run["outcome"] == "failed" else logging.INFO
        log.log(
            level,
            "job",
            extra={
                "job": job,
                "outcome": run["outcome"],
                "duration_ms": round(seconds * 1000, 1),
                "report": str(run["report"]),
            },
        )


def daily_jobs(
    app: Flask, today: date | None = None, *, now: datetime | None = None
) -> chasing.RunReport | None:
    """Flag, remind, chase, escalate and snapshot for `today` (default: the day it is at
    `now`); then clean up the evidence store (it judges files by their age at `now`). `now`
    defaults to the clock, read once here. None when another scheduler process is running
    them at this moment: it does the work, and this run skips."""
    now = now or clock.now()
    with job_run(job_runs.DAILY_JOBS) as run, app.app_context():
        # One unit of work for the day's jobs; the planner's statistics are upkeep, apart.
        with one_unit_of_work(db.session):
            report = chasing.run_daily_jobs(
                db.session,
                today or local_date(now),
                now=now,
                rules=deadline_rules(app.config),
            )
            if report is not None:
                job_runs.record_success(db.session, job_runs.DAILY_JOBS, now=now)
        if report is None:
            run.update(outcome="skipped", report="another scheduler process is running them")
            return None
        run["report"] = report
        with one_unit_of_work(db.session):
            upkeep(db.session)
    with app.app_context():  # it only reads the database; the context's end closes it
        evidence_cleanup.clean_up(db.session, store_for(app.config), now)  # it logs
    return report


def deliver_email(app: Flask, *, now: datetime | None = None) -> delivery.DeliveryReport | None:
    """Send the waiting notices' digests as at `now` (default: the clock); None when e-mail
    is off."""
    with app.app_context():
        mailer = configured_mailer(app.config)
        if mailer is None:
            return None
        with job_run(EMAIL_DELIVERY) as run:
            report = delivery.deliver(
                db.session, mailer, now=now or clock.now(), base_url=app.config["BASE_URL"]
            )
            run["report"] = report
    metrics.NOTICES_EMAILED.inc(report.notices)
    metrics.NOTICES_WAITING.set(report.queued)
    return report


def build_scheduler(app: Flask) -> BlockingScheduler:
    """The scheduler with its two jobs; the caller starts it."""
    scheduler = BlockingScheduler(
        timezone="UTC",
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 30 * 60},
    )
    started = clock.now()
    scheduler.add_job(
        daily_jobs,
        "interval",
        hours=1,
        args=[app],
        id=job_runs.DAILY_JOBS,
        next_run_time=started,
    )
    scheduler.add_job(
        deliver_email,
        "interval",
        minutes=5,
        args=[app],
        id=EMAIL_DELIVERY,
        next_run_time=started + timedelta(minutes=1),  # after the first daily run
    )
    return scheduler
