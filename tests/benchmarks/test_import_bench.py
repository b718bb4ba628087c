"""`flask import cases FILE.csv` timed as a whole process, 10,000 rows over 400 authorities.

Three files, each imported RUNS times into a fresh copy of a prepared database: the first
import (authorities only: every row created), the same file again (10,000 cases already
there: every row unchanged) and a corrected file (every row updated). Goal: the corrected
file in 3 s or less. Each figure is the median and p95 of the wall time of the process,
start-up included, over RUNS runs after one warm-up run that is not counted, and the median
of its CPU time (user and system), which other work on the machine disturbs less.

IMPORT_BENCH_CHECKOUT=/path/to/checkout times that checkout's `flask` (its .venv) against the
same databases, for before/after figures; IMPORT_BENCH_RUNS sets RUNS (default 7).
"""

from __future__ import annotations

import csv
import io
import os
import random
import resource
import shutil
import statistics
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from config import database_url
from tests.benchmarks.conftest import report
from tests.conftest import (
    DATABASE_SUFFIX,
    SERVER_URL,
    USING_POSTGRES,
    migrate,
    postgres_database,
)
from tracker.models import AuditEvent, Authority, Case
from tracker.services.imports import COLUMNS

ROWS = 10_000
AUTHORITIES = 400
TYPES = ("county", "district", "metropolitan", "unitary", "london_borough")
RUNS = int(os.environ.get("IMPORT_BENCH_RUNS", "7"))
CHECKOUT = Path(os.environ.get("IMPORT_BENCH_CHECKOUT") or Path(__file__).parents[2]).resolve()
NOW = datetime(2026, 1, 5, 9, tzinfo=UTC)
_NO_CACHE = {"PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX"}  # a server has its __pycache__


def _rows(category: str = "Education") -> list[dict[str, str]]:
    """10,000 decided cases, outcomes mixed as the Ombudsman's are, some with compliance."""
    rng = random.Random(11)
    rows = []
    for n in range(ROWS):
        decided = date(2019, 4, 1) + timedelta(days=rng.randint(0, 1800))
        outcome = rng.choices(
            ["upheld", "not_upheld", "assessed_and_closed", "not_for_us"], [5, 2, 4, 2]
        )[0]
        upheld = outcome == "upheld"
        compliance = upheld and rng.random() < 0.6
        values = [
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
        rows.append(dict(zip(COLUMNS, values, strict=True)))
    return rows


def _csv(rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def _add_authorities(connection: sa.Connection) -> None:
    connection.execute(
        sa.insert(Authority.__table__),
        [
            {
                "code": f"A{n:03d}",
                "name": f"Authority {n:03d}",
                "type": TYPES[n % len(TYPES)],
                "population": 100_000 + n,
                "created_at": NOW,
                "updated_at": NOW,
            }
            for n in range(AUTHORITIES)
        ],
    )


def _add_cases(connection: sa.Connection, rows: list[dict[str, str]]) -> None:
    """The cases the file holds, as its first import records them, and their events."""
    authority = {
        code: id_ for code, id_ in connection.execute(sa.select(Authority.code, Authority.id))
    }
    connection.execute(
        sa.insert(Case.__table__),
        [
            {
                "reference": row["reference"],
                "authority_id": authority[row["authority"]],
                "category": row["category"],
                "subcategory": row["subcategory"],
                "decision_date": date.fromisoformat(row["decision_date"]),
                "outcome": row["outcome"],
                "satisfactory_remedy": row["satisfactory_remedy"] == "true",
                "public_report": row["public_report"] == "true",
                "compliance_outcome": row["compliance_outcome"] or None,
                "compliance_date": (
                    date.fromisoformat(row["compliance_date"]) if row["compliance_date"] else None
                ),
                "created_at": NOW,
                "updated_at": NOW,
                "version": 1,
            }
            for row in rows
        ],
    )
    cases = Case.__table__
    connection.execute(
        sa.insert(AuditEvent.__table__).from_select(
            ["occurred_at", "action", "entity_type", "entity_id", "case_id", "note"],
            sa.select(
                sa.literal(NOW, AuditEvent.occurred_at.type),
                sa.literal("case.created"),
                sa.literal("case"),
                cases.c.id,
                cases.c.id,
                sa.literal(""),
            ),
        )
    )


@dataclass
class Databases:
    """Prepared databases, and a way to get a fresh copy of one (its URL) for a run."""

    copy: Callable[[str], str]


@pytest.fixture(scope="module")
def databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Databases]:
    """'authorities' (400 councils) and 'cases' (those and the file's 10,000 cases)."""
    folder = tmp_path_factory.mktemp("import-bench")
    if USING_POSTGRES:
        yield from _postgres(folder)
    else:
        yield from _sqlite(folder)


def _fill(url: str, with_cases: bool) -> None:
    engine = sa.create_engine(database_url(url) or url)
    with engine.begin() as connection:
        if with_cases:
            _add_cases(connection, _rows())
        else:
            _add_authorities(connection)
        connection.execute(sa.text("ANALYZE"))
    engine.dispose()


def _sqlite(folder: Path) -> Iterator[Databases]:
    prepared = {name: folder / f"{name}.db" for name in ("authorities", "cases")}
    migrate(f"sqlite:///{prepared['authorities']}", folder / "instance")
    _fill(f"sqlite:///{prepared['authorities']}", with_cases=False)
    shutil.copy(prepared["authorities"], prepared["cases"])
    _fill(f"sqlite:///{prepared['cases']}", with_cases=True)

    def copy(name: str) -> str:
        run = folder / "run.db"
        for log in ("run.db-wal", "run.db-shm"):  # a run's own, never the next run's
            (folder / log).unlink(missing_ok=True)
        shutil.copy(prepared[name], run)
        return f"sqlite:///{run}"

    yield Databases(copy)


def _postgres(folder: Path) -> Iterator[Databases]:
    assert SERVER_URL is not None
    admin = sa.create_engine(SERVER_URL, isolation_level="AUTOCOMMIT")
    names = {
        name: f"import_bench_{os.getpid()}_{name}{DATABASE_SUFFIX}"
        for name in ("authorities", "cases", "run")
    }

    def clone(source: str, target: str) -> str:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)'))
            connection.execute(sa.text(f'CREATE DATABASE "{target}" TEMPLATE "{source}"'))
        return sa.make_url(SERVER_URL).set(database=target).render_as_string(False)

    for url in postgres_database(names["authorities"]):
        migrate(url, folder / "instance")
        _fill(url, with_cases=False)
        try:
            _fill(clone(names["authorities"], names["cases"]), with_cases=True)
            yield Databases(lambda name: clone(names[name], names["run"]))
        finally:
            with admin.connect() as connection:
                for name in ("cases", "run"):
                    connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{names[name]}"'))
    admin.dispose()


