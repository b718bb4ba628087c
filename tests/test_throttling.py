"""Guessing passwords: counted per account atomically, and per address; the real user's own
browser still gets in during an attack."""

from __future__ import annotations

import socket
import subprocess
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import redis
import sqlalchemy as sa
from flask import Flask

from tests.helpers import csrf_token, sign_in, submit, text_of
from tracker import create_app
from tracker.extensions import db
from tracker.models import SignInFailure
from tracker.services import sign_in as sign_in_service

DEVICE_COOKIE = "remedy_tracker_device"


class CountingChecks:
    """Wraps the real password check and counts how often it runs (from any thread)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        self._lock = threading.Lock()
        real = sign_in_service.password_matches

        def counted(password_hash: str, password: str) -> bool:
            with self._lock:
                self.count += 1
            return real(password_hash, password)

        monkeypatch.setattr(sign_in_service, "password_matches", counted)


def test_parallel_wrong_guesses_get_only_the_free_attempts(app, build, monkeypatch) -> None:
    email = build.user("caseworker")
    checks = CountingChecks(monkeypatch)
    guessers = [app.test_client() for _ in range(20)]
    tokens = [csrf_token(guesser, "/sign-in") for guesser in guessers]
    start = threading.Barrier(len(guessers))
    answers: list[str] = []

    def guess(guesser, token: str) -> None:
        start.wait()
        response = guesser.post(
            "/sign-in", data={"csrf_token": token, "email": email, "password": "a wrong guess"}
        )
        answers.append(text_of(response.get_data(as_text=True)))

    threads = [
        threading.Thread(target=guess, args=pair) for pair in zip(guessers, tokens, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert checks.count == app.config["SIGN_IN_FREE_ATTEMPTS"] == 5, [a[:300] for a in answers]
    assert sum("Enter a correct e-mail address and password" in a for a in answers) == 5
    assert sum("tried to sign in too many times" in a for a in answers) == 15
    with app.app_context():
        assert db.session.scalar(sa.select(SignInFailure.failures)) == 5


def test_a_right_password_after_failures_clears_the_count(app, client, build) -> None:
    email = build.user("caseworker")
    sign_in(client, email, "wrong")
    assert sign_in(client, email).status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(SignInFailure.id))) == 0


def test_the_users_own_browser_still_signs_in_during_an_attack(app, build, frozen_clock):
    email = build.user("caseworker")
    own_browser = app.test_client()
    assert sign_in(own_browser, email).status_code == 302
    assert own_browser.get_cookie(DEVICE_COOKIE) is not None, "this browser is now trusted"
    submit(own_browser, "/sign-out", {}, form_page="/")

    attacker = app.test_client()
    for _ in range(30):
        sign_in(attacker, email, "guess")
    refused = sign_in(attacker, email)  # even the right password is refused to the attacker
    assert "tried to sign in too many times" in refused.get_data(as_text=True)

    assert sign_in(own_browser, email).status_code == 302, "the real user gets in"


def test_a_trusted_browser_has_its_own_back_off(app, build, frozen_clock) -> None:
    email = build.user("caseworker")
    own_browser = app.test_client()
    sign_in(own_browser, email)
    submit(own_browser, "/sign-out", {}, form_page="/")
    for _ in range(5):
        sign_in(own_browser, email, "a typo")
    assert "too many times" in sign_in(own_browser, email).get_data(as_text=True)
    frozen_clock(timedelta(seconds=31))
    assert sign_in(own_browser, email).status_code == 302


def test_a_browser_trusted_for_one_account_is_not_trusted_for_another(app, build) -> None:
    mine = build.user("caseworker")
    theirs = build.user("caseworker", email="victim@example.org")
    attacker = app.test_client()
    sign_in(attacker, mine)  # the attacker's own account makes their browser trusted for it
    submit(attacker, "/sign-out", {}, form_page="/")
    victim = app.test_client()
    sign_in(victim, theirs)
    submit(victim, "/sign-out", {}, form_page="/")

    for _ in range(5):
        sign_in(attacker, theirs, "guess")
    assert "too many times" in sign_in(attacker, theirs).get_data(as_text=True)
    assert sign_in(victim, theirs).status_code == 302


def test_a_forged_device_cookie_is_not_trusted(app, build) -> None:
    email = build.user("caseworker")
    attacker = app.test_client()
    attacker.set_cookie(DEVICE_COOKIE, "eyJ1IjoxLCJuIjoieCJ9.forged")
    for _ in range(5):
        sign_in(attacker, email, "guess")
    assert "too many times" in sign_in(attacker, email).get_data(as_text=True)


def _with_limits(app: Flask, storage: str = "memory://") -> Flask:
    """Another instance of the application, on the same database, with the rate limits on
    (the suite turns them off, as it does expensive password hashing)."""
    return create_app(
        {
            "TESTING": True,
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_STORAGE_URI": storage,
            **{
                key: app.config[key]
                for key in ("SQLALCHEMY_DATABASE_URI", "INSTANCE_PATH", "EVIDENCE_DIR")
            },
        }
    )


@pytest.fixture
def limited(app: Flask) -> Iterator[Flask]:
    """The application with the rate limits on, in memory (the default storage)."""
    limited_app = _with_limits(app)
    yield limited_app
    with limited_app.app_context():
        db.engine.dispose()


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    """A Redis server of the test's own on a free loopback port, stopped afterwards."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [
            "redis-server",
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        for line in server.stdout:  # its log says when it is listening
            if "Ready to accept connections" in line:
                break
        else:
            pytest.fail("redis-server stopped before it was ready")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait()


