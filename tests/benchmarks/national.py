"""A national database at a chosen size, for benchmarks and `make loadtest`: 400 councils of
uneven size, one case per recommendation or so, a few years of decisions dated from today.

Every row is made by the database itself (INSERT … SELECT over generate_series on PostgreSQL,
over a recursive CTE on SQLite) from integer hashes of the row number: no row passes through
Python, and a size always gives the same data.
"""

# The SQL here is put together from this module's own constants and integers, never from input.
# ruff: noqa: S608

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime

import flask_migrate
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import Session

from tests.benchmarks.portable_sql import Dialect, mix, settle
from tracker import create_app
from tracker.extensions import db
from tracker.models import Authority, AuthorityYearCounts, Case, User
from tracker.models.year_counts import COMPLIANCE_COUNTS, COUNTS, DECISION_COUNTS
from tracker.plumbing import clock
from tracker.plumbing.years import FinancialYear
from tracker.services import accounts, publications

PASSWORD = "loadtest password, not a secret"
CASEWORKER = "caseworker1@loadtest.example"
MANAGER = "manager1@loadtest.example"
AUTHORITIES = 400
CASEWORKERS = 20
MANAGERS = 5
DAYS_OF_DECISIONS = 4 * 365
SIZES = {"2k": 2_000, "10k": 10_000, "100k": 100_000, "1m": 1_000_000}
TYPES = ("county", "district", "metropolitan", "unitary", "london_borough")


def officer(code: str) -> str:
    """The e-mail of a council's first link officer (`officer1.a000@loadtest.example`)."""
    return f"officer1.{code.lower()}@loadtest.example"


def authority_code(index: int) -> str:
    """A000 is the largest council, A399 the smallest."""
    return f"A{index:03d}"


