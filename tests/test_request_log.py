"""A request id on every answer and error page; one JSON log line per request and per job
run, with no personal data beyond a user id."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
from prometheus_client import REGISTRY

from tests import samples
from tests.helpers import count_queries, sign_in
from tracker import scheduler
from tracker.plumbing import logs


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    """What the JSON handler writes, as a deployment's standard error would hold it."""
    stream = io.StringIO()
    handler = logs.json_handler(stream)
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield stream
    root.removeHandler(handler)
    root.setLevel(level)


def lines(stream: io.StringIO, message: str) -> list[dict[str, object]]:
    parsed = [json.loads(line) for line in stream.getvalue().splitlines()]
    return [entry for entry in parsed if entry["message"] == message]


def test_every_answer_carries_a_new_request_id(client) -> None:
    first, second = client.get("/health"), client.get("/sign-in")
    ids = [first.headers["X-Request-Id"], second.headers["X-Request-Id"]]
    assert all(len(value) == 32 and int(value, 16) >= 0 for value in ids)
    assert ids[0] != ids[1]


def test_a_well_formed_incoming_request_id_is_kept_and_a_bad_one_replaced(client) -> None:
    kept = "lb-7f3c2a90-1b2c-4d5e-8f90-123456789abc"
    assert client.get("/health", headers={"X-Request-Id": kept}).headers["X-Request-Id"] == kept
    for bad in ("short", "<script>alert(1)</script>-long-enough", "x" * 101):
        answered = client.get("/health", headers={"X-Request-Id": bad}).headers["X-Request-Id"]
        assert answered != bad and len(answered) == 32


def test_each_request_leaves_one_json_line_without_the_path(client, log_lines) -> None:
    client.get(
        "/password-reset/secret-token-in-the-path?email=someone@example.org",
        headers={"X-Request-Id": "trace-0001-abcd"},
    )
    [entry] = lines(log_lines, "request")
    assert entry["request_id"] == "trace-0001-abcd"
    assert entry["method"] == "GET"
    assert entry["status"] in (200, 404)
    assert isinstance(entry["duration_ms"], float)
    assert entry["user_id"] is None
    assert entry["logger"] == "tracker.requests" and entry["level"] == "INFO"
    written = log_lines.getvalue()
    assert "secret-token" not in written and "someone@example.org" not in written


def test_the_line_names_the_endpoint_and_the_user_id_only(app, client, build, log_lines):
    build.authority("LEICS")
    recommendation = build.payment_due()
    officer = build.user("officer", authority="LEICS")
    headers = build.bearer(officer)
    stored = REGISTRY.get_sample_value("tracker_evidence_files_stored_total") or 0
    response = client.post(
        f"/api/v1/recommendations/{recommendation}/evidence",
        data={"file": (io.BytesIO(samples.PDF), "receipt.pdf")},
        headers=headers,
        content_type="multipart/form-data",
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    [entry] = lines(log_lines, "request")
    assert entry["endpoint"].endswith("evidence") and entry["status"] == 201
    assert isinstance(entry["user_id"], int)
    assert officer not in log_lines.getvalue() and "receipt.pdf" not in log_lines.getvalue()
    assert REGISTRY.get_sample_value("tracker_evidence_files_stored_total") == stored + 1


def test_the_not_found_page_shows_the_reference_to_quote(client) -> None:
    response = client.get("/no-such-page", headers={"X-Request-Id": "ref-2026-abcdef"})
    assert response.status_code == 404
    assert "quote reference <strong" in response.get_data(as_text=True)
    assert "ref-2026-abcdef" in response.get_data(as_text=True)


def test_a_failure_shows_its_reference_on_the_page_and_in_the_log(app, client, log_lines):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    def broken() -> str:
        raise RuntimeError("a fault")

    app.add_url_rule("/broken", "broken", broken)
    response = client.get("/broken")
    assert response.status_code == 500
    reference = response.headers["X-Request-Id"]
    assert reference in response.get_data(as_text=True)
    logged = [json.loads(line) for line in log_lines.getvalue().splitlines()]
    assert {entry.get("request_id") for entry in logged} == {reference}
    assert any("RuntimeError: a fault" in str(entry.get("exc_info")) for entry in logged)
    [entry] = lines(log_lines, "request")
    assert (entry["endpoint"], entry["status"]) == ("broken", 500)


def test_each_job_run_leaves_one_json_line(app, log_lines) -> None:
    scheduler.daily_jobs(app)
    [entry] = lines(log_lines, "job")
    assert entry["job"] == "daily-jobs" and entry["outcome"] == "succeeded"
    assert entry["report"].startswith("overdue 0")
    assert isinstance(entry["duration_ms"], float)


def test_the_line_names_the_signed_in_user_without_loading_them_again(
    app, client, build, log_lines
) -> None:
    manager = build.user("manager")
    sign_in(client, manager)
    client.get("/statistics/")
    with count_queries(app) as statements:
        assert client.get("/statistics/").status_code == 200
    [*_, entry] = lines(log_lines, "request")
    assert entry["endpoint"] == "stats.index" and isinstance(entry["user_id"], int)
    # The request committed before its line was written: nothing is read after that.
    assert not statements[-1].startswith("SELECT users."), statements[-1]
