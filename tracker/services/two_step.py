"""Two-step sign-in: a code from an authenticator app (TOTP, RFC 6238) after the password,
or one of ten single-use recovery codes."""

from __future__ import annotations

import hmac
import re
import secrets
from datetime import datetime

import pyotp
import sqlalchemy as sa
from sqlalchemy.orm import Session

from tracker.models import RecoveryCode, Role, SessionEnd, User
from tracker.plumbing.tokens import token_hash
from tracker.services import audit, sessions
from tracker.services.errors import SignInRefused, ValidationError
from tracker.services.sign_in import ThrottlePolicy, count_attempt

ISSUER = "Remedy Tracker"
# Staff of the Ombudsman; council officers may turn it on for themselves.
REQUIRED_ROLES = frozenset({Role.CASEWORKER, Role.MANAGER, Role.ADMIN})
RECOVERY_CODE_COUNT = 10
WRONG_CODE = "Enter the code from your authenticator app, or a recovery code"
_RECOVERY_CODE = re.compile(r"^[0-9a-f]{12}$")


def is_required(user: User, *, required: bool) -> bool:
    """Whether `user` must use two-step sign-in, when the deployment requires it of staff."""
    return required and user.role in REQUIRED_ROLES


def new_secret() -> str:
    """A fresh shared secret for an authenticator app (160 bits, base32)."""
    return pyotp.random_base32()


def app_link(secret: str, email: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def matching_step(secret: str, code: str, *, now: datetime, after: int | None) -> int | None:
    """The time step (now, or one either side, for clocks a little out) whose code this is,
    if it comes after step `after`, the last one used; otherwise None."""
    code = _normalise(code)
    if not re.fullmatch(r"\d{6}", code):
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    for step in (current - 1, current, current + 1):
        if (after is None or step > after) and hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def enable(session: Session, user: User, secret: str, code: str, *, now: datetime) -> list[str]:
    """Turn two-step on with `secret`, once `code` shows the app has it; returns the new
    recovery codes, which are shown once and kept only as hashes."""
    step = matching_step(secret, code, now=now, after=None)
    if step is None:
        raise ValidationError(
            {
                "code": "Enter the code your authenticator app shows now. If it is refused, "
                "check the time on your phone is set automatically"
            }
        )
    user.two_step_secret, user.two_step_last_step, user.two_step_enabled_at = secret, step, now
    codes = [secrets.token_hex(6) for _ in range(RECOVERY_CODE_COUNT)]
    session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    session.add_all(RecoveryCode(user_id=user.id, code_hash=token_hash(code)) for code in codes)
    audit.record(session, action="user.two_step_enabled", entity=user, actor=user, now=now)
    return [f"{code[:4]}-{code[4:8]}-{code[8:]}" for code in codes]


def check_sign_in_code(
    session: Session,
    user: User,
    code: str,
    *,
    device: str,
    now: datetime,
    policy: ThrottlePolicy,
) -> None:
    """Accept a code from the app or a recovery code, each once only; a wrong one counts
    towards the same back-off as a wrong password. SignInRefused otherwise."""
    count_attempt(session, user.email, device, now=now, policy=policy)
    secret = user.two_step_secret
    if secret is not None:
        step = matching_step(secret, code, now=now, after=user.two_step_last_step)
        # Claimed in one conditional statement: the same code sent twice at once wins once.
        if step is not None and _claim_step(session, user, step):
            return
    normalised = _normalise(code)
    if _RECOVERY_CODE.match(normalised):
        recovery = session.scalar(
            sa.select(RecoveryCode).where(
                RecoveryCode.user_id == user.id,
                RecoveryCode.code_hash == token_hash(normalised),
                RecoveryCode.used_at.is_(None),
            )
        )
        if recovery is not None and _spend(session, recovery, now):
            audit.record(
                session, action="user.recovery_code_used", entity=user, actor=user, now=now
            )
            return
    raise SignInRefused(WRONG_CODE)


def unused_recovery_codes(session: Session, user: User) -> int:
    """How many of `user`'s recovery codes are left."""
    return session.scalar(
        sa.select(sa.func.count(RecoveryCode.id)).where(
            RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
        )
    )


def reset(session: Session, user: User, *, actor: User, now: datetime) -> None:
    """An admin turns `user`'s two-step off (a lost phone): they set it up again at their
    next sign-in if it is required of them. Their sessions end."""
    user.two_step_secret = user.two_step_last_step = user.two_step_enabled_at = None
    session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    ended = sessions.end_all(session, user, reason=SessionEnd.TWO_STEP_RESET, now=now)
    audit.record(
        session,
        action="user.two_step_reset",
        entity=user,
        actor=actor,
        now=now,
        after={"sessions_ended": ended},
    )


def _claim_step(session: Session, user: User, step: int) -> bool:
    last = User.two_step_last_step
    result = session.execute(
        sa.update(User)
        .where(User.id == user.id, sa.or_(last.is_(None), last < step))
        .values(two_step_last_step=step)
        .execution_options(synchronize_session="fetch")
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


def _spend(session: Session, recovery: RecoveryCode, now: datetime) -> bool:
    result = session.execute(
        sa.update(RecoveryCode)
        .where(RecoveryCode.id == recovery.id, RecoveryCode.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session="fetch")
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


def _normalise(code: str) -> str:
    return re.sub(r"[\s-]", "", code or "").lower()
