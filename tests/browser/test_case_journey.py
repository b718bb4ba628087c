"""A caseworker's first journey: sign in, add a case with two recommendations, find it."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.helpers import PASSWORD


def test_a_caseworker_adds_a_case_with_two_recommendations_and_sees_it_listed(
    page: Page, live_server: str, build
) -> None:
    build.authority("LEICS", name="Leicestershire County Council")
    email = build.user("caseworker", name="Casey Walker")

    page.goto(f"{live_server}/")
    expect(page).to_have_url(re.compile(r"/sign-in"))
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Remedies across all councils")).to_be_visible()

    page.get_by_role("button", name="Add a case").click()
    expect(page.get_by_role("heading", name="Add a case")).to_be_visible()
    page.get_by_label("Case reference").fill("24007343")
    page.get_by_label("Authority").select_option(label="Leicestershire County Council")
    page.get_by_label("Category").first.fill("Education")
    page.get_by_label("Sub-category").fill("Special educational needs")
    decision = page.get_by_role("group", name="Decision date")
    decision.get_by_label("Day").fill("28")
    decision.get_by_label("Month").fill("1")
    decision.get_by_label("Year").fill("2025")
    page.get_by_label("Upheld", exact=True).check()

    first = page.get_by_role("group", name="Recommendation 1")
    first.get_by_label("What the council will do").fill(
        "Within one month of my final decision, the Council will pay Mr X £300."
    )
    first.get_by_label("Personal remedy").check()
    first.get_by_label("Amount to pay, in pounds").fill("300")

    page.get_by_role("button", name="Add another recommendation").click()
    second = page.get_by_role("group", name="Recommendation 2")
    expect(second).to_be_visible()
    expect(first.get_by_label("What the council will do")).to_have_value(re.compile("Mr X"))
    second.get_by_label("What the council will do").fill(
        "Within three months of my final decision, the Council will remind staff of the policy."
    )
    second.get_by_label("Service improvement").check()
    page.get_by_role("button", name="Save case").click()

    expect(page.get_by_role("heading", name="Case 24 007 343")).to_be_visible()
    expect(page.get_by_text("Case 24 007 343 was added.")).to_be_visible()
    rows = page.get_by_role("table").get_by_role("row")
    expect(rows).to_have_count(3)  # header and two recommendations

    page.get_by_role("link", name="Cases", exact=True).click()
    listed = page.get_by_role("row").filter(has_text="24 007 343")
    expect(listed).to_contain_text("Leicestershire County Council")
    expect(listed).to_contain_text("Upheld")
    expect(listed.get_by_role("cell").last).to_have_text("2")


def test_a_form_error_is_summarised_and_focusable(page: Page, live_server: str, build) -> None:
    build.authority("LEICS", name="Leicestershire County Council")
    email = build.user("caseworker")
    page.goto(f"{live_server}/sign-in")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server}/cases/new")
    page.get_by_role("button", name="Save case").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("alert")).to_contain_text("There is a problem")
    expect(summary).to_be_focused()  # GOV.UK Frontend's JavaScript moved focus there
    summary.get_by_role("link", name="Enter the decision date").click()
    expect(page.locator("#decision_date-day")).to_be_focused()
