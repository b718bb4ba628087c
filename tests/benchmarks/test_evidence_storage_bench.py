"""A 25 MB evidence file uploaded and downloaded through the API, on the local folder and on
S3 (moto's server on loopback) in the same run: p50 and p95 of 5 runs (nearest rank, so p95
is the worst of them), and the peak of Python memory allocated (tracemalloc) while one upload
and one download run: the worker streams, so that peak stays far below the file's size.
moto's S3 server runs in a process of its own here, as a real bucket would be, so the peak is
the application's alone."""

from __future__ import annotations

import hashlib
import time
import tracemalloc
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests import samples
from tests.benchmarks.conftest import report
from tests.benchmarks.figures import percentile
from tests.s3server import S3Server
from tracker.extensions import db
from tracker.models import EvidenceFile

SIZE = 25_000_000
RUNS = 5


@pytest.fixture
def large_pdf(tmp_path: Path) -> Path:
    path = tmp_path / "large.pdf"
    with path.open("wb") as handle:
        handle.write(samples.PDF + b"\n%")
        handle.write(b"x" * (SIZE - len(samples.PDF) - 2))
    return path


@pytest.mark.parametrize("backend", ["local", "s3"])
def test_25mb_upload_and_download(request, app, build, large_pdf: Path, backend: str) -> None:
    if backend == "s3":
        server = S3Server(own_process=True)
        server.start()
        request.addfinalizer(server.stop)
        monkeypatch = request.getfixturevalue("monkeypatch")
        for name, value in server.environment().items():
            monkeypatch.setenv(name, value)
        app.config.update(EVIDENCE_S3_BUCKET=server.new_bucket(), EVIDENCE_S3_PREFIX="evidence/")
    app.config["EVIDENCE_MAX_BYTES"] = SIZE + 1_000_000
    build.authority("LEICS")
    recommendation_id = build.payment_due()
    headers = build.bearer(build.user("officer", authority="LEICS"))
    client = app.test_client()

    def upload(run: int) -> None:
        with large_pdf.open("rb") as handle:
            # A different last byte each run: a new object each time, never "already there".
            data = {"file": [(_Varied(handle, run), "large.pdf")]}
            answer = client.post(
                f"/api/v1/recommendations/{recommendation_id}/evidence",
                data=data,
                headers=headers,
                content_type="multipart/form-data",
            )
        assert answer.status_code == 201, answer.get_data(as_text=True)

    def download() -> None:
        with app.app_context():
            file_id = db.session.scalar(sa.select(sa.func.max(EvidenceFile.id)))
        answer = client.get(f"/api/v1/evidence/{file_id}", headers=headers, buffered=False)
        digest, size = hashlib.sha256(), 0
        for chunk in answer.response:
            digest.update(chunk)
            size += len(chunk)
        answer.close()
        assert answer.status_code == 200 and size == SIZE

    uploads, downloads = [], []
    for run in range(RUNS):
        start = time.perf_counter()
        upload(run)
        uploads.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        download()
        downloads.append((time.perf_counter() - start) * 1000)
    tracemalloc.start()
    upload(RUNS)
    _, upload_peak = tracemalloc.get_traced_memory()
    tracemalloc.reset_peak()
    download()
    _, download_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    report(
        f"evidence 25 MB on {backend}",
        runs=RUNS,
        upload_p50_ms=percentile(uploads, 0.5),
        upload_p95_ms=percentile(uploads, 0.95),
        download_p50_ms=percentile(downloads, 0.5),
        download_p95_ms=percentile(downloads, 0.95),
        upload_peak_mb=upload_peak / 1e6,
        download_peak_mb=download_peak / 1e6,
    )


class _Varied:
    """The file read as it is, but with its last byte set by the run."""

    def __init__(self, handle, run: int) -> None:
        self.handle, self.run, self.read_so_far = handle, run, 0

    def read(self, size: int = -1) -> bytes:
        chunk = self.handle.read(size)
        self.read_so_far += len(chunk)
        if chunk and self.read_so_far >= SIZE:
            chunk = chunk[:-1] + bytes([48 + self.run % 10])
        return chunk
