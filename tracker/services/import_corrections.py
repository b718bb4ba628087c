"""An import's corrections to existing cases, written set-based: a chunk's cases in one
`UPDATE … FROM (VALUES …)` that checks each case's version, their events in one INSERT.
(On PostgreSQL the rows come as one JSON parameter, `jsonb_to_recordset`.)

Each correction is worked out first, without touching the case, as `cases.update_case` and
`cases.correct_compliance` make it one case at a time: the same checks, in the same order,
and the same events (a compliance outcome cleared before the details change, the details,
a compliance outcome set after them).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tracker.deadlines import DeadlineRules
from tracker.models import Case, ComplianceOutcome, Outcome, User
from tracker.plumbing.database import as_json, json_rows, using_postgresql
from tracker.services import audit
from tracker.services.cases import (
    CASE_FIELDS,
    RECOMMENDATIONS_DECIDE_COMPLIANCE,
    CaseInput,
    KnownRecords,
    check_case,
)
from tracker.services.errors import ValidationError

# The columns a correction writes, besides updated_at and version.
WRITTEN = tuple(name for name in CASE_FIELDS if name != "reference")
COMPLIANCE_NOTE = "Corrected from earlier records"


@dataclass
class Correction:
    """One case's correction: its columns as corrected, and the events that say so."""

    case: Case
    version: int  # as the import read it: the UPDATE misses the case if it has moved on
    values: dict[str, Any]
    events: list[dict[str, Any]]


@dataclass
class Corrector:
    """Works out corrections for one import: who acts, when, and the rules to check."""

    session: Session
    known: KnownRecords
    actor: User | None
    now: datetime
    today: date
    rules: DeadlineRules

    def plan(self, case: Case, data: CaseInput, *, version: int) -> Correction | None:
        """The correction `data` makes to `case` (left as it is); None if nothing changes.
        Raises ValidationError where update_case or correct_compliance would."""
        # Compared as they are (enums, dates), as JSON only where they differ: the same
        # answers as audit.snapshot's, without turning 10,000 whole cases into JSON.
        was = {name: getattr(case, name) for name in CASE_FIELDS}
        state, events = dict(was), []
        if not data.compliance_outcome:  # cleared first: the details are checked without it
            self._compliance(case, data, state, events)
        # update_case checks the details against the compliance outcome the case has by
        # then; where that is the row's own, the import's check of the row was the same.
        if (state["compliance_outcome"], state["compliance_date"]) != _asked(data):
            check_case(
                self.session,
                replace(
                    data,
                    compliance_outcome=state["compliance_outcome"],
                    compliance_date=state["compliance_date"],
                ),
                self.today,
                rules=self.rules,
                existing=case,
                known=self.known,
                with_compliance=True,
            )
        before = dict(state)
        state.update(_details(data, self.known))
        if changed := _changes(before, state):
            events.append(self._event(case, "case.updated", *changed, note=""))
        if data.compliance_outcome:  # set after: checked against the corrected decision
            self._compliance(case, data, state, events)
        if state == was:
            return None
        return Correction(case, version, {name: state[name] for name in WRITTEN}, events)

    def _compliance(
        self, case: Case, data: CaseInput, state: dict[str, Any], events: list[dict[str, Any]]
    ) -> None:
        """As correct_compliance: the outcome the row gives, unless recommendations decide it."""
        if (state["compliance_outcome"], state["compliance_date"]) == _asked(data):
            return
        if case.recommendations:
            raise ValidationError({"compliance_outcome": RECOMMENDATIONS_DECIDE_COMPLIANCE})
        before = dict(state)
        outcome = ComplianceOutcome(data.compliance_outcome) if data.compliance_outcome else None
        state["compliance_outcome"] = outcome
        state["compliance_date"] = data.compliance_date if outcome else None
        old, new = _changes(before, state)
        events.append(self._event(case, "case.compliance_corrected", old, new, COMPLIANCE_NOTE))

    def _event(
        self, case: Case, action: str, before: dict[str, Any], after: dict[str, Any], note: str
    ) -> dict[str, Any]:
        return audit.event_values(
            action=action,
            entity=case,
            actor=self.actor,
            now=self.now,
            before=before,
            after=after,
            note=note,
        )


def _asked(data: CaseInput) -> tuple[object, date | None]:
    """The compliance outcome and date the row gives (an outcome's text equals its enum)."""
    return data.compliance_outcome or None, data.compliance_date


