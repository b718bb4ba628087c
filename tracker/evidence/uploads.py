"""Turning uploaded files into evidence: which requests may send them, and checking them
before their row is written; the store keeps them for that row (`EvidenceStore.keep`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from flask import current_app
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage, MultiDict

from tracker.models import Recommendation
from tracker.plumbing import clock, metrics
from tracker.plumbing.filetypes import ALLOWED_DESCRIPTION
from tracker.plumbing.scanner import scanner_for
from tracker.plumbing.storage import EvidenceStore, HashingFile, StoredFile, clean_name
from tracker.services import compliance, scanning
from tracker.services.errors import FileTooLarge, ValidationError
from tracker.web import access
from tracker.web.bodies import accepts_files

F = TypeVar("F", bound=Callable[..., Any])


def evidence_file_limit() -> int:
    """The most bytes one evidence file may have (EVIDENCE_MAX_MB)."""
    return current_app.config["EVIDENCE_MAX_BYTES"]  # type: ignore[no-any-return]


def accepts_evidence(view: F) -> F:
    """Mark a view that takes evidence files for `recommendation_id`: only an officer who
    may send evidence for that recommendation can send a body that large."""
    return accepts_files(
        access.may_submit_evidence,
        file_limit=evidence_file_limit,
        max_files=compliance.MAX_FILES,
    )(view)


def kept_uploads(
    session: Session,
    store: EvidenceStore,
    uploads: Sequence[tuple[str, FileStorage, str]],
    *,
    recommendation: Recommendation,
) -> list[tuple[StoredFile, str]]:
    """Check each (field, file, note) upload by count, size and content, then scan it for
    viruses when CLAMD_URL is set; return the files to record for `recommendation`, kept by
    the store for the rows about to be written (the local folder publishes them when the
    session commits; S3 has them before it, or raises StorageUnavailable).

    Too many files, a file over the size limit (FileTooLarge) or of a type we do not accept
    raise ValidationError naming the field; a virus raises Infected, a scanner with no
    verdict ScannerUnavailable (both audited). Nothing is kept then.
    """
    compliance.check_file_count(len(uploads))
    kept: list[tuple[StoredFile, str]] = []
    checked: list[tuple[str, HashingFile, StoredFile]] = []
    for field, upload, note in uploads:
        received = store.received(upload)
        if received.too_large:
            megabytes = f"{received.limit / 1_000_000:g} MB"
            metrics.EVIDENCE_REFUSED.labels(reason="too_large").inc()
            raise FileTooLarge(
                {field: f"The file must be smaller than {megabytes}"},
                f"Each file must be smaller than {megabytes}.",
            )
        stored = store.check(upload)
        if stored is None:
            name = clean_name(upload.filename or "")
            metrics.EVIDENCE_REFUSED.labels(reason="type").inc()
            raise ValidationError(
                {field: f"“{name}” is not a file we accept: send {ALLOWED_DESCRIPTION}"}
            )
        kept.append((stored, note))
        checked.append((field, received, stored))
    _scan(session, checked, recommendation)
    store.keep(session, [stored for stored, _ in kept])
    return kept


def _scan(
    session: Session,
    checked: Sequence[tuple[str, HashingFile, StoredFile]],
    recommendation: Recommendation,
) -> None:
    """Stream each checked file to the virus scanner from its temporary file, in chunks."""
    scanner = scanner_for(current_app.config)
    if scanner is None:
        return
    actor, now = access.acting_user(), clock.now()
    for field, received, stored in checked:
        received.seek(0)
        scanning.scan_evidence(
            session,
            scanner,
            received,  # type: ignore[arg-type]
            field=field,
            file_name=stored.original_name,
            sha256=stored.sha256,
            recommendation=recommendation,
            actor=actor,
            now=now,
        )


def chosen(upload: FileStorage | None) -> bool:
    """Whether a file was chosen in this file field."""
    return upload is not None and bool(upload.filename)


def chosen_count(files: MultiDict[str, FileStorage]) -> int:
    """How many files the request carries, in any field (a form keeps only as many as it has
    boxes for; the rest still count)."""
    return sum(1 for _, upload in files.items(multi=True) if chosen(upload))
