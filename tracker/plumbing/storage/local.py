"""Evidence in a local folder (the default): EVIDENCE_DIR/objects/ab/cd/<sha256>.

An upload becomes visible only after the row that refers to it commits: then its temporary
file is hard-linked into objects/, never overwriting (the same bytes have the same name). A
request never deletes from objects/; the clean-up (`services.evidence_cleanup`) moves objects
no row refers to into EVIDENCE_DIR/quarantine.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.orm import Session

from tracker.plumbing.storage.base import (
    EvidenceStore,
    ObjectMissing,
    OpenedObject,
    StoredFile,
    StoredObject,
    publish_after_commit,
)


class LocalStore(EvidenceStore):
    """The evidence store under one EVIDENCE_DIR."""

    def path(self, sha256: str) -> Path:
        """Where the content with this hash lives."""
        return self.root / "objects" / sha256[:2] / sha256[2:4] / sha256

    def quarantined(self, sha256: str) -> Path:
        """Where content no row referred to is set aside."""
        return self.root / "quarantine" / sha256

    def keep(self, session: Session, files: Iterable[StoredFile]) -> None:
        """Publish the files once the session commits (nothing if it rolls back)."""
        publish_after_commit(session, self, files)

    def publish(self, source: Path, sha256: str) -> bool:
        """Link received content into objects/ under its hash; False if it was there already."""
        target = self.path(sha256)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(source, target)  # atomic, and fails rather than replace
        except FileExistsError:
            return False
        return True

    def exists(self, sha256: str) -> bool:
        """Whether objects/ holds this hash."""
        return self.path(sha256).is_file()

    def open(self, sha256: str) -> OpenedObject:
        """The object's file, open for reading."""
        try:
            stream = self.path(sha256).open("rb")
        except FileNotFoundError as error:
            raise ObjectMissing(sha256) from error
        return OpenedObject(stream, os.fstat(stream.fileno()).st_size)

    def objects(self) -> Iterator[StoredObject]:
        """Every file in objects/; one that goes while it is looked at is left out."""
        folder = self.root / "objects"
        if not folder.is_dir():
            return
        for path in folder.glob("*/*/*"):
            try:
                modified = path.stat().st_mtime
            except FileNotFoundError:
                continue
            if path.is_file():
                yield StoredObject(path.name, datetime.fromtimestamp(modified, UTC))

    def quarantine(self, sha256: str) -> None:
        """Move a stored object to quarantine/ (linked there first: it is never lost)."""
        target = self.quarantined(sha256)
        target.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileExistsError):  # set aside before: the same bytes
            os.link(self.path(sha256), target)
        self.path(sha256).unlink()

    def restore(self, sha256: str) -> None:
        """Move an object back from quarantine/ into objects/."""
        self.publish(self.quarantined(sha256), sha256)
        self.quarantined(sha256).unlink()

    def problem(self) -> str | None:
        """None when the folder can be written; else why not."""
        folder = self.root / "objects"
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            return "evidence folder cannot be created"
        if not os.access(folder, os.W_OK | os.X_OK):
            return "evidence folder not writable"
        return None
