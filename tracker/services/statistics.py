"""The statistics the Ombudsman publishes for each council and year: the only home of their
formulas (domain.md, "Statistics").

Per authority and financial year: complaints dealt with, not for us, assessed and closed,
investigated, upheld and the uphold rate, satisfactory remedies and their rate, public
reports, compliance
outcomes with the compliance and on-time rates, and upheld decisions per 100,000 residents;
each rate beside the average of the authorities of the same type that have a non-zero
denominator that year, averaged over unrounded figures and rounded once. Cases count in the
year of their decision; compliance outcomes in the year they were recorded. Percentages are
whole numbers rounded half up, per-100,000 figures one decimal place; a zero denominator is
"no data" (None), never 0%.

The counting is done as cases are written: the database keeps each authority's counts per
year (AuthorityYearCounts, kept by triggers on cases); a page reads those of the years and
authorities it shows in one query. Python only divides, per authority.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tracker.models import Authority, AuthorityType, AuthorityYearCounts, Case
from tracker.models.year_counts import COUNTS
from tracker.plumbing.years import FinancialYear


@dataclass(frozen=True)
class Counts:
    """What was decided about one authority in one year, and the compliance it recorded."""

    complaints_dealt_with: int = 0
    not_for_us: int = 0
    assessed_and_closed: int = 0
    upheld: int = 0
    not_upheld: int = 0
    satisfactory_remedies: int = 0
    public_reports: int = 0
    compliance_outcomes: int = 0
    satisfied: int = 0
    satisfied_late: int = 0

    @property
    def investigated(self) -> int:
        """Upheld and not upheld: the complaints investigated."""
        return self.upheld + self.not_upheld

    @property
    def complied(self) -> int:
        """Compliance outcomes where the council did what was recommended, late or not."""
        return self.satisfied + self.satisfied_late


@dataclass(frozen=True)
class Rate:
    """How a published figure is worked out: numerator / denominator, scaled and rounded."""

    name: str
    label: str
    scale: int  # 100 for a percentage, 100,000 for per 100,000 residents
    places: int

    def terms(self, counts: Counts, population: int) -> tuple[int, int]:
        """The numerator and denominator, unscaled."""
        return _TERMS[self.name](counts, population)

    def figure(self, counts: Counts, population: int) -> Decimal | None:
        """The published figure, or None when the denominator is zero (no data): rounded
        once, exactly, from the whole numbers."""
        numerator, denominator = self.terms(counts, population)
        if denominator == 0:
            return None
        return _rounded(numerator * self.scale, denominator, self.places)

    def mean(self, terms: Iterable[tuple[int, int]]) -> Fraction | None:
        """The unrounded mean of the figures of several authorities, over those that have
        one (a non-zero denominator): exact, summed over one common denominator."""
        known = [(numerator, denominator) for numerator, denominator in terms if denominator]
        if not known:
            return None
        common = math.lcm(*(denominator for _, denominator in known))
        total = sum(numerator * (common // denominator) for numerator, denominator in known)
        return Fraction(total * self.scale, common * len(known))

    def published(self, value: Fraction | None) -> Decimal | None:
        """Rounded half up to the published places."""
        return None if value is None else round_half_up(value, self.places)

    @property
    def unit(self) -> str:
        """What follows the figure in a table cell: `%`, or nothing for per 100,000."""
        return "%" if self.scale == 100 else ""

    @property
    def unit_in_words(self) -> str:
        """What follows the figure in a sentence or a chart: `%` or ` per 100,000`."""
        return "%" if self.scale == 100 else f" per {self.scale:,}"


# The published rates, in the order pages, CSV and charts show them: their one definition.
RATES = (
    Rate("uphold_rate", "Uphold rate", 100, 0),
    Rate("satisfactory_remedy_rate", "Satisfactory remedy rate", 100, 0),
    Rate("compliance_rate", "Compliance rate", 100, 0),
    Rate("on_time_rate", "On-time rate", 100, 0),
    Rate("upheld_per_100k", "Upheld decisions per 100,000 residents", 100_000, 1),
)
RATES_BY_NAME = {rate.name: rate for rate in RATES}


# The numerator and denominator of each rate, as domain.md defines them.
_TERMS: dict[str, Callable[[Counts, int], tuple[int, int]]] = {
    "uphold_rate": lambda counts, _: (counts.upheld, counts.investigated),
    "satisfactory_remedy_rate": lambda counts, _: (counts.satisfactory_remedies, counts.upheld),
    "compliance_rate": lambda counts, _: (counts.complied, counts.compliance_outcomes),
    "on_time_rate": lambda counts, _: (counts.satisfied, counts.compliance_outcomes),
    "upheld_per_100k": lambda counts, population: (counts.upheld, population),
}


def round_half_up(value: Fraction, places: int) -> Decimal:
    """`value` rounded half up (82.5 → 83, 7.69 → 8; 4.45 → 4.5), exactly."""
    return _rounded(value.numerator, value.denominator, places)


def _rounded(numerator: int, denominator: int, places: int) -> Decimal:
    """numerator / denominator (denominator above 0) rounded half up to `places`, exactly."""
    scaled = numerator * 10**places
    return Decimal((scaled * 2 + denominator) // (denominator * 2)).scaleb(-places)


@dataclass(frozen=True)
class AuthorityFigures:
    """One authority's published figures for one year, with its type's averages."""

    authority: Authority
    year: FinancialYear
    counts: Counts
    rates: dict[str, Decimal | None]
    averages: dict[str, Decimal | None]


def year_figures(
    session: Session, year: FinancialYear, *, authority_type: AuthorityType | None = None
) -> list[AuthorityFigures]:
    """Every authority's figures for `year` (or those of one type), by name: one query."""
    # Every authority of the types shown is here: they are their own similar authorities.
    where = [] if authority_type is None else [Authority.type == authority_type]
    authorities, counts = _with_counts(session, where, [year])
    return _figures(year, counts.get(year, {}), authorities, authorities)


