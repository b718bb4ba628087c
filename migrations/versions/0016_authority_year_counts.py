"""Statistics read counts kept per authority and financial year by triggers on cases

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01 07:30:00.000000

One council's statistics page counted every case of its type's ~80 councils for each year of
its trend, twice (decisions by decision date, compliance outcomes by compliance date): about
40,000 cases read per page at 200,000 cases. authority_year_counts holds, per financial year
and authority, the ten numbers statistics.Counts holds, so a page reads a few hundred rows.

The database keeps it right itself, whatever writes the cases (forms, API, imports and their
set-based corrections, reviews, the demo loader, hand-written SQL): on PostgreSQL one
statement-level trigger per event, reading the statement's transition tables, so a 10,000-row
import adds one grouped upsert; on SQLite row triggers, each a single-row upsert or two, no
grouping (a grouped statement a row cost a 10,000-row import a second). An UPDATE that
changes none of the counted columns adds nothing (SQLite's triggers do not fire, one for the
decision's columns and one for the compliance outcome's; PostgreSQL's deltas sum to zero and
are dropped). A financial year starts on 1 April.

Triggers are not model objects: autogenerate neither sees nor compares them. SQLite loses a
table's triggers when batch mode copies the table: a later migration that does so to cases
must make them again (_create_sqlite_triggers).

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

# Repeated from the models on purpose: a migration stays what it was when the model moves on.
# What each count counts, of a row `{r}` (a table's name and a dot, or NEW. or OLD.).
DECISION_COUNTS = {
    "complaints_dealt_with": "true",
    "not_for_us": "{r}outcome = 'not_for_us'",
    "assessed_and_closed": "{r}outcome = 'assessed_and_closed'",
    "upheld": "{r}outcome = 'upheld'",
    "not_upheld": "{r}outcome = 'not_upheld'",
    "satisfactory_remedies": "{r}outcome = 'upheld' AND {r}satisfactory_remedy",
    "public_reports": "{r}public_report",
}
COMPLIANCE_COUNTS = {
    "compliance_outcomes": "true",
    "satisfied": "{r}compliance_outcome = 'satisfied'",
    "satisfied_late": "{r}compliance_outcome = 'satisfied_late'",
}
COUNTS = [*DECISION_COUNTS, *COMPLIANCE_COUNTS]
# The columns of a case the counts read: an update that changes none of them changes no count.
COUNTED = [
    "authority_id",
    "decision_date",
    "outcome",
    "satisfactory_remedy",
    "public_report",
    "compliance_outcome",
    "compliance_date",
]
FUNCTION = "authority_year_counts_follow_cases"
# SQLite's row triggers: when each fires (the columns an update must name and change), and
# which counts it moves.
DECIDED = ["authority_id", "decision_date", "outcome", "satisfactory_remedy", "public_report"]
RECORDED = ["authority_id", "compliance_outcome", "compliance_date"]
SQLITE_TRIGGERS = {
    "cases_counted_on_insert": ("INSERT", None, [(1, "NEW", DECISION_COUNTS), (1, "NEW", None)]),
    "cases_counted_on_delete": ("DELETE", None, [(-1, "OLD", DECISION_COUNTS), (-1, "OLD", None)]),
    "cases_decision_counted_on_update": (
        "UPDATE",
        DECIDED,
        [(-1, "OLD", DECISION_COUNTS), (1, "NEW", DECISION_COUNTS)],
    ),
    "cases_compliance_counted_on_update": (
        "UPDATE",
        RECORDED,
        [(-1, "OLD", None), (1, "NEW", None)],
    ),
}


def _postgresql_year(day: str) -> str:
    """The start year of the financial year of `day`: 1 April is 1 January, three months on."""
    return f"CAST(EXTRACT(YEAR FROM {day} - INTERVAL '3 months') AS INTEGER)"


def _sqlite_year(day: str) -> str:
    """The same from SQLite's ISO text dates: January to March belong to the year before."""
    return f"(CAST(substr({day}, 1, 4) AS INTEGER) - (substr({day}, 6, 2) < '04'))"


def _counted(changed: str, year, *, add: bool = True) -> str:
    """Add to the counts (or insert them, `add` False) what the cases of `changed` count,
    each row signed by its `sign` column (+1 counted in, -1 counted out): one grouped
    statement; groups whose changes cancel out are left alone."""
    decision = ", ".join(
        f"CASE WHEN {condition.format(r='')} THEN sign ELSE 0 END AS {name}"
        for name, condition in DECISION_COUNTS.items()
    )
    compliance = ", ".join(
        f"CASE WHEN {condition.format(r='')} THEN sign ELSE 0 END"
        for condition in COMPLIANCE_COUNTS.values()
    )
    no_decision = ", ".join("0" for _ in DECISION_COUNTS)
    no_compliance = ", ".join(f"0 AS {name}" for name in COMPLIANCE_COUNTS)
    columns = ", ".join(COUNTS)
    sums = ", ".join(f"sum({name})" for name in COUNTS)
    upsert = (
        " HAVING "
        + " OR ".join(f"sum({name}) <> 0" for name in COUNTS)
        + " ORDER BY year, authority_id"  # rows locked in one order: no deadlock between imports
        + " ON CONFLICT (year, authority_id) DO UPDATE SET "
        + ", ".join(f"{name} = authority_year_counts.{name} + excluded.{name}" for name in COUNTS)
        if add
        else ""
    )
    # Names and conditions from this module, never from input.
    return (
        f"INSERT INTO authority_year_counts (year, authority_id, {columns}) "  # noqa: S608
        f"SELECT year, authority_id, {sums} FROM ("
        f"SELECT {year('decision_date')} AS year, authority_id, {decision}, {no_compliance}"
        f" FROM ({changed}) AS changed"
        " UNION ALL "
        f"SELECT {year('compliance_date')}, authority_id, {no_decision}, {compliance}"
        f" FROM ({changed}) AS changed WHERE compliance_date IS NOT NULL"
        f") AS deltas WHERE true GROUP BY year, authority_id{upsert}"
    )