def test_one_address_guessing_many_accounts_is_slowed(limited, build) -> None:
    client = limited.test_client()
    answers = [
        sign_in(client, build.user("caseworker", email=f"person{n}@example.org"), "guess")
        for n in range(30)
    ]
    assert [a.status_code for a in answers[:10]] == [200] * 10
    assert {a.status_code for a in answers[10:]} == {429}
    page = answers[-1]
    assert int(page.headers["Retry-After"]) > 0
    html = page.get_data(as_text=True)
    assert "Too many attempts" in html and "govuk-heading-l" in html


def test_successful_sign_ins_from_one_office_are_not_slowed(limited, build) -> None:
    emails = [build.user("caseworker", email=f"person{n}@example.org") for n in range(25)]
    for email in emails:
        client = limited.test_client()
        assert sign_in(client, email).status_code == 302


def test_the_api_is_limited_per_token(limited, build) -> None:
    limited.config["RATELIMIT_API"] = "3 per minute"
    build.authority("LEICS")
    busy = {"Authorization": f"Bearer {build.token(build.user('caseworker'))}"}
    calm = {"Authorization": f"Bearer {build.token(build.user('manager'))}"}
    client = limited.test_client()
    for _ in range(3):
        assert client.get("/api/v1/authorities/LEICS", headers=busy).status_code == 200
    refused = client.get("/api/v1/authorities/LEICS", headers=busy)
    assert refused.status_code == 429
    assert refused.json["error"]["code"] == "too_many_requests"
    assert set(refused.json["error"]) == {"code", "message", "fields"}
    assert int(refused.headers["Retry-After"]) > 0
    assert client.get("/api/v1/authorities/LEICS", headers=calm).status_code == 200


def test_the_unknown_user_check_is_as_slow_as_a_real_one(app, client, monkeypatch) -> None:
    checks = CountingChecks(monkeypatch)
    sign_in(client, "nobody@example.org", "whatever it is")
    assert checks.count == 1, "an unknown address still costs one password check"


def test_limits_are_kept_in_redis_and_shared_by_every_worker(app, build, redis_url) -> None:
    emails = [build.user("caseworker", email=f"person{n}@example.org") for n in range(11)]
    first_worker = _with_limits(app, redis_url)
    client = first_worker.test_client()
    for email in emails[:10]:
        assert sign_in(client, email, "guess").status_code == 200
    assert redis.Redis.from_url(redis_url).keys("LIMITS*"), "the counts are in Redis"
    second_worker = _with_limits(app, redis_url)  # a fresh process's limiter: nothing in memory
    assert sign_in(second_worker.test_client(), emails[10], "guess").status_code == 429
    for worker in (first_worker, second_worker):
        with worker.app_context():
            db.engine.dispose()


def test_a_free_attempt_is_not_held_up_by_one_that_counted_a_moment_later(app) -> None:
    """Attempts read the clock before they take the lock: one that counted first may carry a
    later time. Within the free attempts nobody waits, and the count never goes back."""
    policy = sign_in_service.ThrottlePolicy()
    later = datetime(2026, 11, 23, 12, 0, 1, tzinfo=UTC)
    earlier = later - timedelta(milliseconds=5)
    with app.app_context():
        sign_in_service.count_attempt(db.session, "a@example.org", "", now=later, policy=policy)
        sign_in_service.count_attempt(db.session, "a@example.org", "", now=earlier, policy=policy)
        failure = db.session.scalars(sa.select(SignInFailure)).one()
        assert (failure.failures, failure.last_failed_at) == (2, later)


def test_waits_are_said_in_words() -> None:
    assert sign_in_service.describe_wait(timedelta(seconds=1)) == "1 second"
    assert sign_in_service.describe_wait(timedelta(seconds=30)) == "30 seconds"
    assert sign_in_service.describe_wait(timedelta(seconds=61)) == "2 minutes"
