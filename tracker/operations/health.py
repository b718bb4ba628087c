"""The health check: one cheap probe per dependency, each `"ok"` or a short reason.

A probe returns None when the dependency is usable, a short reason when it is not, or
`NOT_CONFIGURED` to leave its entry out. A fault in an essential dependency (the database,
the evidence store) makes the whole answer a failure; the others are reported only. The
reasons say what is wrong, never a host, a path or a record.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

import sqlalchemy as sa
from flask import current_app

from tracker.extensions import db
from tracker.plumbing import clock
from tracker.plumbing.scanner import scanner_for
from tracker.plumbing.storage import store_for
from tracker.services import job_runs

log = logging.getLogger(__name__)

NOT_CONFIGURED: Final = object()
Probe = Callable[[], Any]  # None, a reason, or NOT_CONFIGURED


@dataclass(frozen=True)
class Check:
    """One dependency: its name in the answer, its probe, and whether the service is down
    without it."""

    name: str
    probe: Probe
    essential: bool


def database() -> str | None:
    """The database answers a query."""
    try:
        db.session.execute(sa.select(1))
    except sa.exc.SQLAlchemyError:
        log.warning("health: the database cannot be reached", exc_info=True)
        return "unreachable"
    finally:
        db.session.rollback()
    return None


def evidence_store() -> str | None:
    """Evidence can be kept (the store's own `problem()`)."""
    try:
        return store_for(current_app.config).problem()
    except Exception:  # a store's fault must show here, not as a 500
        log.warning("health: the evidence store failed its check", exc_info=True)
        return "unavailable"


def scheduler() -> str | None:
    """The daily jobs finished within the last two hours."""
    try:
        return job_runs.scheduler_problem(db.session, now=clock.now())
    except sa.exc.SQLAlchemyError:
        return "unknown (no database)"
    finally:
        db.session.rollback()


def virus_scanner() -> Any:
    """clamd answers PING, where scanning is configured (CLAMD_URL)."""
    scanner = scanner_for(current_app.config)
    if scanner is None:
        return NOT_CONFIGURED
    problem = scanner.problem()
    if problem is None:
        return None
    log.warning("health: the virus scanner failed its check: %s", problem)
    return "not answering"  # the detail names its address: logged, not shown


CHECKS: tuple[Check, ...] = (
    Check("database", database, essential=True),
    Check("evidence_store", evidence_store, essential=True),
    Check("virus_scanner", virus_scanner, essential=False),
    Check("scheduler", scheduler, essential=False),
)


def run(checks: tuple[Check, ...] = CHECKS) -> tuple[bool, dict[str, str]]:
    """Whether the service can be used, and each configured check's `"ok"` or reason."""
    results: dict[str, str] = {}
    healthy = True
    for check in checks:
        problem = check.probe()
        if problem is NOT_CONFIGURED:
            continue
        results[check.name] = problem or "ok"
        healthy = healthy and not (problem and check.essential)
    return healthy, results
