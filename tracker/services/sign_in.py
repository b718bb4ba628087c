"""Signing in: each attempt is counted before anything is checked, so guessing is slowed.

The count is per e-mail address (known or not, so answers reveal nothing) and per kind of
browser: browsers where the person signed in before carry a signed device cookie and keep a
count of their own (OWASP's "device cookies"), so an attacker guessing from elsewhere slows
only themselves and never locks the person out of their usual browser.
"""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tracker.models import SignInFailure, User
from tracker.plumbing.database import begin_writing, insert_or_ignore
from tracker.services.accounts import (
    hash_password,
    needs_rehash,
    normalise_email,
    password_matches,
)
from tracker.services.errors import SignInRefused

WRONG_PASSWORD = "Enter a correct e-mail address and password"  # noqa: S105 - a message

# Checked against when the e-mail is unknown, so both answers take the same time.
_unknown_user_hash: str | None = None


@dataclass(frozen=True)
class ThrottlePolicy:
    """How many attempts in a row are free, and how long to wait after that (doubling)."""

    free_attempts: int = 5
    first_wait: timedelta = timedelta(seconds=30)
    longest_wait: timedelta = timedelta(minutes=15)

    def wait_after(self, failures: int) -> timedelta:
        """How long someone must wait after this many failures in a row."""
        if failures < self.free_attempts:
            return timedelta(0)
        return min(self.first_wait * 2 ** (failures - self.free_attempts), self.longest_wait)


@dataclass(frozen=True)
class DeviceClaim:
    """What a browser's signed device cookie says: it signed in as `user_id` before."""

    user_id: int
    device: str


def counter_device(user: User | None, claim: DeviceClaim | None) -> str:
    """Which count an attempt goes on: the browser's own if it is trusted for this account,
    otherwise the one shared by every other browser ('')."""
    if claim is not None and user is not None and claim.user_id == user.id:
        return claim.device
    return ""


def count_attempt(
    session: Session, email: str, device: str, *, now: datetime, policy: ThrottlePolicy
) -> None:
    """Count one attempt for (`email`, `device`), or refuse it while the back-off lasts.

    The count is taken under a row lock (SELECT … FOR UPDATE on PostgreSQL; SQLite lets one
    writer in at a time) and committed at once, before any password or code is checked: of
    any number of attempts at the same moment, only the free ones get a check. Success
    clears the count afterwards (`succeeded`). Commits the session.

    A documented exception to one unit of work per request (`tracker.web.unit_of_work`):
    a failed attempt must stay counted although the request then answers with an error,
    which rolls everything else back.
    """
    begin_writing(session)
    session.execute(
        insert_or_ignore(session, SignInFailure).values(
            email=email, device=device, failures=0, last_failed_at=now
        )
    )
    failure = session.scalars(
        sa.select(SignInFailure)
        .where(SignInFailure.email == email, SignInFailure.device == device)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    # Only a back-off makes anyone wait: a concurrent attempt that started after this one
    # may have counted first, leaving `last_failed_at` a moment after `now`.
    backoff = policy.wait_after(failure.failures)
    wait = failure.last_failed_at + backoff - now if backoff else timedelta(0)
    if wait > timedelta(0):
        session.rollback()
        raise SignInRefused(
            f"You have tried to sign in too many times. Wait {describe_wait(wait)} and try again."
        )
    failure.failures += 1
    failure.last_failed_at = max(failure.last_failed_at, now)
    session.commit()


def authenticate(
    session: Session,
    email: str,
    password: str,
    *,
    now: datetime,
    policy: ThrottlePolicy,
    claim: DeviceClaim | None,
) -> User:
    """The active account with this e-mail and password, or SignInRefused.

    The attempt is counted first (and committed); a right password does not clear the count
    by itself, since a second step may follow: `succeeded` does, once the person is in.
    """
    global _unknown_user_hash
    email = normalise_email(email)
    user = session.scalar(sa.select(User).where(User.email == email))
    count_attempt(session, email, counter_device(user, claim), now=now, policy=policy)
    if user is None:
        _unknown_user_hash = _unknown_user_hash or hash_password(secrets.token_hex(16))
        password_matches(_unknown_user_hash, password)
        raise SignInRefused(WRONG_PASSWORD)
    if not password_matches(user.password_hash, password) or not user.active:
        raise SignInRefused(WRONG_PASSWORD)
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def check_password(
    session: Session,
    user: User,
    password: str,
    *,
    device: str,
    now: datetime,
    policy: ThrottlePolicy,
) -> bool:
    """Whether `password` is `user`'s, counted like a sign-in (someone at an unlocked
    computer gets no more guesses than anyone else); SignInRefused while waiting."""
    count_attempt(session, user.email, device, now=now, policy=policy)
    if not password_matches(user.password_hash, password):
        return False
    succeeded(session, user, device)
    return True


def succeeded(session: Session, user: User, device: str) -> None:
    """The person proved who they are from this browser: its count starts again."""
    session.execute(
        sa.delete(SignInFailure).where(
            SignInFailure.email == user.email, SignInFailure.device == device
        )
    )


def forget_failures(session: Session, user: User) -> None:
    """Clear every count for the account (its password was just reset by e-mail)."""
    session.execute(sa.delete(SignInFailure).where(SignInFailure.email == user.email))


def describe_wait(wait: timedelta) -> str:
    """`30 seconds`, `2 minutes`: how long to wait, in words, rounded up."""
    seconds = math.ceil(wait.total_seconds())
    if seconds < 60:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = -(-seconds // 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"
