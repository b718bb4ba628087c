"""Two application servers as production runs them: gunicorn processes with folders of their
own, sharing one PostgreSQL database, one S3 bucket (moto's server) and one clamd. Evidence sent
through one is served byte for byte by the other; a virus is refused; a stopped scanner answers
503; two schedulers started at once record each notice once."""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import flask_migrate
import pytest
import sqlalchemy as sa

from tests import samples
from tests.clamav import EICAR, Clamd
from tests.conftest import SERVER_URL, USING_POSTGRES, postgres_database
from tests.helpers import Builders
from tests.s3server import S3Server
from tracker import create_app
from tracker.extensions import db
from tracker.models import Notification, NotificationRecipient

PROJECT = Path(__file__).resolve().parent.parent
# The suite's own PostgreSQL server when it runs on one, else the local one `make test` starts.
LOCAL_POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"
BOUNDARY = "----remedy-tracker-two-servers"
SECRET_KEY = "two-servers-share-one-secret"


@dataclass
class Deployment:
    """What the servers share, and what the test knows of it."""

    database_url: str
    bucket: str
    s3: S3Server
    clamd: Clamd
    root: Path
    recommendation_id: int
    officer_token: str
    caseworker_token: str

    def environment(self, name: str) -> dict[str, str]:
        """Settings of one server (or scheduler): its own folders, the shared rest."""
        own = self.root / name
        return {
            **os.environ,
            **self.s3.environment(),
            "DATABASE_URL": self.database_url,
            "SECRET_KEY": SECRET_KEY,
            "EVIDENCE_S3_BUCKET": self.bucket,
            "EVIDENCE_DIR": str(own / "evidence"),
            "INSTANCE_PATH": str(own / "instance"),
            "CLAMD_URL": self.clamd.tcp_url,
        }


@pytest.fixture
def deployment(tmp_path: Path) -> Iterator[Deployment]:
    """A migrated database of its own, a bucket, a clamd this test may stop, and an overdue
    recommendation with an officer and a caseworker who hold API tokens."""
    server_url = SERVER_URL if USING_POSTGRES else LOCAL_POSTGRES
    name = f"two_servers_{uuid.uuid4().hex[:12]}"
    s3 = S3Server()
    s3.start()
    (tmp_path / "clamd").mkdir()
    scanner = Clamd(tmp_path / "clamd")
    scanner.start()
    try:
        for url in _database(server_url, name):
            app = create_app(
                {
                    "TESTING": True,
                    "SQLALCHEMY_DATABASE_URI": url,
                    "INSTANCE_PATH": str(tmp_path / "setup"),
                    "EVIDENCE_DIR": str(tmp_path / "setup" / "evidence"),
                }
            )
            with app.app_context():
                flask_migrate.upgrade()
            build = Builders(app)
            build.authority("LEICS")
            build.case(
                "LEICS",
                reference="26 000 001",
                decided=date(2026, 1, 5),  # "within one month": long overdue
                recommendations=[("Within one month, pay Mrs X £300.", "personal")],
            )
            [recommendation_id] = build.recommendation_ids("26 000 001")
            officer = build.token(build.user("officer", authority="LEICS"))
            caseworker = build.token(build.user("caseworker"))
            with app.app_context():
                db.engine.dispose()
            yield Deployment(
                database_url=url,
                bucket=s3.new_bucket(),
                s3=s3,
                clamd=scanner,
                root=tmp_path,
                recommendation_id=recommendation_id,
                officer_token=officer,
                caseworker_token=caseworker,
            )
    finally:
        scanner.stop()
        s3.stop()


def _database(server_url: str, name: str) -> Iterator[str]:
    try:
        sa.create_engine(server_url).connect().close()
    except sa.exc.OperationalError as error:
        pytest.fail(f"no PostgreSQL at {server_url} (`make postgres` starts it): {error}")
    yield from postgres_database(name, server_url)


