"""Fixtures: an application per test on a migrated database, a client, builders, sign-in.

By default each test gets its own SQLite file, copied from one migrated template. When
DATABASE_URL names a PostgreSQL server, the session creates a fresh database there, migrates
it once, and each test starts from empty tables.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import flask_migrate
import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from jinja2 import BytecodeCache
from jinja2.bccache import Bucket
from werkzeug.serving import make_server

from config import database_url
from tests.clamav import Clamd
from tests.helpers import TODAY, Builders
from tests.mailserver import SmtpServer
from tests.s3server import S3Server
from tracker import create_app
from tracker.extensions import db
from tracker.models import Base
from tracker.plumbing import clock
from tracker.services import accounts

SERVER_URL = database_url(os.environ.get("DATABASE_URL"))
USING_POSTGRES = bool(SERVER_URL and SERVER_URL.startswith("postgresql"))
# Ends the name of every database the suite creates, so that suites run side by side on one
# server (each from a checkout of its own) can tell theirs apart: TEST_DATABASE_SUFFIX=_mine.
DATABASE_SUFFIX = os.environ.get("TEST_DATABASE_SUFFIX", "")

accounts.use_fast_hashing()


class SharedBytecode(BytecodeCache):
    """Compiled templates kept in memory for the whole session.

    Every test builds a fresh application, whose Jinja environment would otherwise compile
    each template again; the bucket's checksum of the source still catches an edited template.
    """

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


TEMPLATES = SharedBytecode()


@dataclass(frozen=True)
class TestDatabase:
    """Where the session's migrated database lives."""

    url: str
    template: Path | None  # SQLite: copied for each test
    emptier: Emptier | None = None  # PostgreSQL: emptied before each test


class Emptier:
    """Empties every table of a PostgreSQL database and restarts its ids, in one round trip.

    DELETE of a few rows costs milliseconds where TRUNCATE of every table costs a good part of
    a second; the audit trail refuses both (triggers), and, as the superuser the suite connects
    as, triggers (foreign keys included) are switched off for this transaction only.
    """

    def __init__(self, url: str) -> None:
        self.engine = sa.create_engine(url, poolclass=sa.pool.StaticPool)
        with self.engine.connect() as connection:
            sequences = connection.scalars(
                sa.text(
                    "SELECT format('%I.%I', schemaname, sequencename) FROM pg_sequences"
                    " WHERE schemaname = current_schema()"
                )
            ).all()
        # Names from our own metadata and the catalogue, never from input.
        self.statements = ";\n".join(
            [
                "SET LOCAL session_replication_role = replica",
                *(f'DELETE FROM "{table.name}"' for table in Base.metadata.sorted_tables),  # noqa: S608
                *(f"SELECT setval('{sequence}', 1, false)" for sequence in sequences),
            ]
        )

    def empty(self) -> None:
        """Leave every table empty, its next id 1."""
        with self.engine.begin() as connection:
            connection.exec_driver_sql(self.statements)

    def dispose(self) -> None:
        self.engine.dispose()


def migrate(url: str, instance_path: Path) -> None:
    """Bring the database at `url` up to the latest migration."""
    app = create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": str(instance_path)}
    )
    with app.app_context():
        flask_migrate.upgrade()
        db.engine.dispose()


def postgres_database(name: str, server_url: str | None = None) -> Iterator[str]:
    """Create an empty PostgreSQL database on the DATABASE_URL server (or `server_url`); drop
    it afterwards."""
    server_url = server_url or SERVER_URL
    assert server_url is not None
    server = sa.make_url(server_url)
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def test_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestDatabase]:
    """One migrated database (or template) for the whole session."""
    instance = tmp_path_factory.mktemp("instance")
    if USING_POSTGRES:
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        for url in postgres_database(f"tracker_test_{os.getpid()}_{worker}{DATABASE_SUFFIX}"):
            migrate(url, instance)
            emptier = Emptier(url)
            yield TestDatabase(url=url, template=None, emptier=emptier)
            emptier.dispose()
    else:
        template = tmp_path_factory.mktemp("template") / "tracker.db"
        migrate(f"sqlite:///{template}", instance)
        yield TestDatabase(url=f"sqlite:///{template}", template=template)


@pytest.fixture
def app(test_database: TestDatabase, tmp_path: Path) -> Iterator[Flask]:
    """The application on a database of its own (SQLite) or emptied for it (PostgreSQL)."""
    if test_database.template is not None:
        shutil.copy(test_database.template, tmp_path / "tracker.db")
        url = f"sqlite:///{tmp_path / 'tracker.db'}"
    else:
        assert test_database.emptier is not None
        url = test_database.url
        test_database.emptier.empty()
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": url,
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "EVIDENCE_DIR": str(tmp_path / "evidence"),
        }
    )
    app.jinja_env.bytecode_cache = TEMPLATES
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A browser-like client with cookies."""
    return app.test_client()


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """The test application served over HTTP in a background thread."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture
def runner(app: Flask) -> Any:
    """Runs `flask …` commands against the test application."""
    return app.test_cli_runner()


@pytest.fixture
def build(app: Flask) -> Builders:
    """Builders for authorities, accounts, tokens and cases."""
    return Builders(app)


@pytest.fixture
def smtp(app: Flask) -> Iterator[SmtpServer]:
    """A real SMTP server on a loopback port, and the application sending e-mail to it."""
    server = SmtpServer()
    server.start()
    app.config.update(SMTP_URL=server.url, EMAIL_ENABLED=True, BASE_URL="https://tracker.example")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def clamd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Clamd]:
    """A real clamd with the EICAR test signature, one per test worker, started when a test
    first needs it and stopped at the end."""
    server = Clamd(tmp_path_factory.mktemp("clamd"))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3Server]:
    """moto's S3 server on a free port, one per worker, and boto3's environment pointing at it."""
    server = S3Server()
    server.start()
    saved = {name: os.environ.get(name) for name in server.environment()}
    os.environ.update(server.environment())
    yield server
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    server.stop()


@pytest.fixture
def s3_bucket(app: Flask, s3_server: S3Server) -> str:
    """The application keeping evidence in a fresh bucket of the test's own."""
    bucket = s3_server.new_bucket()
    app.config.update(EVIDENCE_S3_BUCKET=bucket, EVIDENCE_S3_PREFIX="evidence/")
    return bucket


@pytest.fixture
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Pin the clock (UTC noon on TODAY unless moved); returns a setter."""
    moment = {"now": datetime(TODAY.year, TODAY.month, TODAY.day, 12, tzinfo=UTC)}
    monkeypatch.setattr(clock, "now", lambda: moment["now"])

    def move(by: timedelta = timedelta(0), *, to: datetime | None = None) -> datetime:
        moment["now"] = to if to is not None else moment["now"] + by
        return moment["now"]

    return move
