"""An import's corrections to existing cases, written set-based: a chunk's cases in one
`UPDATE … FROM` a list of rows that checks each case's version, their events in one INSERT.
(The rows come as one JSON parameter: `jsonb_to_recordset` on PostgreSQL, `json_each` on
SQLite.)

Each correction is worked out first, without touching the case, as `cases.update_case` and
`cases.correct_compliance` make it one case at a time: the same checks, in the same order,
and the same events (a compliance outcome cleared before the details change, the details,
a compliance outcome set after them).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tracker.deadlines import DeadlineRules
from tracker.models import Case, ComplianceOutcome, Outcome, Recommendation, User
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


class CaseAsRead(NamedTuple):
    """An existing case as an import reads it: the columns it compares and corrects, its
    version, and whether it has recommendations (the rules ask). Read as rows, not as Case
    objects with their recommendations, which for 10,000 cases took longer than writing them."""

    id: int
    version: int  # as read: a write of the case once it has moved on is a conflict
    reference: str
    authority_id: int
    category: str
    subcategory: str
    decision_date: date
    outcome: Outcome
    satisfactory_remedy: bool
    public_report: bool
    compliance_outcome: ComplianceOutcome | None
    compliance_date: date | None
    has_recommendations: bool


def read_cases(session: Session, references: list[str]) -> dict[str, CaseAsRead]:
    """The existing cases among `references`, by reference, in one query: the references
    are one JSON parameter (see json_rows), joined to the cases by their unique key. (500 of
    them a query as an IN list cost PostgreSQL more to plan, and psycopg to bind, than to
    run: some 8 ms a batch, 0.15 s for 10,000 rows.)"""
    if not references:
        return {}
    has_recommendations = (
        sa.select(Recommendation.id).where(Recommendation.case_id == Case.id).exists()
    )
    on_postgresql = using_postgresql(session)
    listed = json_rows(
        [sa.column("reference", sa.String())], "references", postgresql_rows=on_postgresql
    )
    columns = [getattr(Case, name) for name in CaseAsRead._fields[:-1]]
    statement = sa.select(*columns, has_recommendations).join(
        listed, Case.reference == listed.c.reference
    )
    rows = as_json(
        [{"reference": reference} for reference in references], postgresql_rows=on_postgresql
    )
    return {
        row.reference: CaseAsRead._make(row)
        for row in session.execute(statement, {"references": rows})
    }


@dataclass
class Correction:
    """One case's correction: its columns as corrected, and the events that say so."""

    case: CaseAsRead
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

    def plan(self, case: CaseAsRead, data: CaseInput, *, version: int) -> Correction | None:
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
        self,
        case: CaseAsRead,
        data: CaseInput,
        state: dict[str, Any],
        events: list[dict[str, Any]],
    ) -> None:
        """As correct_compliance: the outcome the row gives, unless recommendations decide it."""
        if (state["compliance_outcome"], state["compliance_date"]) == _asked(data):
            return
        if case.has_recommendations:
            raise ValidationError({"compliance_outcome": RECOMMENDATIONS_DECIDE_COMPLIANCE})
        before = dict(state)
        outcome = ComplianceOutcome(data.compliance_outcome) if data.compliance_outcome else None
        state["compliance_outcome"] = outcome
        state["compliance_date"] = data.compliance_date if outcome else None
        old, new = _changes(before, state)
        events.append(self._event(case, "case.compliance_corrected", old, new, COMPLIANCE_NOTE))

    def _event(
        self,
        case: CaseAsRead,
        action: str,
        before: dict[str, Any],
        after: dict[str, Any],
        note: str,
    ) -> dict[str, Any]:
        return audit.case_event_values(
            action=action,
            case_id=case.id,
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
    on_postgresql = using_postgresql(session)
    rows = [{"id": item.case.id, "version": item.version, **item.values} for item in corrections]
    values = {"corrected_at": now, "corrections": as_json(rows, postgresql_rows=on_postgresql)}
    statement = _update_from_json(on_postgresql)
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
def _update_from_json(on_postgresql: bool) -> sa.Update:
    """`UPDATE cases … FROM` the rows of one JSON parameter: PostgreSQL's `jsonb_to_recordset`,
    SQLite's `json_each`. (A VALUES list of 5,500 parameters a chunk cost SQLAlchemy more to
    bind, value by value, than the UPDATE cost the database.)"""
    return _corrected_from(json_rows(_columns(), "corrections", postgresql_rows=on_postgresql))
