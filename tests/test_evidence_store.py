"""The evidence store: files become visible only after their row commits, and the clean-up
removes stale temporary files, recovers a file whose publishing a crash cut short, and
quarantines (never deletes) stored objects that no row references."""

from __future__ import annotations

import hashlib
import io
import logging
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from tests import samples
from tracker import scheduler
from tracker.extensions import db
from tracker.models import EvidenceFile
from tracker.plumbing.storage import LocalStore, StoredObject
from tracker.services import evidence_cleanup
from tracker.web import evidence_store

NOW = datetime(2026, 11, 23, 12, tzinfo=UTC)
LOG = "tracker.services.evidence_cleanup"


@pytest.fixture
def council(app, build, frozen_clock):
    """A Leicestershire recommendation and its officer's API token."""
    build.authority("LEICS")
    return {
        "id": build.payment_due(),
        "headers": build.bearer(build.user("officer", authority="LEICS")),
    }


def upload(client, council, content: bytes = samples.PDF, name: str = "receipt.pdf", **form):
    return client.post(
        f"/api/v1/recommendations/{council['id']}/evidence",
        data={"file": [(io.BytesIO(content), name)], **form},
        headers=council["headers"],
        content_type="multipart/form-data",
    )


def store_of(app) -> LocalStore:
    with app.app_context():
        return evidence_store()


def under(app, folder: str) -> list[Path]:
    root = Path(app.config["EVIDENCE_DIR"]) / folder
    return sorted(path for path in root.rglob("*") if path.is_file())


def aged(path: Path, moment: datetime) -> Path:
    """Give the file this modification time, as if last written then."""
    os.utime(path, (moment.timestamp(), moment.timestamp()))
    return path


