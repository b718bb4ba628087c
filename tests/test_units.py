"""Small pure pieces: references, financial years, reference search, pages, date entry."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from werkzeug.datastructures import MultiDict

from tracker.models import normalise_reference, reference_slug
from tracker.plumbing.pagination import Page, page_number
from tracker.plumbing.years import FinancialYear
from tracker.services.audit import changes
from tracker.services.case_search import reference_prefix
from tracker.services.sign_in import ThrottlePolicy
from tracker.web.forms import GovDateField, MoneyField, WholeNumberField


@pytest.mark.parametrize("text", ["24 007 343", "24007343", "24-007-343", " 24 - 007 343 "])
def test_references_are_normalised(text: str) -> None:
    assert normalise_reference(text) == "24 007 343"
    assert reference_slug(normalise_reference(text)) == "24-007-343"


@pytest.mark.parametrize(
    "text", ["", "2400734", "240073431", "24 0073 43", "AB 007 343", "24/007/343", "24 007 343 1"]
)
def test_malformed_references_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="24 007 343"):
        normalise_reference(text)


@pytest.mark.parametrize(
    ("typed", "prefix"),
    [
        ("2", "2"),
        ("24", "24"),
        ("240", "24 0"),
        ("24007", "24 007"),
        ("24-007-34", "24 007 34"),
        ("24007343", "24 007 343"),
    ],
)
def test_reference_search_builds_a_prefix(typed: str, prefix: str) -> None:
    assert reference_prefix(typed) == prefix


@pytest.mark.parametrize("typed", ["abc", "240073431", "24%"])
def test_reference_search_refuses_what_cannot_be_a_reference(typed: str) -> None:
    with pytest.raises(ValueError):
        reference_prefix(typed)


@pytest.mark.parametrize(
    ("day", "label"),
    [
        (date(2025, 3, 31), "2024-25"),
        (date(2025, 4, 1), "2025-26"),
        (date(2000, 1, 1), "1999-00"),
        (date(1999, 4, 1), "1999-00"),
    ],
)
def test_a_day_belongs_to_the_financial_year_that_contains_it(day: date, label: str) -> None:
    year = FinancialYear.of(day)
    assert year.label == label == str(year)
    assert year.first_day <= day <= year.last_day
    assert FinancialYear.parse(label) == year


def test_financial_years_run_1_april_to_31_march() -> None:
    year = FinancialYear.parse("2024-25")
    assert (year.first_day, year.last_day) == (date(2024, 4, 1), date(2025, 3, 31))
    assert FinancialYear.of(year.last_day + timedelta(days=1)) == FinancialYear(2025)


@pytest.mark.parametrize("label", ["2024", "2024-26", "24-25", "2024/25", "", "2024-2025"])
def test_financial_year_labels_must_be_written_like_2024_25(label: str) -> None:
    with pytest.raises(ValueError, match="2024-25"):
        FinancialYear.parse(label)


def test_pages_count_themselves() -> None:
    assert Page(items=[], page=1, per_page=25, total=0).pages == 1
    assert Page(items=[], page=1, per_page=25, total=25).pages == 1
    assert Page(items=[], page=1, per_page=25, total=26).pages == 2
    assert [page_number(v) for v in (None, "", "3", "-2", "x")] == [1, 1, 3, 1, 1]


def test_the_wait_after_failed_sign_ins_doubles_up_to_a_limit() -> None:
    policy = ThrottlePolicy()
    waits = [policy.wait_after(n).total_seconds() for n in range(4, 12)]
    assert waits == [0, 30, 60, 120, 240, 480, 900, 900]


def test_audit_changes_keep_only_what_differs() -> None:
    assert changes({"a": 1, "b": 2}, {"a": 1, "b": 3}) == ({"b": 2}, {"b": 3})
    assert changes({"a": 1}, {"a": 1}) == ({}, {})


def _field(field_class, label: str, data: list[str], **kwargs):
    from wtforms import Form

    class OneField(Form):
        value = field_class(label, **kwargs)

    form = OneField(MultiDict([("value", item) for item in data]))
    form.validate()
    return form.value


@pytest.mark.parametrize(
    ("parts", "error"),
    [
        (["28", "2", "2025"], None),
        (["29", "2", "2024"], None),
        (["29", "2", "2025"], "Decision date must be a real date"),
        (["", "", ""], "Enter the decision date"),
        (["", "2", "2025"], "Decision date must include a day"),
        (["1", "", ""], "Decision date must include a month and year"),
        (["1", "13", "2025"], "Decision date must be a real date"),
        (["a", "1", "2025"], "Decision date must be a real date"),
        (["1", "1", "25"], "Decision date must be a real date"),
    ],
)
def test_date_entry_gives_the_gov_uk_messages(parts: list[str], error: str | None) -> None:
    field = _field(GovDateField, "Decision date", parts)
    assert field.errors == ([error] if error else [])
    if error is None:
        assert field.data == date(int(parts[2]), int(parts[1]), int(parts[0]))


def test_an_optional_date_may_be_left_empty() -> None:
    field = _field(GovDateField, "Compliance date", ["", "", ""], required=False)
    assert field.errors == [] and field.data is None


@pytest.mark.parametrize(
    ("typed", "amount", "error"),
    [
        ("£1,250", "1250", None),
        ("300.50", "300.50", None),
        ("", None, None),
        ("ten", None, "must be an amount"),
        ("1.234", None, "in pounds and pence"),
        ("NaN", None, "in pounds and pence"),
    ],
)
def test_money_entry(typed: str, amount: str | None, error: str | None) -> None:
    field = _field(MoneyField, "Amount", [typed])
    if error:
        assert error in field.errors[0]
    else:
        assert (
            field.errors == [] and (str(field.data) if field.data is not None else None) == amount
        )


def test_whole_numbers_allow_commas() -> None:
    assert _field(WholeNumberField, "Residents", ["734,000"]).data == 734000
    assert _field(WholeNumberField, "Residents", ["7.5"]).errors == [
        "Residents must be a whole number"
    ]
