"""Every list page and the list API at 10k, 100k and 1M recommendations: p50/p95/p99 per page,
first and deep, with the SQL statements each runs. Set BENCH_LIST_SIZES (e.g. "100000") to
run fewer sizes."""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable

import pytest
import sqlalchemy as sa

from tests.benchmarks.conftest import insert_authorities, report
from tests.benchmarks.worklist_data import load
from tests.conftest import USING_POSTGRES
from tests.helpers import TODAY, count_queries, sign_in
from tracker.extensions import db
from tracker.models import Authority

SIZES = [
    int(size) for size in os.environ.get("BENCH_LIST_SIZES", "10000,100000,1000000").split(",")
]
# A council of middling size (the lowest numbered are the largest).
OFFICERS_COUNCIL = "A050"


def percentiles(action: Callable[[], object], samples: int) -> dict[str, object]:
    """p50/p95/p99 in milliseconds over `samples` runs, after two to warm up."""
    for _ in range(2):
        action()
    times = []
    for _ in range(samples):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    cuts = statistics.quantiles(times, n=100, method="inclusive")
    return {"p50_ms": cuts[49], "p95_ms": cuts[94], "p99_ms": cuts[98], "samples": samples}


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size:,}")
def test_lists(app, build, frozen_clock, size) -> None:
    with app.app_context():
        insert_authorities(400, types=["district"])
        first = db.session.scalar(sa.select(sa.func.min(Authority.id)))
        db.session.commit()
        officer_email = build.user("officer", authority=OFFICERS_COUNCIL)
        load(db.session, size, TODAY, first)
    caseworker, officer = app.test_client(), app.test_client()
    sign_in(caseworker, build.user("caseworker"))
    sign_in(officer, officer_email)
    bearer = {"Authorization": f"Bearer {build.token(build.user('manager'))}"}
    database = "postgresql" if USING_POSTGRES else "sqlite"
    pages = {
        "caseworker due list": (caseworker, "/recommendations/", {}),
        "due list page 1000": (caseworker, "/recommendations/?page=1000", {}),
        "due list, one council": (caseworker, "/recommendations/?authority=A050", {}),
        "officer due list": (officer, "/recommendations/", {}),
        "officer due list page 10": (officer, "/recommendations/?page=10", {}),
        "review queue": (caseworker, "/recommendations/review", {}),
        "review queue page 100": (caseworker, "/recommendations/review?page=100", {}),
        "chase list": (caseworker, "/recommendations/overdue", {}),
        "chase list page 100": (caseworker, "/recommendations/overdue?page=100", {}),
        "chase list, one council": (caseworker, "/recommendations/overdue?authority=A123", {}),
        "case list": (caseworker, "/cases/", {}),
        "case list page 1000": (caseworker, "/cases/?page=1000", {}),
        "case search by reference": (caseworker, "/cases/?reference=21+5", {}),
        "officer case list": (officer, "/cases/", {}),
        "API overdue, 100 a page": (
            caseworker,
            "/api/v1/recommendations?overdue=true&per_page=100",
            bearer,
        ),
        "API overdue page 20": (
            caseworker,
            "/api/v1/recommendations?overdue=true&per_page=100&page=20",
            bearer,
        ),
    }
    samples = 100 if size <= 100_000 else 40
    for name, (client, path, headers) in pages.items():
        with count_queries(app) as statements:
            assert client.get(path, headers=headers).status_code == 200, path
        figures = percentiles(
            lambda client=client, path=path, headers=headers: client.get(path, headers=headers),
            samples,
        )
        report(f"{database} {name} ({size:,} recommendations)", queries=len(statements), **figures)
