"""Changing a password: by the person on their account page, or by a link sent by e-mail.

Either way every session of the account ends, and the change is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tracker.models import PasswordReset, SessionEnd, User
from tracker.plumbing.tokens import new_token, token_hash
from tracker.services import audit, sessions, sign_in
from tracker.services.accounts import find_user, hash_password, password_problem
from tracker.services.errors import SignInRefused, StateError, ValidationError

RESET_LINK_LIFETIME = timedelta(hours=1)
LINK_GONE = "This link has expired or has already been used"


@dataclass(frozen=True)
class ResetLink:
    """A reset link made for `user`: its token goes in the e-mail and nowhere else."""

    user: User
    token: str


def check_new_password(password: str | None, confirm: str | None) -> dict[str, str]:
    """Problems with a new password typed twice, by field (none: it will do)."""
    problem = password_problem(password)
    if problem:
        return {"password": problem}
    if password != confirm:
        return {"confirm": "The passwords do not match"}
    return {}


def change_own_password(
    session: Session,
    user: User,
    current: str,
    new: str,
    confirm: str,
    *,
    device: str,
    now: datetime,
    policy: sign_in.ThrottlePolicy,
) -> None:
    """`user` changes their password, proving the current one (a counted attempt); every
    session of theirs ends, this one too (the caller starts a new one)."""
    problems = check_new_password(new, confirm)
    try:
        right = sign_in.check_password(
            session, user, current, device=device, now=now, policy=policy
        )
    except SignInRefused as refused:
        problems["current_password"] = refused.message
    else:
        if not right:
            problems["current_password"] = "Enter your current password correctly"  # noqa: S105
    if problems:
        raise ValidationError(problems)
    user.password_hash = hash_password(new)
    ended = sessions.end_all(session, user, reason=SessionEnd.PASSWORD_CHANGED, now=now)
    audit.record(
        session,
        action="user.password_changed",
        entity=user,
        actor=user,
        now=now,
        after={"sessions_ended": ended},
    )


def request_reset(session: Session, email: str, *, now: datetime) -> ResetLink | None:
    """A one-hour, single-use link for the active account with this address, or None.

    The caller answers the same either way, so the answer reveals nothing.
    """
    user = find_user(session, email)
    if user is None or not user.active:
        return None
    token = new_token()
    reset = PasswordReset(
        user=user,
        token_hash=token_hash(token),
        created_at=now,
        expires_at=now + RESET_LINK_LIFETIME,
    )
    session.add(reset)
    audit.record(
        session,
        action="user.password_reset_requested",
        entity=user,
        actor=None,
        now=now,
        after={"expires_at": reset.expires_at.isoformat()},
    )
    return ResetLink(user=user, token=token)


def find_reset(session: Session, token: str, *, now: datetime) -> PasswordReset | None:
    """The unused, unexpired link with this token, of an account that may sign in."""
    return session.scalar(
        sa.select(PasswordReset)
        .join(PasswordReset.user)
        .where(
            PasswordReset.token_hash == token_hash(token),
            PasswordReset.used_at.is_(None),
            PasswordReset.expires_at > now,
            User.active.is_(True),
        )
    )


def reset_password(
    session: Session, token: str, password: str, confirm: str, *, now: datetime
) -> User:
    """Set a new password through a reset link: the link (and any other the person was
    sent) is spent, every session ends, the account's sign-in counts start again. It does
    not sign anyone in: two-step sign-in, if on, still asks for its code."""
    reset = find_reset(session, token, now=now)
    if reset is None:
        raise StateError(LINK_GONE)
    problems = check_new_password(password, confirm)
    if problems:
        raise ValidationError(problems)
    # Spend the link in one conditional statement, so two uses at once cannot both win.
    spent = session.execute(
        sa.update(PasswordReset)
        .where(PasswordReset.id == reset.id, PasswordReset.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if spent.rowcount != 1:  # type: ignore[attr-defined]
        raise StateError(LINK_GONE)
    user = reset.user
    session.execute(
        sa.update(PasswordReset)
        .where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    user.password_hash = hash_password(password)
    ended = sessions.end_all(session, user, reason=SessionEnd.PASSWORD_RESET, now=now)
    sign_in.forget_failures(session, user)
    audit.record(
        session,
        action="user.password_reset",
        entity=user,
        actor=user,
        now=now,
        after={"sessions_ended": ended},
    )
    return user
