"""The evidence store's two backends behave alike (the local folder and S3, served by moto),
and S3's own promises: its SHA-256 checksum is sent, large files go in parts, a bucket that is
down refuses the upload with 503 and stores nothing; a lost file answers 410 and is audited;
`flask evidence migrate` and `verify` read every byte they vouch for."""

from __future__ import annotations

import base64
import hashlib
import io
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests import samples
from tests.helpers import sign_in
from tests.s3server import free_port
from tracker.extensions import db
from tracker.models import AuditEvent, EvidenceFile
from tracker.plumbing.storage import LocalStore, S3Store
from tracker.plumbing.storage.s3 import MULTIPART_THRESHOLD
from tracker.web import evidence_store


@pytest.fixture(params=["local", "s3"])
def backend(request, app) -> str:
    """Each test runs once on the local folder and once on a bucket."""
    if request.param == "s3":
        request.getfixturevalue("s3_bucket")
    return request.param


@pytest.fixture
def council(app, build, frozen_clock):
    build.authority("LEICS")
    build.authority("NOTTS")
    return {
        "id": build.payment_due(),
        "headers": build.bearer(build.user("officer", authority="LEICS")),
        "other": build.bearer(build.user("officer", authority="NOTTS")),
    }


def upload(client, council, content: bytes = samples.PDF, name: str = "receipt.pdf"):
    return client.post(
        f"/api/v1/recommendations/{council['id']}/evidence",
        data={"file": [(io.BytesIO(content), name)]},
        headers=council["headers"],
        content_type="multipart/form-data",
    )


def sha(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def store_of(app):
    with app.app_context():
        return evidence_store()


def file_ids(app) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(sa.select(EvidenceFile.id)))


def lose(app, content: bytes) -> None:
    """The store loses an object (a bucket emptied by mistake, a disk restored badly)."""
    store = store_of(app)
    if isinstance(store, S3Store):
        store.client.delete_object(Bucket=store.bucket, Key=store.key(sha(content)))
    else:
        store.path(sha(content)).unlink()


def corrupt(app, content: bytes) -> None:
    """Other bytes come to sit under the object's name."""
    store = store_of(app)
    if isinstance(store, S3Store):
        store.client.put_object(Bucket=store.bucket, Key=store.key(sha(content)), Body=b"rot")
    else:
        store.path(sha(content)).write_bytes(b"rot")


# Both backends ---------------------------------------------------------------------------------


def test_an_upload_downloads_byte_for_byte_from_page_and_api(app, client, council, backend) -> None:
    assert upload(client, council).status_code == 201
    [file_id] = file_ids(app)
    answer = client.get(f"/api/v1/evidence/{file_id}", headers=council["headers"])
    assert answer.status_code == 200 and answer.data == samples.PDF
    assert answer.headers["Content-Disposition"].startswith("attachment")
    assert answer.headers["Content-Length"] == str(len(samples.PDF))
    assert store_of(app).exists(sha(samples.PDF))


def test_another_councils_officer_gets_404_from_the_api(app, client, council, backend) -> None:
    assert upload(client, council).status_code == 201
    [file_id] = file_ids(app)
    answer = client.get(f"/api/v1/evidence/{file_id}", headers=council["other"])
    assert answer.status_code == 404
    assert answer.get_json()["error"]["code"] == "not_found"


def test_a_lost_file_answers_410_and_is_audited(app, client, council, backend) -> None:
    assert upload(client, council).status_code == 201
    [file_id] = file_ids(app)
    lose(app, samples.PDF)
    answer = client.get(f"/api/v1/evidence/{file_id}", headers=council["headers"])
    assert answer.status_code == 410 and answer.get_json()["error"]["code"] == "gone"
    with app.app_context():
        events = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == "evidence.missing")
        ).all()
        assert [(e.entity_id, e.after["sha256"]) for e in events] == [(file_id, sha(samples.PDF))]


