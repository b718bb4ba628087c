"""Turning uploaded files into kept evidence, and taking them back if the save fails."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage

from tracker.filetypes import ALLOWED_DESCRIPTION
from tracker.models import EvidenceFile
from tracker.services.errors import ValidationError
from tracker.storage import Store, StoredFile, clean_name


@contextmanager
def uploads_kept(
    session: Session, store: Store, uploads: Sequence[tuple[str, FileStorage, str]]
) -> Iterator[list[tuple[StoredFile, str]]]:
    """Keep each (field, file, note) upload, checked by content; yield the kept files.

    A file of a type we do not accept raises ValidationError naming its field, and nothing
    is kept. If the block fails (the transaction did not commit), content this request added
    to the store is removed again, unless another submission refers to it by then.
    """
    kept: list[tuple[StoredFile, str]] = []
    for field, upload, note in uploads:
        stored = store.keep(upload)
        if stored is None:
            _discard(session, store, kept)
            name = clean_name(upload.filename or "")
            raise ValidationError(
                {field: f"“{name}” is not a file we accept: send {ALLOWED_DESCRIPTION}"}
            )
        kept.append((stored, note))
    try:
        yield kept
    except BaseException:
        session.rollback()
        _discard(session, store, kept)
        raise


def chosen(upload: FileStorage | None) -> bool:
    """Whether a file was chosen in this file field."""
    return upload is not None and bool(upload.filename)


def _discard(session: Session, store: Store, kept: list[tuple[StoredFile, str]]) -> None:
    created = [stored for stored, _ in kept if stored.created]
    if not created:
        return
    referenced = set(
        session.scalars(
            sa.select(EvidenceFile.sha256).where(
                EvidenceFile.sha256.in_([stored.sha256 for stored in created])
            )
        )
    )
    store.discard([stored for stored in created if stored.sha256 not in referenced])
