"""`make loadtest`: the pages people work from, under a bounded load behind gunicorn.

Builds (or reuses) a national database of the size asked for, starts gunicorn with two
workers as production does, signs in a caseworker, an officer and a manager, and runs `wrk`
with four connections against each page in turn; prints a table of requests, errors and
p50/p95/p99 latency per page and writes it to instance/loadtest-<size>.txt.

    python -m tests.benchmarks.loadtest --size 100k [--database-url URL] [--seconds 10]
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import secrets
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import sqlalchemy as sa

from config import database_url
from tests.benchmarks import national
from tests.benchmarks.figures import PageResult, parse_wrk, table
from tracker.plumbing import clock

PROJECT = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).with_name("loadtest.lua")
DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/"
GOAL_MS = 150  # issue 15: every list page's p95 at 100k recommendations


def target_database(server: str, size: str) -> str:
    """The database for `size`: `loadtest_<size>` on a PostgreSQL server given without a
    database name, instance/loadtest-<size>.db for a bare `sqlite`, else `server` itself."""
    if server in ("sqlite", "sqlite://", "sqlite:///"):
        return f"sqlite:///{PROJECT / 'instance' / f'loadtest-{size}.db'}"
    url = sa.engine.make_url(database_url(server) or server)
    if url.get_backend_name() == "postgresql" and not url.database:
        url = url.set(database=f"loadtest_{size}")
    return url.render_as_string(hide_password=False)


def fresh_database(url: str) -> None:
    """Drop and create the database at `url` (delete its file on SQLite)."""
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        Path(parsed.database or "").unlink(missing_ok=True)
        return
    engine = sa.create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
        connection.execute(sa.text(f'CREATE DATABASE "{parsed.database}"'))
    engine.dispose()


def ensure_data(url: str, size: int, *, rebuild: bool) -> str:
    """Reuse the database when it holds `size` cases, built today on the newest schema;
    otherwise build it anew. Returns an
    API token of the caseworker."""
    from tracker import create_app
    from tracker.extensions import db
    from tracker.services import accounts

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    try:
        reuse = not rebuild and national.loaded_cases(app) == size and national.built_for_today(app)
    except sa.exc.SQLAlchemyError:  # no such database, or not migrated yet
        reuse = False
    with app.app_context():
        db.engine.dispose()
    if reuse:
        print(f"Reusing {url} ({size:,} cases).", flush=True)
    else:
        print(f"Building {url} with {size:,} cases …", flush=True)
        fresh_database(url)
        started = clock.now()
        app = national.build(url, size)
        print(f"Built in {(clock.now() - started).total_seconds():.1f} s.", flush=True)
    with app.app_context():
        user = accounts.find_user(db.session, national.CASEWORKER)
        assert user is not None
        token = accounts.issue_token(db.session, user, actor=None, now=clock.now())
        db.session.commit()
        db.engine.dispose()
    return token


@contextmanager
def gunicorn(url: str, log: Path) -> Iterator[int]:
    """gunicorn with two workers on a free port, as production starts it; yields the port.
    LOADTEST_CHECKOUT=/path/to/checkout serves that checkout's code instead (for before and
    after figures from one sitting, on the same data)."""
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    environment = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": secrets.token_hex(16),
        "BASE_URL": f"http://127.0.0.1:{port}",
        "TWO_FACTOR_REQUIRED": "false",
        # The API allows 300 requests a minute per token; a load test sends that in a second.
        "RATELIMIT_ENABLED": "false",
        "EMAIL_ENABLED": "false",
    }
    command = [sys.executable, "-m", "gunicorn", "--config=python:tracker.plumbing.gunicorn_config"]
    command += ["--workers=2", f"--bind=fd://{listener.fileno()}", "wsgi:app"]
    with log.open("w") as output:
        process = subprocess.Popen(
            command,
            cwd=os.environ.get("LOADTEST_CHECKOUT") or PROJECT,
            env=environment,
            pass_fds=[listener.fileno()],
            start_new_session=True,
            stdout=output,
            stderr=output,
        )
    try:
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        listener.close()


def _request(port: int, method: str, path: str, body: str = "", **headers: str):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    connection.request(method, path, body=body or None, headers=headers)
    response = connection.getresponse()
    text = response.read().decode(errors="replace")
    connection.close()
    return response.status, text, response.headers.get_all("Set-Cookie") or []


def sign_in(port: int, email: str) -> str:
    """Sign in through the form, CSRF token and all; the Cookie header of the session."""
    cookies: dict[str, str] = {}

    def keep(set_cookies: list[str]) -> None:
        for header in set_cookies:
            cookies.update({name: morsel.value for name, morsel in SimpleCookie(header).items()})

    status, page, set_cookies = _request(port, "GET", "/sign-in")
    keep(set_cookies)
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page)
    if status != 200 or token is None:
        raise RuntimeError(f"no sign-in form ({status})")
    form = {"csrf_token": token[1], "email": email, "password": national.PASSWORD}
    status, _, set_cookies = _request(
        port,
        "POST",
        "/sign-in",
        urlencode(form),
        **{"Content-Type": "application/x-www-form-urlencoded", "Cookie": _header(cookies)},
    )
    keep(set_cookies)
    if status != 302:
        raise RuntimeError(f"{email} was not signed in ({status})")
    return _header(cookies)


def _header(cookies: dict[str, str]) -> str:
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def pages(today: date) -> list[tuple[str, str, str]]:
    """(name, who, path) of each page under load: figures of the last whole year, cases of
    this year in the search."""
    last_year = national.last_whole_year(today).label
    return [
        ("caseworker due list", "caseworker", "/recommendations/"),
        ("due list page 1000", "caseworker", "/recommendations/?page=1000"),
        ("review queue", "caseworker", "/recommendations/review"),
        ("chase list", "caseworker", "/recommendations/overdue"),
        ("officer due list", "officer", "/recommendations/"),
        ("due list, one council", "caseworker", "/recommendations/?authority=A000"),
        ("review queue, one council", "caseworker", "/recommendations/review?authority=A000"),
        ("chase list, one council", "caseworker", "/recommendations/overdue?authority=A000"),
        ("API, one council", "api", "/api/v1/recommendations?authority=A000"),
        ("case list", "caseworker", "/cases/"),
        ("officer case list", "officer", "/cases/"),
        ("case search", "caseworker", f"/cases/?reference={today.year % 100:02d}+01"),
        ("API overdue", "api", "/api/v1/recommendations?overdue=true"),
        ("one council's statistics", "manager", f"/statistics/A000?year={last_year}"),
        ("all councils' statistics", "manager", f"/statistics/?year={last_year}"),
        ("public council page", "public", f"/councils/A000/{last_year}"),
    ]


def run_wrk(port: int, path: str, headers: dict[str, str], seconds: int) -> str:
    """wrk's output for `seconds` of four connections (two threads) on `path`."""
    command = ["wrk", "--threads=2", "--connections=4", f"--duration={seconds}s", "--timeout=30s"]
    for name, value in headers.items():
        command += ["--header", f"{name}: {value}"]
    command += [f"--script={SCRIPT}", f"http://127.0.0.1:{port}{path}"]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def main(argv: list[str] | None = None) -> int:
    """Run the load test; the table is printed and written to instance/loadtest-<size>.txt."""
    options = _options(argv)
    size = national.SIZES[options.size]
    url = target_database(options.database_url, options.size)
    token = ensure_data(url, size, rebuild=options.rebuild)
    instance = Path(options.out_dir)
    instance.mkdir(parents=True, exist_ok=True)
    results: list[PageResult] = []
    with gunicorn(url, instance / f"loadtest-{options.size}-gunicorn.log") as port:
        headers = {
            "caseworker": {"Cookie": sign_in(port, national.CASEWORKER)},
            "officer": {"Cookie": sign_in(port, national.officer("A000"))},
            "manager": {"Cookie": sign_in(port, national.MANAGER)},
            "api": {"Authorization": f"Bearer {token}"},
            "public": {},
        }
        for name, who, path in pages(clock.today()):
            if options.page and name not in options.page:
                continue
            status, _, _ = _request(port, "GET", path, **headers[who])
            if status != 200:  # wrk counts them as errors too; this says what they were
                print(f"! {name}: {path} answered {status} before the load", flush=True)
            results.append(parse_wrk(name, run_wrk(port, path, headers[who], options.seconds)))
            print(f"  {name}: p95 {results[-1].p95_ms:.1f} ms", flush=True)
    backend = sa.engine.make_url(url).get_backend_name()
    heading = (
        f"Load test {options.size} ({size:,} cases) on {backend}, "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC: gunicorn 2 workers, wrk 4 connections, "
        f"{options.seconds} s a page\n\n"
    )
    report = heading + table(results, goal_ms=GOAL_MS)
    print("\n" + report, flush=True)
    (instance / f"loadtest-{options.size}.txt").write_text(report)
    return 0


def _options(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=str.lower, choices=sorted(national.SIZES), default="100k")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("LOADTEST_DATABASE_URL") or DEFAULT_SERVER,
        help="a PostgreSQL server (database loadtest_<size>), a database URL, or `sqlite`",
    )
    parser.add_argument("--seconds", type=int, default=10, help="of load on each page")
    parser.add_argument("--rebuild", action="store_true", help="build the database anew")
    parser.add_argument("--page", action="append", help="only this page (by name); repeatable")
    parser.add_argument(
        "--out-dir", default=str(PROJECT / "instance"), help="for the table and the server's log"
    )
    return parser.parse_args(argv)


if __name__ == "__main__":
    sys.exit(main())
