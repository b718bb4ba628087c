"""Accounts: creating and changing people, password hashing and rules, API tokens."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import Session

from tracker.models import ApiToken, Authority, DigestFrequency, Role, SessionEnd, User
from tracker.plumbing.tokens import new_token, token_hash
from tracker.services import audit, sessions
from tracker.services.errors import ValidationError

MIN_PASSWORD_LENGTH = 12
TOKEN_PREFIX = "rt_"  # noqa: S105 - a label, not a secret
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
USER_FIELDS = ("email", "name", "role", "authority_id", "active", "link_officer")
# Each council names up to this many link officers (domain.md).
MAX_LINK_OFFICERS = 2

# Argon2id with the library's RFC 9106 defaults; the test suite swaps in cheap parameters.
_hasher = PasswordHasher()


def use_fast_hashing() -> None:
    """Cheap Argon2 parameters, for the test suite only."""
    global _hasher
    _hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


def hash_password(password: str) -> str:
    """An Argon2id hash of `password`."""
    return _hasher.hash(password)


def password_matches(password_hash: str, password: str) -> bool:
    """Whether `password` is the one hashed in `password_hash`."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Whether the hash was made with weaker parameters than today's."""
    return _hasher.check_needs_rehash(password_hash)


def password_problem(password: str | None) -> str | None:
    """What is wrong with a new password, if anything (the one rule every form shares)."""
    if not password:
        return "Enter a password"
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Password must be at least {MIN_PASSWORD_LENGTH} characters"
    return None


def normalise_email(email: str) -> str:
    """E-mail addresses are compared case-insensitively, without surrounding spaces."""
    return (email or "").strip().lower()


@dataclass
class UserInput:
    """What is needed to create or change an account."""

    email: str
    name: str
    role: Role | str
    authority_code: str | None = None
    password: str | None = None
    active: bool = True
    link_officer: bool = False


def create_user(session: Session, data: UserInput, *, actor: User | None, now: datetime) -> User:
    """Create an account, or raise ValidationError naming each problem."""
    role, authority, email = check_user(session, data)
    user = User(
        email=email,
        name=data.name.strip() or email,
        role=role,
        authority=authority,
        password_hash=hash_password(data.password),
        active=data.active,
        link_officer=data.link_officer,
        created_at=now,
    )
    session.add(user)
    audit.record(
        session,
        action="user.created",
        entity=user,
        actor=actor,
        now=now,
        after=audit.snapshot(user, USER_FIELDS),
    )
    return user


def update_user(
    session: Session, user: User, data: UserInput, *, actor: User | None, now: datetime
) -> User:
    """Change an account's details; a new password or deactivation signs it out everywhere."""
    role, authority, email = check_user(session, data, existing=user, actor=actor)
    before = audit.snapshot(user, USER_FIELDS)
    user.email, user.name, user.role, user.authority = (
        email,
        data.name.strip() or email,
        role,
        authority,
    )
    user.active = data.active
    user.link_officer = data.link_officer
    if data.password:
        user.password_hash = hash_password(data.password)
    ended = 0
    if data.password or not data.active:
        reason = SessionEnd.PASSWORD_CHANGED if data.active else SessionEnd.DEACTIVATED
        ended = sessions.end_all(session, user, reason=reason, now=now)
    session.flush()
    old, new = audit.changes(before, audit.snapshot(user, USER_FIELDS))
    if data.password:
        new["password"] = "changed"  # noqa: S105 - records that it changed, not the value
    if ended:
        new["sessions_ended"] = ended
    if new:
        audit.record(
            session, action="user.updated", entity=user, actor=actor, now=now, before=old, after=new
        )
    return user