def test_a_lost_file_shows_a_clear_page(app, client, council, backend, build) -> None:
    assert upload(client, council).status_code == 201
    [file_id] = file_ids(app)
    lose(app, samples.PDF)
    sign_in(client, build.user("caseworker"))
    page = client.get(f"/evidence/{file_id}")
    assert page.status_code == 410
    assert "This file is no longer in the store" in page.get_data(as_text=True)


def test_verify_finds_a_corrupted_object(app, client, council, backend, runner) -> None:
    assert upload(client, council).status_code == 201
    assert upload(client, council, samples.PDF + b"\n%second").status_code == 201
    assert runner.invoke(args=["evidence", "verify"]).exit_code == 0
    corrupt(app, samples.PDF)
    result = runner.invoke(args=["evidence", "verify"])
    assert result.exit_code == 1
    assert f"Does not match its hash: {sha(samples.PDF)}" in result.output
    assert "checked 2, mismatched 1, missing 0" in result.output


# S3 only -------------------------------------------------------------------------------------


def test_s3_receives_the_files_sha256_checksum(app, client, council, s3_bucket) -> None:
    assert upload(client, council).status_code == 201
    store = store_of(app)
    head = store.client.head_object(
        Bucket=s3_bucket, Key=f"evidence/{sha(samples.PDF)}", ChecksumMode="ENABLED"
    )
    assert head["ChecksumSHA256"] == base64.b64encode(hashlib.sha256(samples.PDF).digest()).decode()
    assert not (Path(app.config["EVIDENCE_DIR"]) / "objects").exists(), "nothing kept locally"


def test_a_file_over_the_threshold_goes_in_parts(app, client, council, s3_bucket) -> None:
    large = samples.PDF + b"\n%" + b"x" * (MULTIPART_THRESHOLD + 1000)
    assert upload(client, council, large, "large.pdf").status_code == 201
    store = store_of(app)
    head = store.client.head_object(Bucket=s3_bucket, Key=f"evidence/{sha(large)}", PartNumber=1)
    assert head.get("PartsCount", 1) >= 2
    [file_id] = file_ids(app)
    answer = client.get(f"/api/v1/evidence/{file_id}", headers=council["headers"])
    assert answer.status_code == 200 and sha(answer.data) == sha(large)


def test_an_unreachable_bucket_refuses_the_upload_with_503_and_no_row(
    app, client, council, s3_bucket, monkeypatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", f"http://127.0.0.1:{free_port()}")
    answer = upload(client, council)
    assert answer.status_code == 503
    assert answer.get_json()["error"]["code"] == "unavailable"
    assert file_ids(app) == []
    with app.app_context():
        assert evidence_store().problem() == "bucket not reachable"


def test_problem_is_none_when_the_store_is_usable(app, backend) -> None:
    assert store_of(app).problem() is None


def test_migrate_copies_a_local_store_resumably_and_verifies(
    app, client, council, s3_bucket, runner
) -> None:
    app.config["EVIDENCE_S3_BUCKET"] = None
    assert upload(client, council).status_code == 201
    assert upload(client, council, samples.PDF + b"\n%2").status_code == 201
    bad = samples.PDF + b"\n%3"
    assert upload(client, council, bad).status_code == 201
    local = store_of(app)
    assert isinstance(local, LocalStore)
    local.path(sha(bad)).write_bytes(b"rot")  # a bad local copy
    app.config["EVIDENCE_S3_BUCKET"] = s3_bucket
    first = runner.invoke(args=["evidence", "migrate"])
    assert first.exit_code == 1, first.output
    assert "copied 2, already there 0, failed 1" in first.output
    assert f"Not copied: {sha(bad)}" in first.output
    again = runner.invoke(args=["evidence", "migrate"])
    assert "copied 0, already there 2, failed 1" in again.output
    [first_id, *_] = file_ids(app)
    answer = client.get(f"/api/v1/evidence/{first_id}", headers=council["headers"])
    assert answer.status_code == 200 and answer.data == samples.PDF


def test_migrate_needs_a_bucket(runner) -> None:
    result = runner.invoke(args=["evidence", "migrate"])
    assert result.exit_code != 0 and "EVIDENCE_S3_BUCKET" in result.output
