"""When each scheduled job last ran to the end: what the health check reports."""

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
