"""A caseworker pastes a decision's agreed actions and saves correctly dated recommendations."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.test_accessibility import violations
from tests.helpers import PASSWORD

SECTION = """Agreed action
Within one month of my final decision, the Council has agreed to:
• apologise to Mrs X for the distress caused; and
• pay Mrs X £300 to acknowledge the distress.

Within 20 working days:
- Remind staff of the need to follow the complaints policy.
"""


def paste_and_split(page: Page, live_server: str, build, reference: str, section: str) -> None:
    """A caseworker signs in, starts a Leicestershire case decided on 20 December 2024 and
    splits the pasted agreed actions."""
    build.authority("LEICS", name="Leicestershire County Council")
    email = build.user("caseworker")
    page.goto(f"{live_server}/sign-in")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.goto(f"{live_server}/cases/new")
    page.get_by_label("Case reference").fill(reference)
    page.get_by_label("Authority").select_option(label="Leicestershire County Council")
    page.get_by_label("Category").first.fill("Adult care services")
    decision = page.get_by_role("group", name="Decision date")
    for label, value in (("Day", "20"), ("Month", "12"), ("Year", "2024")):
        decision.get_by_label(label).fill(value)
    page.get_by_label("Upheld", exact=True).check()
    page.get_by_label("Paste the decision's agreed actions").fill(section)
    page.get_by_role("button", name="Split into recommendations").click()


def test_paste_preview_correct_and_save(page: Page, live_server: str, build) -> None:
    paste_and_split(page, live_server, build, "24 013 530", SECTION)

    expect(page.get_by_text("split into 3 recommendations")).to_be_visible()
    first = page.get_by_role("group", name="Recommendation 1")
    second = page.get_by_role("group", name="Recommendation 2")
    third = page.get_by_role("group", name="Recommendation 3")
    expect(first.get_by_text("Due 20 January 2025")).to_be_visible()
    expect(first.locator("mark")).to_have_text("Within one month of my final decision")
    expect(second.get_by_label("Amount to pay, in pounds")).to_have_value("300.00")
    expect(third.get_by_text("Due 22 January 2025")).to_be_visible()
    expect(third.get_by_label("Service improvement")).to_be_checked()

    # The caseworker corrects one: the apology is due within 14 days instead.
    first.get_by_label("What the council will do").fill(
        "Within 14 days of my final decision, the Council has agreed to apologise to Mrs X."
    )
    page.get_by_role("button", name="Check the due dates").click()
    expect(first.get_by_text("Due 3 January 2025")).to_be_visible()
    page.get_by_role("button", name="Save case").click()

    expect(page.get_by_role("heading", name="Case 24 013 530")).to_be_visible()
    rows = page.get_by_role("table").get_by_role("row")
    expect(rows.nth(1)).to_contain_text("3 January 2025")
    expect(rows.nth(1)).to_contain_text("within 14 days of my final decision")
    expect(rows.nth(2)).to_contain_text("20 January 2025")
    expect(rows.nth(3)).to_contain_text("22 January 2025")

    rows.nth(3).get_by_role("link", name=re.compile("Recommendation 3")).click()
    expect(page.get_by_role("heading", name="Recommendation 3")).to_be_visible()
    expect(page.locator("mark")).to_have_text("Within 20 working days")


PARAGRAPH = (
    "Within one month of the final decision, the Council will apologise to Mrs X and pay her "
    "£300 for the distress caused. Within three months of the final decision, the Council will "
    "review its procedures for financial assessments and remind relevant staff to complete "
    "them in a timely manner."
)


def test_a_paragraph_is_split_and_two_deadlines_in_one_are_confirmed(
    page: Page, live_server: str, build
) -> None:
    paste_and_split(page, live_server, build, "24 013 531", PARAGRAPH)

    # Issue 12: one personal remedy due in three months; now each sentence has its own date.
    expect(page.get_by_text("split into 2 recommendations")).to_be_visible()
    first = page.get_by_role("group", name="Recommendation 1")
    second = page.get_by_role("group", name="Recommendation 2")
    expect(first.get_by_text("Due 20 January 2025")).to_be_visible()
    expect(first.get_by_label("Amount to pay, in pounds")).to_have_value("300.00")
    expect(second.get_by_text("Due 20 March 2025")).to_be_visible()
    expect(second.get_by_label("Service improvement")).to_be_checked()

    # One entry holding two deadlines is pointed out, and not saved until confirmed.
    first.get_by_label("What the council will do").fill(
        "Within one month of my final decision, the Council will apologise to Mrs X, and "
        "within three months it will review its procedure."
    )
    page.get_by_role("button", name="Check the due dates").click()
    expect(first.get_by_text("This recommendation holds 2 deadlines")).to_be_visible()
    assert violations(page) == []
    page.get_by_role("button", name="Save case").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Recommendation 1 holds 2 deadlines")
    summary.get_by_role("link").click()
    confirm = first.get_by_label("Keep it as one recommendation, due on the later date")
    expect(confirm).to_be_focused()
    assert violations(page) == []
    confirm.check()
    page.get_by_role("button", name="Save case").click()

    expect(page.get_by_role("heading", name="Case 24 013 531")).to_be_visible()
    rows = page.get_by_role("table").get_by_role("row")
    expect(rows.nth(1)).to_contain_text("20 March 2025")
