"""The published statistics: the seeds' worked examples come out exactly, and the rules hold
at the edges (financial-year boundaries, half-up rounding, zero denominators)."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
import sqlalchemy as sa

from tests.statistics_data import (
    Y2020,
    Y2024,
    county_neighbours_2024_25,
    decided,
    leicestershire_2024_25,
)
from tracker.extensions import db
from tracker.models import Authority, AuthorityType
from tracker.plumbing.years import FinancialYear
from tracker.services import statistics


@pytest.fixture
def counties(build) -> None:
    """Leicestershire's 2024-25 as published, and two other county councils whose figures
    bring the county averages to those published: 89% upheld, 10% satisfactory remedies,
    5.3 upheld per 100,000 residents, 100% compliance. And a district council, which must
    not count in the county averages."""
    leicestershire_2024_25(build)
    county_neighbours_2024_25(build)
    build.authority("DIST", name="A District Council", type="district", population=90_000)
    decided(build, "DIST", Y2024, upheld=1, not_upheld=9, satisfactory_remedies=1)


def figures_of(app, code: str, year: FinancialYear) -> statistics.AuthorityFigures:
    with app.app_context():
        authority = db.session.scalar(sa.select(Authority).where(Authority.code == code))
        return statistics.authority_figures(db.session, authority, year)


def test_leicestershire_2024_25_comes_out_as_published(app, counties) -> None:
    figures = figures_of(app, "LEICS", Y2024)
    counts = figures.counts
    assert (
        counts.complaints_dealt_with,
        counts.not_for_us,
        counts.assessed_and_closed,
        counts.investigated,
        counts.upheld,
        counts.satisfactory_remedies,
        counts.compliance_outcomes,
    ) == (122, 46, 36, 40, 33, 10, 23)
    assert figures.rates == {
        "uphold_rate": Decimal(83),  # 33 of 40 is 82.5%
        "satisfactory_remedy_rate": Decimal(30),  # 10 of 33 is 30.3%
        "compliance_rate": Decimal(100),
        "on_time_rate": Decimal(100),
        "upheld_per_100k": Decimal("4.5"),  # 33 / 734,000 * 100,000 = 4.496
    }
    assert figures.averages == {
        "uphold_rate": Decimal(89),
        "satisfactory_remedy_rate": Decimal(10),
        "compliance_rate": Decimal(100),
        "on_time_rate": Decimal(100),
        "upheld_per_100k": Decimal("5.3"),
    }


def test_the_api_gives_the_contracts_figures(client, build, counties) -> None:
    headers = {"Authorization": f"Bearer {build.token(build.user('manager'))}"}
    response = client.get("/api/v1/authorities/LEICS/statistics?year=2024-25", headers=headers)
    assert response.status_code == 200, response.json
    assert response.json == {
        "authority": "LEICS",
        "year": "2024-25",
        "complaints_dealt_with": 122,
        "not_for_us": 46,
        "assessed_and_closed": 36,
        "investigated": 40,
        "upheld": 33,
        "uphold_rate": 83,
        "satisfactory_remedies": 10,
        "satisfactory_remedy_rate": 30,
        "compliance_outcomes": 23,
        "compliance_rate": 100,
        "on_time_rate": 100,
        "upheld_per_100k": 4.5,
        "averages": {
            "uphold_rate": 89,
            "satisfactory_remedy_rate": 10,
            "compliance_rate": 100,
            "upheld_per_100k": 5.3,
        },
    }
    empty = client.get("/api/v1/authorities/LEICS/statistics?year=2019-20", headers=headers)
    assert empty.json["uphold_rate"] is None and empty.json["upheld_per_100k"] == 0.0
    assert empty.json["averages"]["uphold_rate"] is None, "no county had an investigation"
    for bad in ("2024", "2024-26", "last year"):
        answer = client.get(f"/api/v1/authorities/LEICS/statistics?year={bad}", headers=headers)
        assert answer.status_code == 422 and "year" in answer.json["error"]["fields"]
    assert client.get("/api/v1/authorities/NOPE/statistics", headers=headers).status_code == 404


def test_an_officer_sees_only_their_own_councils_statistics(client, build, counties) -> None:
    headers = {"Authorization": f"Bearer {build.token(build.user('officer', authority='CTYB'))}"}
    mine = client.get("/api/v1/authorities/CTYB/statistics?year=2024-25", headers=headers)
    assert mine.status_code == 200 and mine.json["upheld"] == 12
    other = client.get("/api/v1/authorities/LEICS/statistics?year=2024-25", headers=headers)
    assert other.status_code == 404


def test_the_2020_21_letter_comes_out_as_published(app, build) -> None:
    build.authority("LEICS", name="Leicestershire County Council", population=734_000)
    decided(build, "LEICS", Y2020, upheld=13, not_upheld=6, satisfactory_remedies=1, satisfied=7)
    figures = figures_of(app, "LEICS", Y2020)
    assert (figures.counts.investigated, figures.counts.upheld) == (19, 13)
    assert figures.rates["uphold_rate"] == Decimal(68)  # 13 of 19 is 68.4%
    assert figures.rates["satisfactory_remedy_rate"] == Decimal(8)  # 1 of 13 is 7.7%
    assert (figures.counts.compliance_outcomes, figures.rates["compliance_rate"]) == (7, 100)


def test_every_authority_of_a_year_in_one_go(app, counties) -> None:
    with app.app_context():
        rows = statistics.year_figures(db.session, Y2024)
        districts = statistics.year_figures(
            db.session, Y2024, authority_type=AuthorityType.DISTRICT
        )
    assert [f.authority.code for f in rows] == ["DIST", "CTYB", "CTYC", "LEICS"]
    district = rows[0]
    assert district.rates["uphold_rate"] == Decimal(10)
    assert district.averages["uphold_rate"] == Decimal(10), "districts average districts only"
    assert [f.authority.code for f in districts] == ["DIST"]
    assert rows[-1].averages == figures_of(app, "LEICS", Y2024).averages


def test_a_decision_counts_in_the_financial_year_it_falls_in(app, build) -> None:
    build.authority("LEICS")
    build.case("LEICS", decided=date(2025, 3, 31))
    build.case(
        "LEICS",
        decided=date(2025, 3, 1),
        compliance_outcome="satisfied",
        compliance_date=date(2025, 4, 1),
    )
    build.case("LEICS", decided=date(2025, 4, 1), outcome="not_upheld")
    last_day = figures_of(app, "LEICS", FinancialYear(2024))
    first_day = figures_of(app, "LEICS", FinancialYear(2025))
    assert (last_day.counts.upheld, last_day.counts.compliance_outcomes) == (2, 0)
    assert (first_day.counts.investigated, first_day.counts.compliance_outcomes) == (1, 1)
    assert first_day.rates["compliance_rate"] == Decimal(100), "counted when recorded"


def test_rates_without_a_denominator_are_no_data_and_stay_out_of_averages(app, build) -> None:
    build.authority("LEICS")
    build.authority("QUIET", population=100_000)
    decided(build, "LEICS", Y2024, upheld=1, not_upheld=1, satisfied_late=1)
    quiet = figures_of(app, "QUIET", Y2024)
    assert quiet.rates == {
        "uphold_rate": None,
        "satisfactory_remedy_rate": None,
        "compliance_rate": None,
        "on_time_rate": None,
        "upheld_per_100k": Decimal("0.0"),  # residents are never zero
    }
    assert quiet.averages["uphold_rate"] == Decimal(50), "QUIET has no investigation to average"
    assert quiet.averages["on_time_rate"] == Decimal(0)
    assert quiet.averages["compliance_rate"] == Decimal(100)
    assert quiet.averages["upheld_per_100k"] == Decimal("0.1")  # (0.136 + 0) / 2 = 0.07


@pytest.mark.parametrize(
    ("value", "places", "published"),
    [
        (Fraction(33 * 100, 40), 0, "83"),  # 82.5
        (Fraction(100, 13), 0, "8"),  # 7.69
        (Fraction(5, 2), 0, "3"),  # not to even: 3
        (Fraction(1, 2), 0, "1"),
        (Fraction(249, 10), 0, "25"),
        (Fraction(2449, 100), 0, "24"),
        (Fraction(445, 100), 1, "4.5"),
        (Fraction(444999, 100000), 1, "4.4"),
        (Fraction(0), 1, "0.0"),
        (Fraction(100), 0, "100"),
    ],
)
def test_rounding_is_half_up(value, places, published) -> None:
    assert str(statistics.round_half_up(value, places)) == published


def test_averages_are_of_unrounded_figures_rounded_once(app, build) -> None:
    """0.15 and 0.14 upheld per 100,000 average 0.145, published 0.1; rounding each first
    (0.2 and 0.1) would publish 0.2."""
    build.authority("BIG", population=2_000_000)
    build.authority("BIGGER", population=5_000_000)
    decided(build, "BIG", Y2024, upheld=3)
    decided(build, "BIGGER", Y2024, upheld=7)
    big = figures_of(app, "BIG", Y2024)
    assert big.rates["upheld_per_100k"] == Decimal("0.2")  # 0.15
    assert figures_of(app, "BIGGER", Y2024).rates["upheld_per_100k"] == Decimal("0.1")  # 0.14
    assert big.averages["upheld_per_100k"] == Decimal("0.1")


@pytest.mark.parametrize("rate", statistics.RATES, ids=lambda rate: rate.name)
def test_a_types_average_is_the_exact_mean_of_the_figures_that_exist(rate) -> None:
    """The mean is summed over one common denominator: it equals the plain mean of the exact
    fractions to the last digit, leaving out authorities with no denominator."""
    rng = random.Random(rate.name)
    terms = [(rng.randint(0, 400), rng.choice([0, rng.randint(1, 2_000_000)])) for _ in range(80)]
    known = [Fraction(n * rate.scale, d) for n, d in terms if d]
    assert rate.mean(terms) == sum(known, Fraction(0)) / len(known)
    assert rate.mean([(5, 0), (0, 0)]) is None


def test_the_years_with_data_run_from_the_first_decision_to_the_last_compliance_outcome(
    app, build
) -> None:
    """A compliance outcome recorded a year after the last decision adds that year; another
    council's years are not this council's; no cases at all is no years."""
    build.authority("LEICS")
    build.authority("DIST", type="district")
    with app.app_context():
        assert statistics.years_with_data(db.session) == []
    build.case("LEICS", decided=date(2021, 3, 31))  # 2020-21
    build.case(
        "LEICS",
        decided=date(2023, 3, 1),  # 2022-23
        compliance_outcome="satisfied",
        compliance_date=date(2024, 4, 1),  # 2024-25
    )
    build.case("DIST", decided=date(2025, 6, 1))  # 2025-26
    with app.app_context():
        leics, dist = (
            db.session.scalar(sa.select(Authority).where(Authority.code == code))
            for code in ("LEICS", "DIST")
        )
        everyone = statistics.years_with_data(db.session)
        assert [year.label for year in everyone] == [
            "2025-26", "2024-25", "2023-24", "2022-23", "2021-22", "2020-21"
        ]  # fmt: skip
        assert statistics.years_with_data(db.session, leics) == everyone[1:]
        assert [year.label for year in statistics.years_with_data(db.session, dist)] == ["2025-26"]
