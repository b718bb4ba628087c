"""The all-authorities table: its columns, sorting, and the same rows as CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from tracker.services.statistics import RATES, AuthorityFigures


@dataclass(frozen=True)
class Column:
    """A column of the table: its key in addresses, heading and value."""

    key: str
    heading: str
    value: Callable[[AuthorityFigures], str | int | Decimal | None]
    numeric: bool = True
    unit: str = ""


def _rate(name: str) -> Callable[[AuthorityFigures], Decimal | None]:
    return lambda figures: figures.rates[name]


def _count(name: str) -> Callable[[AuthorityFigures], int]:
    return lambda figures: getattr(figures.counts, name)


COLUMNS = (
    Column("name", "Authority", lambda f: f.authority.name, numeric=False),
    Column("type", "Type", lambda f: f.authority.type.label, numeric=False),
    Column("dealt_with", "Complaints dealt with", _count("complaints_dealt_with")),
    Column("investigated", "Investigated", _count("investigated")),
    Column("upheld", "Upheld", _count("upheld")),
    *(Column(rate.name, rate.label, _rate(rate.name), unit=rate.unit) for rate in RATES),
)
COLUMNS_BY_KEY = {column.key: column for column in COLUMNS}


def sort_rows(
    rows: Sequence[AuthorityFigures], key: str, descending: bool
) -> list[AuthorityFigures]:
    """Rows ordered by a column; "no data" always last, then by name."""
    column = COLUMNS_BY_KEY.get(key, COLUMNS[0])
    known = [row for row in rows if column.value(row) is not None]
    unknown = [row for row in rows if column.value(row) is None]
    known.sort(key=lambda row: row.authority.name)
    known.sort(key=lambda row: column.value(row), reverse=descending)  # type: ignore[arg-type, return-value]
    return known + sorted(unknown, key=lambda row: row.authority.name)


def cells(row: AuthorityFigures) -> list[tuple[str, bool]]:
    """The row's cells after the authority's name as the table shows them: each text
    ("No data" where there is none) and whether it is a number."""
    shown = []
    for column in COLUMNS[1:]:
        value = column.value(row)
        shown.append(("No data" if value is None else f"{value}{column.unit}", column.numeric))
    return shown


def as_csv(rows: Sequence[AuthorityFigures]) -> str:
    """The rows as CSV, with each rate's similar-authority average beside it."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(
        ["code", "authority", "type", "population", "year"]
        + ["complaints_dealt_with", "not_for_us", "assessed_and_closed", "investigated"]
        + ["upheld", "satisfactory_remedies", "compliance_outcomes"]
        + [f"{rate.name}{suffix}" for rate in RATES for suffix in ("", "_average")]
    )
    for row in rows:
        counts = row.counts
        writer.writerow(
            [_cell(row.authority.code), _cell(row.authority.name), row.authority.type.value]
            + [row.authority.population, row.year.label]
            + [counts.complaints_dealt_with, counts.not_for_us, counts.assessed_and_closed]
            + [counts.investigated, counts.upheld, counts.satisfactory_remedies]
            + [counts.compliance_outcomes]
            + [
                _number(value)
                for rate in RATES
                for value in (row.rates[rate.name], row.averages[rate.name])
            ]
        )
    return buffer.getvalue()


def _number(value: Decimal | None) -> str:
    return "" if value is None else str(value)


def _cell(text: str) -> str:
    """Text a spreadsheet would run as a formula is quoted (CSV injection)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
