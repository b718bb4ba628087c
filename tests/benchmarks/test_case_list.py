"""The case list and the home page with 100,000 cases (the national data, dated from today):
p50/p95/p99 per page over its runs, and SQL statements."""

from __future__ import annotations

from tests.benchmarks import national
from tests.benchmarks.conftest import report, timed
from tests.conftest import USING_POSTGRES
from tests.helpers import count_queries, sign_in
from tracker.plumbing import clock

CASES = 100_000


def test_case_list_with_100k_cases(app, client, build) -> None:
    with app.app_context():
        national.populate(CASES)
    sign_in(client, build.user("caseworker"))
    database = "postgresql" if USING_POSTGRES else "sqlite"
    year = national.last_whole_year(clock.today())
    pages = {
        "first page": "/cases/",
        "page 2000": "/cases/?page=2000",
        "reference search": f"/cases/?reference={year.start_year % 100:02d} 01",
        "authority + year": f"/cases/?authority=A123&year={year.label}",
        "home page": "/",
    }
    for name, path in pages.items():
        with count_queries(app) as statements:
            assert client.get(path).status_code == 200
        figures = timed(lambda path=path: client.get(path))
        report(f"{database} {name} ({CASES:,} cases)", queries=len(statements), **figures)
