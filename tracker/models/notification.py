"""The notification ledger: each notice is made once, and who received it when."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.models.base import Base, UtcDateTime

if TYPE_CHECKING:
    from tracker.models.recommendation import Recommendation


class Notification(Base):
    """One notice about one recommendation. The unique key makes sending it twice impossible."""

    __tablename__ = "notifications"
    __table_args__ = (sa.UniqueConstraint("recommendation_id", "kind", "occasion"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(sa.ForeignKey("recommendations.id"))
    # reminder_14, reminder_7, reminder_1, chaser, escalation, delayed_remedy
    kind: Mapped[str] = mapped_column(sa.String(32))
    # What makes this notice distinct from others of its kind: usually a date.
    occasion: Mapped[str] = mapped_column(sa.String(32))
    subject: Mapped[str] = mapped_column(sa.String(300))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())

    recommendation: Mapped[Recommendation] = relationship()
    recipients: Mapped[list[NotificationRecipient]] = relationship(back_populates="notification")


class NotificationRecipient(Base):
    """A person a notice goes to, and whether the e-mail has gone out."""

    __tablename__ = "notification_recipients"
    __table_args__ = (
        sa.UniqueConstraint("notification_id", "user_id"),
        # Every page counts its reader's unread notices.
        sa.Index("ix_notification_recipients_user_id_read_at", "user_id", "read_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    notification_id: Mapped[int] = mapped_column(sa.ForeignKey("notifications.id"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    # Copied in (a caseworker on a chaser) rather than addressed.
    copied: Mapped[bool] = mapped_column(default=False)
    # Meant for the council, which has no officer account: this person is told instead.
    in_place_of_council: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    emailed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # Claimed by a delivery run that is sending it now; a claim this old is abandoned.
    sending_since: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # The Message-ID of the digest carrying it, recorded with the claim, before it is sent.
    message_id: Mapped[str | None] = mapped_column(sa.String(255))
    # The sending that began then ended with no answer (the run died, the connection was
    # lost after the message went): it may have arrived, so it is never e-mailed again.
    possibly_emailed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    email_attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(sa.Text, default="")
    read_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    notification: Mapped[Notification] = relationship(back_populates="recipients")
