"""Server-side sessions: one per signed-in browser, ended by signing out, by time, or all at
once (sign out everywhere, a new password, deactivation)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session, contains_eager

from tracker.models import SessionEnd, User, UserSession
from tracker.plumbing.tokens import new_token, token_hash
from tracker.services import audit

# Last use is written at most this often: a page view should not always be a write.
TOUCH_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class SessionLimits:
    """How long a session lasts unused, and at most however busy."""

    idle: timedelta = timedelta(hours=8)
    absolute: timedelta = timedelta(hours=12)


def start(
    session: Session, user: User, *, now: datetime, client_address: str, user_agent: str
) -> str:
    """A new session for `user`; returns its token, which only the cookie keeps."""
    token = new_token()
    record = UserSession(
        user=user,
        token_hash=token_hash(token),
        created_at=now,
        last_seen_at=now,
        client_address=client_address[:45],
        user_agent=user_agent[:200],
    )
    session.add(record)
    session.flush()
    audit.record(
        session,
        action="user.signed_in",
        entity=user,
        actor=user,
        now=now,
        after={"session": record.id, "address": record.client_address},
    )
    return token


def find_live(
    session: Session, token: str, *, now: datetime, limits: SessionLimits
) -> UserSession | None:
    """The session with this token if it has not ended, is not idle or too old, and its
    person may still sign in; notes its use (at most once a minute)."""
    record = session.scalar(
        sa.select(UserSession)
        .join(UserSession.user)
        .options(contains_eager(UserSession.user))
        .where(
            UserSession.token_hash == token_hash(token),
            UserSession.ended_at.is_(None),
            User.active.is_(True),
        )
    )
    if record is None or not _within_limits(record, now, limits):
        return None
    if now - record.last_seen_at >= TOUCH_EVERY:
        record.last_seen_at = now
    return record


def end(session: Session, token: str, *, now: datetime) -> None:
    """Sign out: the session with this token ends, and its cookie opens nothing again."""
    record = session.scalar(
        sa.select(UserSession).where(
            UserSession.token_hash == token_hash(token), UserSession.ended_at.is_(None)
        )
    )
    if record is None:
        return
    record.ended_at, record.end_reason = now, SessionEnd.SIGNED_OUT
    audit.record(
        session,
        action="user.signed_out",
        entity=record.user,
        actor=record.user,
        now=now,
        after={"session": record.id},
    )


def end_all(session: Session, user: User, *, reason: SessionEnd, now: datetime) -> int:
    """End every session of `user` in one statement; returns how many there were. The
    caller audits why (the event that made it happen records the count)."""
    result = session.execute(
        sa.update(UserSession)
        .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
        .values(ended_at=now, end_reason=reason)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount  # type: ignore[attr-defined]


def live(
    session: Session, user: User, *, now: datetime, limits: SessionLimits
) -> list[UserSession]:
    """`user`'s sessions still in use, most recently used first (for the account page)."""
    return list(
        session.scalars(
            sa.select(UserSession)
            .where(
                UserSession.user_id == user.id,
                UserSession.ended_at.is_(None),
                UserSession.last_seen_at > now - limits.idle,
                UserSession.created_at > now - limits.absolute,
            )
            .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())
        )
    )


def is_session_of(record: UserSession, token: str) -> bool:
    """Whether `record` is the session this token belongs to."""
    return secrets.compare_digest(record.token_hash, token_hash(token))


def _within_limits(record: UserSession, now: datetime, limits: SessionLimits) -> bool:
    return now - record.last_seen_at < limits.idle and now - record.created_at < limits.absolute
