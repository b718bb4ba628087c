"""People who sign in, and their API tokens."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.models.base import Base, LabelledEnum, UtcDateTime, enum_type

if TYPE_CHECKING:
    from tracker.models.authority import Authority


class Role(LabelledEnum):
    """What a person does: the role decides what they may see and change."""

    CASEWORKER = "caseworker", "Ombudsman caseworker"
    OFFICER = "officer", "Council officer"
    MANAGER = "manager", "Ombudsman manager"
    ADMIN = "admin", "Administrator"


class DigestFrequency(LabelledEnum):
    """How often a person is e-mailed a digest of their new notices (always in the app)."""

    IMMEDIATE = "immediate", "As they come (within a few minutes)"
    DAILY = "daily", "Once a day, in the morning"
    WEEKLY = "weekly", "Once a week, on Monday morning"


class User(Base):
    """A person with an account. Council officers belong to exactly one authority."""

    __tablename__ = "users"
    __table_args__ = (
        sa.CheckConstraint(
            "(role = 'officer' AND authority_id IS NOT NULL)"
            " OR (role <> 'officer' AND authority_id IS NULL)",
            name="officer_has_authority",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    role: Mapped[Role] = mapped_column(enum_type(Role, "user_role"))
    authority_id: Mapped[int | None] = mapped_column(sa.ForeignKey("authorities.id"), index=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    active: Mapped[bool] = mapped_column(default=True)
    # One of the (at most two) officers the council names to receive everything about its
    # remedies and to assign them to its other officers.
    link_officer: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    digest: Mapped[DigestFrequency] = mapped_column(
        enum_type(DigestFrequency, "digest_frequency"),
        default=DigestFrequency.DAILY,
        server_default=DigestFrequency.DAILY.value,
    )
    # When their last digest went: a daily or weekly one goes at the first run after its hour.
    last_digest_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    last_signed_in_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # Two-step sign-in: the authenticator app's shared secret (base32), and the last time
    # step whose code was accepted, so that no code is ever accepted twice.
    two_step_secret: Mapped[str | None] = mapped_column(sa.String(32))
    two_step_last_step: Mapped[int | None] = mapped_column(sa.BigInteger)
    two_step_enabled_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    authority: Mapped[Authority | None] = relationship()

    @property
    def has_two_step(self) -> bool:
        """Whether signing in asks for a code after the password."""
        return self.two_step_secret is not None

    # Flask-Login's user protocol.
    @property
    def is_authenticated(self) -> bool:
        """A loaded account is a signed-in account."""
        return True

    @property
    def is_active(self) -> bool:
        """Deactivated accounts cannot sign in."""
        return self.active

    @property
    def is_anonymous(self) -> bool:
        """Accounts are never anonymous."""
        return False

    def signed_in_with(self, session_token: str) -> User:
        """Mark this object as the person of the server-side session `session_token`."""
        self._session_token = session_token
        return self

    def get_id(self) -> str:
        """The value kept in the session cookie: the server-side session's token."""
        token = getattr(self, "_session_token", None)
        if token is None:
            raise RuntimeError("sign in through tracker.services.sessions.start")
        return token

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role.value}>"


class ApiToken(Base):
    """A bearer token for the API. Only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    user: Mapped[User] = relationship()
