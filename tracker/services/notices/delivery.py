"""E-mail delivery: one plain-text digest per person per run of the notices waiting for them.

Each digest is e-mailed at most once. A person's waiting notices are claimed, with the
digest's Message-ID (derived from the notices it carries), in one commit before anything is
sent, and marked sent (committed) once the server has taken it. A second run at the same
time leaves claimed notices alone. What can happen to a digest on its way:

- the server takes it: its notices are e-mailed;
- the server refuses it with an answer (the sender, the recipient or the message), or the
  connection fails before the message began to go: nothing was taken, so the claim is
  released and the notices go out on the next run, in a digest with the same Message-ID
  if they are the same notices;
- the sending ends with no answer once the message began to go (the connection lost or
  timed out), or the run dies mid-send (its claim expires with no answer recorded): the
  server may have taken it. Its notices are marked as possibly e-mailed, with when, and
  never e-mailed again: sending them twice is worse than the person reading them in the app.

So this module commits by itself, step by step (claim → send → mark): the documented
exception to one unit of work per request, command or job run. An e-mail cannot be rolled
back, so what was claimed and what was sent must be on record before and after each send.
"""

from __future__ import annotations

import hashlib
import smtplib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tracker.models import DigestFrequency, NotificationRecipient, User
from tracker.plumbing.local_time import LOCAL_TIME
from tracker.plumbing.mail import Mailer, MaybeDelivered
from tracker.services import audit
from tracker.services.notices import digests

# Longer than any one digest can take (every socket wait is bounded by the mailer's timeout).
CLAIM_EXPIRES = timedelta(minutes=15)
# The hour (UK time) daily and weekly digests go at, or at the first run after it.
DIGEST_HOUR = 7
INTERRUPTED = "The sending was interrupted: it may have been e-mailed, so it is not sent again."


@dataclass
class DeliveryReport:
    """What a delivery run did."""

    digests: int = 0
    notices: int = 0
    queued: int = 0  # left for the next run
    interrupted: int = 0  # digests that may have gone: marked, never sent again
    error: str = ""

    def __str__(self) -> str:
        said = f"{self.digests} digests with {self.notices} notices sent, {self.queued} queued"
        if self.interrupted:
            said += f", {self.interrupted} interrupted (may have been sent; not sent again)"
        return f"{said} ({self.error})" if self.error else said


def digest_message_id(recipient_ids: Sequence[int], domain: str) -> str:
    """The Message-ID of the digest carrying these ledger rows: the same rows, the same id."""
    rows = ",".join(str(number) for number in sorted(recipient_ids))
    return f"<digest-{hashlib.sha256(rows.encode()).hexdigest()[:32]}@{domain}>"


def deliver(session: Session, mailer: Mailer, *, now: datetime, base_url: str) -> DeliveryReport:
    """Send each person with waiting notices one digest; commits as it goes."""
    report = DeliveryReport()
    report.interrupted = _mark_possibly_emailed(
        session,
        sa.and_(
            NotificationRecipient.emailed_at.is_(None),
            NotificationRecipient.sending_since < now - CLAIM_EXPIRES,
        ),
        now=now,
        reason="the run sending it stopped before the server's answer was recorded",
    )
    waiting = session.scalars(
        sa.select(NotificationRecipient.user_id)
        .join(User, User.id == NotificationRecipient.user_id)
        .where(_WAITING, User.active, digest_due(now))
        .distinct()
        .order_by(NotificationRecipient.user_id)
    ).all()
    session.commit()
    if not waiting:
        report.queued = _queued(session)
        return report
    try:
        with mailer.connect() as connection:
            for user_id in waiting:
                claimed, message_id = _claim(session, user_id, now, mailer.domain)
                if not claimed:
                    continue  # another run took them
                user = session.get(User, user_id)
                assert user is not None
                subject, body = digests.compose(session, user, claimed, base_url)
                message = mailer.message(user.email, subject, body, message_id=message_id)
                session.commit()  # hold no transaction open while the server is busy
                try:
                    mailer.send(connection, message)
                except MaybeDelivered as error:
                    report.interrupted += _mark_possibly_emailed(
                        session,
                        NotificationRecipient.id.in_(claimed),
                        now=now,
                        reason=str(error),
                    )
                    report.error = str(error)
                    break  # the connection is gone: the rest wait for the next run
                except (smtplib.SMTPException, OSError) as error:
                    _release(session, claimed, error)
                    report.error = str(error) or type(error).__name__
                    if not isinstance(error, smtplib.SMTPRecipientsRefused):
                        break  # the server is gone or refusing: the rest wait
                    continue
                session.execute(
                    sa.update(NotificationRecipient)
                    .where(NotificationRecipient.id.in_(claimed))
                    .values(
                        emailed_at=now,
                        sending_since=None,
                        possibly_emailed_at=None,
                        last_error="",
                    )
                    .execution_options(synchronize_session=False)
                )
                user.last_digest_at = now
                session.commit()
                report.digests += 1
                report.notices += len(claimed)
    except (smtplib.SMTPException, OSError) as error:  # could not connect, or lost it
        session.rollback()
        report.error = str(error) or type(error).__name__
    report.queued = _queued(session)
    return report


