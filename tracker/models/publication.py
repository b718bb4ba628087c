"""What the Ombudsman publishes: performance pages, annual letters; daily figures for trends."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from tracker.models.base import Base, UtcDateTime


class AuthoritySnapshot(Base):
    """One authority's open-work figures on one day, for trend charts."""

    __tablename__ = "authority_snapshots"
    __table_args__ = (sa.UniqueConstraint("authority_id", "taken_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    authority_id: Mapped[int] = mapped_column(sa.ForeignKey("authorities.id"))
    taken_on: Mapped[date]
    open_recommendations: Mapped[int]
    overdue_recommendations: Mapped[int]
    awaiting_review: Mapped[int]
    delayed_remedies: Mapped[int]


class AnnualLetter(Base):
    """The narrative a manager writes for an authority's annual review letter."""

    __tablename__ = "annual_letters"
    __table_args__ = (sa.UniqueConstraint("authority_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    authority_id: Mapped[int] = mapped_column(sa.ForeignKey("authorities.id"))
    # Financial year, written as the Ombudsman does: 2024-25.
    year: Mapped[str] = mapped_column(sa.String(7))
    narrative: Mapped[str] = mapped_column(sa.Text, default="")
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Publication(Base):
    """An authority's performance page for a year, as a manager published it.

    The figures are kept as they stood when published: later corrections change the public
    page only when it is published again.
    """

    __tablename__ = "publications"
    __table_args__ = (sa.UniqueConstraint("authority_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    authority_id: Mapped[int] = mapped_column(sa.ForeignKey("authorities.id"))
    # Financial year, written as the Ombudsman does: 2024-25.
    year: Mapped[str] = mapped_column(sa.String(7))
    # tracker.services.statistics.as_published, as it was.
    figures: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    published_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    published_at: Mapped[datetime] = mapped_column(UtcDateTime())
