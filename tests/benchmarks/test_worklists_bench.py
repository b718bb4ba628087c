"""The lists people work from, with 100,000 recommendations: time per page and SQL statements."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from tests.benchmarks.conftest import insert_authorities, report, timed
from tests.conftest import USING_POSTGRES
from tests.helpers import TODAY, count_queries, sign_in
from tracker.extensions import db
from tracker.models import Authority, Case, EvidenceSubmission, Recommendation, User

RECOMMENDATIONS = 100_000
AUTHORITIES = 400
# Most of a few years' recommendations are closed; of the open ones, about one in six is late.
STATUSES = ["accepted"] * 11 + ["not_complied"] + ["open"] * 6 + ["evidence_submitted"] * 2
STATUSES += ["changes_requested"]


def _load(app, officer_email: str) -> None:
    """Bulk-load 50,000 upheld cases with two recommendations each, in every status: the
    closed ones fell due in the past two years, the open ones from two months ago to ten
    months ahead; evidence for those awaiting review."""
    rng = random.Random(11)
    now = datetime.now(UTC)
    with app.app_context():
        insert_authorities(AUTHORITIES, first=2, types=["district"])
        authority_ids = db.session.scalars(sa.select(Authority.id)).all()  # A000, A001 too
        db.session.execute(
            sa.insert(Case),
            [
                {
                    "reference": f"{20 + n // 10_000:02d} {n // 1000 % 10:03d} {n % 1000:03d}",
                    "authority_id": rng.choice(authority_ids),
                    "category": "Adult care services",
                    "subcategory": "Charging",
                    "decision_date": TODAY - timedelta(days=rng.randint(30, 400)),
                    "outcome": "upheld",
                    "satisfactory_remedy": False,
                    "public_report": False,
                    "created_at": now,
                    "updated_at": now,
                    "version": 1,
                }
                for n in range(RECOMMENDATIONS // 2)
            ],
        )
        case_ids = db.session.scalars(sa.select(Case.id)).all()
        rows = []
        for case_id in case_ids:
            for position in (1, 2):
                status = rng.choice(STATUSES)
                closed = status in ("accepted", "not_complied")
                days = -rng.randint(30, 730) if closed else rng.randint(-60, 300)
                rows.append(
                    {
                        "case_id": case_id,
                        "position": position,
                        "text": "Within one month of my final decision, pay Mrs X £100.",
                        "kind": "personal",
                        "status": status,
                        "explicit": True,
                        "evidence_expected": "",
                        "due_date": TODAY + timedelta(days=days),
                        "created_at": now,
                        "updated_at": now,
                        "version": 1,
                    }
                )
        db.session.execute(sa.insert(Recommendation), rows)
        officer_id = db.session.scalar(sa.select(User.id).where(User.email == officer_email))
        awaiting = db.session.scalars(
            sa.select(Recommendation.id).where(Recommendation.status == "evidence_submitted")
        ).all()
        db.session.execute(
            sa.insert(EvidenceSubmission),
            [
                {
                    "recommendation_id": recommendation_id,
                    "revision": 1,
                    "note": "",
                    "submitted_by_id": officer_id,
                    "submitted_at": now - timedelta(minutes=rng.randint(0, 100_000)),
                }
                for recommendation_id in awaiting
            ],
        )
        db.session.commit()
        # Planner statistics, as a running database keeps them (PostgreSQL's autovacuum,
        # SQLite's `PRAGMA optimize` in the scheduler's daily upkeep).
        db.session.execute(sa.text("ANALYZE"))
        db.session.commit()


def test_worklists_with_100k_recommendations(app, build) -> None:
    build.authority("A000")
    build.authority("A001")
    officer_email = build.user("officer", authority="A001")
    _load(app, officer_email)
    caseworker, officer = app.test_client(), app.test_client()
    sign_in(caseworker, build.user("caseworker"))
    sign_in(officer, officer_email)
    token = build.token(build.user("manager"))
    database = "postgresql" if USING_POSTGRES else "sqlite"
    pages = {
        "caseworker due list": (caseworker, "/recommendations/"),
        "due list page 1000": (caseworker, "/recommendations/?page=1000"),
        "officer due list": (officer, "/recommendations/"),
        "review queue": (caseworker, "/recommendations/review"),
        "chase list": (caseworker, "/recommendations/overdue"),
        "chase list, one council": (caseworker, "/recommendations/overdue?authority=A123"),
        "recommendation page": (caseworker, "/recommendations/77777"),
    }
    for name, (client, path) in pages.items():
        with count_queries(app) as statements:
            assert client.get(path).status_code == 200
        figures = timed(lambda client=client, path=path: client.get(path))
        report(
            f"{database} {name} ({RECOMMENDATIONS:,} recommendations)",
            queries=len(statements),
            **figures,
        )
    headers = {"Authorization": f"Bearer {token}"}
    path = "/api/v1/recommendations?overdue=true&per_page=100"
    with count_queries(app) as statements:
        assert caseworker.get(path, headers=headers).status_code == 200
    figures = timed(lambda: caseworker.get(path, headers=headers))
    report(f"{database} API overdue, 100 a page", queries=len(statements), **figures)
