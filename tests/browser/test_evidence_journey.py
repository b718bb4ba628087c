"""A council officer sends evidence; a caseworker asks for more, then accepts it: the case is
settled. Two people, each in a browser of their own, through the real pages."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests import samples
from tests.helpers import PASSWORD

REFERENCE = "26 000 001"
PAYMENT = "Within one month of my final decision, pay Mrs X £300."


@pytest.fixture
def people(build, frozen_clock) -> dict[str, str]:
    """Leicestershire's case decided on 1 November 2026 (so due 1 December) with one
    recommendation; an officer of the council and a caseworker. Today is 23 November 2026."""
    build.authority("LEICS", name="Leicestershire County Council")
    build.case(
        "LEICS",
        reference=REFERENCE,
        decided=date(2026, 11, 1),
        recommendations=[(PAYMENT, "personal")],
        amount=Decimal("300.00"),
    )
    return {
        "officer": build.user("officer", authority="LEICS", name="Olive Officer"),
        "caseworker": build.user("caseworker", name="Casey Walker"),
    }


def sign_in(page: Page, live_server: str, email: str) -> None:
    page.goto(f"{live_server}/sign-in")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def navigate(page: Page, item: str) -> None:
    page.get_by_role("navigation", name="Menu").get_by_role("link", name=item, exact=True).click()


def send_evidence(page: Page, file: Path, note: str) -> None:
    """Choose one file and describe it in the page's "Send evidence" form, then send it."""
    page.get_by_label("File 1", exact=True).set_input_files(file)
    page.get_by_role("group", name="File 1").get_by_label("Note about this file").fill(note)
    page.get_by_role("button", name="Send the evidence").click()


def record_decision(page: Page, decision: str, note: str = "") -> None:
    review = page.get_by_role("group", name="Your decision")
    review.get_by_label(decision, exact=True).check()
    if note:
        page.get_by_label("Note to the council").fill(note)
    page.get_by_role("button", name="Record the decision").click()


def downloaded(page: Page, name: str) -> bytes:
    """The bytes the browser saves when the person clicks the file's link."""
    with page.expect_download() as download:
        page.get_by_role("link", name=name, exact=True).click()
    assert download.value.suggested_filename == name
    return Path(download.value.path()).read_bytes()


def test_evidence_is_sent_reviewed_resent_and_accepted(
    open_page: Callable[[], Page], live_server: str, people: dict[str, str], tmp_path: Path
) -> None:
    receipt = tmp_path / "receipt.pdf"
    receipt.write_bytes(samples.PDF)
    payment = tmp_path / "payment.csv"
    payment.write_bytes(samples.CSV)
    officer, caseworker = open_page(), open_page()

    # The officer finds what the council must do, and by when, and sends a receipt.
    sign_in(officer, live_server, people["officer"])
    navigate(officer, "Recommendations")
    expect(officer.get_by_role("heading", name="Your council's recommendations")).to_be_visible()
    listed = officer.get_by_role("row").filter(has_text=REFERENCE)
    expect(listed).to_contain_text("8 days left")
    expect(listed).to_contain_text("Open")
    listed.get_by_role("link", name=PAYMENT).click()
    expect(officer.get_by_role("heading", name="Recommendation 1")).to_be_visible()
    expect(officer.get_by_text("No evidence has been sent yet.")).to_be_visible()
    send_evidence(officer, receipt, "Bank transfer to Mrs X")
    expect(officer.get_by_role("alert", name="Success")).to_contain_text(
        "Thank you: 1 file sent as revision 1. A caseworker will review it."
    )
    files = officer.get_by_role("table", name="Files in revision 1")
    sent = files.get_by_role("row").filter(has_text="receipt.pdf")
    expect(sent).to_contain_text("Bank transfer to Mrs X")
    expect(sent.get_by_text(hashlib.sha256(samples.PDF).hexdigest())).to_be_visible()
    expect(officer.get_by_text("Awaiting review").first).to_be_visible()

    # The caseworker finds it waiting for review and asks for more.
    sign_in(caseworker, live_server, people["caseworker"])
    navigate(caseworker, "Review")
    expect(caseworker.get_by_role("heading", name="Evidence to review")).to_be_visible()
    waiting = caseworker.get_by_role("row").filter(has_text=REFERENCE)
    expect(waiting).to_contain_text("Leicestershire County Council")
    waiting.get_by_role("link", name=PAYMENT).click()
    expect(caseworker.get_by_role("heading", name="Recommendation 1")).to_be_visible()
    assert downloaded(caseworker, "receipt.pdf") == samples.PDF, "the bytes the council sent"
    record_decision(
        caseworker, "Ask for changes or more evidence", "The receipt does not show the amount."
    )
    expect(caseworker.get_by_role("alert", name="Success")).to_contain_text(
        "Recorded: changes requested."
    )
    expect(caseworker.get_by_role("region", name="Changes requested")).to_contain_text(
        "The receipt does not show the amount."
    )

    # The officer sees why and sends a second file: a new revision, the first one kept.
    officer.reload()
    asked = officer.get_by_role("region", name="Changes requested")
    expect(asked).to_contain_text("asked for changes on 23 November 2026 at 12:00pm:")
    expect(asked.get_by_text("The receipt does not show the amount.", exact=True)).to_be_visible()
    send_evidence(officer, payment, "Payment run export")
    expect(officer.get_by_role("alert", name="Success")).to_contain_text(
        "1 file sent as revision 2"
    )
    expect(officer.get_by_role("region", name="Changes requested")).to_have_count(0)
    expect(officer.get_by_role("heading", name="Revision 2")).to_be_visible()
    expect(officer.get_by_role("heading", name="Revision 1")).to_be_visible()
    expect(
        officer.get_by_role("table", name="Files in revision 2").get_by_text(
            hashlib.sha256(samples.CSV).hexdigest()
        )
    ).to_be_visible()

    # The caseworker checks the new file and accepts: the only recommendation settles the case.
    navigate(caseworker, "Review")
    caseworker.get_by_role("row").filter(has_text=REFERENCE).get_by_role(
        "link", name=PAYMENT
    ).click()
    expect(caseworker.get_by_role("heading", name="Revision 2")).to_be_visible()
    assert downloaded(caseworker, "payment.csv") == samples.CSV
    record_decision(caseworker, "Accept: the council has done this")
    expect(caseworker.get_by_role("alert", name="Success")).to_contain_text(
        "Recorded: accepted. The case's compliance outcome is satisfied."
    )
    expect(caseworker.get_by_role("button", name="Record the decision")).to_have_count(0)
    caseworker.get_by_role("link", name=f"Back to case {REFERENCE}").click()
    expect(caseworker.get_by_role("heading", name=f"Case {REFERENCE}")).to_be_visible()
    outcome = caseworker.locator(".govuk-summary-list__row").filter(has_text="Compliance outcome")
    expect(outcome).to_contain_text("Satisfied recorded 23 November 2026")
    expect(caseworker.get_by_role("row").filter(has_text="Recommendation 1")).to_contain_text(
        "Accepted"
    )

    # Nothing is left on the officer's list of open work.
    navigate(officer, "Recommendations")
    expect(officer.get_by_role("row").filter(has_text=REFERENCE)).to_have_count(0)