def _flask_import(url: str, path: Path, scratch: Path) -> tuple[float, float, str]:
    """`flask import cases path` against `url` in a process of its own: its wall time and
    CPU time (user and system) in seconds, and its first line of output."""
    environment = {
        **{name: value for name, value in os.environ.items() if name not in _NO_CACHE},
        "FLASK_APP": "wsgi",
        "DATABASE_URL": url,
        "INSTANCE_PATH": str(scratch / "instance"),
        "EVIDENCE_DIR": str(scratch / "evidence"),
        # Compiled modules are read from the checkout's own __pycache__ (written by the
        # warm-up run if missing), as on a server: a cache prefix of its own would have every
        # process compile again from a cold start, about 3 s of this machine's CPU. So is
        # PYTHONDONTWRITEBYTECODE, where the shell sets it: no run would ever write them.
    }
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        [str(CHECKOUT / ".venv" / "bin" / "flask"), "import", "cases", str(path)],
        cwd=CHECKOUT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - used.ru_utime + after.ru_stime - used.ru_stime
    assert done.returncode == 0, done.stderr[-2000:]
    return elapsed, cpu, done.stdout.splitlines()[0]


def _p95(samples: list[float]) -> float:
    """The 95th percentile, interpolated between the samples (the only one, if one)."""
    if len(samples) < 2:
        return samples[0]
    return statistics.quantiles(samples, n=20, method="inclusive")[18]


@pytest.mark.parametrize(
    ("name", "database", "category", "expected"),
    [
        ("first import", "authorities", "Education", "Created 10000, updated 0, unchanged 0,"),
        (
            "re-import, all unchanged",
            "cases",
            "Education",
            "Created 0, updated 0, unchanged 10000,",
        ),
        (
            "corrected file, all updated",
            "cases",
            "Education and children",
            "Created 0, updated 10000,",
        ),
    ],
)
def test_import_10k_rows_as_a_process(
    databases: Databases, tmp_path: Path, name: str, database: str, category: str, expected: str
) -> None:
    path = tmp_path / "cases.csv"
    path.write_bytes(_csv(_rows(category)))
    samples, cpu = [], []
    for run in range(RUNS + 1):
        url = databases.copy(database)
        seconds, cpu_seconds, summary = _flask_import(url, path, tmp_path)
        assert summary.startswith(expected), summary
        if run:  # the first run warms the caches (compiled modules, the disk)
            samples.append(seconds * 1000)
            cpu.append(cpu_seconds * 1000)
    engine = "postgresql" if USING_POSTGRES else "sqlite"
    report(
        f"{engine} flask import cases, {name} ({ROWS:,} rows, {CHECKOUT.name})",
        median_ms=statistics.median(samples),
        p95_ms=_p95(samples),
        max_ms=max(samples),
        cpu_median_ms=statistics.median(cpu),  # steadier than wall time on a busy machine
        runs=len(samples),
    )
