"""The append-only audit trail: who did what, when, and what it was before and after."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from tracker.models.base import Base, UtcDateTime


class AuditEvent(Base):
    """One change to the record. Rows are never updated or deleted (triggers enforce it)."""

    __tablename__ = "audit_events"
    __table_args__ = (sa.Index("ix_audit_events_entity", "entity_type", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # None when the system acted (the scheduler, an import).
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(sa.String(64))
    entity_type: Mapped[str] = mapped_column(sa.String(32))
    entity_id: Mapped[int]
    # Where the event is filed, for timelines: by id, like `entity_id`, with no foreign key.
    # The trail is history: checking each new event against the live tables would only slow
    # the scheduler's thousands of events a run, and nothing is ever deleted from either.
    case_id: Mapped[int | None] = mapped_column(index=True)
    recommendation_id: Mapped[int | None] = mapped_column(index=True)
    before: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    note: Mapped[str] = mapped_column(sa.Text, default="")
