"""When each scheduled job last ran to the end (what the health check reports), and which
bank holidays the deadlines were last worked out with."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from tracker.models.base import Base, UtcDateTime


class JobRun(Base):
    """One row per scheduled job, updated by each run that finished its work."""

    __tablename__ = "job_runs"

    job: Mapped[str] = mapped_column(sa.String(60), primary_key=True)
    succeeded_at: Mapped[datetime] = mapped_column(UtcDateTime())


class HolidayCalendar(Base):
    """The bank holidays a working-days calendar had when deadlines were last worked out with
    it, as a fingerprint: when the installed `holidays` package says otherwise, open
    deadlines counted in working days are worked out again."""

    __tablename__ = "holiday_calendars"

    calendar: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(sa.String(64))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())
