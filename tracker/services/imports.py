"""Importing decided cases from earlier years' records (`import_file` reads the CSV).

Each row is checked by the case rules (`services.cases`) and goes in whole or not at all,
in a SAVEPOINT of its own; the caller commits once at the end. A row that matches its case
exactly changes nothing, so importing the same file again changes nothing. Corrections to
existing cases are written set-based (`import_corrections`), a chunk at a time.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from tracker.deadlines import DeadlineRules
from tracker.models import Authority, Case, User, normalise_reference
from tracker.plumbing.database import begin_writing, lock_for_transaction
from tracker.services import audit, import_corrections
from tracker.services.cases import (
    CASE_FIELDS,
    CaseInput,
    KnownRecords,
    add_case,
    check_case,
    correct_compliance,
    record_created,
    update_case,
)
from tracker.services.errors import ConflictError, ValidationError
from tracker.services.import_corrections import CaseAsRead, Correction, Corrector
from tracker.services.import_file import (
    COLUMNS,
    MAX_IMPORT_BYTES,
    OPTIONAL_COLUMNS,
    CsvRow,
    ImportFileError,
    parse_row,
    read_rows,
    reason,
)

__all__ = ["COLUMNS", "MAX_IMPORT_BYTES", "ImportFileError", "ImportResult", "import_cases"]
_CHUNK = 500  # rows a SAVEPOINT
_HAS_OPTIONAL = frozenset(OPTIONAL_COLUMNS)


class _Read(NamedTuple):
    """A row that breaks no rule: its case's reference, the case if it exists, the data."""

    reference: str
    case: CaseAsRead | None
    data: CaseInput


