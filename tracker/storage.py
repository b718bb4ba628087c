"""The content-addressed evidence store.

Uploads stream to disk while their SHA-256 is worked out (the request's file stream is a
`HashingFile` in EVIDENCE_DIR/incoming); a kept file is linked to EVIDENCE_DIR/objects/ab/cd/
<sha256> and never overwritten: the same bytes have the same name. Nothing here is served
statically; downloads go through the permission check in the evidence pages.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from werkzeug.datastructures import FileStorage
from werkzeug.exceptions import RequestEntityTooLarge

from tracker import filetypes

_UNSAFE_NAME = str.maketrans({char: "_" for char in '\\/:*?"<>|\x7f'} | {n: "_" for n in range(32)})


class TooLarge(RequestEntityTooLarge):
    """One file went over the size limit while it was arriving."""

    def __init__(self, limit: int) -> None:
        megabytes = limit / 1_000_000
        super().__init__(f"Each file must be smaller than {megabytes:g} MB.")
        self.limit = limit


class HashingFile:
    """A temporary file that hashes what is written to it and stops at a size limit."""

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
        """Write, hash and count; over the limit, throw the file away and refuse."""
        self.size += len(data)
        if self.size > self.limit:
            self.close()
            raise TooLarge(self.limit)
        self._hash.update(data)
        return self._file.write(data)

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
        """Close, which deletes the temporary name (a kept file has its own link by then)."""
        self._file.close()

    @property
    def closed(self) -> bool:
        """Whether the file was closed."""
        return self._file.closed

    def __getattr__(self, name: str) -> object:
        return getattr(self._file, name)


@dataclass(frozen=True)
class StoredFile:
    """An upload as kept: what it is, how big, its hash, and whether it was new to the store."""

    original_name: str
    content_type: str
    size: int
    sha256: str
    created: bool


class Store:
    """The evidence store under one EVIDENCE_DIR."""

    def __init__(self, root: str | Path, max_bytes: int) -> None:
        self.root = Path(root)
        self.max_bytes = max_bytes

    def incoming(self) -> HashingFile:
        """Where the next uploaded file streams to."""
        return HashingFile(self.root / "incoming", self.max_bytes)

    def path(self, sha256: str) -> Path:
        """Where the content with this hash lives."""
        return self.root / "objects" / sha256[:2] / sha256[2:4] / sha256

    def keep(self, upload: FileStorage) -> StoredFile | None:
        """Check an arrived upload's type by its content and keep it; None if not allowed."""
        stream = upload.stream
        if not isinstance(stream, HashingFile):  # a test client's in-memory upload
            stream = self._copy(upload)
        stream.flush()
        name = clean_name(upload.filename or "")
        content_type = filetypes.detect(Path(stream.name), name)
        if content_type is None or stream.size == 0:
            return None
        target = self.path(stream.sha256)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(stream.name, target)  # atomic, and never replaces what is there
            created = True
        except FileExistsError:
            created = False  # the same bytes were uploaded before
        return StoredFile(name, content_type, stream.size, stream.sha256, created)

    def discard(self, files: list[StoredFile]) -> None:
        """Remove content this request added, when its transaction did not commit."""
        for stored in files:
            if stored.created:
                self.path(stored.sha256).unlink(missing_ok=True)

    def _copy(self, upload: FileStorage) -> HashingFile:
        copy = self.incoming()
        while chunk := upload.stream.read(1 << 16):
            copy.write(chunk)
        upload.stream = copy  # closed with the request's files
        return copy


def clean_name(name: str) -> str:
    """The file's own name, without any folders, control characters or path tricks."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1].translate(_UNSAFE_NAME).strip(" .")
    return (base or "evidence")[:255]
