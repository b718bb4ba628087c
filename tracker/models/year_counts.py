"""What the statistics count, kept per authority and financial year by the database itself."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from tracker.models.base import Base

# The counts, in the order statistics.Counts holds them: decisions in the year…
DECISION_COUNTS = (
    "complaints_dealt_with",
    "not_for_us",
    "assessed_and_closed",
    "upheld",
    "not_upheld",
    "satisfactory_remedies",
    "public_reports",
)
# … and compliance outcomes recorded in it.
COMPLIANCE_COUNTS = ("compliance_outcomes", "satisfied", "satisfied_late")
COUNTS = DECISION_COUNTS + COMPLIANCE_COUNTS


def _count() -> Mapped[int]:
    return mapped_column(default=0, server_default="0")


class AuthorityYearCounts(Base):
    """One authority's cases decided in one financial year and compliance outcomes recorded
    in it: what statistics.Counts holds, read instead of counting the cases for every page.

    Written only by triggers on `cases` (migration 0016), on every insert, update and delete
    however it is made, so it is never behind; a row of zeros counts nothing (its cases moved
    away). `year` is the year the financial year starts (2024 for 2024-25)."""

    __tablename__ = "authority_year_counts"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    authority_id: Mapped[int] = mapped_column(sa.ForeignKey("authorities.id"), primary_key=True)
    complaints_dealt_with: Mapped[int] = _count()
    not_for_us: Mapped[int] = _count()
    assessed_and_closed: Mapped[int] = _count()
    upheld: Mapped[int] = _count()
    not_upheld: Mapped[int] = _count()
    satisfactory_remedies: Mapped[int] = _count()
    public_reports: Mapped[int] = _count()
    compliance_outcomes: Mapped[int] = _count()
    satisfied: Mapped[int] = _count()
    satisfied_late: Mapped[int] = _count()