def check_user(
    session: Session, data: UserInput, *, existing: User | None = None, actor: User | None = None
) -> tuple[Role, Authority | None, str]:
    """Apply the rules to a new account or changes to `existing` made by `actor`.

    Saves nothing; returns the role, authority and normalised e-mail, or raises
    ValidationError naming each problem.
    """
    problems: dict[str, str] = {}
    email = normalise_email(data.email)
    if not _EMAIL.match(email):
        problems["email"] = "Enter an e-mail address in the correct format, like name@example.org"
    else:
        clash = session.scalar(sa.select(User.id).where(User.email == email))
        if clash is not None and (existing is None or clash != existing.id):
            problems["email"] = "An account with this e-mail address already exists"
    if len(data.name) > 200:
        problems["name"] = "Name must be 200 characters or fewer"
    try:
        role = Role(data.role)
    except ValueError:
        role = None
        problems["role"] = "Choose a role: " + ", ".join(r.value for r in Role)
    authority = None
    if data.authority_code:
        authority = session.scalar(
            sa.select(Authority).where(Authority.code == data.authority_code.strip().upper())
        )
        if authority is None:
            problems["authority"] = f"There is no authority with the code {data.authority_code}"
    if role is Role.OFFICER and authority is None and "authority" not in problems:
        problems["authority"] = "Choose the council this officer works for"
    if role is not None and role is not Role.OFFICER and data.authority_code:
        problems["authority"] = "Only council officers belong to an authority"
    if data.link_officer and "role" not in problems and "authority" not in problems:
        problem = _link_officer_problem(session, role, authority, existing)
        if problem:
            problems["link_officer"] = problem
    if data.password or existing is None:
        problem = password_problem(data.password)
        if problem:
            problems["password"] = problem
    if (
        existing is not None
        and actor is not None
        and actor.id == existing.id
        and (role is not existing.role or not data.active)
    ):
        problems["role"] = "You cannot change your own role or deactivate yourself"
    if problems:
        raise ValidationError(problems)
    assert role is not None
    return role, authority, email


def _link_officer_problem(
    session: Session, role: Role | None, authority: Authority | None, existing: User | None
) -> str | None:
    """Why this person cannot be one of their council's link officers, if they cannot."""
    if role is not Role.OFFICER or authority is None:
        return "Only a council officer can be a link officer"
    # Two admins naming a council's third link officer at once: the second waits here.
    session.execute(sa.select(Authority.id).where(Authority.id == authority.id).with_for_update())
    others = session.scalars(
        sa.select(User.name)
        .where(
            User.authority_id == authority.id,
            User.link_officer,
            User.active,
            User.id != (existing.id if existing else -1),
        )
        .order_by(User.name)
    ).all()
    if len(others) >= MAX_LINK_OFFICERS:
        return (
            f"{authority.name} already has {MAX_LINK_OFFICERS} link officers "
            f"({' and '.join(others)}): make one of them an ordinary officer first"
        )
    return None


def find_user(session: Session, email: str) -> User | None:
    """The account with this e-mail address, if any."""
    return session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def issue_token(session: Session, user: User, *, actor: User | None, now: datetime) -> str:
    """Make a new API token for `user`; only its hash is kept, so it is shown once."""
    token = new_token(TOKEN_PREFIX)
    api_token = ApiToken(user=user, token_hash=token_hash(token), created_at=now)
    session.add(api_token)
    audit.record(
        session,
        action="api_token.issued",
        entity=api_token,
        actor=actor,
        now=now,
        after={"user": user.email},
    )
    return token


def revoke_tokens(session: Session, user: User, *, actor: User | None, now: datetime) -> int:
    """Revoke all of `user`'s live API tokens; returns how many there were."""
    tokens = session.scalars(
        sa.select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    ).all()
    for token in tokens:
        token.revoked_at = now
        audit.record(
            session,
            action="api_token.revoked",
            entity=token,
            actor=actor,
            now=now,
            after={"user": user.email},
        )
    return len(tokens)


def user_for_token(session: Session, token: str, *, now: datetime) -> User | None:
    """The active account a bearer token belongs to, or None."""
    api_token = session.scalar(
        sa.select(ApiToken).where(
            ApiToken.token_hash == token_hash(token), ApiToken.revoked_at.is_(None)
        )
    )
    if api_token is None or not api_token.user.active:
        return None
    # Record use at most hourly: a read should not write on every request.
    if api_token.last_used_at is None or now - api_token.last_used_at > timedelta(hours=1):
        api_token.last_used_at = now
    return api_token.user


def choose_digest(
    session: Session, user: User, frequency: str, *, actor: User, now: datetime
) -> User:
    """Set how often `user` is e-mailed a digest of their new notices."""
    try:
        chosen = DigestFrequency(frequency)
    except ValueError:
        raise ValidationError(
            {"digest": "Choose how often: " + ", ".join(f.value for f in DigestFrequency)}
        ) from None
    if chosen is not user.digest:
        before = user.digest.value
        user.digest = chosen
        audit.record(
            session,
            action="user.digest_chosen",
            entity=user,
            actor=actor,
            now=now,
            before={"digest": before},
            after={"digest": chosen.value},
        )
    return user
