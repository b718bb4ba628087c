"""Every page passes axe-core's WCAG 2.2 A and AA rules, in a real browser."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests import samples
from tests.helpers import PASSWORD
from tracker import PROJECT_ROOT
from tracker.extensions import db
from tracker.services.chasing import run_daily_jobs

REMINDED_AT = datetime(2026, 11, 17, 7, tzinfo=UTC)
AXE = PROJECT_ROOT / "tracker" / "assets" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def violations(page: Page) -> list[str]:
    """What axe-core finds on the page as it stands, one line per rule and element."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(Path(AXE).read_text())  # evaluated by DevTools: not subject to our CSP
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    return [
        f"{item['id']}: {node['target']} – {item['help']}"
        for item in result["violations"]
        for node in item["nodes"]
    ]


def sign_in(page: Page, live_server: str, email: str) -> None:
    page.goto(f"{live_server}/sign-in")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


@pytest.fixture
def seeded(build) -> dict[str, str]:
    build.authority("LEICS", name="Leicestershire County Council")
    build.case("LEICS", reference="24 007 343")
    return {
        role: build.user(role, authority="LEICS" if role == "officer" else None)
        for role in ("caseworker", "officer", "manager", "admin")
    }


def test_the_sign_in_page_and_its_errors_are_accessible(page: Page, live_server: str) -> None:
    page.goto(f"{live_server}/sign-in")
    assert violations(page) == []
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    assert violations(page) == []


@pytest.mark.parametrize(
    ("role", "paths"),
    [
        (
            "caseworker",
            [
                "/",
                "/cases/",
                "/cases/?reference=abc",
                "/cases/24-007-343",
                "/cases/new",
                "/cases/24-007-343/edit",
                "/recommendations/1",
                "/recommendations/",
                "/recommendations/review",
                "/recommendations/overdue",
                "/authorities/",
                "/authorities/LEICS",
                "/cases/24-007-343/letters/chief-executive",
                "/cases/24-007-343/letters/complainant",
                "/notifications/",
                "/account",
                "/nowhere",
            ],
        ),
        (
            "officer",
            [
                "/",
                "/cases/",
                "/cases/24-007-343",
                "/recommendations/1",
                "/recommendations/",
                "/authorities/",
                "/authorities/LEICS",
                "/notifications/",
                "/account",
            ],
        ),
        ("manager", ["/", "/authorities/LEICS/letters/2024-25"]),
        ("admin", ["/", "/users/", "/users/new", "/authorities/new", "/authorities/LEICS/edit"]),
    ],
)
def test_pages_are_accessible(page: Page, live_server: str, seeded, role, paths) -> None:
    sign_in(page, live_server, seeded[role])
    found = {}
    for path in paths:
        page.goto(f"{live_server}{path}")
        found[path] = violations(page)
    assert found == {path: [] for path in paths}


def test_the_annual_letter_written_and_refused_is_accessible(
    page: Page, live_server: str, seeded
) -> None:
    sign_in(page, live_server, seeded["manager"])
    page.goto(f"{live_server}/authorities/LEICS/letters/2024-25")
    page.get_by_label("Addressee").fill("Mr Sinnott")
    page.get_by_label("What the Ombudsman has to say").fill("First paragraph.\n\nSecond.")
    page.get_by_role("button", name="Save the letter").click()
    expect(
        page.get_by_text("The 2024-25 letter to Leicestershire County Council is saved")
    ).to_be_visible()
    expect(page.get_by_text("Dear Mr Sinnott")).to_be_visible()
    found = {"saved": violations(page)}
    letter_date = page.get_by_role("group", name="Date of the letter")
    for label, value in (("Day", "31"), ("Month", "2"), ("Year", "2025")):
        letter_date.get_by_label(label).fill(value)
    page.get_by_role("button", name="Save the letter").click()
    expect(page.get_by_role("alert")).to_contain_text("Date of the letter must be a real date")
    found["refused"] = violations(page)
    assert found == {"saved": [], "refused": []}


def test_a_split_and_previewed_form_is_accessible(page: Page, live_server: str, seeded) -> None:
    sign_in(page, live_server, seeded["caseworker"])
    page.goto(f"{live_server}/cases/new")
    decision = page.get_by_role("group", name="Decision date")
    for label, value in (("Day", "20"), ("Month", "12"), ("Year", "2024")):
        decision.get_by_label(label).fill(value)
    page.get_by_label("Paste the decision's agreed actions").fill(
        "Within one month of my final decision, the Council will:\n"
        "• pay Mrs X £300;\n• apologise within 10 school days.\n"
        "• within a month of receiving the report, reconsider the charge."
    )
    page.get_by_role("button", name="Split into recommendations").click()
    expect(page.get_by_text("split into 3 recommendations")).to_be_visible()
    assert violations(page) == []


def test_a_form_full_of_errors_is_accessible(page: Page, live_server: str, seeded) -> None:
    sign_in(page, live_server, seeded["caseworker"])
    page.goto(f"{live_server}/cases/new")
    page.get_by_role("button", name="Add another recommendation").click()
    page.get_by_label("Case reference").fill("nonsense")
    page.get_by_role("group", name="Recommendation 2").get_by_label(
        "Amount to pay, in pounds"
    ).fill("lots")
    page.get_by_role("button", name="Save case").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    assert violations(page) == []


