"""Financial years have a range (1973-74, the year of the earliest decision the service takes, to
2999-00): a year outside it is refused as clearly as a year that is not one, wherever a year is
typed, never with a 500."""

from __future__ import annotations

import re

import pytest

from tests.helpers import sign_in
from tracker.plumbing.years import FIRST, LAST, PATTERN, FinancialYear
from tracker.services.cases import EARLIEST_DECISION

OUT_OF_RANGE = ["9999-00", "0000-01", "1972-73", "3000-01"]


def test_the_range_runs_from_the_year_of_the_earliest_decision() -> None:
    assert FinancialYear.parse("1973-74") == FIRST == FinancialYear.of(EARLIEST_DECISION)
    assert FinancialYear.parse("2999-00") == LAST and LAST.last_day.isoformat() == "3000-03-31"
    for label in OUT_OF_RANGE:
        with pytest.raises(ValueError, match="from 1973-74 to 2999-00"):
            FinancialYear.parse(label)
    with pytest.raises(ValueError, match="like 2024-25"):
        FinancialYear.parse("2024-26")


def test_the_documented_pattern_accepts_exactly_the_years_parse_accepts() -> None:
    pattern = re.compile(PATTERN)
    for start in range(10_000):
        for suffix in {(start + 1) % 100, start % 100, (start + 2) % 100}:
            label = f"{start:04d}-{suffix:02d}"
            try:
                FinancialYear.parse(label)
            except ValueError:
                assert not pattern.fullmatch(label), label
            else:
                assert pattern.fullmatch(label), label


@pytest.fixture
def manager(client, build):
    build.authority("LEICS")
    sign_in(client, build.user("manager"))
    return client


@pytest.mark.parametrize("year", OUT_OF_RANGE)
def test_pages_say_the_year_is_out_of_range(manager, year) -> None:
    for page in (
        f"/statistics/?year={year}",
        f"/statistics/LEICS?year={year}",
        f"/cases/?year={year}",
    ):
        response = manager.get(page)
        assert response.status_code == 200, page
        html = response.get_data(as_text=True)
        assert "There is a problem" in html and "from 1973-74 to 2999-00" in html, page


@pytest.mark.parametrize("year", OUT_OF_RANGE)
def test_downloads_and_letters_of_an_out_of_range_year_are_not_found(manager, year) -> None:
    for address in (
        f"/statistics/{year}.csv",
        f"/authorities/LEICS/letters/{year}",
        f"/authorities/LEICS/letters/{year}.pdf",
        f"/councils/LEICS/{year}",
    ):
        assert manager.get(address).status_code == 404, address


@pytest.mark.parametrize("year", OUT_OF_RANGE)
def test_the_statistics_api_names_the_year(client, build, year) -> None:
    build.authority("LEICS")
    headers = {"Authorization": f"Bearer {build.token(build.user('caseworker'))}"}
    response = client.get(f"/api/v1/authorities/LEICS/statistics?year={year}", headers=headers)
    assert response.status_code == 422
    assert "from 1973-74 to 2999-00" in response.json["error"]["fields"]["year"]
    latest = client.get("/api/v1/authorities/LEICS/statistics?year=2024-25", headers=headers)
    assert latest.status_code == 200 and latest.json["year"] == "2024-25"
