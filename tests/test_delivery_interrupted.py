"""A digest is e-mailed at most once: a send that ends without a clear answer (the process
killed, the connection lost after the message went) is marked "may have been e-mailed" and
never sent again; a clear refusal from the server is retried with the same Message-ID."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from tests.helpers import CHASED_ON, chased_people, sign_in, text_of
from tests.mailserver import WAIT_SECONDS, SmtpServer
from tracker import PROJECT_ROOT, scheduler
from tracker.extensions import db
from tracker.plumbing.formats import long_datetime
from tracker.services.notices import delivery

DAY = CHASED_ON
SENT_ON = datetime(2026, 12, 29, 9, 5, tzinfo=UTC)


@pytest.fixture
def people(app, build, frozen_clock):
    """On DAY: a chaser to the officer (caseworker copied) and an escalation to the manager
    (caseworker copied). The caseworker's digest, of two notices, goes first."""
    found = chased_people(app, build)
    (found["recommendation"],) = build.recommendation_ids("26 000 001")
    frozen_clock(to=SENT_ON)
    return found


def rows_of(app, email: str) -> list[dict]:
    """The person's rows in the ledger, as the database holds them."""
    with app.app_context():
        result = db.session.execute(
            sa.text(
                "SELECT r.* FROM notification_recipients r JOIN users u ON u.id = r.user_id "
                "WHERE u.email = :email ORDER BY r.id"
            ),
            {"email": email},
        )
        return [dict(row) for row in result.mappings()]


def status_shown(app, people, viewer: str = "caseworker") -> tuple[str, str]:
    """What the viewer's notifications page and the recommendation's who-was-told table say."""
    client = app.test_client()
    sign_in(client, people[viewer])
    mine = text_of(client.get("/notifications/").get_data(as_text=True))
    page = text_of(
        client.get(f"/recommendations/{people['recommendation']}").get_data(as_text=True)
    )
    return mine, page[page.index("Notices sent") : page.index("History")]


def sweep_in_a_process(app, smtp: SmtpServer, tmp_path) -> subprocess.Popen:
    """`flask sweep` for DAY in a process of its own, on the test's database."""
    environment = {
        **os.environ,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "SMTP_URL": smtp.url,
        "EMAIL_ENABLED": "true",
        "SECRET_KEY": "a-test-secret",
        "INSTANCE_PATH": str(tmp_path / "sweep-instance"),
        "EVIDENCE_DIR": str(tmp_path / "sweep-evidence"),
        "BASE_URL": "https://tracker.example",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "sweep", "--today", DAY.isoformat()],
        cwd=PROJECT_ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def test_a_digest_whose_sender_was_killed_mid_send_is_not_mailed_again(
    app, smtp, people, frozen_clock, tmp_path
) -> None:
    smtp.inbox.hold_next()  # the first digest (the caseworker's) is kept waiting
    sweep = sweep_in_a_process(app, smtp, tmp_path)
    try:
        if not smtp.inbox.held.wait(WAIT_SECONDS):
            sweep.kill()
            pytest.fail(f"the sweep never sent a digest: {sweep.communicate()[0].decode()}")
        while_sending = rows_of(app, people["caseworker"])
    finally:
        sweep.kill()  # SIGKILL: nothing in the process gets to tidy up
        sweep.communicate()
    smtp.inbox.accept_held()  # the server takes it after all
    assert smtp.inbox.to() == [people["caseworker"]]

    # Long after the dead run's claim expired, the scheduler runs again, twice.
    started = while_sending[0]["sending_since"]
    started = datetime.fromisoformat(str(started)).replace(tzinfo=UTC)
    frozen_clock(to=started + delivery.CLAIM_EXPIRES + timedelta(minutes=1))
    report = scheduler.deliver_email(app)
    assert report is not None
    assert scheduler.deliver_email(app).digests == 0
    everyone = sorted([people["caseworker"], people["manager"], people["officer"]])
    assert smtp.inbox.to() == everyone, "each once: the interrupted digest is not sent again"
    assert (report.digests, report.interrupted) == (2, 1)

    # Its Message-ID was recorded before it went, and it is kept.
    [held] = [m for m in smtp.inbox.messages if m["To"] == people["caseworker"]]
    assert {row["message_id"] for row in while_sending} == {held["Message-ID"]}
    after = rows_of(app, people["caseworker"])
    assert {row["message_id"] for row in after} == {held["Message-ID"]}
    assert all(row["emailed_at"] is None and row["sending_since"] is None for row in after)
    assert all(row["possibly_emailed_at"] is not None for row in after)

    said = f"May have been e-mailed on {long_datetime(started)}: the sending was interrupted"
    mine, told = status_shown(app, people)
    assert mine.count(said) == 2
    assert f"Casey (copied): {said[0].lower()}{said[1:]}" in told
    assert "Olive: e-mailed" in told