def _changes(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict, dict] | None:
    """What changed, before and after, as audit events hold it; None if nothing did."""
    old, new = audit.changes(before, after)
    if not new:
        return None
    return audit.snapshot_values(old), audit.snapshot_values(new)


def _details(data: CaseInput, known: KnownRecords) -> dict[str, Any]:
    """The details as update_case writes them (the row has passed check_case)."""
    authority = known.authority(data.authority)
    assert authority is not None and data.decision_date is not None
    return {
        "authority_id": authority.id,
        "category": " ".join(data.category.split()),
        "subcategory": " ".join((data.subcategory or "").split()),
        "decision_date": data.decision_date,
        "outcome": Outcome(data.outcome),
        "satisfactory_remedy": data.satisfactory_remedy,
        "public_report": data.public_report,
    }


def write(session: Session, corrections: list[Correction], *, now: datetime) -> set[int]:
    """Write the corrections and their events; returns the ids of the cases it missed
    because someone changed them since they were read (nothing put on record then: the
    caller undoes the UPDATE with its SAVEPOINT)."""
    if not corrections:
        return set()
    values: dict[str, Any] = {"corrected_at": now}
    if using_postgresql(session):
        statement = _update_from_json()
        values["corrections"] = as_json(
            [{"id": item.case.id, "version": item.version, **item.values} for item in corrections]
        )
    else:
        statement = _update(len(corrections))
        for row, item in enumerate(corrections):
            values[f"r{row}_id"], values[f"r{row}_version"] = item.case.id, item.version
            values.update((f"r{row}_{name}", item.values[name]) for name in WRITTEN)
    written = set(session.execute(statement, values).scalars())
    if len(written) < len(corrections):  # the row count: some case changed meanwhile
        return {item.case.id for item in corrections} - written
    audit.record_all(session, [event for item in corrections for event in item.events])
    return set()


def _columns() -> list[sa.ColumnClause[Any]]:
    """The listed columns: the case's id and version as read, and what it is corrected to."""
    cases = Case.__table__
    return [
        sa.column("id", sa.Integer()),
        sa.column("version", sa.Integer()),
        *(sa.column(name, cases.c[name].type) for name in WRITTEN),
    ]


def _corrected_from(corrected: sa.FromClause) -> sa.Update:
    """The UPDATE of every case listed in `corrected` whose version is still the one read."""
    cases = Case.__table__
    return (
        sa.update(cases)
        .where(cases.c.id == corrected.c.id, cases.c.version == corrected.c.version)
        .values(
            {
                **{name: corrected.c[name] for name in WRITTEN},
                "updated_at": sa.bindparam("corrected_at", type_=cases.c.updated_at.type),
                "version": cases.c.version + 1,
            }
        )
        .returning(cases.c.id)
    )


@functools.cache
def _update_from_json() -> sa.Update:
    """PostgreSQL: `UPDATE cases … FROM jsonb_to_recordset(…)`, the rows in one parameter."""
    return _corrected_from(json_rows(_columns(), "corrections"))


@functools.lru_cache(maxsize=8)
def _update(rows: int) -> sa.Update:
    """SQLite: `UPDATE cases … FROM (VALUES …)` for so many rows, their values bound by name.

    The VALUES list is text with typed parameters, not `sa.values(…).data(…)`: SQLAlchemy
    cannot cache a VALUES construct holding data, and compiling one of 5,500 parameters
    for every chunk took longer than the UPDATE. One statement object a size is compiled
    once. The list is selected from, its columns named, because SQLite cannot name a
    VALUES subquery's columns (`AS corrected (id, …)`). Each parameter has its type, so
    that PostgreSQL types a column of NULLs alone (no compliance dates) as what it is.
    """
    columns = _columns()
    named = ", ".join(f"column{n} AS {column.name}" for n, column in enumerate(columns, 1))
    tuples = ", ".join(
        "(" + ", ".join(f":r{row}_{column.name}" for column in columns) + ")" for row in range(rows)
    )
    corrected = (
        sa.text(f"SELECT {named} FROM (VALUES {tuples}) AS listed")  # noqa: S608 - no input
        .bindparams(
            *(
                sa.bindparam(f"r{row}_{column.name}", type_=column.type)
                for row in range(rows)
                for column in columns
            )
        )
        .columns(*columns)
        .cte("corrected")
    )
    return _corrected_from(corrected)
