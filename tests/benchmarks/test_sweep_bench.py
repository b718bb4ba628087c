"""The overdue sweep against hand-written SQL doing the same work (the same UPDATEs and the
same audit INSERTs), alternating in one run, at 10k, 100k and 1M open recommendations; then
the whole daily run with people to tell."""

from __future__ import annotations

import json
import time
from collections.abc import Callable

import pytest
import sqlalchemy as sa

from tests.benchmarks import sweep_data
from tests.benchmarks.conftest import report
from tests.conftest import USING_POSTGRES
from tests.helpers import TODAY
from tracker.extensions import db
from tracker.models import AuditEvent, Authority, Case, NotificationRecipient, User
from tracker.models.base import UtcDateTime
from tracker.services import chasing

NOW = sweep_data.NOW
RUNS = 9
OPEN = "status IN ('open', 'evidence_submitted', 'changes_requested')"
CLOSED = "status IN ('accepted', 'not_complied')"
EVENTS = (
    "INSERT INTO audit_events (occurred_at, action, entity_type, entity_id, case_id,"
    " recommendation_id, before, after, note)"
)
FLAG = f"{OPEN} AND due_date < :today AND overdue_since IS NULL"
CLEAR = f"overdue_since IS NOT NULL AND ({CLOSED} OR due_date IS NULL OR due_date >= :today)"
# PostgreSQL: each UPDATE … RETURNING feeds its INSERT. SQLite: INSERT … SELECT, then UPDATE.
# (Constants only, no input: hence the noqa.)
BY_HAND = {
    "postgresql": [
        f"WITH changed AS (UPDATE recommendations SET overdue_since = :today WHERE {FLAG}"  # noqa: S608
        f" RETURNING id, case_id) {EVENTS} SELECT :now, 'recommendation.overdue',"
        " 'recommendation', id, case_id, id, CAST(:flag_before AS json),"
        " CAST(:flag_after AS json), '' FROM changed",
        f"WITH changed AS (UPDATE recommendations SET overdue_since = NULL WHERE {CLEAR}"  # noqa: S608
        f" RETURNING id, case_id) {EVENTS} SELECT :now, 'recommendation.no_longer_overdue',"
        " 'recommendation', id, case_id, id, NULL, CAST(:clear_after AS json), :note"
        " FROM changed",
    ],
    "sqlite": [
        f"{EVENTS} SELECT :now, 'recommendation.overdue', 'recommendation', id, case_id, id,"  # noqa: S608
        f" :flag_before, :flag_after, '' FROM recommendations WHERE {FLAG}",
        f"UPDATE recommendations SET overdue_since = :today WHERE {FLAG}",  # noqa: S608
        f"{EVENTS} SELECT :now, 'recommendation.no_longer_overdue', 'recommendation', id,"  # noqa: S608
        f" case_id, id, NULL, :clear_after, :note FROM recommendations WHERE {CLEAR}",
        f"UPDATE recommendations SET overdue_since = NULL WHERE {CLEAR}",  # noqa: S608
    ],
}
PARAMETERS = {
    "today": TODAY,
    "now": NOW,
    "flag_before": json.dumps({"overdue_since": None}),
    "flag_after": json.dumps({"overdue_since": TODAY.isoformat()}),
    "clear_after": json.dumps({"overdue_since": None}),
    "note": "Closed, or its agreed due date is no longer past",
}


def _by_hand(dialect: str) -> None:
    types = {"today": sa.Date(), "now": UtcDateTime()}
    for statement in BY_HAND[dialect]:
        typed = [sa.bindparam(key, type_=t) for key, t in types.items() if f":{key}" in statement]
        db.session.execute(sa.text(statement).bindparams(*typed), PARAMETERS)


def _sweep() -> None:
    chasing.sweep_overdue(db.session, TODAY, now=NOW)


