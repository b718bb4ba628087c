"""Requests for more time, and the caseworker's answer."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from tracker.models.base import Base, UtcDateTime, enum_type


class ExtensionStatus(enum.StrEnum):
    """Where an extension request stands."""

    PENDING = "pending"
    AGREED = "agreed"
    REFUSED = "refused"


class ExtensionRequest(Base):
    """An officer's request to move a recommendation's agreed due date."""

    __tablename__ = "extension_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(sa.ForeignKey("recommendations.id"), index=True)
    requested_until: Mapped[date]
    reason: Mapped[str] = mapped_column(sa.Text)
    requested_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(UtcDateTime())
    status: Mapped[ExtensionStatus] = mapped_column(
        enum_type(ExtensionStatus, "extension_status"), default=ExtensionStatus.PENDING
    )
    # The agreed due date before this request was decided, kept for the record.
    previous_due_date: Mapped[date | None]
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    decision_note: Mapped[str] = mapped_column(sa.Text, default="")
