"""Who holds a recommendation at the council: the officer a link officer gave it to."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from tracker.models.base import Base, UtcDateTime


class Assignment(Base):
    """A recommendation's assignee, an officer of its council, who then receives its
    reminders and chasers as its council's link officers do. One a recommendation."""

    __tablename__ = "assignments"

    recommendation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("recommendations.id"), primary_key=True
    )
    # Who holds what, for a council's page and an officer's own list.
    officer_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    assigned_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    assigned_at: Mapped[datetime] = mapped_column(UtcDateTime())
