"""A manager imports last year's cases from a CSV file in a real browser: a bad row is
rejected with its line and reason, corrected and imported again; the year's statistics and
the annual review letter (and its PDF) then count the imported cases."""

from __future__ import annotations

import re
from datetime import date, timedelta

from playwright.sync_api import Locator, Page, expect
from pypdf import PdfReader

from tests.browser.test_accessibility import sign_in
from tracker.plumbing import clock
from tracker.plumbing.years import FinancialYear

HEADER = (
    "reference,authority,category,subcategory,decision_date,outcome,satisfactory_remedy,"
    "public_report,compliance_outcome,compliance_date"
)


def cases_csv(year: FinancialYear, bad_date: str) -> bytes:
    """Five of LEICS's cases decided in `year`; the fourth (line 5) decided on `bad_date`."""
    day = year.first_day
    rows = [
        f"25 101 001,LEICS,Education,Special educational needs,{day + timedelta(days=10)},"
        f"upheld,false,true,satisfied,{day + timedelta(days=50)}",
        f"25 101 002,LEICS,Education,School transport,{day + timedelta(days=20)},"
        "upheld,true,false,,",
        f"25 101 003,LEICS,Adult care services,Charging,{day + timedelta(days=30)},"
        "not_upheld,false,false,,",
        f"25 101 004,LEICS,Highways,Street lighting,{bad_date},upheld,false,false,,",
        f"25 101 005,LEICS,Planning,Enforcement,{day + timedelta(days=40)},"
        "assessed_and_closed,false,false,,",
    ]
    return ("\n".join([HEADER, *rows]) + "\n").encode()


def upload(page: Page, content: bytes) -> None:
    """Choose the CSV file (from memory, as a file picker would) and import it."""
    page.get_by_label("CSV file").set_input_files(
        files=[{"name": "cases.csv", "mimeType": "text/csv", "buffer": content}]
    )
    page.get_by_role("button", name="Import the cases").click()


def summary_value(page: Page, key: str, within: Locator | None = None) -> Locator:
    """The value beside `key` in a summary list (GOV.UK's <dl>) on the page or `within`."""
    term = page.locator("dt").filter(has_text=re.compile(rf"^\s*{re.escape(key)}\s*$"))
    return (within or page).locator(".govuk-summary-list__row").filter(has=term).locator("dd")


def test_a_manager_imports_last_years_cases_and_the_statistics_and_letter_count_them(
    page: Page, live_server: str, build
) -> None:
    build.authority("LEICS", name="Leicestershire County Council", population=734_000)
    year = FinancialYear.latest_complete(clock.today())
    impossible = f"{year.start_year + 1}-02-30"  # no 30 February in any year
    sign_in(page, live_server, build.user("manager"))

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Import").click()
    expect(page.get_by_role("heading", name="Import earlier years’ cases")).to_be_visible()
    upload(page, cases_csv(year, impossible))

    expect(page.get_by_role("heading", name="Import finished, with rows rejected")).to_be_visible()
    for key, count in (
        ("Cases created", "4"),
        ("Cases updated", "0"),
        ("Rows that changed nothing", "0"),
        ("Rows rejected", "1"),
    ):
        expect(summary_value(page, key, page.get_by_label("What the import did"))).to_have_text(
            count
        )
    rejected = page.get_by_role("table", name="Rejected rows")
    expect(rejected.get_by_role("row")).to_have_count(2)  # the header and line 5
    expect(rejected.get_by_role("row").nth(1).get_by_role("cell")).to_have_text(
        [
            "5",
            "decision_date: Decision date must be a real date written YYYY-MM-DD, like 2024-06-03",
        ]
    )

    # Corrected and imported again: the four rows already in change nothing.
    last_february = date(year.start_year + 1, 2, 27)
    upload(page, cases_csv(year, last_february.isoformat()))
    expect(page.get_by_role("heading", name="Import finished", exact=True)).to_be_visible()
    expect(page.get_by_text("Created 1, updated 0, unchanged 4, rejected 0.")).to_be_visible()
    expect(page.get_by_role("table", name="Rejected rows")).to_have_count(0)

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Statistics").click()
    page.get_by_label("Financial year").select_option(year.label)
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", name=f"Statistics {year.label}")).to_be_visible()
    page.get_by_role("link", name="Leicestershire County Council").click()
    expect(
        page.get_by_role("heading", name=f"Leicestershire County Council: {year.label}")
    ).to_be_visible()
    for key, count in (
        ("Complaints dealt with", "5"),
        ("Not for us", "0"),
        ("Assessed and closed", "1"),
        ("Investigated", "4"),
        ("Upheld", "3"),
        ("Satisfactory remedies", "1"),
        ("Public reports", "1"),
        ("Compliance outcomes recorded", "1 (1 satisfied, 0 satisfied late)"),
    ):
        expect(summary_value(page, key)).to_have_text(count)
    uphold = page.get_by_role("row").filter(
        has=page.get_by_role("rowheader", name="Uphold rate", exact=True)
    )
    expect(uphold.get_by_role("cell").first).to_have_text("75%")

    page.get_by_role("link", name=f"Annual review letter for {year.label}").click()
    expect(
        page.get_by_role("heading", name=f"Annual review letter {year.label}", exact=True)
    ).to_be_visible()
    letter = page.get_by_role("article")
    expect(letter.get_by_text("of complaints we investigated were upheld")).to_have_text(
        "75% of complaints we investigated were upheld."
    )
    expect(letter.locator("p", has_text="upheld decisions")).to_have_text("3 upheld decisions")
    expect(letter.get_by_text("satisfied the authority had successfully")).to_contain_text("100%")
    expect(
        letter.get_by_text("Statistics are based on a total of 4 detailed investigations")
    ).to_have_count(2)

    with page.expect_download() as waiting:
        page.get_by_role("link", name="Download the letter (PDF, A4)").click()
    download = waiting.value
    assert download.suggested_filename == f"annual-review-letter-LEICS-{year.label}.pdf"
    path = download.path()
    assert path is not None
    content = path.read_bytes()
    assert content.startswith(b"%PDF")
    words = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(path).pages))
    assert "Leicestershire County Council" in words
    assert "75% of complaints we investigated were upheld" in words
    assert "based on a total of 4 detailed investigations" in words
