"""The steps of signing in that the pages share: a sign-in waiting for its second step, and
the moment someone is in (a new server-side session, a trusted browser)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import Response, current_app, request, session
from flask_login import login_user

from tracker.auth import devices
from tracker.extensions import db
from tracker.models import User
from tracker.plumbing import clock
from tracker.services import records, sessions, sign_in

# After the password, the second step must follow within this time.
PENDING_FOR = timedelta(minutes=5)
_PENDING = "pending_sign_in"


def throttle_policy() -> sign_in.ThrottlePolicy:
    """The per-account back-off, from the settings."""
    config = current_app.config
    return sign_in.ThrottlePolicy(
        free_attempts=config["SIGN_IN_FREE_ATTEMPTS"],
        first_wait=config["SIGN_IN_FIRST_WAIT"],
        longest_wait=config["SIGN_IN_LONGEST_WAIT"],
    )


def session_limits() -> sessions.SessionLimits:
    """How long sessions last, from the settings."""
    config = current_app.config
    return sessions.SessionLimits(
        idle=config["SESSION_IDLE_TIMEOUT"], absolute=config["SESSION_ABSOLUTE_TIMEOUT"]
    )


def this_browser(user: User) -> str:
    """Which sign-in count this browser's attempts for `user` go on."""
    return sign_in.counter_device(user, devices.claim())


def begin_second_step(user: User, next_url: str, now: datetime) -> None:
    """Remember, in this browser's (signed) session only, that `user` gave their password."""
    session.clear()  # nothing from before signing in carries over
    session[_PENDING] = {"user": user.id, "since": now.timestamp(), "next": next_url}


def pending(now: datetime) -> tuple[User, dict[str, Any]] | None:
    """The person whose password this browser gave in the last five minutes, and what else
    the sign-in keeps (where to go next, a secret being set up); None if there is none."""
    data = session.get(_PENDING)
    if not isinstance(data, dict):
        return None
    if now.timestamp() - float(data.get("since", 0)) > PENDING_FOR.total_seconds():
        return None
    user = records.account(db.session, int(data.get("user", 0)))
    if user is None or not user.active:
        return None
    return user, data


def had_expired() -> bool:
    """Whether this browser had a sign-in waiting (so it ran out, rather than never was)."""
    return _PENDING in session


def keep(data: dict[str, Any]) -> None:
    """Save changes to the waiting sign-in (a secret being set up)."""
    session[_PENDING] = data


def complete(user: User, response: Response) -> Response:
    """`user` is in: a new server-side session, the browser's count cleared and the browser
    trusted for them from now on; saved when the request ends well."""
    claim = devices.claim()
    now = clock.now()
    sign_in.succeeded(db.session, user, sign_in.counter_device(user, claim))
    user.last_signed_in_at = now
    token = sessions.start(
        db.session,
        user,
        now=now,
        client_address=request.remote_addr or "",
        user_agent=request.user_agent.string or "",
    )
    session.clear()
    session.permanent = True  # the cookie lasts as long as an idle session
    login_user(user.signed_in_with(token))
    devices.remember(response, user, claim)
    return response
