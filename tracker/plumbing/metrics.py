"""Prometheus metrics: every one the application exports is defined here, its one home.

Label values are bounded: a request is labelled by its Flask endpoint (never its path), a job
by its id. With several gunicorn workers set PROMETHEUS_MULTIPROC_DIR to an empty folder of
their own (emptied at each start): prometheus_client then keeps each process's values in
files there, and `exposition()` adds them up across the workers.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Iterable

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

REQUESTS = Counter(
    "tracker_http_requests",
    "HTTP requests answered, by Flask endpoint, method and status",
    ["endpoint", "method", "status"],
)
REQUEST_SECONDS = Histogram(
    "tracker_http_request_duration_seconds",
    "Time to answer an HTTP request, by Flask endpoint",
    ["endpoint"],
)
JOB_RUNS = Counter(
    "tracker_job_runs",
    "Scheduled job runs by outcome: succeeded, failed, or skipped (another process ran it)",
    ["job", "outcome"],
)
JOB_SECONDS = Histogram(
    "tracker_job_duration_seconds",
    "Time a scheduled job run took",
    ["job"],
    buckets=(0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600),
)
NOTICES_WAITING = Gauge(
    "tracker_notices_waiting",
    "Notices waiting to be e-mailed after the last delivery run",
    multiprocess_mode="mostrecent",
)
NOTICES_EMAILED = Counter("tracker_notices_emailed", "Notices e-mailed (in digests)")
EVIDENCE_STORED = Counter("tracker_evidence_files_stored", "Evidence files accepted and kept")
# Incremented where a file is refused: `reason` is one of a few fixed words (e.g. `type`,
# `too_large`, `infected`, `scanner_unavailable`), never the file's name.
EVIDENCE_REFUSED = Counter(
    "tracker_evidence_files_refused", "Evidence files refused, by reason", ["reason"]
)


def exposition() -> tuple[bytes, str]:
    """The metrics in Prometheus's text format, and its content type."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        registry = REGISTRY
    return generate_latest(registry), CONTENT_TYPE_LATEST


def parse_networks(text: str) -> list[Network]:
    """`127.0.0.1/32, 10.0.0.0/8` → networks; ValueError names a bad one. Empty: none."""
    networks = []
    for part in (piece.strip() for piece in text.split(",")):
        if part:
            networks.append(ipaddress.ip_network(part, strict=False))
    return networks


def address_allowed(address: str | None, networks: Iterable[Network]) -> bool:
    """Whether a client address lies in one of the networks."""
    try:
        client = ipaddress.ip_address(address or "")
    except ValueError:
        return False
    return any(client in network for network in networks)


def worker_exited(pid: int) -> None:
    """gunicorn's `child_exit` hook: forget a dead worker's live gauges (multiprocess mode)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.mark_process_dead(pid)  # type: ignore[no-untyped-call]
