"""The escalation ladder: each step the Ombudsman takes when a council stays overdue."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from tracker.models.base import Base, UtcDateTime, enum_type


class EscalationStep(enum.StrEnum):
    """A step of the Compliance Manual's ladder (domain.md), in the order it names them."""

    CHIEF_EXECUTIVE_LETTER = "chief_executive_letter"
    MEETING = "meeting"
    CASE_CONFERENCE = "case_conference"
    COMPLAINANT_INFORMED = "complainant_informed"
    PUBLIC_REPORT_CONSIDERED = "public_report_considered"

    @property
    def label(self) -> str:
        """The step in words."""
        return {
            EscalationStep.CHIEF_EXECUTIVE_LETTER: "Letter to the chief executive",
            EscalationStep.MEETING: "Meeting with the council",
            EscalationStep.CASE_CONFERENCE: "Case conference with the investigator",
            EscalationStep.COMPLAINANT_INFORMED: "Letter to the complainant explaining the delay",
            EscalationStep.PUBLIC_REPORT_CONSIDERED: "Public report considered",
        }[self]


class Escalation(Base):
    """One step taken on a case, with who took it, when and why (the Ombudsman's record)."""

    __tablename__ = "escalations"
    __table_args__ = (sa.Index("ix_escalations_case_id_taken_on", "case_id", "taken_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"))
    step: Mapped[EscalationStep] = mapped_column(enum_type(EscalationStep, "escalation_step"))
    # Why, and what was decided: never shown to the council.
    note: Mapped[str] = mapped_column(sa.Text)
    taken_on: Mapped[date]
    taken_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())
