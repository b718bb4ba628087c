"""Notices as people receive them: each person's own, what is unread, and who was told what
about a recommendation.

A person's notices are their rows in the ledger (NotificationRecipient), and only those about
work they may still see: an officer is only ever addressed about their own council, but the
case scope is applied anyway, so a notice never leads anyone to a record they cannot open.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session, contains_eager

from tracker.models import Case, Notification, NotificationRecipient, Recommendation, User


def _unread(
    user: User, scope: sa.ColumnElement[bool], column: sa.ColumnElement[int]
) -> sa.Select[tuple[int]]:
    """`column` over `user`'s unread notices within `scope`."""
    return (
        sa.select(column)
        .select_from(NotificationRecipient)
        .join(NotificationRecipient.notification)
        .join(Notification.recommendation)
        .join(Recommendation.case)
        .where(
            NotificationRecipient.user_id == user.id,
            NotificationRecipient.read_at.is_(None),
            scope,
        )
    )


def notices_for(
    user: User, scope: sa.ColumnElement[bool]
) -> sa.Select[tuple[NotificationRecipient]]:
    """`user`'s notices, newest first, each with its notice, recommendation, case and
    authority loaded in the same SELECT (for tracker.plumbing.pagination)."""
    return (
        sa.select(NotificationRecipient)
        .join(NotificationRecipient.notification)
        .join(Notification.recommendation)
        .join(Recommendation.case)
        .join(Case.authority)
        .options(
            contains_eager(NotificationRecipient.notification)
            .contains_eager(Notification.recommendation)
            .contains_eager(Recommendation.case)
            .contains_eager(Case.authority)
        )
        .where(NotificationRecipient.user_id == user.id, scope)
        .order_by(
            Notification.created_at.desc(),
            Notification.id.desc(),
            NotificationRecipient.id.desc(),
        )
    )


def unread_count(session: Session, user: User, scope: sa.ColumnElement[bool]) -> int:
    """How many of `user`'s notices they have not marked as read: one COUNT query."""
    return session.scalar(_unread(user, scope, sa.func.count())) or 0


def mark_all_read(
    session: Session, user: User, scope: sa.ColumnElement[bool], *, now: datetime
) -> int:
    """Mark every unread notice of `user`'s as read at `now`; returns how many. Reading is
    not a change to casework, so nothing goes in the audit trail. The caller commits."""
    result = session.execute(
        sa.update(NotificationRecipient)
        .where(NotificationRecipient.id.in_(_unread(user, scope, NotificationRecipient.id)))
        .values(read_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Told:
    """One person a notice went to, and whether the e-mail has gone out."""

    name: str
    active: bool  # deactivated accounts are not e-mailed
    copied: bool
    in_place_of_council: bool  # the council has no officer account
    emailed_at: datetime | None
    possibly_emailed_at: datetime | None  # the sending was interrupted
    email_attempts: int
    last_error: str


@dataclass(frozen=True)
class SentNotice:
    """A notice about a recommendation and everyone it went to."""

    subject: str
    created_at: datetime
    told: list[Told]


def sent_about(session: Session, recommendation_id: int) -> list[SentNotice]:
    """Every notice about the recommendation, newest first, with who was told (addressed
    before copied, then by name): one SELECT however many notices and people."""
    rows = session.execute(
        sa.select(
            Notification.id,
            Notification.subject,
            Notification.created_at,
            User.name,
            User.active,
            NotificationRecipient.copied,
            NotificationRecipient.in_place_of_council,
            NotificationRecipient.emailed_at,
            NotificationRecipient.possibly_emailed_at,
            NotificationRecipient.email_attempts,
            NotificationRecipient.last_error,
        )
        .outerjoin(Notification.recipients)
        .outerjoin(User, User.id == NotificationRecipient.user_id)
        .where(Notification.recommendation_id == recommendation_id)
        .order_by(
            Notification.created_at.desc(),
            Notification.id.desc(),
            NotificationRecipient.copied,
            User.name,
            NotificationRecipient.id,
        )
    )
    notices: dict[int, SentNotice] = {}
    for notice_id, subject, created_at, *person in rows:
        notice = notices.setdefault(notice_id, SentNotice(subject, created_at, []))
        if person[0] is not None:  # a notice with nobody to tell still shows
            notice.told.append(Told(*person))
    return list(notices.values())