def test_a_recommendation_in_its_busiest_state_is_accessible(
    open_page: Callable[[], Page], app, live_server: str, seeded, build, frozen_clock, tmp_path
) -> None:
    """Evidence in, more time asked for, a reminder sent: the caseworker's page has every
    form, table and list on it at once, and then an error summary too."""
    recommendation = build.payment_due(reference="26 000 002", decided=date(2026, 11, 1))
    with app.app_context():
        run_daily_jobs(db.session, date(2026, 11, 17), now=REMINDED_AT)  # the officer's 14-day
        db.session.commit()
    address = f"{live_server}/recommendations/{recommendation}"
    found: dict[str, list[str]] = {}

    officer = open_page()
    sign_in(officer, live_server, seeded["officer"])
    officer.get_by_role("link", name=re.compile(r"^Notifications \(\d+\)$")).click()
    expect(officer.get_by_text("Due in 14 days: case 26 000 002")).to_be_visible()
    found["officer: a new notification"] = violations(officer)
    officer.get_by_role("button", name="Mark all as read").click()
    expect(officer.get_by_text("All your notifications are marked as read")).to_be_visible()
    found["officer: notifications marked as read"] = violations(officer)
    officer.goto(address)
    for slot, (name, content, note) in enumerate(
        (
            ("receipt.pdf", samples.PDF, "Bank transfer to Mrs X"),
            ("letter.docx", samples.DOCX, "Our apology"),
        ),
        start=1,
    ):
        (tmp_path / name).write_bytes(content)
        officer.get_by_label(f"File {slot}", exact=True).set_input_files(tmp_path / name)
        file = officer.get_by_role("group", name=f"File {slot}")
        file.get_by_label("Note about this file").fill(note)
    officer.get_by_label("Anything the caseworker should know").fill("Paid on 20 November.")
    officer.get_by_role("button", name="Send the evidence").click()
    expect(officer.get_by_text("2 files sent as revision 1")).to_be_visible()

    officer.locator("summary", has_text="Ask for more time").click()
    officer.get_by_role("button", name="Ask for more time").click()
    expect(officer.get_by_role("alert")).to_contain_text("Enter the new date you are asking for")
    found["officer: more time asked for without a date"] = violations(officer)
    until = officer.get_by_role("group", name="New date you are asking for")
    for label, value in (("Day", "31"), ("Month", "12"), ("Year", "2026")):
        until.get_by_label(label).fill(value)
    officer.get_by_label("Why the council needs more time").fill("The payment run is monthly.")
    officer.get_by_role("button", name="Ask for more time").click()
    expect(officer.get_by_text("Your request for more time was sent")).to_be_visible()
    found["officer: evidence sent, more time asked for"] = violations(officer)

    caseworker = open_page()
    sign_in(caseworker, live_server, seeded["caseworker"])
    caseworker.goto(address)
    expect(caseworker.get_by_role("group", name="Agree to more time?")).to_be_visible()
    expect(caseworker.get_by_role("group", name="Your decision")).to_be_visible()
    expect(caseworker.get_by_role("table", name="Files in revision 1")).to_be_visible()
    expect(caseworker.get_by_role("table", name="Notices sent")).to_be_visible()
    expect(caseworker.get_by_role("heading", name="History")).to_be_visible()
    found["caseworker: evidence and a request to decide"] = violations(caseworker)
    review = caseworker.locator("form").filter(
        has=caseworker.get_by_role("group", name="Your decision")
    )
    review.get_by_role("button", name="Record the decision").click()
    expect(caseworker.get_by_role("alert")).to_contain_text("Choose your decision")
    found["caseworker: the review form sent empty"] = violations(caseworker)

    assert found == {state: [] for state in found}


def test_the_import_page_and_its_rejected_rows_are_accessible(
    page: Page, live_server: str, seeded
) -> None:
    sign_in(page, live_server, seeded["manager"])
    page.goto(f"{live_server}/imports/cases")
    expect(page.get_by_role("heading", name="Import earlier years’ cases")).to_be_visible()
    found = {"empty": violations(page)}
    header = "reference,authority,category,subcategory,decision_date,outcome,satisfactory_remedy"
    rows = [
        "24 101 001,LEICS,Education,,2024-06-03,upheld,true",
        "24 101 002,LEICS,,,2025-02-30,x,",
    ]
    page.get_by_label("CSV file").set_input_files(
        files=[
            {
                "name": "cases.csv",
                "mimeType": "text/csv",
                "buffer": "\n".join([header, *rows]).encode(),
            }
        ]
    )
    page.get_by_role("button", name="Import the cases").click()
    expect(page.get_by_role("heading", name="Import finished, with rows rejected")).to_be_visible()
    expect(page.get_by_role("table", name="Rejected rows")).to_contain_text("Choose the outcome")
    found["rows rejected"] = violations(page)
    assert found == {"empty": [], "rows rejected": []}