def _timed_then_undone(action: Callable[[], object]) -> float:
    """Milliseconds for one run of `action`, rolled back so the next starts alike."""
    start = time.perf_counter()
    action()
    db.session.flush()
    elapsed = (time.perf_counter() - start) * 1000
    db.session.rollback()
    return elapsed


def _percentile(samples: list[float], percent: int) -> float:
    """Nearest-rank percentile: with few samples, p95 is the slowest run."""
    ordered = sorted(samples)
    return ordered[max(0, -(-len(ordered) * percent // 100) - 1)]


def _changes(action: Callable[[], object]) -> tuple[int, int, int]:
    """(events recorded, rows flagged, rows cleared) by one run of `action`, undone."""
    action()
    counts = (
        db.session.scalar(sa.select(sa.func.count(AuditEvent.id))),
        db.session.scalar(
            sa.text("SELECT count(*) FROM recommendations WHERE overdue_since = :t"), {"t": TODAY}
        ),
        db.session.scalar(
            sa.text("SELECT count(*) FROM recommendations WHERE overdue_since IS NULL")
        ),
    )
    db.session.rollback()
    return counts


@pytest.mark.parametrize("open_count", [10_000, 100_000, 1_000_000])
def test_overdue_sweep_against_the_same_work_by_hand(app, open_count: int) -> None:
    database = "postgresql" if USING_POSTGRES else "sqlite"
    with app.app_context():
        sweep_data.load(db.session, open_count)
        flagged, cleared = sweep_data.expected(open_count)
        assert chasing.sweep_overdue(db.session, TODAY, now=NOW) == (flagged, cleared)
        db.session.rollback()
        # Both sides do the same work: the same events and the same rows changed.
        assert _changes(_sweep) == _changes(lambda: _by_hand(database))

        sweep_ms: list[float] = []
        by_hand_ms: list[float] = []
        for _ in range(RUNS):  # alternating, so both see the same machine
            by_hand_ms.append(_timed_then_undone(lambda: _by_hand(database)))
            sweep_ms.append(_timed_then_undone(_sweep))
    sweep, by_hand = sorted(sweep_ms)[RUNS // 2], sorted(by_hand_ms)[RUNS // 2]
    report(
        f"{database} overdue sweep ({open_count:,} open, {flagged:,} became overdue,"
        f" {cleared:,} no longer overdue)",
        runs=RUNS,
        sweep_p50_ms=sweep,
        sweep_p95_ms=_percentile(sweep_ms, 95),
        by_hand_p50_ms=by_hand,
        by_hand_p95_ms=_percentile(by_hand_ms, 95),
        ratio_p50=sweep / by_hand,
        target="1M open: sweep p50 <= 500 ms and <= 1.5x the same SQL by hand",
    )


def _people(app) -> None:
    """Half the councils with two officers each, the other half with none; 50 caseworkers who
    recorded the cases in turn (5 of them since deactivated); 5 managers."""
    now = NOW

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
    """The whole daily run over 100,000 open recommendations (11,000 overdue to chase) with
    people to tell: the officers of the councils that have them, the caseworker (or, with
    none active, the managers) in place of those that do not."""
    with app.app_context():
        sweep_data.load(db.session, 100_000)
    _people(app)
    database = "postgresql" if USING_POSTGRES else "sqlite"
    with app.app_context():
        whole = _timed_then_undone(lambda: chasing.run_daily_jobs(db.session, TODAY, now=NOW))
        report_ = chasing.run_daily_jobs(db.session, TODAY, now=NOW)
        told = dict(
            db.session.execute(
                sa.select(NotificationRecipient.in_place_of_council, sa.func.count()).group_by(
                    NotificationRecipient.in_place_of_council
                )
            ).all()
        )
        db.session.rollback()
    report(
        f"{database} whole daily run with people (100,000 open, half the councils with "
        "no officer account)",
        runs=1,
        ms=whole,
        run=str(report_),
        people_told=sum(told.values()),
        in_place_of_council=told.get(True, 0),
    )
