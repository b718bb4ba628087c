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


class EscalationLetterKind(enum.StrEnum):
    """The letters the ladder sends, which the product drafts from the case's facts."""

    CHIEF_EXECUTIVE = "chief_executive"
    COMPLAINANT = "complainant"

    @property
    def label(self) -> str:
        """`Letter to the chief executive` …"""
        return {
            EscalationLetterKind.CHIEF_EXECUTIVE: "Letter to the chief executive",
            EscalationLetterKind.COMPLAINANT: "Letter to the complainant explaining the delay",
        }[self]

    @property
    def step(self) -> EscalationStep:
        """The step of the ladder that sending it is."""
        return {
            EscalationLetterKind.CHIEF_EXECUTIVE: EscalationStep.CHIEF_EXECUTIVE_LETTER,
            EscalationLetterKind.COMPLAINANT: EscalationStep.COMPLAINANT_INFORMED,
        }[self]


class EscalationLetter(Base):
    """A caseworker's edit of a drafted letter on a case: one of each kind a case."""

    __tablename__ = "escalation_letters"
    __table_args__ = (sa.UniqueConstraint("case_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"))
    kind: Mapped[EscalationLetterKind] = mapped_column(
        enum_type(EscalationLetterKind, "escalation_letter_kind")
    )
    addressee_name: Mapped[str] = mapped_column(sa.String(100), default="")
    addressee_title: Mapped[str] = mapped_column(sa.String(100), default="")
    # None until the caseworker dates it: the letter then carries the day it is read.
    letter_date: Mapped[date | None]
    body: Mapped[str] = mapped_column(sa.Text, default="")
    updated_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # Two caseworkers editing at once cannot silently overwrite each other.
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's own API
