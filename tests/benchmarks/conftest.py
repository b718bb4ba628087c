"""Benchmarks: run by `make bench`, never by `make test`. They report; they do not assert times."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path

import pytest

RESULTS = Path(__file__).parent / ".." / ".." / "instance"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test in this folder is a benchmark."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.benchmark)


def timed(action: Callable[[], object], *, repeat: int = 20, warmup: int = 2) -> dict[str, float]:
    """Run `action` repeatedly; the median and worst times in milliseconds."""
    for _ in range(warmup):
        action()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    return {"median_ms": statistics.median(samples), "max_ms": max(samples)}


def report(name: str, **figures: object) -> None:
    """Print one benchmark line: `make bench` output is the record."""
    shown = ", ".join(
        f"{key}={value:.1f}" if isinstance(value, float) else f"{key}={value}"
        for key, value in figures.items()
    )
    print(f"\nBENCH {name}: {shown}")
