"""The case list and the home page with 100,000 cases: time per page and SQL statements."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from tests.benchmarks.conftest import insert_authorities, report, timed
from tests.conftest import USING_POSTGRES
from tests.helpers import count_queries, sign_in
from tracker.extensions import db
from tracker.models import Case, Outcome, Recommendation

CASES = 100_000
AUTHORITIES = 400


def _reference(n: int) -> str:
    return f"{20 + n // 20_000:02d} {n // 1000 % 1000:03d} {n % 1000:03d}"


def _load(app) -> None:
    """Bulk-load authorities, cases and two recommendations per upheld case."""
    rng = random.Random(7)
    now = datetime.now(UTC)
    with app.app_context():
        ids = insert_authorities(AUTHORITIES)
        outcomes = list(Outcome)
        for start in range(0, CASES, 10_000):
            cases = []
            for n in range(start, start + 10_000):
                outcome = rng.choice(outcomes)
                cases.append(
                    {
                        "reference": _reference(n),
                        "authority_id": rng.choice(ids),
                        "category": "Education",
                        "subcategory": "Special educational needs",
                        "decision_date": date(2020, 4, 1) + timedelta(days=rng.randint(0, 2000)),
                        "outcome": outcome.value,
                        "satisfactory_remedy": False,
                        "public_report": False,
                        "created_at": now,
                        "updated_at": now,
                        "version": 1,
                    }
                )
            db.session.execute(sa.insert(Case), cases)
        upheld = db.session.scalars(sa.select(Case.id).where(Case.outcome == "upheld")).all()
        db.session.execute(
            sa.insert(Recommendation),
            [
                {
                    "case_id": case_id,
                    "position": position,
                    "text": "Pay Mrs X £100.",
                    "kind": "personal",
                    "status": "open",
                    "explicit": False,
                    "evidence_expected": "",
                    "due_date": date(2025, 1, 1) + timedelta(days=case_id % 700),
                    "created_at": now,
                    "updated_at": now,
                    "version": 1,
                }
                for case_id in upheld
                for position in (1, 2)
            ],
        )
        db.session.commit()


def test_case_list_with_100k_cases(app, client, build) -> None:
    _load(app)
    sign_in(client, build.user("caseworker"))
    database = "postgresql" if USING_POSTGRES else "sqlite"
    pages = {
        "first page": "/cases/",
        "page 2000": "/cases/?page=2000",
        "reference search": "/cases/?reference=24 01",
        "authority + year": "/cases/?authority=A123&year=2023-24",
        "home page": "/",
    }
    for name, path in pages.items():
        with count_queries(app) as statements:
            assert client.get(path).status_code == 200
        figures = timed(lambda path=path: client.get(path))
        report(f"{database} {name} ({CASES:,} cases)", queries=len(statements), **figures)
