"""A caseworker goes from the chase list to a recommendation, records a phone call, then
escalates the case with a letter to the chief executive."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import Page, expect

from tests.browser.test_accessibility import sign_in, violations
from tracker.plumbing import clock
from tracker.plumbing.formats import long_date

NOTE = "Spoke to the finance manager: the payment goes out on Friday."
ESCALATED = "Still not paid after the call: writing to the chief executive."


def test_from_the_chase_list_record_a_chase_and_escalate(
    page: Page, live_server: str, build
) -> None:
    today = clock.today()
    build.authority("LEICS", name="Leicestershire County Council")
    caseworker = build.user("caseworker", name="Casey Walker")
    # Decided two months ago, "within one month": about a month overdue now.
    build.payment_due(decided=today - timedelta(days=61), recorded_by=caseworker)
    sign_in(page, live_server, caseworker)

    page.goto(f"{live_server}/recommendations/overdue")
    page.get_by_role("link", name="Record a chase about case 26 000 001, recommendation 1").click()
    form = page.locator("form", has=page.get_by_role("heading", name="Record a chase"))
    expect(form).to_be_visible()

    # A date in the future is refused by the field, and nothing is kept.
    form.get_by_label("By phone").check()
    tomorrow = today + timedelta(days=1)
    date = form.get_by_role("group", name="Date of the chase")
    for label, value in (("Day", tomorrow.day), ("Month", tomorrow.month), ("Year", tomorrow.year)):
        date.get_by_label(label).fill(str(value))
    form.get_by_label("What was said or agreed").fill(NOTE)
    form.get_by_role("button", name="Record the chase").click()
    expect(page.get_by_role("alert")).to_contain_text("must be today or in the past")
    expect(page.locator("#chase-date-error")).to_be_visible()
    assert violations(page) == []

    form = page.locator("form", has=page.get_by_role("heading", name="Record a chase"))
    date = form.get_by_role("group", name="Date of the chase")
    for label, value in (("Day", today.day), ("Month", today.month), ("Year", today.year)):
        date.get_by_label(label).fill(str(value))
    form.get_by_role("button", name="Record the chase").click()

    expect(page.get_by_text(f"Chase recorded: by phone on {long_date(today)}.")).to_be_visible()
    chased = page.get_by_role("table", name="Chases made by hand")
    expect(chased).to_contain_text(NOTE)
    expect(chased).to_contain_text("Recorded by Casey Walker")
    expect(page.get_by_text(f"By phone on {long_date(today)}").first).to_be_visible()
    assert violations(page) == []

    # Then up the ladder: from the recommendation to its case, and a step recorded there.
    page.get_by_role("link", name="Back to case 26 000 001").click()
    escalation = page.locator("form", has=page.get_by_text("Record a step taken today"))
    escalation.get_by_label("Letter to the chief executive").check()
    escalation.get_by_label("Why, and what was decided").fill(ESCALATED)
    escalation.get_by_role("button", name="Record the step").click()
    expect(page.get_by_text("Recorded: letter to the chief executive.")).to_be_visible()
    steps = page.get_by_role("table", name="Steps taken, oldest first")
    expect(steps).to_contain_text(ESCALATED)
    expect(steps).to_contain_text("By Casey Walker")
    assert violations(page) == []