def sha(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def clean_up(app, now: datetime = NOW, store: LocalStore | None = None):
    with app.app_context():
        return evidence_cleanup.clean_up(db.session, store or evidence_store(), now)


# Visible only after the row commits -----------------------------------------------------------


def test_nothing_reaches_the_objects_folder_before_the_row_commits(app, client, council) -> None:
    seen_at_commit: list[list[Path]] = []

    def before_commit(session: Session) -> None:
        seen_at_commit.append(under(app, "objects"))

    sa.event.listen(Session, "before_commit", before_commit)
    try:
        assert upload(client, council).status_code == 201
    finally:
        sa.event.remove(Session, "before_commit", before_commit)
    assert seen_at_commit and all(seen == [] for seen in seen_at_commit)
    assert [path.name for path in under(app, "objects")] == [sha(samples.PDF)]
    assert under(app, "incoming") == []


def test_a_refused_submission_places_nothing_in_the_store(app, client, council) -> None:
    assert upload(client, council, version="999").status_code == 409
    assert under(app, "objects") == [] and under(app, "incoming") == []


def test_a_file_quarantined_while_its_row_commits_is_published_again(app, client, council) -> None:
    store = store_of(app)
    orphan = store.path(sha(samples.PDF))
    orphan.parent.mkdir(parents=True)
    orphan.write_bytes(samples.PDF)  # the same bytes, left by an earlier crash

    def concurrent_clean_up(session: Session) -> None:
        if orphan.exists():
            store.quarantine(sha(samples.PDF))

    sa.event.listen(Session, "before_commit", concurrent_clean_up)
    try:
        assert upload(client, council).status_code == 201
    finally:
        sa.event.remove(Session, "before_commit", concurrent_clean_up)
    assert orphan.read_bytes() == samples.PDF, "the committed row has its file"


# The clean-up ----------------------------------------------------------------------------------


def test_stale_temporary_files_are_removed_and_young_ones_kept(app, caplog) -> None:
    incoming = Path(app.config["EVIDENCE_DIR"]) / "incoming"
    incoming.mkdir(parents=True)
    stale, young = incoming / "upload-stale", incoming / "upload-young"
    for path in (stale, young):
        path.write_bytes(b"part of an upload")
    aged(stale, NOW - timedelta(days=1, minutes=1))
    aged(young, NOW - timedelta(hours=23))
    with caplog.at_level(logging.INFO, logger=LOG):
        report = clean_up(app)
    assert report.removed == ["upload-stale"] and report.recovered == []
    assert under(app, "incoming") == [young]
    assert "removed temporary file upload-stale" in caplog.text
    assert "removed 1 temporary file" in caplog.text


def test_a_file_that_goes_while_the_clean_up_looks_is_left_alone(app, monkeypatch) -> None:
    """An upload finishing (its temporary file deleted) or another clean-up moving an object
    between the listing and the look at each file: the clean-up carries on."""
    incoming = Path(app.config["EVIDENCE_DIR"]) / "incoming"
    incoming.mkdir(parents=True)
    stale = incoming / "upload-stale"
    stale.write_bytes(b"part of an upload")
    aged(stale, NOW - timedelta(days=2))
    gone = incoming / "upload-finished"
    monkeypatch.setattr(LocalStore, "temporary_files", lambda store: [gone, stale])
    monkeypatch.setattr(
        LocalStore, "objects", lambda store: iter([StoredObject("0" * 64, NOW - timedelta(days=9))])
    )
    report = clean_up(app)
    assert report.removed == ["upload-stale"] and report.quarantined == []


def test_an_unreferenced_object_is_quarantined_never_deleted(app, client, council, caplog) -> None:
    assert upload(client, council).status_code == 201  # referenced: stays
    store = store_of(app)
    old, young = b"%PDF-1.4 orphan", b"%PDF-1.4 young orphan"
    for content, moment in ((old, NOW - timedelta(days=2)), (young, NOW - timedelta(hours=1))):
        path = store.path(sha(content))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        aged(path, moment)
    aged(store.path(sha(samples.PDF)), NOW - timedelta(days=30))
    with caplog.at_level(logging.INFO, logger=LOG):
        report = clean_up(app)
    assert report.quarantined == [sha(old)]
    assert (store.root / "quarantine" / sha(old)).read_bytes() == old
    assert sorted(path.name for path in under(app, "objects")) == sorted(
        [sha(samples.PDF), sha(young)]
    )
    assert f"quarantined unreferenced object {sha(old)}" in caplog.text
    assert clean_up(app).quarantined == [], "a second run finds nothing more"


def test_a_stale_temporary_file_whose_row_committed_is_recovered(
    app, client, council, caplog
) -> None:
    """A crash between the commit and the publishing: the row exists, the object does not."""
    assert upload(client, council).status_code == 201
    store = store_of(app)
    store.path(sha(samples.PDF)).unlink()
    leftover = store.root / "incoming" / "upload-crashed"
    leftover.parent.mkdir(parents=True, exist_ok=True)
    leftover.write_bytes(samples.PDF)
    aged(leftover, NOW - timedelta(days=2))
    with caplog.at_level(logging.INFO, logger=LOG):
        report = clean_up(app)
    assert report.recovered == [sha(samples.PDF)] and report.removed == []
    assert store.path(sha(samples.PDF)).read_bytes() == samples.PDF
    assert under(app, "incoming") == []
    assert f"recovered {sha(samples.PDF)} from upload-crashed" in caplog.text
    with app.app_context():
        file_id = db.session.scalar(sa.select(EvidenceFile.id))
    assert file_id is not None


class RacingStore(LocalStore):
    """A store where a row referring to an object commits just as the object is moved."""

    def __init__(self, root: Path, max_bytes: int, commit_row) -> None:
        super().__init__(root, max_bytes)
        self.commit_row = commit_row

    def quarantine(self, sha256: str) -> None:
        super().quarantine(sha256)
        self.commit_row(sha256)


def test_an_object_referenced_while_being_quarantined_is_moved_back(
    app, client, council, caplog
) -> None:
    assert upload(client, council).status_code == 201
    with app.app_context():
        submission_id = db.session.scalar(sa.select(EvidenceFile.submission_id))
        engine = db.engine
    content = b"%PDF-1.4 uploaded again as the clean-up ran"
    store = store_of(app)
    path = store.path(sha(content))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    aged(path, NOW - timedelta(days=3))

    def commit_row(sha256: str) -> None:
        with engine.begin() as connection:
            connection.execute(
                sa.insert(EvidenceFile).values(
                    submission_id=submission_id,
                    original_name="again.pdf",
                    content_type="application/pdf",
                    size=len(content),
                    sha256=sha256,
                    note="",
                )
            )

    racing = RacingStore(store.root, store.max_bytes, commit_row)
    with caplog.at_level(logging.INFO, logger=LOG):
        report = clean_up(app, store=racing)
    assert report.quarantined == [] and report.restored == [sha(content)]
    assert path.read_bytes() == content
    assert not (store.root / "quarantine" / sha(content)).exists()
    assert f"moved {sha(content)} back: a row refers to it now" in caplog.text


def test_the_clean_up_runs_from_the_command_line(app, runner) -> None:
    incoming = Path(app.config["EVIDENCE_DIR"]) / "incoming"
    incoming.mkdir(parents=True)
    (incoming / "upload-old").write_bytes(b"x")
    aged(incoming / "upload-old", datetime(2020, 1, 1, tzinfo=UTC))
    result = runner.invoke(args=["evidence", "clean-up"])
    assert result.exit_code == 0, result.output
    assert "removed 1 temporary file" in result.output
    assert under(app, "incoming") == []


def test_the_daily_jobs_clean_up_the_store(app) -> None:
    incoming = Path(app.config["EVIDENCE_DIR"]) / "incoming"
    incoming.mkdir(parents=True)
    (incoming / "upload-old").write_bytes(b"x")
    aged(incoming / "upload-old", NOW - timedelta(days=2))
    scheduler.daily_jobs(app, now=NOW)
    assert under(app, "incoming") == []
