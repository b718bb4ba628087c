"""What both evidence stores share: uploads stream to EVIDENCE_DIR/incoming while their SHA-256
is worked out (the request's file stream is a `HashingFile`), are checked there, and are then
kept under their hash by a backend (`local.LocalStore` or `s3.S3Store`). Nothing is served
statically or from a public address; downloads go through the permission check.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
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


class StorageUnavailable(Exception):
    """The evidence store cannot be used just now (a bucket down or slow): 503 on a page and
    in the API (`tracker.web.http_errors`), and the request saves nothing."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ObjectMissing(LookupError):
    """The store has no object with this hash (a lost or removed file)."""


@dataclass(frozen=True)
class StoredObject:
    """An object in the store: its hash and when it was last written."""

    sha256: str
    modified: datetime


@dataclass(frozen=True)
class OpenedObject:
    """A stored object being read: its bytes as a stream, and how many there are."""

    stream: IO[bytes]
    size: int


class EvidenceStore(ABC):
    """The evidence store: uploads arrive in EVIDENCE_DIR/incoming on this server, then are
    kept under their SHA-256 by the backend. One interface, two backends (local folder, S3)."""

    def __init__(self, root: str | Path, max_bytes: int) -> None:
        self.root = Path(root)
        self.max_bytes = max_bytes

    def incoming(self, limit: int | None = None) -> HashingFile:
        """Where the next uploaded file streams to (at most `limit` bytes are written)."""
        return HashingFile(self.root / "incoming", self.max_bytes if limit is None else limit)

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
        Nothing is in the store until `keep` keeps it."""
        stream = self.received(upload)
        stream.flush()
        if stream.size == 0 or stream.too_large:
            return None
        name = clean_name(upload.filename or "")
        content_type = filetypes.detect(Path(stream.name), name)
        if content_type is None:
            return None
        return StoredFile(name, content_type, stream.size, stream.sha256, Path(stream.name))

    def temporary_files(self) -> list[Path]:
        """Files waiting in incoming/: uploads under way, or left by a process that died."""
        folder = self.root / "incoming"
        if not folder.is_dir():
            return []
        return sorted(path for path in folder.iterdir() if path.is_file())

    def read_sha256(self, sha256: str) -> str:
        """The SHA-256 of the stored object's bytes as they are now, read in chunks."""
        digest = hashlib.sha256()
        opened = self.open(sha256)
        with contextlib.closing(opened.stream):
            while chunk := opened.stream.read(1 << 20):
                digest.update(chunk)
        return digest.hexdigest()

    @abstractmethod
    def keep(self, session: Session, files: Iterable[StoredFile]) -> None:
        """Keep checked uploads for the rows about to be written: the local store publishes
        them once the session commits; S3 uploads them now (StorageUnavailable if it cannot),
        so a row never commits without its object."""

    @abstractmethod
    def publish(self, source: Path, sha256: str) -> bool:
        """Store a file's content under its hash; False if it was there already (the same
        bytes). Never replaces what is there."""

    @abstractmethod
    def exists(self, sha256: str) -> bool:
        """Whether an object with this hash is stored."""

    @abstractmethod
    def open(self, sha256: str) -> OpenedObject:
        """The stored object, to read as a stream (ObjectMissing if there is none)."""

    @abstractmethod
    def objects(self) -> Iterator[StoredObject]:
        """Every stored object (not those in quarantine)."""

    @abstractmethod
    def quarantine(self, sha256: str) -> None:
        """Set a stored object aside, never losing it (FileNotFoundError if it is gone)."""

    @abstractmethod
    def restore(self, sha256: str) -> None:
        """Move an object back from quarantine."""

    @abstractmethod
    def problem(self) -> str | None:
        """None when the store can be used; else a short reason, for /health."""


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file's content, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def publish_after_commit(
    session: Session, store: EvidenceStore, files: Iterable[StoredFile]
) -> None:
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
