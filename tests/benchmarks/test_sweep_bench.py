"""The overdue sweep over 100,000 open recommendations of which 10,000 became overdue, side
by side with the bare SQL UPDATE that flags the same rows; then the whole daily run."""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from tests.benchmarks.conftest import insert_authorities, report
from tests.conftest import USING_POSTGRES
from tests.helpers import TODAY
from tracker.extensions import db
from tracker.models import AuditEvent, Authority, Case, NotificationRecipient, Recommendation, User
from tracker.services import chasing

NOW = datetime(TODAY.year, TODAY.month, TODAY.day, 12, tzinfo=UTC)

OPEN = 100_000
BECAME_OVERDUE = 10_000
PER_CASE = 5
OPEN_STATUSES = ["open", "evidence_submitted", "changes_requested"]


def _load(app) -> None:
    """20,000 cases of 5 open recommendations over 400 councils: 10,000 fell due in the
    past week and are not flagged yet; the rest fall due in the coming year."""
    rng = random.Random(5)
    now = datetime.now(UTC)
    with app.app_context():
        authority_ids = insert_authorities(400, types=["unitary"], population=lambda _: 200_000)
        db.session.execute(
            sa.insert(Case),
            [
                {
                    "reference": f"{21 + n // 10_000:02d} {n // 1000 % 10:03d} {n % 1000:03d}",
                    "authority_id": authority_ids[n % len(authority_ids)],
                    "category": "Housing",
                    "subcategory": "Allocations",
                    "decision_date": TODAY - timedelta(days=60),
                    "outcome": "upheld",
                    "satisfactory_remedy": False,
                    "public_report": False,
                    "created_at": now,
                    "updated_at": now,
                    "version": 1,
                }
                for n in range(OPEN // PER_CASE)
            ],
        )
        case_ids = db.session.scalars(sa.select(Case.id)).all()
        late = set(rng.sample(range(OPEN), BECAME_OVERDUE))
        db.session.execute(
            sa.insert(Recommendation),
            [
                {
                    "case_id": case_ids[n // PER_CASE],
                    "position": n % PER_CASE + 1,
                    "text": "Within one month of my final decision, pay Mr Y £250.",
                    "kind": "personal",
                    "status": rng.choice(OPEN_STATUSES),
                    "explicit": True,
                    "evidence_expected": "",
                    "due_date": TODAY - timedelta(days=rng.randint(1, 7))
                    if n in late
                    else TODAY + timedelta(days=rng.randint(0, 365)),
                    "created_at": now,
                    "updated_at": now,
                    "version": 1,
                }
                for n in range(OPEN)
            ],
        )
        db.session.commit()
        db.session.execute(sa.text("ANALYZE"))
        db.session.commit()


def _timed_then_undone(app, action: Callable[[], object], repeat: int) -> list[float]:
    """Milliseconds for each run of `action`, each rolled back so the next starts alike."""
    samples = []
    with app.app_context():
        for _ in range(repeat):
            start = time.perf_counter()
            action()
            db.session.flush()
            samples.append((time.perf_counter() - start) * 1000)
            db.session.rollback()
    return samples


def test_overdue_sweep_against_the_bare_update(app) -> None:
    _load(app)
    database = "postgresql" if USING_POSTGRES else "sqlite"
    bare = (
        sa.update(Recommendation)
        .where(Recommendation.overdue_condition(TODAY), Recommendation.overdue_since.is_(None))
        .values(overdue_since=TODAY)
        .execution_options(synchronize_session=False)
    )
    with app.app_context():
        flagged, _ = chasing.sweep_overdue(db.session, TODAY, now=NOW)
        events = db.session.scalar(sa.select(sa.func.count(AuditEvent.id)))
        db.session.rollback()
    assert (flagged, events) == (BECAME_OVERDUE, BECAME_OVERDUE)

    sweep_ms: list[float] = []
    bare_ms: list[float] = []
    for _ in range(5):  # alternate, so both see the same machine
        bare_ms += _timed_then_undone(app, lambda: db.session.execute(bare), 1)
        sweep_ms += _timed_then_undone(
            app, lambda: chasing.sweep_overdue(db.session, TODAY, now=NOW), 1
        )
    sweep, plain = statistics.median(sweep_ms), statistics.median(bare_ms)
    report(
        f"{database} overdue sweep ({OPEN:,} open, {BECAME_OVERDUE:,} became overdue)",
        sweep_median_ms=sweep,
        bare_update_median_ms=plain,
        ratio=sweep / plain,
        target="under 1000 ms and within 2x of the bare UPDATE",
    )

    [whole] = _timed_then_undone(app, lambda: chasing.run_daily_jobs(db.session, TODAY, now=NOW), 1)
    report(
        f"{database} whole daily run, same data (sweep, 10,000 chasers, snapshots)",
        ms=whole,
    )


def _people(app) -> None:
    """Half the councils with two officers each, the other half with none; 50 caseworkers who
    recorded the cases in turn (5 of them since deactivated); 5 managers."""
    now = datetime.now(UTC)

    def person(role: str, number: int, **extra: object) -> dict[str, object]:
        return {
            "email": f"{role}{number}@example.org",
            "name": f"{role.title()} {number}",
            "role": role,
            "password_hash": "-",
            "session_key": f"{role}-{number}",
            "active": True,
            "created_at": now,
            **extra,
        }

    with app.app_context():
        authority_ids = db.session.scalars(sa.select(Authority.id).order_by(Authority.id)).all()
        db.session.execute(
            sa.insert(User),
            [
                person("officer", n, authority_id=authority_ids[n // 2])
                for n in range(len(authority_ids))  # two each for the first half
            ]
            + [person("caseworker", n, active=n % 10 != 0) for n in range(50)]
            + [person("manager", n) for n in range(5)],
        )
        caseworkers = db.session.scalars(
            sa.select(User.id).where(User.role == "caseworker").order_by(User.id)
        ).all()
        for n, caseworker_id in enumerate(caseworkers):
            db.session.execute(
                sa.update(Case)
                .where(Case.id % len(caseworkers) == n)
                .values(created_by_id=caseworker_id)
            )
        db.session.commit()
        db.session.execute(sa.text("ANALYZE"))
        db.session.commit()


def test_daily_run_telling_councils_with_and_without_officers(app) -> None:
    """The same 10,000 chasers with people to tell: the officers of the councils that have
    them, the caseworker (or, with none active, the managers) in place of those that do not."""
    _load(app)
    _people(app)
    database = "postgresql" if USING_POSTGRES else "sqlite"
    [whole] = _timed_then_undone(app, lambda: chasing.run_daily_jobs(db.session, TODAY, now=NOW), 1)
    with app.app_context():
        chasing.run_daily_jobs(db.session, TODAY, now=NOW)
        told = dict(
            db.session.execute(
                sa.select(NotificationRecipient.in_place_of_council, sa.func.count()).group_by(
                    NotificationRecipient.in_place_of_council
                )
            ).all()
        )
        db.session.rollback()
    report(
        f"{database} whole daily run with people (10,000 chasers, half the councils with "
        "no officer account)",
        ms=whole,
        people_told=sum(told.values()),
        in_place_of_council=told.get(True, 0),
    )
