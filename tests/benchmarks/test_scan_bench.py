"""How long clamd takes to scan the largest evidence file (25 MB), streamed with INSTREAM over
a unix socket and over TCP: p50/p95/p99 over 20 runs, and the client's
peak memory (the file is streamed in chunks, never held whole)."""

from __future__ import annotations

import os
import time
import tracemalloc

import pytest

from tests.benchmarks.conftest import report
from tests.benchmarks.figures import summary
from tracker.plumbing.scanner import Scanner

SIZE = 25_000_000  # EVIDENCE_MAX_MB's default: the largest file an upload may carry
RUNS = 20


@pytest.mark.parametrize("kind", ["unix", "tcp"])
def test_scan_time_of_a_25_mb_file(clamd, tmp_path, kind) -> None:
    path = tmp_path / "large.bin"
    with path.open("wb") as handle:
        for _ in range(SIZE // 1_000_000):
            handle.write(os.urandom(1_000_000))
    scanner = Scanner(clamd.unix_url if kind == "unix" else clamd.tcp_url)
    with path.open("rb") as handle:  # warm up: clamd's first scan pays for its set-up
        assert scanner.scan(handle) is None
    times = []
    tracemalloc.start()
    for _ in range(RUNS):
        with path.open("rb") as handle:
            start = time.perf_counter()
            assert scanner.scan(handle) is None
            times.append((time.perf_counter() - start) * 1000)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    report(
        f"scan 25 MB ({kind})",
        **summary(times),
        client_peak_kb=peak / 1000,
    )
