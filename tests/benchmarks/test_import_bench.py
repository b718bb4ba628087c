"""`flask import cases` with 10,000 rows over 400 authorities: first import, re-import
(every row unchanged) and a corrected file (every row updated). Target: under 10 s each."""

from __future__ import annotations

import csv
import io
import random
import time
from datetime import date, timedelta

import sqlalchemy as sa

from tests.benchmarks.conftest import insert_authorities, report
from tests.conftest import USING_POSTGRES
from tracker.deadlines import DEFAULT_RULES
from tracker.extensions import db
from tracker.models import AuditEvent, Case
from tracker.plumbing import clock
from tracker.services.imports import COLUMNS, ImportResult, import_cases

ROWS = 10_000
AUTHORITIES = 400
TYPES = ("county", "district", "metropolitan", "unitary", "london_borough")


def _csv(category: str = "Education") -> bytes:
    """10,000 decided cases, outcomes mixed as the Ombudsman's are, some with compliance."""
    rng = random.Random(11)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for n in range(ROWS):
        decided = date(2019, 4, 1) + timedelta(days=rng.randint(0, 1800))
        outcome = rng.choices(
            ["upheld", "not_upheld", "assessed_and_closed", "not_for_us"], [5, 2, 4, 2]
        )[0]
        upheld = outcome == "upheld"
        compliance = upheld and rng.random() < 0.6
        writer.writerow(
            [
                f"{19 + n // 5_000:02d} {n // 1000 % 1000:03d} {n % 1000:03d}",
                f"A{rng.randrange(AUTHORITIES):03d}",
                category,
                rng.choice(["Special educational needs", "Council tax", ""]),
                decided.isoformat(),
                outcome,
                "true" if upheld and rng.random() < 0.1 else "false",
                "true" if rng.random() < 0.02 else "false",
                rng.choice(["satisfied", "satisfied_late", "not_satisfied"]) if compliance else "",
                (decided + timedelta(days=rng.randint(30, 120))).isoformat() if compliance else "",
            ]
        )
    return out.getvalue().encode()


def _import(content: bytes) -> tuple[ImportResult, float]:
    """One import as the command runs it, commit included, in a fresh session."""
    db.session.remove()
    start = time.perf_counter()
    result = import_cases(
        db.session,
        content,
        actor=None,
        now=clock.now(),
        today=clock.today(),
        rules=DEFAULT_RULES,
    )
    db.session.commit()
    return result, (time.perf_counter() - start) * 1000


def test_import_10k_rows(app) -> None:
    database = "postgresql" if USING_POSTGRES else "sqlite"
    with app.app_context():
        insert_authorities(AUTHORITIES, types=TYPES)
        db.session.commit()
        runs = {
            "first import": (_csv(), "created"),
            "re-import, all unchanged": (_csv(), "unchanged"),
            "corrected file, all updated": (_csv(category="Education and children"), "updated"),
        }
        for name, (content, counted) in runs.items():
            result, total_ms = _import(content)
            assert getattr(result, counted) == ROWS, result.summary
            report(
                f"{database} import {name} ({ROWS:,} rows)",
                total_ms=total_ms,
                rows_per_second=ROWS / total_ms * 1000,
            )
        cases = db.session.scalar(sa.select(sa.func.count()).select_from(Case))
        events = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
        assert (cases, events) == (ROWS, 2 * ROWS)  # created once, then updated once
