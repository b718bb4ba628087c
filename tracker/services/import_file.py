"""Reading an import file: UTF-8 CSV text whose header row names the API's case fields.

Only the reading is here: what a cell says (a date, true or false, nothing). Whether the
case it describes may be recorded is for the case rules (`services.cases`).
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from typing import NamedTuple

from tracker.services.cases import CaseInput
from tracker.services.errors import DomainError

# The API's fields for POST /api/v1/cases, without `recommendations`: the import contract.
# The optional ones may be left out of the header: a new case is then recorded without them,
# and an existing case keeps what it has.
REQUIRED_COLUMNS = (
    "reference",
    "authority",
    "category",
    "subcategory",
    "decision_date",
    "outcome",
    "satisfactory_remedy",
)
OPTIONAL_COLUMNS = ("public_report", "compliance_outcome", "compliance_date")
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
MAX_IMPORT_BYTES = 20_000_000  # some 200,000 rows: a whole year of every council's cases
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class ImportFileError(DomainError):
    """The file cannot be imported at all: not UTF-8 CSV text, or not the right header row."""


class CsvRow(NamedTuple):
    """One row of the file: its line number (the header is line 1) and its cells by column,
    or what makes it unreadable (the wrong number of cells)."""

    line: int
    cells: dict[str, str]
    problem: str | None = None


def read_rows(content: bytes) -> list[CsvRow]:
    """Every row of the file that is not blank; ImportFileError if the file is not UTF-8
    CSV text (with or without a byte order mark) with the right header row, or too large."""
    if len(content) > MAX_IMPORT_BYTES:
        megabytes = MAX_IMPORT_BYTES // 1_000_000
        raise ImportFileError(f"The file is larger than {megabytes} MB: split it into several")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFileError(
            "The file must be UTF-8 text: save it from your spreadsheet as CSV UTF-8"
        ) from error
    if "\x00" in text:
        raise ImportFileError("The file must be CSV text: it contains NUL characters")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        names = _check_header(next(reader, None))
        rows, line = [], reader.line_num
        for cells in reader:
            start, line = line + 1, reader.line_num  # a quoted cell may span lines
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) == len(names):
                rows.append(CsvRow(start, dict(zip(names, cells, strict=True))))
            else:
                problem = f"The row has {len(cells)} cells; the header row has {len(names)}"
                rows.append(CsvRow(start, {}, problem))
    except csv.Error as error:
        raise ImportFileError(f"Line {reader.line_num} is not valid CSV: {error}") from error
    return rows


def _check_header(header: list[str] | None) -> list[str]:
    expected = f"{', '.join(REQUIRED_COLUMNS)} (and optionally {', '.join(OPTIONAL_COLUMNS)})"
    if not header:
        raise ImportFileError(f"The file is empty: its first row must name the columns {expected}")
    names = [name.strip() for name in header]
    missing = [column for column in REQUIRED_COLUMNS if column not in names]
    unknown = [name or "(a column with no name)" for name in names if name not in COLUMNS]
    repeated = sorted({name for name in names if name in COLUMNS and names.count(name) > 1})
    problems = [
        f"{what}: {', '.join(found)}"
        for what, found in (("missing", missing), ("not recognised", unknown), ("twice", repeated))
        if found
    ]
    if problems:
        raise ImportFileError(
            f"The first row must name the columns {expected}, in any order ({'; '.join(problems)})"
        )
    return names


def parse_row(cells: dict[str, str]) -> tuple[CaseInput, dict[str, str]]:
    """The case a row describes, and by field what could not be read (a date, true/false).

    An empty cell is an absent value: no date, false, no compliance outcome.
    """
    problems: dict[str, str] = {}

    def day(name: str, label: str) -> date | None:
        text = cells[name].strip()
        if not text:
            return None
        if _ISO_DATE.match(text):
            try:
                return date.fromisoformat(text)
            except ValueError:
                pass
        problems[name] = f"{label} must be a real date written YYYY-MM-DD, like 2024-06-03"
        return None

    def flag(name: str, label: str) -> bool:
        text = cells[name].strip()
        if text not in ("", "true", "false"):
            problems[name] = f"{label} must be true or false (or left empty for false)"
        return text == "true"

    data = CaseInput(
        reference=cells["reference"],
        authority=cells["authority"],
        category=cells["category"],
        subcategory=cells["subcategory"],
        decision_date=day("decision_date", "Decision date"),
        outcome=cells["outcome"].strip(),
        satisfactory_remedy=flag("satisfactory_remedy", "Satisfactory remedy"),
        public_report=flag("public_report", "Public report"),
        compliance_outcome=cells["compliance_outcome"].strip() or None,
        compliance_date=day("compliance_date", "Compliance date"),
    )
    return data, problems


def reason(problems: dict[str, str]) -> str:
    """`decision_date: Decision date must be …; outcome: Choose the outcome`, in column order."""
    order = {name: position for position, name in enumerate(COLUMNS)}
    named = sorted(problems.items(), key=lambda item: order.get(item[0], len(order)))
    return "; ".join(f"{name}: {message}" for name, message in named)
