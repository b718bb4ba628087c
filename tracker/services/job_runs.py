"""The scheduler's record of its own runs: each job notes when it last finished its work,
and the health check calls the scheduler late when the daily jobs have not for a while."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tracker.models import JobRun
from tracker.plumbing.database import upsert

DAILY_JOBS = "daily-jobs"
# The daily jobs run every hour: two hours without one means a run was missed.
LATE_AFTER = timedelta(hours=2)


def record_success(session: Session, job: str, *, now: datetime) -> None:
    """Note that `job` finished its work at `now` (in the caller's unit of work)."""
    session.execute(upsert(session, JobRun, {"job": job, "succeeded_at": now}, key="job"))


def last_success(session: Session, job: str) -> datetime | None:
    """When `job` last finished its work, if ever."""
    return session.scalar(sa.select(JobRun.succeeded_at).where(JobRun.job == job))


def scheduler_problem(session: Session, *, now: datetime) -> str | None:
    """None when the daily jobs ran within the last two hours; else a short reason."""
    succeeded = last_success(session, DAILY_JOBS)
    if succeeded is None:
        return "never run"
    return "late" if now - succeeded > LATE_AFTER else None
