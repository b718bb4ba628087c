"""Virus scanning of evidence before it is kept: a file with a virus in it, or one the scanner
gave no verdict on, is refused, and each refusal is on the record."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import IO, Any

from sqlalchemy.orm import Session

from tracker.models import Recommendation, User
from tracker.plumbing import metrics
from tracker.plumbing.scanner import Scanner, ScannerError
from tracker.services import audit
from tracker.services.errors import Infected, ScannerUnavailable

log = logging.getLogger(__name__)

INFECTED = "evidence.infected"
NOT_SCANNED = "evidence.not_scanned"


def scan_evidence(
    session: Session,
    scanner: Scanner,
    stream: IO[bytes],
    *,
    field: str,
    file_name: str,
    sha256: str,
    recommendation: Recommendation,
    actor: User,
    now: datetime,
) -> None:
    """Let a file through only when the scanner finds it clean.

    Raises Infected (the signature found) or ScannerUnavailable (no verdict: unreachable, timed
    out, or an error from clamd: a file is never kept unscanned). Each refusal is audited in a
    transaction of its own, since the request's own is rolled back.
    """
    try:
        signature = scanner.scan(stream)
    except ScannerError as error:
        log.warning("evidence not scanned (%s): %s %s", error.reason, file_name, sha256)
        metrics.EVIDENCE_REFUSED.labels(reason="scanner_unavailable").inc()
        _record(
            session,
            NOT_SCANNED,
            {"file": file_name, "sha256": sha256, "reason": error.reason},
            recommendation=recommendation,
            actor=actor,
            now=now,
        )
        raise ScannerUnavailable(error.reason) from error
    if signature is not None:
        log.warning("evidence infected (%s): %s %s", signature, file_name, sha256)
        metrics.EVIDENCE_REFUSED.labels(reason="infected").inc()
        _record(
            session,
            INFECTED,
            {"file": file_name, "sha256": sha256, "signature": signature},
            recommendation=recommendation,
            actor=actor,
            now=now,
        )
        raise Infected(field, file_name, signature)


def _record(
    session: Session,
    action: str,
    after: dict[str, Any],
    *,
    recommendation: Recommendation,
    actor: User,
    now: datetime,
) -> None:
    """Audit a refusal so that it outlives the rollback of the request that was refused."""
    audit.record_apart(
        session,
        action=action,
        entity=recommendation,
        actor=actor,
        now=now,
        after=after,
        note=f"{after['file']}: {after.get('signature') or after.get('reason')}",
    )