def test_a_connection_lost_after_the_message_went_is_not_sent_again(
    app, smtp, people, frozen_clock
) -> None:
    smtp.inbox.drop_after_next()  # takes the caseworker's digest, never answers
    report = scheduler.deliver_email(app)
    assert smtp.inbox.to() == [people["caseworker"]]

    frozen_clock(by=delivery.CLAIM_EXPIRES * 4)
    assert scheduler.deliver_email(app).digests == 2
    assert scheduler.deliver_email(app).digests == 0
    assert smtp.inbox.to() == sorted([people["caseworker"], people["manager"], people["officer"]])
    assert (report.digests, report.interrupted) == (0, 1) and report.error
    rows = rows_of(app, people["caseworker"])
    assert all(row["emailed_at"] is None for row in rows)
    assert all(row["possibly_emailed_at"] is not None for row in rows)
    mine, _told = status_shown(app, people)
    assert (
        f"May have been e-mailed on {long_datetime(SENT_ON)}: the sending was interrupted" in mine
    )


@pytest.mark.parametrize("stage", ["MAIL", "RCPT", "DATA"])
def test_a_digest_the_server_refused_is_sent_next_run_with_the_same_message_id(
    app, smtp, people, frozen_clock, stage
) -> None:
    smtp.inbox.refuse_next("550 5.7.1 Not now", at=stage)
    first = scheduler.deliver_email(app)
    assert "Not now" in first.error
    assert people["caseworker"] not in smtp.inbox.to()
    refused = rows_of(app, people["caseworker"])

    frozen_clock(by=timedelta(minutes=5))
    scheduler.deliver_email(app)
    assert smtp.inbox.to() == sorted([people["caseworker"], people["manager"], people["officer"]])
    [sent] = [m for m in smtp.inbox.messages if m["To"] == people["caseworker"]]
    if stage == "DATA":  # the refused message reached the server: same identity both times
        assert [m["Message-ID"] for m in smtp.inbox.refused] == [sent["Message-ID"]]
    assert all(row["message_id"] is None and row["sending_since"] is None for row in refused)
    assert all(row["email_attempts"] == 1 and "Not now" in row["last_error"] for row in refused)
    rows = rows_of(app, people["caseworker"])
    assert {row["message_id"] for row in rows} == {sent["Message-ID"]}
    assert all(row["emailed_at"] is not None for row in rows)
    mine, _told = status_shown(app, people)
    assert "E-mailed 29 December 2026 at 9:10am" in mine


def test_a_digest_message_id_is_derived_from_the_notices_it_carries() -> None:
    first = delivery.digest_message_id([3, 1, 2], "example.org")
    assert first == delivery.digest_message_id([1, 2, 3], "example.org")
    assert first.startswith("<digest-") and first.endswith("@example.org>")
    assert first != delivery.digest_message_id([1, 2], "example.org")
    assert first != delivery.digest_message_id([1, 2, 3], "other.example.org")
