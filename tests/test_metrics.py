"""Prometheus metrics: requests by endpoint, job runs; served only to allowed networks."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest
from prometheus_client import REGISTRY

from tracker import create_app, scheduler


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_requests_are_counted_and_timed_by_endpoint_not_path(client) -> None:
    before = sample("tracker_http_requests_total", endpoint="unmatched", method="GET", status="404")
    timed = sample("tracker_http_request_duration_seconds_count", endpoint="operations.health")
    client.get("/no-such-page/12345")
    client.get("/another/unknown/path")
    client.get("/health")
    after = sample("tracker_http_requests_total", endpoint="unmatched", method="GET", status="404")
    assert after == before + 2
    assert (
        sample("tracker_http_request_duration_seconds_count", endpoint="operations.health")
        == timed + 1
    )
    page = client.get("/metrics").get_data(as_text=True)
    assert "/no-such-page" not in page
    assert 'tracker_http_requests_total{endpoint="operations.health",method="GET",status=' in page


def test_metrics_answer_only_the_allowed_networks(app, client) -> None:
    assert client.get("/metrics").status_code == 200  # the test client is 127.0.0.1
    outside = client.get("/metrics", environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert outside.status_code == 404
    app.config["METRICS_NETWORKS"] = []  # METRICS_ALLOWED_NETWORKS="": nobody
    assert client.get("/metrics").status_code == 404


def test_metrics_allowed_networks_are_read_from_the_setting(tmp_path) -> None:
    app = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(tmp_path),
            "METRICS_ALLOWED_NETWORKS": "10.0.0.0/8, 192.0.2.7",
        }
    )
    client = app.test_client()
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code == 200
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "192.0.2.7"}).status_code == 200
    assert client.get("/metrics").status_code == 404  # localhost is no longer listed
    with pytest.raises(RuntimeError, match="METRICS_ALLOWED_NETWORKS"):
        create_app(
            {"TESTING": True, "INSTANCE_PATH": str(tmp_path), "METRICS_ALLOWED_NETWORKS": "nope"}
        )


def test_job_runs_are_counted_by_outcome(app) -> None:
    before = sample("tracker_job_runs_total", job="daily-jobs", outcome="succeeded")
    scheduler.daily_jobs(app)
    assert sample("tracker_job_runs_total", job="daily-jobs", outcome="succeeded") == before + 1


def test_several_worker_processes_are_added_up_in_multiprocess_mode(tmp_path) -> None:
    """gunicorn's workers each write their values to PROMETHEUS_MULTIPROC_DIR; any worker's
    /metrics shows the sum."""
    environment = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    count = textwrap.dedent(
        """
        from tracker.plumbing import metrics
        metrics.EVIDENCE_STORED.inc(3)
        """
    )
    for _ in range(2):
        subprocess.run([sys.executable, "-c", count], env=environment, check=True)
    show = "from tracker.plumbing import metrics; print(metrics.exposition()[0].decode())"
    shown = subprocess.run(
        [sys.executable, "-c", show], env=environment, check=True, capture_output=True, text=True
    ).stdout
    assert "tracker_evidence_files_stored_total 6.0" in shown
