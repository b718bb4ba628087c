"""Checking the evidence store's bytes against their hashes, and copying a local store into a
bucket (`flask evidence verify`, `flask evidence migrate`). Both read every byte they vouch
for; neither writes to the database."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tracker.models import EvidenceFile
from tracker.plumbing.storage import (
    EvidenceStore,
    LocalStore,
    ObjectMissing,
    S3Store,
    file_sha256,
)
from tracker.plumbing.storage.s3 import checksum

log = logging.getLogger(__name__)


@dataclass
class MigrationReport:
    """What one migration did, by hash."""

    copied: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # in the bucket already, checksum right
    failed: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"copied {len(self.copied)}, already there {len(self.skipped)}, "
            f"failed {len(self.failed)}"
        )


@dataclass
class VerificationReport:
    """What one verification found: objects read, those whose bytes no longer match their
    hash, and files evidence refers to that the store does not hold."""

    checked: int = 0
    mismatched: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    @property
    def sound(self) -> bool:
        """Whether every object matched and every referenced file was there."""
        return not self.mismatched and not self.missing

    def __str__(self) -> str:
        return (
            f"checked {self.checked}, mismatched {len(self.mismatched)}, "
            f"missing {len(self.missing)}"
        )


def migrate(source: LocalStore, target: S3Store) -> MigrationReport:
    """Copy every object of a local store into the bucket. Resumable: an object already there
    with the right SHA-256 is skipped. Every local file is hashed before it is sent (one whose
    bytes no longer match its name is not copied), sent with its checksum, and checked after."""
    report = MigrationReport()
    for item in source.objects():
        sha256 = item.sha256
        if _holds(target, sha256):
            report.skipped.append(sha256)
            continue
        if file_sha256(source.path(sha256)) != sha256:
            log.error("evidence migrate: local %s does not match its hash; not copied", sha256)
            report.failed.append(sha256)
            continue
        target.publish(source.path(sha256), sha256)
        if _holds(target, sha256):
            report.copied.append(sha256)
        else:
            log.error("evidence migrate: the bucket holds other bytes under %s", sha256)
            report.failed.append(sha256)
    log.info("evidence migrate: %s", report)
    return report


def _holds(target: S3Store, sha256: str) -> bool:
    """Whether the bucket holds exactly these bytes: by S3's own whole-object checksum, or,
    for an object uploaded in parts (a checksum per part only), by reading it back."""
    try:
        stored = target.stored_checksum(sha256)
    except ObjectMissing:
        return False
    if stored is not None:
        return stored == checksum(sha256)
    return target.read_sha256(sha256) == sha256


def verify(session: Session, store: EvidenceStore) -> VerificationReport:
    """Re-read every stored object and compare its bytes with its hash; list too the files
    evidence refers to that the store no longer holds."""
    report = VerificationReport()
    seen = set()
    for item in store.objects():
        try:
            actual = store.read_sha256(item.sha256)
        except ObjectMissing:  # quarantined meanwhile
            continue
        seen.add(item.sha256)
        report.checked += 1
        if actual != item.sha256:
            log.error("evidence verify: %s holds bytes with hash %s", item.sha256, actual)
            report.mismatched.append(item.sha256)
    referenced = session.scalars(sa.select(EvidenceFile.sha256).distinct())
    report.missing = sorted(sha256 for sha256 in referenced if sha256 not in seen)
    for sha256 in report.missing:
        log.error("evidence verify: %s is referenced but not in the store", sha256)
    log.info("evidence verify: %s", report)
    return report
