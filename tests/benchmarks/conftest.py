"""Benchmarks: run by `make bench`, never by `make test`. They report; they do not assert times."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.benchmarks.figures import summary
from tracker.extensions import db
from tracker.models import Authority

RESULTS = Path(__file__).parent / ".." / ".." / "instance"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test in this folder is a benchmark."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.benchmark)


def timed(
    action: Callable[[], object], *, repeat: int = 50, warmup: int = 2
) -> dict[str, float | int]:
    """Run `action` `repeat` times after `warmup` runs: the number of runs, and the p50, p95,
    p99 (nearest rank: with fewer than 100 runs p99 is the worst) and worst times in ms."""
    for _ in range(warmup):
        action()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    return summary(samples)


def report(name: str, **figures: object) -> None:
    """Print one benchmark line: `make bench` output is the record."""
    shown = ", ".join(
        f"{key}={value:.1f}" if isinstance(value, float) else f"{key}={value}"
        for key, value in figures.items()
    )
    print(f"\nBENCH {name}: {shown}")


def insert_authorities(
    count: int,
    *,
    first: int = 0,
    types: Sequence[str] = ("county",),
    population: Callable[[int], int] = lambda n: 100_000 + n,
) -> list[int]:
    """Bulk-insert authorities A000, A001 … (their types in turn); returns their ids.
    Call inside an application context."""
    now = datetime.now(UTC)
    db.session.execute(
        sa.insert(Authority),
        [
            {
                "code": f"A{n:03d}",
                "name": f"Authority {n:03d}",
                "type": types[n % len(types)],
                "population": population(n),
                "created_at": now,
                "updated_at": now,
            }
            for n in range(first, first + count)
        ],
    )
    return list(
        db.session.scalars(
            sa.select(Authority.id).where(
                Authority.code.in_([f"A{n:03d}" for n in range(first, first + count)])
            )
        )
    )