class Server:
    """One gunicorn process serving the application on a socket bound here (requests queue
    until it is ready, so the test never waits on a timer)."""

    def __init__(self, deployment: Deployment, name: str) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--config=python:tracker.plumbing.gunicorn_config",
                "--workers=2",
                f"--bind=fd://{self.listener.fileno()}",
                "wsgi:app",
            ],
            cwd=PROJECT,
            env=deployment.environment(name),
            pass_fds=[self.listener.fileno()],
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )

    def request(
        self, method: str, path: str, token: str, body: bytes | None = None, **headers: str
    ) -> tuple[int, bytes, dict[str, str]]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            connection.request(
                method, path, body=body, headers={"Authorization": f"Bearer {token}", **headers}
            )
            response = connection.getresponse()
            return response.status, response.read(), dict(response.getheaders())
        finally:
            connection.close()

    def upload(self, deployment: Deployment, content: bytes, name: str) -> tuple[int, bytes]:
        part = (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="{name}"\r\nContent-Type: application/octet-stream\r\n\r\n'
        ).encode()
        body = part + content + f"\r\n--{BOUNDARY}--\r\n".encode()
        status, answer, _ = self.request(
            "POST",
            f"/api/v1/recommendations/{deployment.recommendation_id}/evidence",
            deployment.officer_token,
            body,
            **{"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"},
        )
        return status, answer

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.listener.close()

    def log(self) -> str:
        return self.process.stderr.read().decode()[-3000:] if self.process.stderr else ""


@pytest.fixture
def servers(deployment: Deployment) -> Iterator[tuple[Server, Server]]:
    first, second = Server(deployment, "web1"), Server(deployment, "web2")
    yield first, second
    first.stop()
    second.stop()


def test_evidence_sent_through_one_server_is_served_by_the_other(deployment, servers) -> None:
    first, second = servers
    content = samples.PDF + os.urandom(3 * 1024 * 1024)  # a 3 MB scan, past multipart's part
    status, answer = first.upload(deployment, content, "receipt.pdf")
    assert status == 201, answer.decode()[:2000]
    [stored] = json.loads(answer)["files"]
    assert stored["sha256"] == hashlib.sha256(content).hexdigest()

    status, served, headers = second.request(
        "GET", f"/api/v1/evidence/{stored['id']}", deployment.officer_token
    )
    assert status == 200
    assert served == content, "byte for byte, through the other server"
    assert "attachment" in headers["Content-Disposition"]
    # Neither server kept the object in its own folder: it is in the bucket.
    for name in ("web1", "web2"):
        objects = deployment.root / name / "evidence" / "objects"
        assert not objects.exists() or not any(p.is_file() for p in objects.rglob("*"))
    keys = [
        item["Key"]
        for item in deployment.s3.client()
        .list_objects_v2(Bucket=deployment.bucket)
        .get("Contents", [])
    ]
    assert any(key.endswith(stored["sha256"]) for key in keys)


def test_a_virus_is_refused_and_a_stopped_scanner_answers_503_on_either_server(
    deployment, servers
) -> None:
    first, second = servers
    status, answer = first.upload(deployment, EICAR, "minutes.txt")
    assert status == 422
    assert json.loads(answer)["error"]["code"] == "infected"
    deployment.clamd.stop()
    status, answer = second.upload(deployment, samples.PDF, "receipt.pdf")
    assert status == 503
    assert json.loads(answer)["error"]["code"] == "unavailable"
    health = json.loads(second.request("GET", "/health", "")[1])
    assert health["checks"]["virus_scanner"] == "not answering"
    assert deployment.s3.client().list_objects_v2(Bucket=deployment.bucket).get("KeyCount") == 0


def test_two_schedulers_started_at_once_record_each_notice_once(deployment) -> None:
    def sweep(name: str) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "wsgi", "sweep"],
            cwd=PROJECT,
            env=deployment.environment(name),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )

    runs = [sweep("scheduler1"), sweep("scheduler2")]
    outputs = [run.communicate(timeout=300) for run in runs]
    for run, (_, err) in zip(runs, outputs, strict=True):
        assert run.returncode == 0, err.decode()[-3000:]
    engine = sa.create_engine(deployment.database_url)
    try:
        with engine.connect() as connection:
            per_occasion = connection.execute(
                sa.select(
                    Notification.kind,
                    Notification.occasion,
                    NotificationRecipient.user_id,
                    sa.func.count(),
                )
                .join(
                    NotificationRecipient, NotificationRecipient.notification_id == Notification.id
                )
                .group_by(Notification.kind, Notification.occasion, NotificationRecipient.user_id)
            ).all()
    finally:
        engine.dispose()
    assert per_occasion, "the overdue recommendation was noticed"
    assert {count for *_, count in per_occasion} == {1}, per_occasion