def authority_figures(
    session: Session, authority: Authority, year: FinancialYear
) -> AuthorityFigures:
    """One authority's figures for `year` against the averages of its type."""
    [figures] = trend(session, authority, [year])
    return figures


def trend(
    session: Session, authority: Authority, years: Iterable[FinancialYear]
) -> list[AuthorityFigures]:
    """The authority's figures for each of `years`, oldest first, against the averages of its
    type: one query however many years and peers (the peers with their counts)."""
    chosen = sorted(set(years))
    peers, counts = _with_counts(session, [Authority.type == authority.type], chosen)
    return [_figures(year, counts.get(year, {}), [authority], peers)[0] for year in chosen]


def years_with_data(session: Session, authority: Authority | None = None) -> list[FinancialYear]:
    """The financial years with a decision or a compliance outcome, newest first.

    One query of four bounds, each read off the end of an index (no scan of the cases)."""
    mine = [Case.authority_id == authority.id] if authority else []
    recorded = [Case.compliance_date.is_not(None), *mine]
    bounds = [
        sa.select(bound(day)).where(*where).scalar_subquery()
        for day, where in ((Case.decision_date, mine), (Case.compliance_date, recorded))
        for bound in (sa.func.min, sa.func.max)
    ]
    days = [day for day in session.execute(sa.select(*bounds)).one() if day is not None]
    if not days:
        return []
    first, last = FinancialYear.of(min(days)), FinancialYear.of(max(days))
    return [FinancialYear(start) for start in range(last.start_year, first.start_year - 1, -1)]


def _figures(
    year: FinancialYear,
    counts: dict[int, Counts],
    authorities: list[Authority],
    peers: list[Authority],
) -> list[AuthorityFigures]:
    """Figures for `authorities` from `year`'s counts, with averages over `peers` (which
    include them)."""
    none = Counts()
    averages: dict[AuthorityType, dict[str, Decimal | None]] = {}
    for kind in {authority.type for authority in authorities}:
        of_kind = [
            (counts.get(peer.id, none), peer.population) for peer in peers if peer.type is kind
        ]
        averages[kind] = {
            rate.name: rate.published(rate.mean(rate.terms(*peer) for peer in of_kind))
            for rate in RATES
        }
    shown = [(authority, counts.get(authority.id, none)) for authority in authorities]
    return [
        AuthorityFigures(
            authority=authority,
            year=year,
            counts=mine,
            rates={rate.name: rate.figure(mine, authority.population) for rate in RATES},
            averages=averages[authority.type],
        )
        for authority, mine in shown
    ]


def _with_counts(
    session: Session, where: list[sa.ColumnElement[bool]], years: list[FinancialYear]
) -> tuple[list[Authority], dict[FinancialYear, dict[int, Counts]]]:
    """The authorities that meet `where`, by name, and their counts in each of `years`: one
    query of the authorities joined to the counts the database keeps per authority and year
    (AuthorityYearCounts), a few hundred rows however many cases there are."""
    counted = AuthorityYearCounts.__table__.c
    query = (
        sa.select(Authority, counted.year, *(counted[name] for name in COUNTS))
        .outerjoin(
            AuthorityYearCounts.__table__,
            sa.and_(
                counted.authority_id == Authority.id,
                counted.year.in_([year.start_year for year in years]),
            ),
        )
        .where(*where)
        .order_by(Authority.name, Authority.id)
    )
    authorities: dict[int, Authority] = {}
    counts: dict[FinancialYear, dict[int, Counts]] = {}
    for authority, year, *tally in session.execute(query):
        authorities.setdefault(authority.id, authority)
        if year is not None:  # an authority with nothing counted in these years has no row
            counts.setdefault(FinancialYear(year), {})[authority.id] = Counts(*tally)
    return list(authorities.values()), counts


# The figures the contract gives the similar-authority average of.
AVERAGED = ("uphold_rate", "satisfactory_remedy_rate", "compliance_rate", "upheld_per_100k")


def as_published(figures: AuthorityFigures) -> dict[str, Any]:
    """The figures as published and as the API gives them (contract.md): counts, rates as
    whole percentages or one decimal place, None for no data, and the type's averages."""
    counts, rates = figures.counts, figures.rates
    return {
        "authority": figures.authority.code,
        "year": figures.year.label,
        "complaints_dealt_with": counts.complaints_dealt_with,
        "not_for_us": counts.not_for_us,
        "assessed_and_closed": counts.assessed_and_closed,
        "investigated": counts.investigated,
        "upheld": counts.upheld,
        "satisfactory_remedies": counts.satisfactory_remedies,
        "compliance_outcomes": counts.compliance_outcomes,
        **{rate.name: _number(rates[rate.name]) for rate in RATES},
        "averages": {name: _number(figures.averages[name]) for name in AVERAGED},
    }


def _number(value: Decimal | None) -> int | float | None:
    """A published figure as JSON: whole percentages as integers, per 100,000 as decimals."""
    if value is None:
        return None
    return int(value) if value.as_tuple().exponent == 0 else float(value)
