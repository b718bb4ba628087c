"""Chases made by hand: a caseworker's call, letter, e-mail or meeting with the council."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from tracker.models.base import Base, UtcDateTime, enum_type


class ChaseMethod(enum.StrEnum):
    """How the council was chased."""

    EMAIL = "email"
    PHONE = "phone"
    LETTER = "letter"
    MEETING = "meeting"

    @property
    def label(self) -> str:
        """`By phone`, `In a meeting` …: how the chase was made, in words."""
        return {
            ChaseMethod.EMAIL: "By e-mail",
            ChaseMethod.PHONE: "By phone",
            ChaseMethod.LETTER: "By letter",
            ChaseMethod.MEETING: "In a meeting",
        }[self]


class Chase(Base):
    """A chase made by hand and recorded: it counts as a chaser for the weekly cadence."""

    __tablename__ = "chases"
    __table_args__ = (
        # A recommendation's chases in date order: the weekly cadence asks for the latest.
        sa.Index("ix_chases_recommendation_id_chased_on", "recommendation_id", "chased_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(sa.ForeignKey("recommendations.id"))
    method: Mapped[ChaseMethod] = mapped_column(enum_type(ChaseMethod, "chase_method"))
    # What was said or agreed: the Ombudsman's record, not shown to the council.
    note: Mapped[str] = mapped_column(sa.Text)
    chased_on: Mapped[date]
    recorded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())