def digest_due(now: datetime) -> sa.ColumnElement[bool]:
    """Whose digest may go in a run at `now`: those who want them as they come, and those
    whose daily or weekly digest has not gone since its latest time passed (DIGEST_HOUR in
    UK time, every day or on Mondays): the first run after that time sends it."""
    local = now.astimezone(LOCAL_TIME)
    today_at = datetime.combine(local.date(), time(DIGEST_HOUR), LOCAL_TIME)
    daily = today_at if local >= today_at else today_at - timedelta(days=1)
    weekly = daily - timedelta(days=daily.weekday())
    not_since = {
        frequency: sa.or_(User.last_digest_at.is_(None), User.last_digest_at < since)
        for frequency, since in ((DigestFrequency.DAILY, daily), (DigestFrequency.WEEKLY, weekly))
    }
    return sa.or_(
        User.digest == DigestFrequency.IMMEDIATE,
        *(sa.and_(User.digest == frequency, due) for frequency, due in not_since.items()),
    )


# Not e-mailed, not possibly e-mailed, and not being sent by a run now.
_WAITING = sa.and_(
    NotificationRecipient.emailed_at.is_(None),
    NotificationRecipient.possibly_emailed_at.is_(None),
    NotificationRecipient.sending_since.is_(None),
)


def _queued(session: Session) -> int:
    queued = session.scalar(
        sa.select(sa.func.count())
        .select_from(NotificationRecipient)
        .join(User, User.id == NotificationRecipient.user_id)
        .where(
            NotificationRecipient.emailed_at.is_(None),
            NotificationRecipient.possibly_emailed_at.is_(None),
            User.active,
        )
    )
    session.commit()
    return int(queued or 0)


def _claim(session: Session, user_id: int, now: datetime, domain: str) -> tuple[list[int], str]:
    """Claim the person's waiting notices and record their digest's Message-ID, in one
    commit: a claim found abandoned later always says which digest may have gone."""
    claimed = sorted(
        session.scalars(
            sa.update(NotificationRecipient)
            .where(NotificationRecipient.user_id == user_id, _WAITING)
            .values(sending_since=now)
            .returning(NotificationRecipient.id)
            .execution_options(synchronize_session=False)
        )
    )
    message_id = digest_message_id(claimed, domain)
    if claimed:
        session.execute(
            sa.update(NotificationRecipient)
            .where(NotificationRecipient.id.in_(claimed))
            .values(message_id=message_id)
            .execution_options(synchronize_session=False)
        )
    session.commit()
    return claimed, message_id


def _release(session: Session, claimed: list[int], error: Exception) -> None:
    """The server refused the digest: nothing was taken, so it is sent again next run."""
    session.execute(
        sa.update(NotificationRecipient)
        .where(NotificationRecipient.id.in_(claimed))
        .values(
            sending_since=None,
            message_id=None,
            possibly_emailed_at=None,
            email_attempts=NotificationRecipient.email_attempts + 1,
            last_error=(str(error) or type(error).__name__)[:500],
        )
        .execution_options(synchronize_session=False)
    )
    session.commit()


def _mark_possibly_emailed(
    session: Session, claimed: sa.ColumnElement[bool], *, now: datetime, reason: str
) -> int:
    """Mark the claimed notices meeting `claimed` as possibly e-mailed when their sending
    began, never to be e-mailed again; an audit event for each digest. Returns how many
    digests."""
    changed = session.execute(
        sa.update(NotificationRecipient)
        .where(claimed, NotificationRecipient.sending_since.is_not(None))
        .values(
            possibly_emailed_at=NotificationRecipient.sending_since,
            sending_since=None,
        )
        .returning(
            NotificationRecipient.user_id,
            NotificationRecipient.message_id,
            NotificationRecipient.possibly_emailed_at,
        )
        .execution_options(synchronize_session=False)
    ).all()
    digests: dict[tuple[int, str | None], list[datetime]] = defaultdict(list)
    for user_id, message_id, began in changed:
        digests[user_id, message_id].append(began)
    for (user_id, message_id), began in digests.items():
        person = session.get(User, user_id)
        assert person is not None
        audit.record(
            session,
            action="notices.possibly_emailed",
            entity=person,
            actor=None,
            now=now,
            after={
                "message_id": message_id,
                "notices": len(began),
                "sending_began": min(began).isoformat(),
            },
            note=f"{INTERRUPTED} ({reason})"[:500],
        )
    session.commit()
    return len(digests)