@dataclass
class ImportResult:
    """What an import did: counts, and each rejected row's line number and reasons."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)

    @property
    def summary(self) -> str:
        """`Created 3, updated 1, unchanged 0, rejected 2.`"""
        return (
            f"Created {self.created}, updated {self.updated}, "
            f"unchanged {self.unchanged}, rejected {len(self.rejected)}."
        )


def import_cases(
    session: Session,
    content: bytes,
    *,
    actor: User | None,
    now: datetime,
    today: date,
    rules: DeadlineRules,
) -> ImportResult:
    """Create, correct or leave each case in the CSV `content`; the caller commits.

    Raises ImportFileError, having changed nothing, if the file is not UTF-8 CSV text with
    the right header row. A row that breaks a rule is rejected whole, with its reasons.
    """
    rows = read_rows(content)
    begin_writing(session)
    lock_for_transaction(session, "import cases")  # one import at a time
    return _Import(session, rows, actor=actor, now=now, today=today, rules=rules).run()


class _Import:
    """One run over the rows, with the authorities and the file's cases looked up once.

    Rows go in a chunk at a time, each chunk in one SAVEPOINT: its new cases inserted
    together, its corrections in one UPDATE that checks each case's version as it was read.
    Every rule is checked before a row writes anything, so a chunk rarely fails; when one
    does (a row broke a rule only the database knows, or someone saved one of its cases
    meanwhile), the chunk is undone and imported again a row at a time, each row in a
    SAVEPOINT of its own, where a case saved meanwhile is rejected.
    """

    def __init__(
        self,
        session: Session,
        rows: list[CsvRow],
        *,
        actor: User | None,
        now: datetime,
        today: date,
        rules: DeadlineRules,
    ) -> None:
        self.session, self.rows = session, rows
        self.actor, self.now, self.today, self.rules = actor, now, today, rules
        self.result = ImportResult()
        self.added: list[Case] = []  # the chunk's new cases, to put on record once inserted
        self.corrections: list[Correction] = []  # the chunk's corrections, to write together
        self.first_line: dict[str, int] = {}  # reference → the line it was first on
        self.cases = self._load_cases()
        self.known = KnownRecords(
            authorities={row.code: row for row in session.scalars(sa.select(Authority))},
            case_ids={reference: case.id for reference, case in self.cases.items()},
        )
        # Each case's version as read: a write of a case changed since then is a conflict,
        # even when the case is loaded again to be written alone.
        self.versions = {case.id: case.version for case in self.cases.values()}
        self.corrector = Corrector(session, self.known, actor, now, today, rules)

    def _load_cases(self) -> dict[str, CaseAsRead]:
        references = sorted({ref for row in self.rows if (ref := _reference(row.cells))})
        return import_corrections.read_cases(self.session, references)

    def run(self) -> ImportResult:
        """Import every row; returns the counts and the rejected rows."""
        for start in range(0, len(self.rows), _CHUNK):
            chunk = self.rows[start : start + _CHUNK]
            if not self._chunk(chunk):
                for row in chunk:
                    self._row(row, alone=True)
        return self.result

    def _chunk(self, chunk: list[CsvRow]) -> bool:
        """Import the rows in one SAVEPOINT, the new cases inserted together and then put on
        record together; False, having changed nothing, if a row failed as it was written."""
        result = replace(self.result, rejected=list(self.result.rejected))
        first_line, case_ids = dict(self.first_line), dict(self.known.case_ids)
        self.added.clear()
        self.corrections.clear()
        try:
            with self.session.begin_nested():
                for row in chunk:
                    self._row(row, alone=False)
                self.session.flush()
                if import_corrections.write(self.session, self.corrections, now=self.now):
                    raise ConflictError("a case was saved by someone else meanwhile")
                for case in self.added:
                    record_created(self.session, case, actor=self.actor, now=self.now)
        except (ValidationError, ConflictError, IntegrityError, StaleDataError):
            self.result, self.first_line, self.known.case_ids = result, first_line, case_ids
            return False
        self.known.case_ids.update((case.reference, case.id) for case in self.added)
        return True

    def _row(self, row: CsvRow, *, alone: bool) -> None:
        """Import one row and count it. Alone, in its own SAVEPOINT, a row that fails is
        rejected; otherwise the failure is raised, for the chunk to be undone."""
        read = self._read(row)
        if isinstance(read, str):
            self.result.rejected.append((row.line, read))
            return
        reference, case, data = read
        if case is not None and self._matches(case, data):
            self.result.unchanged += 1
            return
        if case is not None and not alone and not self._redates(case, data):
            self._plan(row, case, data)
            return
        if alone:
            try:
                with self.session.begin_nested():
                    changed = self._save(case, data, alone=True)
            except ValidationError as error:
                self.result.rejected.append((row.line, reason(error.fields)))
                return
            except (ConflictError, IntegrityError, StaleDataError):  # saved meanwhile
                message = f"{reference} was saved by someone else: import the file again"
                self.result.rejected.append((row.line, reason({"reference": message})))
                return
        else:
            changed = self._save(case, data, alone=False)
        if not changed:
            self.result.unchanged += 1
        elif case is None:
            self.result.created += 1
        else:
            self.result.updated += 1

    def _redates(self, case: CaseAsRead, data: CaseInput) -> bool:
        """Whether the correction moves the deadlines of the case's recommendations: that
        is written through the case rules, a row at a time (rare: imports add none)."""
        return case.has_recommendations and case.decision_date != data.decision_date

    def _plan(self, row: CsvRow, case: CaseAsRead, data: CaseInput) -> None:
        """Work out a correction, to be written with the chunk's others, and count it."""
        try:
            correction = self.corrector.plan(case, data, version=self.versions[case.id])
        except ValidationError as error:
            self.result.rejected.append((row.line, reason(error.fields)))
            return
        if correction is None:
            self.result.unchanged += 1
            return
        self.corrections.append(correction)
        self.result.updated += 1

    def _read(self, row: CsvRow) -> _Read | str:
        """What the row says, or why it cannot be imported: found before anything is written."""
        if row.problem:
            return row.problem
        reference = _reference(row.cells)
        if reference is not None:
            if reference in self.first_line:
                first = self.first_line[reference]
                return reason({"reference": f"{reference} is already on line {first}"})
            self.first_line[reference] = row.line
        case = self.cases.get(reference) if reference else None
        cells = row.cells
        if not cells.keys() >= _HAS_OPTIONAL:  # a header without them: as the case holds them
            cells = {**_optional_cells(case), **cells}
        data, problems = parse_row(cells)
        # Every rule at once, the reading's words first (a date that is not a date).
        rules = self._rule_problems(data, case)
        if rules or problems:
            return reason({**rules, **problems})
        assert reference is not None  # a row without one breaks a rule
        return _Read(reference, case, data)

    def _save(self, read: CaseAsRead | None, data: CaseInput, *, alone: bool) -> bool:
        """Create the case, or correct it; returns whether anything changed. Alone, the
        change is written and put on record now; otherwise with the chunk's."""
        session, actor, now, today = self.session, self.actor, self.now, self.today
        if read is None:
            created = add_case(
                session, data, actor=actor, now=now, today=today, rules=self.rules, known=self.known
            )
            if alone:
                record_created(session, created, actor=actor, now=now)
                self.known.case_ids[created.reference] = created.id
            else:
                self.added.append(created)
            return True
        case = session.get(Case, read.id)  # the case rules write through the ORM
        if case is None:  # deleted since it was read
            raise ConflictError("the case was deleted meanwhile")
        before, touched = audit.snapshot(case, CASE_FIELDS), case.updated_at
        # A compliance outcome is cleared before the details change (to not upheld, say)
        # and set after them, so that it is checked against the corrected decision.
        if not data.compliance_outcome:
            self._correct_compliance(case, data, alone=alone)
        update_case(
            session,
            case,
            data,
            expected_version=self.versions[case.id],
            actor=actor,
            now=now,
            today=today,
            rules=self.rules,
            known=self.known,
            batched=not alone,
        )
        if data.compliance_outcome:
            self._correct_compliance(case, data, alone=alone)
        if audit.snapshot(case, CASE_FIELDS) == before:
            case.updated_at = touched  # written differently, the same: nothing to update
            return False
        return True

    def _correct_compliance(self, case: Case, data: CaseInput, *, alone: bool) -> None:
        correct_compliance(
            self.session,
            case,
            data.compliance_outcome,
            data.compliance_date,
            actor=self.actor,
            now=self.now,
            today=self.today,
            batched=not alone,
        )

    def _rule_problems(self, data: CaseInput, case: CaseAsRead | None) -> dict[str, str]:
        """What the case rules say about the row; saves nothing."""
        try:
            check_case(
                self.session,
                data,
                self.today,
                rules=self.rules,
                existing=case,
                known=self.known,
                with_compliance=True,
            )
        except ValidationError as error:
            return error.fields
        return {}

    def _matches(self, case: CaseAsRead, data: CaseInput) -> bool:
        """Whether the row holds exactly what the case holds, as written. No rule is needed:
        a row written differently goes to update_case, and only counts if something changed."""
        authority = self.known.authority(data.authority)
        compliance = case.compliance_outcome.value if case.compliance_outcome else None
        return (
            authority is not None
            and case.authority_id == authority.id
            and case.category == data.category
            and case.subcategory == data.subcategory
            and case.decision_date == data.decision_date
            and case.outcome.value == data.outcome
            and case.satisfactory_remedy == data.satisfactory_remedy
            and case.public_report == data.public_report
            and compliance == data.compliance_outcome
            and case.compliance_date == data.compliance_date
        )


def _optional_cells(case: CaseAsRead | None) -> dict[str, str]:
    """The optional columns as the case holds them (empty for a new case): what a file that
    leaves them out of its header says about them."""
    if case is None:
        return dict.fromkeys(OPTIONAL_COLUMNS, "")
    return {
        "public_report": "true" if case.public_report else "false",
        "compliance_outcome": case.compliance_outcome.value if case.compliance_outcome else "",
        "compliance_date": case.compliance_date.isoformat() if case.compliance_date else "",
    }


def _reference(cells: dict[str, str]) -> str | None:
    """The row's reference as the Ombudsman writes it; None if it is not one."""
    try:
        return normalise_reference(cells.get("reference") or "")
    except ValueError:
        return None
