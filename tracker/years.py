"""Financial years, 1 April to 31 March, written as the Ombudsman writes them: `2024-25`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_LABEL = re.compile(r"^(\d{4})-(\d{2})$")


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
        """Read `2024-25`; raises ValueError for anything else."""
        match = _LABEL.match((label or "").strip())
        if not match or (int(match[1]) + 1) % 100 != int(match[2]):
            raise ValueError("Enter a financial year like 2024-25")
        return cls(int(match[1]))

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
