"""The content-addressed evidence store.

An upload a view accepts streams to EVIDENCE_DIR/incoming while its SHA-256 is worked out
(the request's file stream is a `HashingFile`). It becomes visible only after the row that
refers to it commits: then it is linked to EVIDENCE_DIR/objects/ab/cd/<sha256>, never
overwritten (the same bytes have the same name). A request never deletes from objects/; the
clean-up (`services.evidence_cleanup`) removes stale temporary files and moves objects no row
refers to into EVIDENCE_DIR/quarantine. Nothing here is served statically; downloads go
through the permission check in the evidence pages.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, SessionTransaction
from werkzeug.datastructures import FileStorage

from tracker.plumbing import filetypes

log = logging.getLogger(__name__)

_UNSAFE_NAME = str.maketrans({char: "_" for char in '\\/:*?"<>|\x7f'} | {n: "_" for n in range(32)})
_CHUNK = 1 << 16
_PENDING = "tracker.plumbing.storage.publish_after_commit"


class HashingFile:
    """A temporary file that hashes and counts what is written to it. Past its limit it stops
    writing but keeps counting, so the rest of the form still arrives and the view can say
    which file was too large."""

    def __init__(self, directory: Path, limit: int) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self._file: IO[bytes] = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed by the request
            dir=directory, prefix="upload-", delete=True
        )
        self.name = self._file.name
        self.limit = limit
        self.size = 0
        self._hash = hashlib.sha256()

    def write(self, data: bytes) -> int:
        """Write, hash and count up to the limit; past it, only count."""
        room = self.limit - self.size
        self.size += len(data)
        if room > 0:
            kept = data[:room] if len(data) > room else data
            self._hash.update(kept)
            self._file.write(kept)
        return len(data)

    @property
    def too_large(self) -> bool:
        """Whether more arrived than the limit allows."""
        return self.size > self.limit

    @property
    def sha256(self) -> str:
        """The SHA-256 of everything written, in hex."""
        return self._hash.hexdigest()

    def seek(self, offset: int, whence: int = 0) -> int:
        """Werkzeug rewinds the stream once the upload has arrived."""
        return self._file.seek(offset, whence)

    def read(self, size: int = -1) -> bytes:
        """Read back what was written."""
        return self._file.read(size)

    def flush(self) -> None:
        """Push what was written to the operating system."""
        self._file.flush()

    def close(self) -> None:
        """Close, which deletes the temporary name (a published file has its own link)."""
        self._file.close()

    @property
    def closed(self) -> bool:
        """Whether the file was closed."""
        return self._file.closed

    def __getattr__(self, name: str) -> object:
        return getattr(self._file, name)


class DiscardedFile(io.BytesIO):
    """A file part that is counted and thrown away: an empty file box, or a file beyond the
    number a view accepts (which refuses the submission, so none of it is needed)."""

    def __init__(self) -> None:
        super().__init__()
        self.size = 0

    def write(self, data: Any) -> int:
        """Count the bytes; keep none."""
        self.size += len(data)
        return len(data)


@dataclass(frozen=True)
class StoredFile:
    """An upload checked and ready to keep: what it is, how big, its hash, and where it waits
    (in incoming/) until its row commits."""

    original_name: str
    content_type: str
    size: int
    sha256: str
    source: Path


class Store:
    """The evidence store under one EVIDENCE_DIR."""

    def __init__(self, root: str | Path, max_bytes: int) -> None:
        self.root = Path(root)
        self.max_bytes = max_bytes

    def problem(self) -> str | None:
        """None when files can be kept here, else a short reason (for the health check): the
        folder exists, or can be made, and this process may write in it."""
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError:
            return "folder cannot be created"
        if not self.root.is_dir():
            return "not a folder"
        if not os.access(self.root, os.W_OK | os.X_OK):
            return "folder not writable"
        return None

    def incoming(self, limit: int | None = None) -> HashingFile:
        """Where the next uploaded file streams to (at most `limit` bytes are written)."""
        return HashingFile(self.root / "incoming", self.max_bytes if limit is None else limit)

    def path(self, sha256: str) -> Path:
        """Where the content with this hash lives."""
        return self.root / "objects" / sha256[:2] / sha256[2:4] / sha256

    def quarantined(self, sha256: str) -> Path:
        """Where content no row referred to is set aside."""
        return self.root / "quarantine" / sha256

    def received(self, upload: FileStorage) -> HashingFile:
        """The upload's bytes in incoming/, hashed and counted."""
        stream = upload.stream
        if isinstance(stream, HashingFile):
            return stream
        # Not streamed by the request (a service called directly): copy it, within the limit.
        copy = self.incoming()
        while chunk := stream.read(_CHUNK):
            copy.write(chunk)
        upload.stream = copy  # closed with the request's files
        return copy

    def check(self, upload: FileStorage) -> StoredFile | None:
        """Check an arrived upload's type by its content; None if it is not one we accept.
        Nothing is visible in the store until `publish_after_commit` publishes it."""
        stream = self.received(upload)
        stream.flush()
        if stream.size == 0 or stream.too_large:
            return None
        name = clean_name(upload.filename or "")
        content_type = filetypes.detect(Path(stream.name), name)
        if content_type is None:
            return None
        return StoredFile(name, content_type, stream.size, stream.sha256, Path(stream.name))

    def publish(self, source: Path, sha256: str) -> bool:
        """Link received content into objects/ under its hash; False if it was there already
        (the same bytes). Never replaces what is there."""
        target = self.path(sha256)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(source, target)  # atomic, and fails rather than replace
        except FileExistsError:
            return False
        return True

    def temporary_files(self) -> list[Path]:
        """Files waiting in incoming/: uploads under way, or left by a process that died."""
        folder = self.root / "incoming"
        if not folder.is_dir():
            return []
        return sorted(path for path in folder.iterdir() if path.is_file())

    def objects(self) -> Iterator[Path]:
        """Every stored object."""
        folder = self.root / "objects"
        if folder.is_dir():
            yield from (path for path in folder.glob("*/*/*") if path.is_file())

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


def store_for(config: Mapping[str, Any]) -> Store:
    """The evidence store an application's settings name."""
    return Store(config["EVIDENCE_DIR"], config["EVIDENCE_MAX_BYTES"])


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file's content, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def publish_after_commit(session: Session, store: Store, files: Iterable[StoredFile]) -> None:
    """Publish these files once the session's transaction commits; if it rolls back, forget
    them (their temporary files go when the request closes them)."""
    session.info.setdefault(_PENDING, []).extend((store, stored) for stored in files)


@sa.event.listens_for(Session, "after_commit")
def _publish_pending(session: Session) -> None:
    # Linking when missing (not "if new") also restores an object a concurrent clean-up
    # quarantined between the upload and the commit: a committed row always has its file.
    for store, stored in session.info.pop(_PENDING, []):
        try:
            store.publish(stored.source, stored.sha256)
        except OSError:
            log.exception("could not publish %s from %s", stored.sha256, stored.source)


@sa.event.listens_for(Session, "after_transaction_end")
def _forget_pending(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # the outermost transaction: committed (published) or not
        session.info.pop(_PENDING, None)


def clean_name(name: str) -> str:
    """The file's own name, without any folders, control characters or path tricks."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1].translate(_UNSAFE_NAME).strip(" .")
    return (base or "evidence")[:255]
