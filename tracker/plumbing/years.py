"""Financial years, 1 April to 31 March, written as the Ombudsman writes them: `2024-25`.

The years the service knows run from 1973-74, the year of the earliest decision date it takes
(1 January 1974: the Local Government Ombudsman began work in 1974), to 2999-00: far enough
ahead never to bite, and far from Python's last date (31 December 9999), so that working out a
year's days and the years around it never fails. Anything outside is refused like a typo."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_LABEL = re.compile(r"^(\d{4})-(\d{2})$")
FIRST_START_YEAR = 1973
LAST_START_YEAR = 2999


@dataclass(frozen=True, order=True)
class FinancialYear:
    """The year that starts on 1 April of `start_year`."""

    start_year: int

    @classmethod
    def of(cls, day: date) -> FinancialYear:
        """The financial year `day` falls in."""
        return cls(day.year if day.month >= 4 else day.year - 1)

    @classmethod
    def parse(cls, label: str) -> FinancialYear:
        """Read `2024-25`; raises ValueError for anything else, or a year out of range."""
        match = _LABEL.match((label or "").strip())
        if not match or (int(match[1]) + 1) % 100 != int(match[2]):
            raise ValueError("Enter a financial year like 2024-25")
        year = cls(int(match[1]))
        if not FIRST <= year <= LAST:
            raise ValueError(f"Enter a financial year from {FIRST} to {LAST}")
        return year

    @classmethod
    def latest_complete(cls, today: date) -> FinancialYear:
        """The last financial year that has ended by `today`."""
        return cls(cls.of(today).start_year - 1)

    @property
    def first_day(self) -> date:
        """1 April."""
        return date(self.start_year, 4, 1)

    @property
    def last_day(self) -> date:
        """31 March of the following calendar year."""
        return date(self.start_year + 1, 3, 31)

    @property
    def label(self) -> str:
        """`2024-25`."""
        return f"{self.start_year}-{(self.start_year + 1) % 100:02d}"

    def __str__(self) -> str:
        return self.label


FIRST = FinancialYear(FIRST_START_YEAR)
LAST = FinancialYear(LAST_START_YEAR)


def _label_pattern() -> str:
    """The labels `parse` accepts as one regular expression, the same in ECMA-262 (OpenAPI's)
    and Python: the century, then the first year's last two digits and the next year's."""
    pairs = [f"{n:02d}-{(n + 1) % 100:02d}" for n in range(100)]
    first_century, first_pairs = divmod(FIRST_START_YEAR, 100)
    last_century, last_pairs = divmod(LAST_START_YEAR, 100)
    later = "|".join(str(century) for century in range(first_century + 1, last_century))
    return (
        f"^(?:{first_century}(?:{'|'.join(pairs[first_pairs:])})"
        f"|(?:{later})(?:{'|'.join(pairs)})"
        f"|{last_century}(?:{'|'.join(pairs[: last_pairs + 1])}))$"
    )


PATTERN = _label_pattern()
