"""Looking after the evidence store: what a crashed or abandoned upload leaves behind.

A process killed mid-upload leaves at most a temporary file in incoming/. The local store
publishes a file only after its row commits, so one killed between the commit and the
publishing leaves a row whose object is missing, and its temporary file; S3 has the object
before the row commits, so a failed transaction may leave an object no row refers to. The
clean-up, run with the daily jobs (`flask evidence clean-up` on its own), deals with these
on either store, and sets aside any stored object that no row refers to. It never deletes a
stored object: those go to quarantine, for a person to look at. It reads the database and
writes nothing there.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tracker.models import EvidenceFile
from tracker.plumbing.storage import EvidenceStore, file_sha256

log = logging.getLogger(__name__)

STALE_AFTER = timedelta(days=1)  # no upload takes this long; a younger file may be arriving
_CHUNK = 1000  # hashes a query looks up


@dataclass
class CleanUpReport:
    """What one clean-up did: temporary files removed, files recovered from them, objects
    quarantined, and objects moved back because a row came to refer to them meanwhile."""

    removed: list[str] = field(default_factory=list)
    recovered: list[str] = field(default_factory=list)
    quarantined: list[str] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"removed {_count(len(self.removed), 'temporary file')}, "
            f"recovered {_count(len(self.recovered), 'file')}, "
            f"quarantined {_count(len(self.quarantined), 'unreferenced object')}, "
            f"moved back {len(self.restored)}"
        )


def clean_up(session: Session, store: EvidenceStore, now: datetime) -> CleanUpReport:
    """Remove temporary files older than a day (publishing first any whose row committed but
    whose object is missing), and quarantine objects older than a day that no row refers to."""
    report = CleanUpReport()
    _clear_incoming(session, store, now, report)
    _quarantine_orphans(session, store, now, report)
    log.info("evidence clean-up: %s", report)
    return report


def _clear_incoming(
    session: Session, store: EvidenceStore, now: datetime, report: CleanUpReport
) -> None:
    hashes = {}
    for path in _stale(store.temporary_files(), now):
        with contextlib.suppress(FileNotFoundError):  # its upload ended while we looked
            hashes[path] = file_sha256(path)
    referenced = _referenced(session, hashes.values())
    for path, sha256 in hashes.items():
        if sha256 in referenced and not store.exists(sha256):
            # Its row committed, then the process died before publishing it: keep it now.
            store.publish(path, sha256)
            report.recovered.append(sha256)
            log.info("evidence clean-up: recovered %s from %s", sha256, path.name)
        else:
            report.removed.append(path.name)
            log.info("evidence clean-up: removed temporary file %s", path.name)
        path.unlink(missing_ok=True)


def _quarantine_orphans(
    session: Session, store: EvidenceStore, now: datetime, report: CleanUpReport
) -> None:
    old = [item.sha256 for item in store.objects() if item.modified < now - STALE_AFTER]
    referenced = _referenced(session, old)
    moved = []
    for sha256 in old:
        if sha256 not in referenced:
            with contextlib.suppress(FileNotFoundError):  # moved by someone else meanwhile
                store.quarantine(sha256)
                moved.append(sha256)
    # A row may have committed, and found its object still there, just before the move.
    # A fresh connection sees every row committed since, whatever the session's isolation.
    with session.get_bind().connect() as connection:
        now_referenced = _referenced(connection, moved)
    for sha256 in moved:
        if sha256 in now_referenced:
            store.restore(sha256)
            report.restored.append(sha256)
            log.info("evidence clean-up: moved %s back: a row refers to it now", sha256)
        else:
            report.quarantined.append(sha256)
            log.info("evidence clean-up: quarantined unreferenced object %s", sha256)


def _referenced(reader: Session | sa.Connection, hashes: Iterable[str]) -> set[str]:
    """Which of these hashes some evidence row refers to."""
    wanted, found = sorted(set(hashes)), set()
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        found.update(
            reader.scalars(
                sa.select(EvidenceFile.sha256).where(EvidenceFile.sha256.in_(chunk)).distinct()
            )
        )
    return found


def _stale(paths: Iterable[Path], now: datetime) -> list[Path]:
    """Those of `paths` last changed more than a day before `now`; one that is gone by the
    time it is looked at (an upload ended, an object moved) is not."""
    found = []
    for path in paths:
        try:
            modified = path.stat().st_mtime
        except FileNotFoundError:
            continue
        if modified < (now - STALE_AFTER).timestamp():
            found.append(path)
    return found


def _count(number: int, thing: str) -> str:
    return f"{number} {thing}{'' if number == 1 else 's'}"
