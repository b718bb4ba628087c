"""The arithmetic of reporting speed: percentiles of samples, wrk's output read, a table."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass


def percentile(samples: Sequence[float], share: float) -> float:
    """The nearest-rank percentile: the smallest sample with at least `share` of all samples
    at or below it (so p95 of 20 samples is the 19th smallest, never an interpolation)."""
    if not samples:
        raise ValueError("no samples")
    if not 0 < share <= 1:
        raise ValueError("share must be in (0, 1]")
    ordered = sorted(samples)
    return ordered[max(1, math.ceil(share * len(ordered))) - 1]


def summary(samples_ms: Sequence[float]) -> dict[str, float | int]:
    """How many runs, and their p50, p95, p99 and worst, in milliseconds."""
    return {
        "runs": len(samples_ms),
        "p50_ms": percentile(samples_ms, 0.50),
        "p95_ms": percentile(samples_ms, 0.95),
        "p99_ms": percentile(samples_ms, 0.99),
        "max_ms": max(samples_ms),
    }


@dataclass(frozen=True)
class PageResult:
    """One page under load: what wrk counted and the latency percentiles it measured."""

    page: str
    requests: int
    errors: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    requests_per_second: float


# The line loadtest.lua's done() prints.
_WRK_LINE = re.compile(
    r"^LOADTEST requests=(?P<requests>\d+) errors=(?P<errors>\d+) non2xx=(?P<non2xx>\d+)"
    r" p50_us=(?P<p50>[\d.]+) p95_us=(?P<p95>[\d.]+) p99_us=(?P<p99>[\d.]+)"
    r" duration_us=(?P<duration>\d+)$",
    re.MULTILINE,
)


def parse_wrk(page: str, output: str) -> PageResult:
    """Read the figures loadtest.lua printed at the end of a wrk run; errors are socket errors
    and timeouts plus every answer that was not 2xx."""
    found = _WRK_LINE.search(output)
    if found is None:
        raise ValueError(f"no LOADTEST line in wrk's output for {page}:\n{output[-2000:]}")
    requests, duration = int(found["requests"]), int(found["duration"])
    return PageResult(
        page=page,
        requests=requests,
        errors=int(found["errors"]) + int(found["non2xx"]),
        p50_ms=float(found["p50"]) / 1000,
        p95_ms=float(found["p95"]) / 1000,
        p99_ms=float(found["p99"]) / 1000,
        requests_per_second=requests / (duration / 1_000_000) if duration else 0.0,
    )


COLUMNS = ("page", "requests", "errors", "p50 ms", "p95 ms", "p99 ms", "req/s")


def table(results: Sequence[PageResult], *, goal_ms: float | None = None) -> str:
    """The results as a plain-text table, one page a row; with `goal_ms`, a last column says
    whether p95 met it (and there were no errors)."""
    rows = [
        [
            result.page,
            str(result.requests),
            str(result.errors),
            f"{result.p50_ms:.1f}",
            f"{result.p95_ms:.1f}",
            f"{result.p99_ms:.1f}",
            f"{result.requests_per_second:.1f}",
        ]
        + (
            ["yes" if result.p95_ms <= goal_ms and not result.errors else "NO"]
            if goal_ms is not None
            else []
        )
        for result in results
    ]
    header = list(COLUMNS) + ([f"p95<={goal_ms:g}"] if goal_ms is not None else [])
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        first, *rest = cells
        return "  ".join(
            [first.ljust(widths[0])]
            + [cell.rjust(width) for cell, width in zip(rest, widths[1:], strict=True)]
        ).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([line(header), rule, *(line(row) for row in rows)]) + "\n"
