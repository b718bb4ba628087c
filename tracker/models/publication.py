"""What the Ombudsman publishes: performance pages, annual letters; daily figures for trends."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.models.base import Base, UtcDateTime

if TYPE_CHECKING:
    from tracker.models.user import User


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
    """What a manager writes for an authority's annual review letter: whom it is to, its date
    and the narrative (the figures come from the statistics when the letter is read)."""

    __tablename__ = "annual_letters"
    __table_args__ = (sa.UniqueConstraint("authority_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    authority_id: Mapped[int] = mapped_column(sa.ForeignKey("authorities.id"))
    # Financial year, written as the Ombudsman does: 2024-25.
    year: Mapped[str] = mapped_column(sa.String(7))
    narrative: Mapped[str] = mapped_column(sa.Text, default="")
    # "Mr Sinnott" and "Chief Executive": the letter opens "Dear Mr Sinnott".
    addressee_name: Mapped[str] = mapped_column(sa.String(100), default="", server_default="")
    addressee_title: Mapped[str] = mapped_column(sa.String(100), default="", server_default="")
    # None until a manager dates it: the letter then carries the day it is read or printed.
    letter_date: Mapped[date | None]
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # Optimistic locking: two managers editing at once cannot silently overwrite each other.
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    updated_by: Mapped[User | None] = relationship()

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's own API


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
