"""Cases shaped like the published figures, for the statistics, letter and public-page tests."""

from __future__ import annotations

from datetime import timedelta

from tests.helpers import Builders
from tracker.plumbing.years import FinancialYear

Y2024 = FinancialYear(2024)
Y2020 = FinancialYear(2020)


def decided(
    build: Builders,
    code: str,
    year: FinancialYear,
    *,
    not_for_us: int = 0,
    assessed_and_closed: int = 0,
    upheld: int = 0,
    not_upheld: int = 0,
    satisfactory_remedies: int = 0,
    satisfied: int = 0,
    satisfied_late: int = 0,
    not_satisfied: int = 0,
) -> None:
    """Cases decided in `year`, spread over its first months; compliance outcomes recorded
    (in the same year) on upheld cases without a satisfactory remedy."""
    start = year.first_day
    outcomes = (
        ["not_for_us"] * not_for_us
        + ["assessed_and_closed"] * assessed_and_closed
        + ["not_upheld"] * not_upheld
    )
    for index, outcome in enumerate(outcomes):
        build.case(code, outcome=outcome, decided=start + timedelta(days=index % 200))
    compliance = (["satisfied"] * satisfied + ["satisfied_late"] * satisfied_late) + [
        "not_satisfied"
    ] * not_satisfied
    for index in range(upheld):
        when = start + timedelta(days=index % 200)
        remedied = index < satisfactory_remedies
        outcome_index = index - satisfactory_remedies
        extra = {}
        if not remedied and outcome_index < len(compliance):
            extra = {
                "compliance_outcome": compliance[outcome_index],
                "compliance_date": when + timedelta(days=60),
            }
        build.case(code, decided=when, satisfactory_remedy=remedied, **extra)


def leicestershire_2024_25(build: Builders) -> None:
    """Leicestershire County Council and its 2024-25 as published: 122 complaints dealt with,
    46 not for us, 36 assessed and closed, 40 investigated, 33 upheld, 10 satisfactory
    remedies, 23 compliance outcomes, all satisfied."""
    build.authority("LEICS", name="Leicestershire County Council", population=734_000)
    decided(
        build,
        "LEICS",
        Y2024,
        not_for_us=46,
        assessed_and_closed=36,
        upheld=33,
        not_upheld=7,
        satisfactory_remedies=10,
        satisfied=23,
    )


def county_neighbours_2024_25(build: Builders) -> None:
    """Two more county councils whose 2024-25 brings the county averages, with Leicestershire's,
    to those published: 89% upheld, 10% satisfactory remedies, 5.3 upheld per 100,000
    residents, 100% compliance."""
    build.authority("CTYB", name="B County Council", population=200_000)
    build.authority("CTYC", name="C County Council", population=444_444)
    decided(build, "CTYB", Y2024, upheld=12, not_upheld=1, satisfied=2)
    decided(build, "CTYC", Y2024, upheld=24, not_upheld=2, satisfied=5)
