"""Evidence in S3-compatible object storage (AWS S3, MinIO, Ceph …), used when
EVIDENCE_S3_BUCKET is set. The endpoint and credentials come from boto3's own environment
variables (AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
AWS_DEFAULT_REGION).

Objects are named EVIDENCE_S3_PREFIX + sha256. An upload is put in the bucket before its row
commits (S3 that is down or slow: StorageUnavailable, and no row), sent with S3's own SHA-256
checksum so the bucket refuses bytes that do not match; a file over the multipart threshold
goes in parts, each with its SHA-256, streamed from the temporary file. An object orphaned by
a transaction that then failed is harmless (the same bytes, the same name): the clean-up
quarantines it after a day, under PREFIX + "quarantine/".
"""

from __future__ import annotations

import base64
import contextlib
import functools
import os
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any, cast

from botocore.exceptions import BotoCoreError, ClientError
from sqlalchemy.orm import Session

from tracker.plumbing.storage.base import (
    EvidenceStore,
    ObjectMissing,
    OpenedObject,
    StorageUnavailable,
    StoredFile,
    StoredObject,
)

MULTIPART_THRESHOLD = 8 * 1024 * 1024
UNAVAILABLE = "The evidence store cannot be reached just now. Nothing was saved: try again later."
_NOT_FOUND = {"404", "NoSuchKey", "NotFound"}
_ENVIRONMENT = (
    "AWS_ENDPOINT_URL_S3",
    "AWS_ENDPOINT_URL",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_DEFAULT_REGION",
)
_clients: dict[tuple[str | None, ...], Any] = {}
_clients_lock = threading.Lock()


def s3_client() -> Any:
    """A boto3 S3 client for the current environment (made once: clients are thread-safe)."""
    # boto3 is imported here, not with the module: it takes a tenth of a second or more of
    # every process's start-up, and only a store with a bucket uses it.
    import boto3
    from botocore.config import Config

    key = tuple(os.environ.get(name) for name in _ENVIRONMENT)
    with _clients_lock:
        if key not in _clients:
            # Fail fast: a request waits at most a few seconds for a bucket that does not answer.
            config = Config(
                connect_timeout=3,
                read_timeout=20,
                retries={"max_attempts": 2, "mode": "standard"},
            )
            _clients[key] = boto3.session.Session().client("s3", config=config)
        return _clients[key]


@functools.cache
def _transfer() -> Any:
    """Parts are read from the temporary file as they are sent: at most a few in memory."""
    from boto3.s3.transfer import TransferConfig

    return TransferConfig(
        multipart_threshold=MULTIPART_THRESHOLD,
        multipart_chunksize=MULTIPART_THRESHOLD,
        max_concurrency=4,
    )


def checksum(sha256: str) -> str:
    """S3's spelling of a SHA-256: the digest's bytes in base64."""
    return base64.b64encode(bytes.fromhex(sha256)).decode("ascii")


def _not_found(error: ClientError) -> bool:
    return str(error.response.get("Error", {}).get("Code")) in _NOT_FOUND


@contextlib.contextmanager
def _bucket_errors(sha256: str) -> Iterator[None]:
    """S3's answers about the object with this hash as the store's: ObjectMissing when the
    bucket has none, StorageUnavailable when it cannot say."""
    try:
        yield
    except ClientError as error:
        if _not_found(error):
            raise ObjectMissing(sha256) from error
        raise StorageUnavailable(UNAVAILABLE) from error
    except BotoCoreError as error:
        raise StorageUnavailable(UNAVAILABLE) from error


