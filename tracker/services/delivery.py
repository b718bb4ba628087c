"""E-mail delivery: one plain-text digest per person per run of the notices waiting for them.

Each person's waiting notices are claimed (committed) before their digest is sent and marked
sent (committed) once the server has taken it: a second run at the same time leaves claimed
notices alone, and a failed send releases them to go out on the next run. If the server
goes away mid-run, what was not sent stays queued; nothing that was sent is sent again.
Only a run that dies between the server taking a digest and marking it sent can repeat it,
after the claim expires.
"""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tracker.mail import Mailer
from tracker.models import Notification, NotificationRecipient, User

CLAIM_EXPIRES = timedelta(minutes=15)
MOST_LISTED = 50


@dataclass
class DeliveryReport:
    """What a delivery run did."""

    digests: int = 0
    notices: int = 0
    queued: int = 0  # left for the next run
    error: str = ""

    def __str__(self) -> str:
        said = f"{self.digests} digests with {self.notices} notices sent, {self.queued} queued"
        return f"{said} ({self.error})" if self.error else said


def deliver(session: Session, mailer: Mailer, *, now: datetime, base_url: str) -> DeliveryReport:
    """Send each person with waiting notices one digest; commits as it goes."""
    report = DeliveryReport()
    waiting = session.scalars(
        sa.select(NotificationRecipient.user_id)
        .join(User, User.id == NotificationRecipient.user_id)
        .where(_waiting(now), User.active)
        .distinct()
        .order_by(NotificationRecipient.user_id)
    ).all()
    session.commit()
    if not waiting:
        return report
    try:
        with mailer.connect() as connection:
            for user_id in waiting:
                claimed = _claim(session, user_id, now)
                if not claimed:
                    continue  # another run took them
                user = session.get(User, user_id)
                assert user is not None
                notices = _notices(session, claimed)
                message = mailer.message(
                    user.email, _subject(notices), _digest(user, notices, base_url)
                )
                try:
                    connection.send_message(message)
                except (smtplib.SMTPException, OSError) as error:
                    _release(session, claimed, error)
                    report.error = str(error) or type(error).__name__
                    if not isinstance(error, smtplib.SMTPRecipientsRefused):
                        break  # the server is gone: the rest wait for the next run
                    continue
                session.execute(
                    sa.update(NotificationRecipient)
                    .where(NotificationRecipient.id.in_(claimed))
                    .values(emailed_at=now, sending_since=None, last_error="")
                    .execution_options(synchronize_session=False)
                )
                session.commit()
                report.digests += 1
                report.notices += len(claimed)
    except (smtplib.SMTPException, OSError) as error:  # could not connect, or lost it
        session.rollback()
        report.error = str(error) or type(error).__name__
    report.queued = int(
        session.scalar(
            sa.select(sa.func.count())
            .select_from(NotificationRecipient)
            .join(User, User.id == NotificationRecipient.user_id)
            .where(NotificationRecipient.emailed_at.is_(None), User.active)
        )
        or 0
    )
    session.commit()
    return report


def _waiting(now: datetime) -> sa.ColumnElement[bool]:
    """Not e-mailed yet, and not being sent by another run (or its claim has expired)."""
    return sa.and_(
        NotificationRecipient.emailed_at.is_(None),
        sa.or_(
            NotificationRecipient.sending_since.is_(None),
            NotificationRecipient.sending_since < now - CLAIM_EXPIRES,
        ),
    )


def _claim(session: Session, user_id: int, now: datetime) -> list[int]:
    claimed = list(
        session.scalars(
            sa.update(NotificationRecipient)
            .where(NotificationRecipient.user_id == user_id, _waiting(now))
            .values(sending_since=now)
            .returning(NotificationRecipient.id)
            .execution_options(synchronize_session=False)
        )
    )
    session.commit()
    return claimed


def _release(session: Session, claimed: list[int], error: Exception) -> None:
    session.execute(
        sa.update(NotificationRecipient)
        .where(NotificationRecipient.id.in_(claimed))
        .values(
            sending_since=None,
            email_attempts=NotificationRecipient.email_attempts + 1,
            last_error=(str(error) or type(error).__name__)[:500],
        )
        .execution_options(synchronize_session=False)
    )
    session.commit()


def _notices(session: Session, claimed: list[int]) -> list[tuple[Notification, bool]]:
    rows = session.execute(
        sa.select(Notification, NotificationRecipient.copied)
        .join(NotificationRecipient.notification)
        .where(NotificationRecipient.id.in_(claimed))
        .order_by(Notification.created_at, Notification.id)
    )
    return [(notification, copied) for notification, copied in rows]


def _subject(notices: list[tuple[Notification, bool]]) -> str:
    if len(notices) == 1:
        return notices[0][0].subject
    return f"Remedy Tracker: {len(notices)} notices"


def _digest(user: User, notices: list[tuple[Notification, bool]], base_url: str) -> str:
    base = base_url.rstrip("/")
    plural = "s" if len(notices) != 1 else ""
    lines = [
        f"Hello {user.name},",
        "",
        f"Remedy Tracker has {len(notices)} notice{plural} for you.",
        "",
    ]
    for number, (notice, copied) in enumerate(notices[:MOST_LISTED], start=1):
        lines.append(f"{number}. {notice.subject}")
        if copied:
            lines.append("   (copied to you for information)")
        lines.extend(f"   {line}" if line else "" for line in notice.body.splitlines())
        lines.extend([f"   {base}/recommendations/{notice.recommendation_id}", ""])
    if len(notices) > MOST_LISTED:
        lines.extend([f"… and {len(notices) - MOST_LISTED} more.", ""])
    lines.append(f"All your notices: {base}/notifications/")
    return "\n".join(lines) + "\n"
