"""A real server process killed in the middle of an upload leaves no row and no stored object,
only temporary files, and the clean-up removes those a day later and says so."""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import flask_migrate
import pytest
import sqlalchemy as sa

from tests import samples
from tests.helpers import Builders
from tracker import create_app
from tracker.extensions import db
from tracker.models import EvidenceFile, EvidenceSubmission
from tracker.services import evidence_cleanup
from tracker.web import evidence_store

PROJECT = Path(__file__).resolve().parent.parent
MB = 1 << 20
BOUNDARY = "----remedy-tracker-crash-test"


@pytest.fixture
def deployment(tmp_path: Path) -> dict:
    """A SQLite file database migrated for a server of its own, with an officer's token."""
    settings = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'tracker.db'}",
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "EVIDENCE_DIR": str(tmp_path / "evidence"),
    }
    app = create_app(settings)
    with app.app_context():
        flask_migrate.upgrade()
    build = Builders(app)
    build.authority("LEICS")
    build.case("LEICS", reference="26 000 001")
    [recommendation_id] = build.recommendation_ids("26 000 001")
    token = build.token(build.user("officer", authority="LEICS"))
    yield {"app": app, "root": tmp_path, "id": recommendation_id, "token": token}
    with app.app_context():
        db.engine.dispose()


def start_server(deployment: dict, listener: socket.socket) -> subprocess.Popen:
    """gunicorn serving the deployment on a socket bound here, so requests queue until it is
    ready rather than the test waiting for it."""
    root = deployment["root"]
    environment = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{root / 'tracker.db'}",
        "EVIDENCE_DIR": str(root / "evidence"),
        "INSTANCE_PATH": str(root / "instance"),
        "SECRET_KEY": "crash-test",
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers=1",
            f"--bind=fd://{listener.fileno()}",
            "--timeout=120",
            "wsgi:app",
        ],
        cwd=PROJECT,
        env=environment,
        pass_fds=[listener.fileno()],
        start_new_session=True,  # its own process group: the master and its worker die together
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def test_a_server_killed_mid_upload_leaves_nothing_the_clean_up_does_not_remove(
    deployment, caplog
) -> None:
    listener = socket.create_server(("127.0.0.1", 0))
    server = start_server(deployment, listener)
    sent = 16 * MB
    try:
        part = (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; '
            'filename="scan.pdf"\r\nContent-Type: application/pdf\r\n\r\n'
        ).encode()
        head = (
            f"POST /api/v1/recommendations/{deployment['id']}/evidence HTTP/1.1\r\n"
            f"Host: 127.0.0.1\r\nAuthorization: Bearer {deployment['token']}\r\n"
            f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\n"
            f"Content-Length: {len(part) + 40 * MB}\r\n\r\n"
        ).encode()
        client = socket.socket()
        # A small send buffer: once sendall returns, the server has read all but what the
        # kernel holds for it, so the upload is well under way when it is killed.
        client.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 64 * 1024)
        client.settimeout(120)  # a server that never starts fails the test, not hangs it
        client.connect(listener.getsockname())
        client.sendall(head + part + samples.PDF)
        chunk = bytes(MB)
        for _ in range(sent // MB):
            client.sendall(chunk)  # half of the promised 40 MB
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()
        client.close()
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        listener.close()
    assert server.returncode == -signal.SIGKILL, server.stderr.read().decode()[-2000:]

    app, evidence = deployment["app"], deployment["root"] / "evidence"
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(EvidenceFile.id))) == 0
        assert db.session.scalar(sa.select(sa.func.count(EvidenceSubmission.id))) == 0
    assert not [path for path in (evidence / "objects").rglob("*") if path.is_file()]
    leftovers = sorted((evidence / "incoming").iterdir())
    assert leftovers, "the killed upload left its temporary file"
    assert max(path.stat().st_size for path in leftovers) > 4 * MB, "it was well under way"

    last_written = max(path.stat().st_mtime for path in leftovers)
    later = datetime.fromtimestamp(last_written, UTC) + timedelta(days=1, minutes=5)
    with app.app_context(), caplog.at_level(logging.INFO, logger=evidence_cleanup.__name__):
        report = evidence_cleanup.clean_up(db.session, evidence_store(), later)
    assert sorted(report.removed) == [path.name for path in leftovers]
    assert list((evidence / "incoming").iterdir()) == []
    for path in leftovers:
        assert f"removed temporary file {path.name}" in caplog.text
    assert f"removed {len(leftovers)} temporary file" in caplog.text
