"""Statistics and the public performance page in a real browser: a manager publishes, the
public reads it; every page passes axe-core's WCAG 2.2 A and AA rules."""

from __future__ import annotations

from datetime import date

from playwright.sync_api import Page, expect

from tests.browser.test_accessibility import sign_in, violations
from tests.statistics_data import Y2020, Y2024, decided


def test_a_manager_publishes_and_the_public_reads_it(page: Page, live_server, build) -> None:
    build.authority("LEICS", name="Leicestershire County Council", population=734_000)
    build.authority("NOTTS", name="Nottinghamshire County Council", population=830_000)
    decided(build, "LEICS", Y2024, upheld=33, not_upheld=7, satisfactory_remedies=10, satisfied=23)
    decided(build, "LEICS", Y2020, upheld=13, not_upheld=6, satisfactory_remedies=1, satisfied=7)
    decided(build, "NOTTS", Y2024, upheld=9, not_upheld=1)
    build.case(
        "LEICS",
        reference="24 007 343",
        decided=date(2025, 2, 3),
        recommendations=[("The Council will remind staff to reply.", "service_improvement")],
    )
    sign_in(page, live_server, build.user("manager"))

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Statistics").click()
    page.get_by_label("Financial year").select_option("2024-25")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", name="Statistics 2024-25")).to_be_visible()
    assert violations(page) == []
    page.get_by_role("link", name="Uphold rate (sort descending)").click()
    expect(page.get_by_role("columnheader", name="Uphold rate")).to_have_attribute(
        "aria-sort", "descending"
    )
    page.get_by_role("link", name="Leicestershire County Council").click()
    expect(
        page.get_by_role("img", name="Uphold rate: Leicestershire County Council")
    ).to_be_visible()
    assert violations(page) == []
    page.get_by_role("button", name="Publish the 2024-25 page").click()
    expect(page.get_by_role("alert", name="Success")).to_contain_text("is published")
    page.get_by_role("link", name="see the public page").click()

    expect(page.get_by_role("heading", name="Leicestershire County Council")).to_be_visible()
    expect(page.get_by_text("of complaints we investigated were upheld")).to_contain_text("83%")
    expect(page.get_by_text("Case reference: 24 007 343")).to_be_visible()
    assert violations(page) == []
    page.get_by_role("button", name="Sign out").click()
    page.goto(f"{live_server}/councils/")
    page.get_by_role("link", name="Leicestershire County Council").click()
    expect(page.get_by_text("We investigated 41 complaints and upheld 34.")).to_be_visible()
    assert violations(page) == []
    page.get_by_role("link", name="View all cases with service improvements").click()
    expect(page.get_by_role("heading", name="Service improvements")).to_be_visible()
    assert violations(page) == []