class S3Store(EvidenceStore):
    """The evidence store in one bucket, under a prefix; uploads still arrive on local disk."""

    def __init__(self, root: str | Path, max_bytes: int, *, bucket: str, prefix: str = "") -> None:
        super().__init__(root, max_bytes)
        self.bucket = bucket
        self.prefix = prefix
        self.client = s3_client()

    def key(self, sha256: str) -> str:
        """The object's name in the bucket."""
        return f"{self.prefix}{sha256}"

    def quarantined(self, sha256: str) -> str:
        """Where an object no row referred to is set aside."""
        return f"{self.prefix}quarantine/{sha256}"

    def keep(self, session: Session, files: Iterable[StoredFile]) -> None:
        """Put each file in the bucket now, before its row commits."""
        for stored in files:
            self.publish(stored.source, stored.sha256)

    def publish(self, source: Path, sha256: str) -> bool:
        """Upload a file under its hash, with its SHA-256 for S3 to check; False if an object
        of that name (the same bytes) is there already."""
        if self.exists(sha256):
            return False
        size = source.stat().st_size
        try:
            if size < MULTIPART_THRESHOLD:
                with source.open("rb") as body:
                    self.client.put_object(
                        Bucket=self.bucket,
                        Key=self.key(sha256),
                        Body=body,
                        ContentLength=size,
                        ChecksumAlgorithm="SHA256",
                        ChecksumSHA256=checksum(sha256),
                        Metadata={"sha256": sha256},
                    )
            else:
                self.client.upload_file(
                    str(source),
                    self.bucket,
                    self.key(sha256),
                    ExtraArgs={"ChecksumAlgorithm": "SHA256", "Metadata": {"sha256": sha256}},
                    Config=_transfer(),
                )
        except (BotoCoreError, ClientError) as error:
            raise StorageUnavailable(UNAVAILABLE) from error
        return True

    def exists(self, sha256: str) -> bool:
        """Whether the bucket holds this hash."""
        try:
            self.stored_checksum(sha256)
        except ObjectMissing:
            return False
        return True

    def stored_checksum(self, sha256: str) -> str | None:
        """The whole-object SHA-256 (base64) S3 keeps for the object; None when it keeps
        none or only per part (a multipart upload). ObjectMissing if there is no object."""
        with _bucket_errors(sha256):
            head = self.client.head_object(
                Bucket=self.bucket, Key=self.key(sha256), ChecksumMode="ENABLED"
            )
        value = head.get("ChecksumSHA256")
        return value if value and "-" not in value else None

    def open(self, sha256: str) -> OpenedObject:
        """The object's body, streamed from the bucket as it is read."""
        with _bucket_errors(sha256):
            answer = self.client.get_object(Bucket=self.bucket, Key=self.key(sha256))
        return OpenedObject(cast(IO[bytes], answer["Body"]), int(answer["ContentLength"]))

    def objects(self) -> Iterator[StoredObject]:
        """Every object directly under the prefix (not those in quarantine/)."""
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self.prefix, Delimiter="/"
        )
        for page in pages:
            for item in page.get("Contents", []):
                yield StoredObject(item["Key"][len(self.prefix) :], item["LastModified"])

    def quarantine(self, sha256: str) -> None:
        """Copy the object to quarantine/, then delete it (FileNotFoundError if it is gone)."""
        self._move(self.key(sha256), self.quarantined(sha256))

    def restore(self, sha256: str) -> None:
        """Move an object back from quarantine/."""
        self._move(self.quarantined(sha256), self.key(sha256))

    def _move(self, source: str, target: str) -> None:
        try:
            self.client.copy_object(
                Bucket=self.bucket,
                Key=target,
                CopySource={"Bucket": self.bucket, "Key": source},
                ChecksumAlgorithm="SHA256",
            )
        except ClientError as error:
            if _not_found(error):
                raise FileNotFoundError(source) from error
            raise
        self.client.delete_object(Bucket=self.bucket, Key=source)

    def problem(self) -> str | None:
        """None when the bucket answers; else why it cannot be used."""
        try:
            self.client.head_bucket(Bucket=self.bucket)
        except ClientError as error:
            if _not_found(error):
                return "bucket not found"
            return "bucket refused access"
        except BotoCoreError:
            return "bucket not reachable"
        return None
