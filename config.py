"""Settings, read from the environment; keys passed to ``create_app`` override them all."""

from __future__ import annotations

import os
from datetime import timedelta
from typing import ClassVar


def _flag(name: str, default: bool) -> bool:
    """Read a yes/no environment variable."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _optional_flag(name: str) -> bool | None:
    """A yes/no environment variable, or None when unset (the default is then derived)."""
    return _flag(name, False) if os.environ.get(name) is not None else None


def _minutes(name: str, default: int) -> timedelta:
    """A duration given in whole minutes."""
    return timedelta(minutes=int(os.environ.get(name, default)))


def database_url(url: str | None) -> str | None:
    """Point PostgreSQL URLs at psycopg 3, whichever spelling the environment used."""
    if not url:
        return None
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class Config:
    """Defaults for every deployment; environment variables override them."""

    # None means "derive it from the instance folder" (see tracker.plumbing.settings).
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = database_url(os.environ.get("DATABASE_URL"))
    EVIDENCE_DIR = os.environ.get("EVIDENCE_DIR")
    # Set: evidence is kept in this S3-compatible bucket (endpoint and credentials from boto3's
    # own AWS_* variables), under the prefix; uploads still arrive in EVIDENCE_DIR/incoming.
    EVIDENCE_S3_BUCKET = os.environ.get("EVIDENCE_S3_BUCKET")
    EVIDENCE_S3_PREFIX = os.environ.get("EVIDENCE_S3_PREFIX", "")
    SMTP_URL = os.environ.get("SMTP_URL")
    # Off: notices are still recorded and shown in the app, and no e-mail is sent.
    EMAIL_ENABLED = _flag("EMAIL_ENABLED", True)
    MAIL_FROM = os.environ.get("MAIL_FROM", "Remedy Tracker <remedy-tracker@localhost>")
    WORKING_DAYS_CALENDAR = os.environ.get("WORKING_DAYS_CALENDAR", "england-and-wales")
    # When a recommendation's words state no deadline, this much time after the decision is
    # assumed (and marked for a caseworker to confirm).
    DEFAULT_DEADLINES: ClassVar[dict[str, str]] = {
        "personal": os.environ.get("DEFAULT_DEADLINE_PERSONAL", "1 month"),
        "service_improvement": os.environ.get("DEFAULT_DEADLINE_SERVICE_IMPROVEMENT", "3 months"),
    }
    BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000")
    # Behind a reverse proxy that terminates TLS: trust its X-Forwarded-For and -Proto.
    BEHIND_PROXY = _flag("BEHIND_PROXY", False)

    SESSION_COOKIE_NAME = "remedy_tracker_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    # None: on exactly when BASE_URL is https (tracker.plumbing.settings), so `make run` works over
    # plain http on 127.0.0.1 and a deployment behind TLS is safe without saying so.
    SESSION_COOKIE_SECURE = _optional_flag("SESSION_COOKIE_SECURE")
    # Server-side sessions end after this long unused, and this long after signing in
    # however busy; the cookie's own lifetime follows the idle limit (tracker.plumbing.settings).
    SESSION_IDLE_TIMEOUT = _minutes("SESSION_IDLE_MINUTES", 8 * 60)
    SESSION_ABSOLUTE_TIMEOUT = _minutes("SESSION_ABSOLUTE_MINUTES", 12 * 60)
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session

    # Sign-in throttling per account: after this many attempts in a row that did not get in,
    # the wait doubles each time. Browsers the person signed in with before count apart.
    SIGN_IN_FREE_ATTEMPTS = 5
    SIGN_IN_FIRST_WAIT = timedelta(seconds=30)
    SIGN_IN_LONGEST_WAIT = timedelta(minutes=15)
    TRUSTED_BROWSER_LIFETIME = timedelta(days=180)
    # Two-step sign-in for caseworkers, managers and admins; None: on when BASE_URL is https.
    TWO_FACTOR_REQUIRED = _optional_flag("TWO_FACTOR_REQUIRED")

    # Rate limits (Flask-Limiter): per client address on the sign-in, two-step and password
    # reset forms (only failed sign-ins count, so a whole office behind one address signs in
    # freely), and per token in the API. Keep them in Redis when there are several workers.
    RATELIMIT_ENABLED = _flag("RATELIMIT_ENABLED", True)
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_SIGN_IN = os.environ.get("RATELIMIT_SIGN_IN", "10 per minute;100 per hour")
    RATELIMIT_PASSWORD_RESET = os.environ.get(
        "RATELIMIT_PASSWORD_RESET", "5 per minute;20 per hour"
    )
    RATELIMIT_API = os.environ.get("RATELIMIT_API", "300 per minute")
    # If Redis stops answering, each worker limits in its own memory until it is back.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True

    PER_PAGE = 25

    # GET /metrics answers only clients in these networks (comma-separated CIDR); others get
    # 404. Empty: nobody. Behind a proxy (BEHIND_PROXY) the client is the forwarded address.
    METRICS_ALLOWED_NETWORKS = os.environ.get("METRICS_ALLOWED_NETWORKS", "127.0.0.1/32,::1/128")
    # `flask scheduler` serves its own metrics (job runs) at HOST:PORT when set.
    SCHEDULER_METRICS_ADDRESS = os.environ.get("SCHEDULER_METRICS_ADDRESS", "")

    # Annual review letters are signed for the Ombudsman, never by a named person.
    OMBUDSMAN_NAME = os.environ.get("OMBUDSMAN_NAME", "Local Government and Social Care Ombudsman")
    LETTER_SIGNATORY = os.environ.get("LETTER_SIGNATORY", "The Ombudsman")

    # Evidence uploads: each file at most this size (decimal megabytes, as people read them);
    # how many files one submission may hold is a rule of the service (compliance.MAX_FILES).
    EVIDENCE_MAX_BYTES = int(float(os.environ.get("EVIDENCE_MAX_MB", "25")) * 1_000_000)
    # The largest request body, refused with 413 before it is read. Only the views that take
    # files, for a signed-in caller they allow, accept more (see tracker.web.accepts_files).
    MAX_CONTENT_LENGTH = 1_000_000

    # Virus scanning (ClamAV): when set, every evidence file is streamed to clamd before it is
    # kept (tcp://host:3310 or unix:///run/clamav/clamd.ctl). Timeouts in seconds: to connect,
    # and for each wait while a file streams and for the verdict; a scanner that takes longer
    # refuses the file (503).
    CLAMD_URL = os.environ.get("CLAMD_URL") or None
    CLAMD_CONNECT_TIMEOUT = os.environ.get("CLAMD_CONNECT_TIMEOUT", "5")
    CLAMD_TIMEOUT = os.environ.get("CLAMD_TIMEOUT", "60")

    # flask-smorest: the OpenAPI document is generated from the API's code.
    API_TITLE = "Remedy Tracker API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"


class TestConfig(Config):
    """Settings for the test suite (chosen when TESTING is passed to create_app)."""

    TESTING = True
    SECRET_KEY = "test-secret-key"  # noqa: S105 - used only by the test suite
    TWO_FACTOR_REQUIRED = False  # tests that need it turn it on
    # Off, as expensive password hashing is: the tests of the limits make an app with them on.
    RATELIMIT_ENABLED = False
