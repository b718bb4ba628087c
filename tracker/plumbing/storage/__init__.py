"""The content-addressed evidence store: a local folder by default, S3-compatible object
storage when EVIDENCE_S3_BUCKET is set. `store_for(config)` picks one."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tracker.plumbing.storage.base import (
    DiscardedFile,
    EvidenceStore,
    HashingFile,
    ObjectMissing,
    OpenedObject,
    StorageUnavailable,
    StoredFile,
    StoredObject,
    clean_name,
    file_sha256,
    publish_after_commit,
)
from tracker.plumbing.storage.local import LocalStore
from tracker.plumbing.storage.s3 import S3Store

__all__ = [
    "DiscardedFile",
    "EvidenceStore",
    "HashingFile",
    "LocalStore",
    "ObjectMissing",
    "OpenedObject",
    "S3Store",
    "StorageUnavailable",
    "StoredFile",
    "StoredObject",
    "clean_name",
    "file_sha256",
    "publish_after_commit",
    "store_for",
]


def store_for(config: Mapping[str, Any]) -> EvidenceStore:
    """The evidence store an application's settings name: the bucket if one is set."""
    if config.get("EVIDENCE_S3_BUCKET"):
        return S3Store(
            config["EVIDENCE_DIR"],
            config["EVIDENCE_MAX_BYTES"],
            bucket=config["EVIDENCE_S3_BUCKET"],
            prefix=config.get("EVIDENCE_S3_PREFIX") or "",
        )
    return LocalStore(config["EVIDENCE_DIR"], config["EVIDENCE_MAX_BYTES"])
