"""Each recommendation keeps its case's council, so one council's lists read one index

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 04:00:00.000000

An officer's lists (and every list filtered by council) found the council's recommendations
through their cases: the count visited every open recommendation of the council, the page
walked the national due index filtering by council. `recommendations.authority_id` is the
case's council, filled in here, and indexes in the due list's order per council (over open
work, and over every recommendation for the API's list) and in the review queue's give those
lists their rows directly.

The copy can never differ from the case: a foreign key from (case_id, authority_id) to the
case's (id, authority_id) refuses any other pair, on both databases, and carries a case's move
to another council over to its recommendations (ON UPDATE CASCADE).

SQLite cannot add a table constraint to a table, so it gets a new table. Not by Alembic's batch
copy: with foreign keys on (the application's connections turn them on), dropping the old table
from under its evidence and deadline parts is refused, and renaming it would point them at the
old one. Here the rows are copied aside, the table is dropped and made again under its own name
with foreign keys checked at the end of the transaction (`defer_foreign_keys`), and its
indexes are made again from their own SQL (Alembic's reflection skips expression indexes).

"""

import re

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

# Repeated from the model on purpose: a migration stays what it was when the model moves on.
OPEN_PREDICATE = "status IN ('open', 'evidence_submitted', 'changes_requested')"
AWAITING_REVIEW_PREDICATE = "status = 'evidence_submitted'"
FOREIGN_KEY = "fk_recommendations_case_id_authority_id_cases"
# Put into the SQLite table's definition, after its last column and after its last
# constraint (and taken out again on the way down).
SQLITE_COLUMN = ", authority_id INTEGER NOT NULL"
SQLITE_CONSTRAINT = (
    f", CONSTRAINT {FOREIGN_KEY} FOREIGN KEY(case_id, authority_id)"
    " REFERENCES cases (id, authority_id) ON UPDATE CASCADE"
)


def upgrade():
    op.create_index("uq_cases_id_authority_id", "cases", ["id", "authority_id"], unique=True)
    if op.get_bind().dialect.name == "sqlite":
        _rebuild_sqlite_table(_with_authority, True)
    else:
        op.add_column("recommendations", sa.Column("authority_id", sa.Integer(), nullable=True))
        op.execute(
            "UPDATE recommendations SET authority_id = cases.authority_id"
            " FROM cases WHERE cases.id = recommendations.case_id"
        )
        op.alter_column("recommendations", "authority_id", nullable=False)
        op.create_foreign_key(
            FOREIGN_KEY,
            "recommendations",
            "cases",
            ["case_id", "authority_id"],
            ["id", "authority_id"],
            onupdate="CASCADE",
        )
    op.create_index(
        "ix_recommendations_authority_open_due",
        "recommendations",
        ["authority_id", sa.text("(due_date IS NULL)"), "due_date", "id"],
        postgresql_where=sa.text(OPEN_PREDICATE),
        sqlite_where=sa.text(OPEN_PREDICATE),
    )
    op.create_index(
        "ix_recommendations_authority_due",
        "recommendations",
        ["authority_id", sa.text("(due_date IS NULL)"), "due_date", "id", "status"],
    )
    op.create_index(
        "ix_recommendations_authority_review_queue",
        "recommendations",
        ["authority_id", "evidence_submitted_at", "id"],
        postgresql_where=sa.text(AWAITING_REVIEW_PREDICATE),
        sqlite_where=sa.text(AWAITING_REVIEW_PREDICATE),
    )


def downgrade():
    op.drop_index("ix_recommendations_authority_review_queue", table_name="recommendations")
    op.drop_index("ix_recommendations_authority_due", table_name="recommendations")
    op.drop_index("ix_recommendations_authority_open_due", table_name="recommendations")
    if op.get_bind().dialect.name == "sqlite":
        _rebuild_sqlite_table(_without_authority, False)
    else:
        op.drop_constraint(FOREIGN_KEY, "recommendations", type_="foreignkey")
        op.drop_column("recommendations", "authority_id")
    op.drop_index("uq_cases_id_authority_id", table_name="cases")


def _with_authority(table_sql: str) -> str:
    """The table's CREATE TABLE with the column and the foreign key put in."""
    constraints = re.search(r",\s*CONSTRAINT ", table_sql).start()
    end = table_sql.rindex(")")
    return (
        table_sql[:constraints]
        + SQLITE_COLUMN
        + table_sql[constraints:end]
        + SQLITE_CONSTRAINT
        + table_sql[end:]
    )


def _without_authority(table_sql: str) -> str:
    """The table's CREATE TABLE as it was before `_with_authority`."""
    return table_sql.replace(SQLITE_COLUMN, "", 1).replace(SQLITE_CONSTRAINT, "", 1)


def _rebuild_sqlite_table(new_definition, adding: bool):
    """Make `recommendations` again from `new_definition(its CREATE TABLE)`, keeping its rows
    (with their case's council when `adding`) and its indexes."""
    bind = op.get_bind()
    table_sql, indexes = _definitions(bind)
    columns = [row[1] for row in bind.execute(sa.text("PRAGMA table_info(recommendations)"))]
    kept = ", ".join(name for name in columns if name != "authority_id")
    # One transaction whose foreign keys are checked at its end, by when every row that the
    # evidence, deadline parts and notices refer to is back under the same name.
    op.execute("SAVEPOINT rebuild_recommendations")
    op.execute("PRAGMA defer_foreign_keys = ON")
    op.execute("CREATE TABLE _recommendations_old AS SELECT * FROM recommendations")
    op.execute("DROP TABLE recommendations")
    op.execute(new_definition(table_sql))
    if adding:
        listed = ", ".join(f"old.{name}" for name in kept.split(", "))
        op.execute(
            f"INSERT INTO recommendations ({kept}, authority_id)"  # noqa: S608
            f" SELECT {listed}, cases.authority_id FROM _recommendations_old AS old"
            " JOIN cases ON cases.id = old.case_id"
        )
    else:
        op.execute(f"INSERT INTO recommendations ({kept}) SELECT {kept} FROM _recommendations_old")  # noqa: S608
    op.execute("DROP TABLE _recommendations_old")
    for index_sql in indexes:
        op.execute(index_sql)
    op.execute("RELEASE rebuild_recommendations")


def _definitions(bind) -> tuple[str, list[str]]:
    """The CREATE TABLE of `recommendations` and the CREATE INDEX of each of its indexes
    (the automatic ones of its UNIQUE constraints have no SQL: the table makes them)."""
    rows = bind.execute(
        sa.text(
            "SELECT type, sql FROM sqlite_master"
            " WHERE tbl_name = 'recommendations' AND sql IS NOT NULL"
        )
    ).all()
    kinds = {kind for kind, _ in rows}
    if kinds - {"table", "index"}:
        raise RuntimeError(f"recommendations has {kinds}: this migration would lose them")
    (table_sql,) = [sql for kind, sql in rows if kind == "table"]
    return table_sql, [sql for kind, sql in rows if kind == "index"]
