"""Councils whose remedies are tracked."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from tracker.models.base import Base, LabelledEnum, UtcDateTime, enum_type


class AuthorityType(LabelledEnum):
    """The kinds of council the Ombudsman compares with one another."""

    COUNTY = "county", "County Council"
    DISTRICT = "district", "District Council"
    METROPOLITAN = "metropolitan", "Metropolitan Borough"
    UNITARY = "unitary", "Unitary Council"
    LONDON_BOROUGH = "london_borough", "London Borough"


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
