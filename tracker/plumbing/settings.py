"""Settings that are worked out at start-up rather than read as they stand."""

from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from tracker import deadlines
from tracker.plumbing import mail, metrics, scanner


def complete(app: Flask) -> None:
    """Fill in what the environment left out, from the instance folder, and check the rest."""
    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'tracker.db'}"
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(instance / "secret_key")
    if not app.config.get("EVIDENCE_DIR"):
        app.config["EVIDENCE_DIR"] = str(instance / "evidence")
    _derive_security(app)
    calendar = app.config["WORKING_DAYS_CALENDAR"]
    if calendar not in deadlines.WORKING_DAYS_CALENDARS:
        raise RuntimeError(
            f"WORKING_DAYS_CALENDAR is {calendar!r}; "
            f"use one of {', '.join(deadlines.WORKING_DAYS_CALENDARS)}"
        )
    try:
        app.config["METRICS_NETWORKS"] = metrics.parse_networks(
            app.config["METRICS_ALLOWED_NETWORKS"]
        )
    except ValueError as error:
        raise RuntimeError(f"METRICS_ALLOWED_NETWORKS: {error}") from error
    try:
        mail.configured_mailer(app.config)
    except ValueError as error:
        raise RuntimeError(f"SMTP_URL: {error}") from error
    try:
        scanner.scanner_for(app.config)
    except ValueError as error:
        raise RuntimeError(f"Virus scanning: {error}") from error
    try:
        app.config["DEADLINE_RULES"] = deadlines.DeadlineRules.from_settings(
            calendar, app.config["DEFAULT_DEADLINES"]
        )
    except ValueError as error:
        raise RuntimeError(f"DEFAULT_DEADLINES: {error}") from error


def _derive_security(app: Flask) -> None:
    """Served over https (production): secure cookies and two-step sign-in for staff, unless
    the environment says otherwise. The session cookie lasts as long as an idle session."""
    https = str(app.config.get("BASE_URL", "")).startswith("https://")
    for name in ("SESSION_COOKIE_SECURE", "TWO_FACTOR_REQUIRED"):
        if app.config.get(name) is None:
            app.config[name] = https
    app.config["PERMANENT_SESSION_LIFETIME"] = app.config["SESSION_IDLE_TIMEOUT"]


def _instance_secret(path: Path) -> str:
    """A secret key made once per installation and kept, unreadable to others, on disk."""
    if not path.exists():
        # Write aside, then link into place: two processes starting together agree on one key.
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".secret-")
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
        finally:
            os.unlink(temporary)
    return path.read_text().strip()


def deadline_rules(config: Mapping[str, Any]) -> deadlines.DeadlineRules:
    """The deployment's deadline rules, as `complete` built them from its configuration."""
    rules: deadlines.DeadlineRules = config["DEADLINE_RULES"]
    return rules
