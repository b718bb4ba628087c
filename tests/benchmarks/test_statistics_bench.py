"""Statistics with 200,000 cases: one authority's year (target under 50 ms), all 400
authorities' year (target under 1 second), one council's whole page as a manager gets it
(figures and five-year trend; issue 15: under 50 ms) and every council's page for a year
(issue 15: under 150 ms), reported as p50/p95/p99 over their runs.
The figures are asked for explicit years, so the fixed dates of the data do not matter here."""

from __future__ import annotations

import gc
import random
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from tests.benchmarks.conftest import insert_authorities, report, timed
from tests.benchmarks.portable_sql import settle
from tests.conftest import USING_POSTGRES
from tests.helpers import sign_in
from tracker.extensions import db
from tracker.models import Authority, AuthorityType, Case
from tracker.plumbing.years import FinancialYear
from tracker.services import statistics

CASES = 200_000
AUTHORITIES = 400
OUTCOMES = ["not_for_us"] * 4 + ["assessed_and_closed"] * 3 + ["upheld"] * 3 + ["not_upheld"]


def _load(app) -> None:
    """400 authorities of the five types; 200,000 cases decided over six years, a third of
    the upheld ones with a compliance outcome recorded a few months later."""
    rng = random.Random(3)
    now = datetime.now(UTC)
    types = [kind.value for kind in AuthorityType]
    with app.app_context():
        ids = insert_authorities(
            AUTHORITIES, types=types, population=lambda _: rng.randint(50_000, 1_500_000)
        )
        rows = []
        for n in range(CASES):
            outcome = rng.choice(OUTCOMES)
            decided = date(2019, 4, 1) + timedelta(days=rng.randint(0, 6 * 365))
            complied = outcome == "upheld" and rng.random() < 0.35
            rows.append(
                {
                    "reference": f"{10 + n // 10_000:02d} {n // 10 % 1000:03d} {n % 10:03d}",
                    "authority_id": rng.choice(ids),
                    "category": "Education",
                    "subcategory": "",
                    "decision_date": decided,
                    "outcome": outcome,
                    "satisfactory_remedy": outcome == "upheld" and rng.random() < 0.1,
                    "public_report": False,
                    "compliance_outcome": rng.choice(["satisfied"] * 9 + ["satisfied_late"])
                    if complied
                    else None,
                    "compliance_date": decided + timedelta(days=rng.randint(30, 200))
                    if complied
                    else None,
                    "created_at": now,
                    "updated_at": now,
                    "version": 1,
                }
            )
        for start in range(0, CASES, 20_000):
            db.session.execute(sa.insert(Case), rows[start : start + 20_000])
        db.session.commit()
        settle(db.engine)


def test_statistics_with_200k_cases(app, client, build) -> None:
    _load(app)
    database = "postgresql" if USING_POSTGRES else "sqlite"
    year = FinancialYear(2023)
    with app.app_context():
        authority = db.session.scalar(sa.select(Authority).where(Authority.code == "A123"))
        one = timed(lambda: statistics.authority_figures(db.session, authority, year))
        every = timed(lambda: statistics.year_figures(db.session, year), repeat=20)
        rows = statistics.year_figures(db.session, year)
    assert len(rows) == AUTHORITIES and sum(r.counts.complaints_dealt_with for r in rows) > 0
    report(f"{database} one authority-year ({CASES:,} cases)", **one, target="under 50 ms")
    report(
        f"{database} all {AUTHORITIES} authorities of a year ({CASES:,} cases)",
        **every,
        target="under 1000 ms",
    )

    sign_in(client, build.user("manager"))

    def page(address: str) -> None:
        assert client.get(address).status_code == 200

    # Twice: as a gunicorn worker serves them, with what was loaded before the first request
    # frozen out of the collector's way (gunicorn_config.post_worker_init), and in pytest's
    # own heap, where every full collection walks every object pytest and the suite made.
    for served, frozen in (("as served", True), ("pytest's heap", False)):
        if frozen:
            gc.collect()
            gc.freeze()
        try:
            report(
                f"{database} one council's page, figures and trend ({CASES:,} cases, {served})",
                **timed(lambda: page("/statistics/A123?year=2023-24"), repeat=100),
                target="under 50 ms",
            )
            report(
                f"{database} every council's page for a year ({AUTHORITIES} councils, "
                f"{CASES:,} cases, {served})",
                **timed(lambda: page("/statistics/?year=2023-24"), repeat=50),
                target="under 150 ms",
            )
        finally:
            gc.unfreeze()
