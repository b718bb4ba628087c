"""Complaints decided by the Ombudsman, and their compliance outcomes."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.models.base import Base, LabelledEnum, UtcDateTime, enum_type, partial_index

if TYPE_CHECKING:
    from tracker.models.authority import Authority
    from tracker.models.recommendation import Recommendation


class Outcome(LabelledEnum):
    """How the Ombudsman decided the complaint."""

    UPHELD = "upheld", "Upheld"
    NOT_UPHELD = "not_upheld", "Not upheld"
    ASSESSED_AND_CLOSED = "assessed_and_closed", "Assessed and closed"
    NOT_FOR_US = "not_for_us", "Not for us"


class ComplianceOutcome(LabelledEnum):
    """Whether the council did what the Ombudsman recommended, and on time."""

    SATISFIED = "satisfied", "Satisfied"
    SATISFIED_LATE = "satisfied_late", "Satisfied late"
    NOT_SATISFIED = "not_satisfied", "Not satisfied"


# The partial index of upheld cases' predicate; queries that use it write the value in too.
UPHELD_PREDICATE = "outcome = 'upheld'"
_REFERENCE = re.compile(r"^\s*(\d{2})[\s-]*(\d{3})[\s-]*(\d{3})\s*$")


def normalise_reference(text: str) -> str:
    """Return a case reference as the Ombudsman writes it (`24 007 343`).

    Accepts `24007343`, `24-007-343` and `24 007 343`; raises ValueError otherwise.
    """
    match = _REFERENCE.match(text or "")
    if not match:
        raise ValueError("Enter a case reference in the format 24 007 343")
    return " ".join(match.groups())


def reference_slug(reference: str) -> str:
    """The reference as it appears in page addresses: `24-007-343`."""
    return reference.replace(" ", "-")


class Case(Base):
    """One complaint about one council, as the Ombudsman decided it."""

    __tablename__ = "cases"
    __table_args__ = (
        sa.CheckConstraint(
            "satisfactory_remedy = false OR outcome = 'upheld'",
            name="satisfactory_remedy_only_when_upheld",
        ),
        sa.CheckConstraint(
            "(compliance_outcome IS NULL AND compliance_date IS NULL)"
            " OR (compliance_outcome IS NOT NULL AND compliance_date IS NOT NULL"
            " AND outcome = 'upheld')",
            name="compliance_outcome_has_date",
        ),
        # A council's first and last decision and compliance outcome (the years its statistics
        # offer), and its cases by date. They also hold every column the statistics count,
        # from when the pages counted the cases: they now read authority_year_counts.
        sa.Index(
            "ix_cases_decided_by_authority",
            "authority_id",
            "decision_date",
            "outcome",
            "satisfactory_remedy",
            "public_report",
        ),
        sa.Index(
            "ix_cases_compliance_by_authority",
            "authority_id",
            "compliance_date",
            "compliance_outcome",
        ),
        # The first and last compliance outcomes anywhere (the years statistics offer).
        partial_index(
            "ix_cases_compliance_date",
            "compliance_date",
            where="compliance_date IS NOT NULL",
        ),
        # The case list's order: newest decision first, then by reference.
        sa.Index("ix_cases_decision_date_reference", "decision_date", "reference"),
        # What a recommendation's council is checked against (see Recommendation.authority_id).
        sa.Index("uq_cases_id_authority_id", "id", "authority_id", unique=True),
        # A council's upheld cases on its public page (service improvements on show), read
        # from the index alone: the id is there for PostgreSQL, which has no rowid.
        partial_index(
            "ix_cases_upheld_by_authority",
            "authority_id",
            "decision_date",
            "public_report",
            "id",
            where=UPHELD_PREDICATE,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(sa.String(10), unique=True)
    authority_id: Mapped[int] = mapped_column(sa.ForeignKey("authorities.id"))
    category: Mapped[str] = mapped_column(sa.String(100))
    subcategory: Mapped[str] = mapped_column(sa.String(100), default="")
    decision_date: Mapped[date]
    outcome: Mapped[Outcome] = mapped_column(enum_type(Outcome, "case_outcome"))
    satisfactory_remedy: Mapped[bool] = mapped_column(default=False)
    public_report: Mapped[bool] = mapped_column(default=False)
    compliance_outcome: Mapped[ComplianceOutcome | None] = mapped_column(
        enum_type(ComplianceOutcome, "compliance_outcome")
    )
    compliance_date: Mapped[date | None]
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # Optimistic locking: a stale write raises instead of silently overwriting.
    version: Mapped[int] = mapped_column(default=1)

    authority: Mapped[Authority] = relationship()
    recommendations: Mapped[list[Recommendation]] = relationship(
        back_populates="case",
        order_by="Recommendation.position",
        primaryjoin="and_(Case.id == Recommendation.case_id,"
        " Case.authority_id == Recommendation.authority_id)",
        foreign_keys="[Recommendation.case_id, Recommendation.authority_id]",
    )

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's own API

    @property
    def has_recommendations(self) -> bool:
        """Whether the case has any recommendations (the rules ask, correcting it)."""
        return bool(self.recommendations)

    @property
    def slug(self) -> str:
        """The reference as it appears in page addresses."""
        return reference_slug(self.reference)

    def __repr__(self) -> str:
        return f"<Case {self.reference}>"


class FollowUp(Base):
    """A case opened to investigate the failure to comply with an earlier one, not satisfied."""

    __tablename__ = "follow_ups"

    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), primary_key=True)
    follows_case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
