"""Rate limits with Flask-Limiter: per client address on the forms that guess secrets, per
token in the API. The limits are settings, read on each request."""

from __future__ import annotations

import math
import time

from flask import Response, current_app, request
from flask_limiter.util import get_remote_address

from tracker.extensions import limiter
from tracker.plumbing.tokens import token_hash


def _refused(response: Response) -> bool:
    """Only attempts that did not get anywhere count: a success answers with a redirect."""
    return response.status_code != 302


# Sign-in, the two-step code and its set-up share one count per address.
sign_in_limit = limiter.shared_limit(
    lambda: current_app.config["RATELIMIT_SIGN_IN"],
    scope="sign-in",
    methods=["POST"],
    deduct_when=_refused,
)

# Every request for a reset link sends an e-mail, so every one counts.
password_reset_limit = limiter.shared_limit(
    lambda: current_app.config["RATELIMIT_PASSWORD_RESET"], scope="password-reset", methods=["POST"]
)


def api_client() -> str:
    """Whose count an API request goes on: its token's (hashed; never the token itself in the
    limits' storage), or its address when it sends none."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return "token:" + token_hash(token.strip())
    return "address:" + get_remote_address()


api_limit = limiter.shared_limit(
    lambda: current_app.config["RATELIMIT_API"], scope="api", key_func=api_client
)


def retry_after() -> int | None:
    """Seconds until the limit the current request broke lets it through, if one did."""
    broken = limiter.current_limit if limiter.enabled else None
    if broken is None or not broken.breached:
        return None
    return max(1, math.ceil(broken.reset_at - time.time()))
