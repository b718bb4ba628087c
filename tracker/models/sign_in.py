"""What signing in leaves behind: sessions, failure counts, reset links, recovery codes.

Every secret here (a session's token, a reset link's token, a recovery code) is stored only
as its SHA-256: someone who reads the database cannot use them.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.models.base import Base, LabelledEnum, UtcDateTime, enum_type
from tracker.models.user import User


class SessionEnd(LabelledEnum):
    """Why a session ended before it ran out."""

    SIGNED_OUT = "signed_out", "Signed out"
    EVERYWHERE = "signed_out_everywhere", "Signed out everywhere"
    PASSWORD_CHANGED = "password_changed", "Password changed"
    PASSWORD_RESET = "password_reset", "Password reset"
    DEACTIVATED = "deactivated", "Account deactivated"
    TWO_STEP_RESET = "two_step_reset", "Two-step sign-in reset"


class UserSession(Base):
    """One signed-in browser. Its token is what the session cookie carries."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    end_reason: Mapped[SessionEnd | None] = mapped_column(enum_type(SessionEnd, "session_end"))
    # Shown on the account page so that people recognise their own browsers.
    client_address: Mapped[str] = mapped_column(sa.String(45), default="")
    user_agent: Mapped[str] = mapped_column(sa.String(200), default="")

    user: Mapped[User] = relationship()


class SignInFailure(Base):
    """Sign-in attempts in a row that did not (yet) succeed, for one e-mail address (known or
    not) from one kind of browser, to slow guessing.

    `device` is empty for browsers not trusted for the account; a browser where the person
    signed in before carries a device cookie and gets a count of its own, so guessing from
    elsewhere never locks the person out of their usual browser.
    """

    __tablename__ = "sign_in_failures"
    __table_args__ = (sa.UniqueConstraint("email", "device"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254))
    device: Mapped[str] = mapped_column(sa.String(43), default="", server_default="")
    failures: Mapped[int] = mapped_column(default=0)
    last_failed_at: Mapped[datetime] = mapped_column(UtcDateTime())


class PasswordReset(Base):
    """A link sent to someone who forgot their password: usable once, for a short time."""

    __tablename__ = "password_resets"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    user: Mapped[User] = relationship()


class RecoveryCode(Base):
    """A single-use code that stands in for the authenticator app's code."""

    __tablename__ = "recovery_codes"
    __table_args__ = (sa.UniqueConstraint("user_id", "code_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    code_hash: Mapped[str] = mapped_column(sa.String(64))
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