def _rows(sign: int, source: str) -> str:
    """The counted columns of `source`'s rows, with their sign."""
    return f"SELECT {sign} AS sign, " + ", ".join(f"{source}.{name} AS {name}" for name in COUNTED)


def _sqlite_upsert(sign: int, row: str, counts: dict[str, str] | None) -> str:
    """Add the `row`'s decision counts (`counts` DECISION_COUNTS) or its compliance counts
    (None, if it has a compliance outcome) to its year's, signed: one row, no grouping."""
    counts = counts or COMPLIANCE_COUNTS
    day = "decision_date" if counts is DECISION_COUNTS else "compliance_date"
    values = ", ".join(
        f"CASE WHEN {condition.format(r=row + '.')} THEN {sign} ELSE 0 END"
        for condition in counts.values()
    )
    return (
        f"INSERT INTO authority_year_counts (year, authority_id, {', '.join(counts)})"
        f" SELECT {_sqlite_year(f'{row}.{day}')}, {row}.authority_id, {values}"
        f" WHERE {row}.{day} IS NOT NULL"
        " ON CONFLICT (year, authority_id) DO UPDATE SET "
        + ", ".join(f"{name} = authority_year_counts.{name} + excluded.{name}" for name in counts)
    )


def _create_postgresql_triggers():
    inserted = _rows(1, "new_cases") + " FROM new_cases"
    deleted = _rows(-1, "old_cases") + " FROM old_cases"
    # SQL of this module's own making.
    op.execute(
        f"""
        CREATE FUNCTION {FUNCTION}() RETURNS trigger AS $$
        BEGIN
            IF TG_OP = 'INSERT' THEN
                {_counted(inserted, _postgresql_year)};
            ELSIF TG_OP = 'DELETE' THEN
                {_counted(deleted, _postgresql_year)};
            ELSIF TG_OP = 'UPDATE' THEN
                {_counted(f"{deleted} UNION ALL {inserted}", _postgresql_year)};
            ELSE  -- TRUNCATE
                DELETE FROM authority_year_counts;
            END IF;
            RETURN NULL;
        END;
        $$ LANGUAGE plpgsql
        """  # noqa: S608
    )
    transition = {
        "INSERT": "REFERENCING NEW TABLE AS new_cases",
        "UPDATE": "REFERENCING OLD TABLE AS old_cases NEW TABLE AS new_cases",
        "DELETE": "REFERENCING OLD TABLE AS old_cases",
        "TRUNCATE": "",
    }
    for event, referencing in transition.items():
        op.execute(
            f"CREATE TRIGGER cases_counted_on_{event.lower()} AFTER {event} ON cases "
            f"{referencing} FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()"
        )


def _create_sqlite_triggers():
    for name, (event, columns, upserts) in SQLITE_TRIGGERS.items():
        fires = " ON cases FOR EACH ROW"
        if columns:
            changed = " OR ".join(f"OLD.{column} IS NOT NEW.{column}" for column in columns)
            fires = f" OF {', '.join(columns)}{fires} WHEN {changed}"
        body = "; ".join(_sqlite_upsert(*upsert) for upsert in upserts)
        op.execute(f"CREATE TRIGGER {name} AFTER {event}{fires} BEGIN {body}; END")


def upgrade():
    op.create_table(
        "authority_year_counts",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("authority_id", sa.Integer(), nullable=False),
        *(sa.Column(name, sa.Integer(), server_default="0", nullable=False) for name in COUNTS),
        sa.ForeignKeyConstraint(
            ["authority_id"],
            ["authorities.id"],
            name=op.f("fk_authority_year_counts_authority_id_authorities"),
        ),
        sa.PrimaryKeyConstraint("year", "authority_id", name=op.f("pk_authority_year_counts")),
    )
    postgresql = op.get_bind().dialect.name == "postgresql"
    year = _postgresql_year if postgresql else _sqlite_year
    if postgresql:
        # No case is written from the count of those there are to the triggers that count
        # the next ones (reading them goes on); writers wait for the migration's commit.
        op.execute("LOCK TABLE cases IN SHARE MODE")
    # The counts of the cases there are, before any trigger counts a change to them.
    op.execute(_counted(_rows(1, "cases") + " FROM cases", year, add=False))
    if postgresql:
        _create_postgresql_triggers()
    else:
        _create_sqlite_triggers()


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for event in ("INSERT", "UPDATE", "DELETE", "TRUNCATE"):
            op.execute(f"DROP TRIGGER cases_counted_on_{event.lower()} ON cases")
        op.execute(f"DROP FUNCTION {FUNCTION}()")
    else:
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER {name}")
    op.drop_table("authority_year_counts")
