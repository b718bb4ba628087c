"""Councils whose remedies are tracked."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from tracker.models.base import Base, UtcDateTime, enum_type


class AuthorityType(enum.StrEnum):
    """The kinds of council the Ombudsman compares with one another."""

    COUNTY = "county"
    DISTRICT = "district"
    METROPOLITAN = "metropolitan"
    UNITARY = "unitary"
    LONDON_BOROUGH = "london_borough"

    @property
    def label(self) -> str:
        """The name the Ombudsman publishes for this type."""
        return AUTHORITY_TYPE_LABELS[self]


AUTHORITY_TYPE_LABELS = {
    AuthorityType.COUNTY: "County Council",
    AuthorityType.DISTRICT: "District Council",
    AuthorityType.METROPOLITAN: "Metropolitan Borough",
    AuthorityType.UNITARY: "Unitary Council",
    AuthorityType.LONDON_BOROUGH: "London Borough",
}


class Authority(Base):
    """A council: its short code, name, type and number of residents."""

    __tablename__ = "authorities"
    __table_args__ = (sa.CheckConstraint("population > 0", name="population_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(16), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    type: Mapped[AuthorityType] = mapped_column(enum_type(AuthorityType, "authority_type"))
    population: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())

    def __repr__(self) -> str:
        return f"<Authority {self.code}>"
