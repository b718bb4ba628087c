"""Random secrets handed out once — API tokens, session cookies, reset links, recovery
codes — of which only a SHA-256 is kept. They carry enough random bits that a fast hash is
enough (unlike passwords, which get Argon2id)."""

from __future__ import annotations

import hashlib
import secrets


def new_token(prefix: str = "") -> str:
    """A new random token of 256 bits, URL-safe, after `prefix`."""
    return prefix + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """The SHA-256 of a token, in hex: what is stored and looked up instead of it."""
    return hashlib.sha256(token.encode()).hexdigest()
