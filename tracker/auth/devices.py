"""The device cookie: a signed, long-lived mark that this browser signed in as someone before.

A trusted browser keeps its own count of failed attempts (tracker.services.sign_in), so an
attacker guessing a person's password elsewhere never locks that person out of it.
"""

from __future__ import annotations

import secrets

from flask import Response, current_app, request
from itsdangerous import BadData, URLSafeTimedSerializer

from tracker.models import User
from tracker.services.sign_in import DeviceClaim

COOKIE_NAME = "remedy_tracker_device"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key or "", salt="trusted-browser")


def claim() -> DeviceClaim | None:
    """What this browser's device cookie says, if it is one we signed and still current."""
    value = request.cookies.get(COOKIE_NAME)
    if not value:
        return None
    lifetime = current_app.config["TRUSTED_BROWSER_LIFETIME"]
    try:
        data = _serializer().loads(value, max_age=int(lifetime.total_seconds()))
        return DeviceClaim(user_id=int(data["u"]), device=str(data["d"]))
    except (BadData, KeyError, TypeError, ValueError):
        return None


def remember(response: Response, user: User, current: DeviceClaim | None) -> None:
    """Mark this browser as trusted for `user` (keeping its id if it already was)."""
    device = current.device if current and current.user_id == user.id else None
    value = _serializer().dumps({"u": user.id, "d": device or secrets.token_urlsafe(32)})
    response.set_cookie(
        COOKIE_NAME,
        value,
        max_age=int(current_app.config["TRUSTED_BROWSER_LIFETIME"].total_seconds()),
        secure=bool(current_app.config["SESSION_COOKIE_SECURE"]),
        httponly=True,
        samesite="Lax",
    )