def build(url: str, size: int, *, today: date | None = None) -> Flask:
    """Migrate the database at `url` (`flask db upgrade`) and populate it; returns the app
    it used."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TWO_FACTOR_REQUIRED": False})
    with app.app_context():
        flask_migrate.upgrade()
        populate(size, today=today)
    return app


def populate(size: int, *, today: date | None = None) -> None:
    """Fill the app's migrated, empty database with `size` cases and about as many
    recommendations, in one transaction, then VACUUM ANALYZE (ANALYZE on SQLite). Call inside
    an application context."""
    today = today or clock.today()
    dialect = Dialect(db.engine.dialect.name)
    now = clock.now()
    _skip_foreign_key_checks(dialect)
    _authorities_and_users(now)
    with _indexes_built_after(dialect, "cases", "recommendations"):
        _cases(dialect, size, today, now)
        _recommendations(dialect, today, now)
        _compliance()
    _count_cases()
    _evidence(dialect, now)
    _publish(today, now)
    db.session.commit()
    settle(db.engine)


def _skip_foreign_key_checks(dialect: Dialect) -> None:
    """The rows are consistent by construction; checking each one's foreign keys would take
    longer than making it. PostgreSQL skips them (as pg_restore does) for a superuser only."""
    if dialect.name != "postgresql":
        return
    if db.session.scalar(sa.text("SELECT current_setting('is_superuser')")) == "on":
        db.session.execute(sa.text("SET LOCAL session_replication_role = replica"))


@contextmanager
def _indexes_built_after(dialect: Dialect, *tables: str) -> Iterator[None]:
    """Drop the tables' own indexes, and create them again, as the migrations defined them,
    once the rows are in: one sort each instead of a million insertions into each."""
    statements = [
        row
        for table in tables
        for row in db.session.execute(sa.text(dialect.indexes_query()), {"table": table})
    ]
    for name, _ in statements:
        db.session.execute(sa.text(f'DROP INDEX "{name}"'))
    yield
    for _, create in statements:
        db.session.execute(sa.text(create))


def loaded_cases(app: Flask) -> int:
    """How many cases the database holds (0 before a build, or after one that failed)."""
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(Case)) or 0


def built_for_today(app: Flask) -> bool:
    """Whether the database has the newest schema and was built today: its data is dated from
    the day it was built, and the pages read the real clock."""
    from alembic.script import ScriptDirectory

    from tracker.extensions import migrate

    with app.app_context():
        head = ScriptDirectory.from_config(migrate.get_config()).get_current_head()
        version = db.session.scalar(sa.text("SELECT version_num FROM alembic_version"))
        built = db.session.scalar(sa.select(sa.func.max(Case.created_at)))
        return version == head and built is not None and built.date() == clock.today()


def _authorities_and_users(now: datetime) -> None:
    db.session.execute(
        sa.insert(Authority),
        [
            {
                "code": authority_code(n),
                "name": f"Council {n:03d}",
                "type": TYPES[n % len(TYPES)],
                # Larger councils (more cases) have more residents, roughly.
                "population": 60_000 + 1_500_000 * (AUTHORITIES - n) // AUTHORITIES,
                "created_at": now,
                "updated_at": now,
            }
            for n in range(AUTHORITIES)
        ],
    )
    ids = {code: id_ for code, id_ in db.session.execute(sa.select(Authority.code, Authority.id))}
    password = accounts.hash_password(PASSWORD)  # once: Argon2 is slow on purpose
    people = [
        (f"caseworker{n}@loadtest.example", "caseworker", None) for n in range(1, CASEWORKERS + 1)
    ]
    people += [(f"manager{n}@loadtest.example", "manager", None) for n in range(1, MANAGERS + 1)]
    people += [
        (f"officer{n}.{code.lower()}@loadtest.example", "officer", authority_id)
        for code, authority_id in ids.items()
        for n in (1, 2)  # a council's two link officers
    ]
    db.session.execute(
        sa.insert(User),
        [
            {
                "email": email,
                "name": email.split("@")[0].title(),
                "role": role,
                "authority_id": authority_id,
                "password_hash": password,
                "active": True,
                "created_at": now,
            }
            for email, role, authority_id in people
        ],
    )


def _cases(dialect: Dialect, size: int, today: date, now: datetime) -> None:
    """Cases decided over four years, more of them recent; councils skewed so that A000 has
    about 5% of them and A399 a handful; half upheld."""
    skew = mix("n", 0) + " % 10000"
    age = f"({DAYS_OF_DECISIONS} * ({mix('n', 1)} % 10000) * ({mix('n', 1)} % 10000) / 100000000)"
    pick = mix("n", 2) + " % 20"
    outcome = (
        f"CASE WHEN {pick} < 10 THEN 'upheld' WHEN {pick} < 13 THEN 'not_upheld' "
        f"WHEN {pick} < 17 THEN 'assessed_and_closed' ELSE 'not_for_us' END"
    )
    decided = dialect.add_days(":today", f"-{age}")
    db.session.execute(
        sa.text(
            "INSERT INTO cases (reference, authority_id, category, subcategory, decision_date,"
            " outcome, satisfactory_remedy, public_report, created_at, updated_at, version)"
            f" SELECT {dialect.year2('d.decided')} || ' ' || {dialect.pad3('d.n / 1000 % 1000')}"
            f" || ' ' || {dialect.pad3('d.n % 1000')}, a.id, d.category, '', d.decided,"
            " d.outcome, d.outcome = 'upheld' AND d.n % 10 = 0, d.n % 500 = 0, :now, :now, 1"
            f" FROM (SELECT n, {decided} AS decided, {outcome} AS outcome,"
            " CASE n % 3 WHEN 0 THEN 'Education' WHEN 1 THEN 'Adult care services'"
            " ELSE 'Planning and development' END AS category,"
            f" {AUTHORITIES} * ({skew}) * ({skew}) / 100000000 AS authority_index"
            f" FROM ({dialect.series(size)}) AS numbers) AS d"
            f" JOIN authorities a ON a.code = 'A' || {dialect.pad3('d.authority_index')}"
            # In the unique index's order: appending to a B-tree is far cheaper than inserting
            # all over it.
            " ORDER BY 1"
        ),
        {"today": dialect.day(today), "now": dialect.moment(now)},
    )


# Each upheld case has one to three remedies: a payment, a service improvement, an apology.
REMEDIES = {
    1: ("Within one month of my final decision, pay Mrs X £300.", "personal", 300),
    2: ("Within three months, train staff in the procedure.", "service_improvement", None),
    3: ("Within one month of my final decision, apologise to Mrs X.", "personal", None),
}


def _recommendations(dialect: Dialect, today: date, now: datetime) -> None:
    """About two remedies per upheld case, due 4 weeks to a year after the decision. Not yet
    due: open (one in ten already accepted); due in the last 90 days: mostly still open, so
    about one open remedy in six is overdue; older: closed, but for one in 200 never done."""
    positions = " UNION ALL ".join(
        f"SELECT {p} AS position, '{text}' AS text, '{kind}' AS kind, "
        f"{amount if amount else 'NULL'} AS amount"
        for p, (text, kind, amount) in REMEDIES.items()
    )
    h = mix("c.id * 4 + p.position", 3)
    lag = f"(28 + {h} % 337)"
    due = dialect.add_days("c.decision_date", lag)
    since = f"(({lag}) - (:today_ordinal - c.decision_ordinal))"  # due this many days from today
    pick = f"({mix('c.id * 4 + p.position', 4)} % 100)"
    status = (
        "CASE WHEN r.since >= 0 THEN (CASE WHEN r.pick < 10 THEN 'accepted'"
        " WHEN r.pick < 60 THEN 'open' WHEN r.pick < 85 THEN 'evidence_submitted'"
        " ELSE 'changes_requested' END)"
        " WHEN r.since >= -90 AND r.pick < 85 OR r.pick = 99 AND r.n % 2 = 0"
        " THEN (CASE WHEN r.pick % 3 = 0 THEN 'evidence_submitted' ELSE 'open' END)"
        " WHEN r.pick < 93 THEN 'accepted' ELSE 'not_complied' END"
    )
    closed = "s.status IN ('accepted', 'not_complied')"
    today_ = dialect.typed(":today", "DATE")
    db.session.execute(
        sa.text(
            "INSERT INTO recommendations (case_id, authority_id, position, text, kind, amount,"
            " evidence_expected, status, decision_due_date, due_date, explicit, due_date_source,"
            " closed_at, completed_on, overdue_since, created_at, updated_at, version)"
            " SELECT s.case_id, s.authority_id, s.position, s.text, s.kind, s.amount, '',"
            " s.status, s.due, s.due, true, 'stated',"
            f" CASE WHEN {closed} THEN {dialect.typed(':now', 'TIMESTAMPTZ')} END,"
            # Done on the day it fell due, or today for those done before their day.
            f" CASE WHEN {closed} THEN (CASE WHEN s.since < 0 THEN s.due ELSE {today_} END) END,"
            # As the daily sweep leaves them: flagged the day after they fell due.
            f" CASE WHEN NOT {closed} AND s.since < 0 THEN {dialect.add_days('s.due', '1')} END,"
            " :now, :now, 1"
            f" FROM (SELECT r.*, {status} AS status"
            " FROM (SELECT c.id AS case_id, c.authority_id, c.id AS n, p.position, p.text,"
            " p.kind, p.amount,"
            f" {due} AS due, {since} AS since, {pick} AS pick"
            f" FROM (SELECT id, authority_id, decision_date, {dialect.day_number('decision_date')}"
            " AS decision_ordinal FROM cases WHERE outcome = 'upheld') AS c"
            f" JOIN ({positions}) AS p ON p.position <= 1 + c.id % 3) AS r) AS s"
        ),
        {
            "today_ordinal": _day_number(today),
            "today": dialect.day(today),
            "now": dialect.moment(now),
        },
    )


def _day_number(day: date) -> int:
    return (day - date(1970, 1, 1)).days


def _evidence(dialect: Dialect, now: datetime) -> None:
    """One submission, by the council's first link officer, for each remedy awaiting review,
    sent up to ten weeks ago."""
    sent = dialect.minus_minutes(":now", f"{mix('r.id', 5)} % 100000")
    db.session.execute(
        sa.text(
            "INSERT INTO evidence_submissions (recommendation_id, revision, note,"
            " submitted_by_id, submitted_at)"
            f" SELECT r.id, 1, 'Evidence attached.', u.id, {sent}"
            " FROM recommendations r JOIN cases c ON c.id = r.case_id"
            " JOIN authorities a ON a.id = c.authority_id"
            " JOIN users u ON u.email = 'officer1.' || lower(a.code) || '@loadtest.example'"
            " WHERE r.status = 'evidence_submitted'"
        ),
        {"now": dialect.moment(now)},
    )
    note_latest_evidence(db.session)


def note_latest_evidence(session: Session) -> None:
    """Each remedy's latest submission time on the remedy, as submitting evidence keeps it
    (the review queue's order)."""
    session.execute(
        sa.text(
            "UPDATE recommendations SET evidence_submitted_at = ("
            " SELECT max(s.submitted_at) FROM evidence_submissions s"
            " WHERE s.recommendation_id = recommendations.id)"
            " WHERE status = 'evidence_submitted'"
        )
    )


def _compliance() -> None:
    """Upheld cases whose remedies are all closed get their compliance outcome, recorded
    on the day the last remedy was done: not satisfied if one was not complied with."""
    db.session.execute(
        sa.text(
            "UPDATE cases SET compliance_outcome = CASE WHEN done.not_complied > 0"
            " THEN 'not_satisfied' WHEN cases.id % 10 = 0 THEN 'satisfied_late'"
            " ELSE 'satisfied' END, compliance_date = done.last"
            " FROM (SELECT case_id, max(completed_on) AS last,"
            " sum(CASE WHEN status = 'not_complied' THEN 1 ELSE 0 END) AS not_complied"
            " FROM recommendations GROUP BY case_id"
            " HAVING count(completed_on) = count(*)) AS done"  # only closed ones have the day
            " WHERE cases.id = done.case_id"
        )
    )


def _count_cases() -> None:
    """The statistics' counts per authority and year, counted afresh from the cases: the
    triggers that keep them (migration 0016) do not fire where foreign key checks were skipped
    (PostgreSQL's replica role skips every trigger), and the page published next reads them."""
    cases = Case.__table__.c

    def year(day: sa.ColumnElement[date]) -> sa.ColumnElement[int]:
        """The start year of the financial year (1 April) of `day`."""
        return sa.cast(sa.extract("year", day), sa.Integer) - sa.case(
            (sa.extract("month", day) < 4, 1), else_=0
        )

    def tally(condition: sa.ColumnElement[bool] | None) -> sa.ColumnElement[int]:
        return sa.literal(1) if condition is None else sa.case((condition, 1), else_=0)

    decided = [
        None,
        cases.outcome == "not_for_us",
        cases.outcome == "assessed_and_closed",
        cases.outcome == "upheld",
        cases.outcome == "not_upheld",
        sa.and_(cases.outcome == "upheld", cases.satisfactory_remedy),
        cases.public_report,
    ]
    recorded = [
        None,
        cases.compliance_outcome == "satisfied",
        cases.compliance_outcome == "satisfied_late",
    ]
    rows = sa.union_all(
        sa.select(
            year(cases.decision_date).label("year"),
            cases.authority_id,
            *(
                tally(condition).label(name)
                for condition, name in zip(decided, DECISION_COUNTS, strict=True)
            ),
            *(sa.literal(0).label(name) for name in COMPLIANCE_COUNTS),
        ),
        sa.select(
            year(cases.compliance_date),
            cases.authority_id,
            *(sa.literal(0) for _ in DECISION_COUNTS),
            *(tally(condition) for condition in recorded),
        ).where(cases.compliance_date.is_not(None)),
    ).subquery()
    db.session.execute(sa.delete(AuthorityYearCounts))
    db.session.execute(
        sa.insert(AuthorityYearCounts).from_select(
            ["year", "authority_id", *COUNTS],
            sa.select(
                rows.c.year, rows.c.authority_id, *(sa.func.sum(rows.c[name]) for name in COUNTS)
            ).group_by(rows.c.year, rows.c.authority_id),
        )
    )


def _publish(today: date, now: datetime) -> None:
    """The largest council's performance page for the last whole year, as a manager would."""
    authority = db.session.scalar(sa.select(Authority).where(Authority.code == "A000"))
    manager = accounts.find_user(db.session, MANAGER)
    assert authority is not None and manager is not None
    publications.publish(db.session, authority, last_whole_year(today), actor=manager, now=now)


def last_whole_year(today: date) -> FinancialYear:
    """The latest financial year that has ended."""
    return FinancialYear.latest_complete(today)
