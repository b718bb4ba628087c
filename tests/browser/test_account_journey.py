"""A caseworker's account in a real browser: two-step set-up, sign-out, sign-in with a code,
the account page; every page checked with axe."""

from __future__ import annotations

import time

import pyotp
from playwright.sync_api import Page, expect

from tests.browser.test_accessibility import violations
from tests.helpers import PASSWORD


def sign_in_with_password(page: Page, live_server: str, email: str) -> None:
    page.goto(f"{live_server}/sign-in")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_a_caseworker_sets_up_two_step_sign_in_and_uses_it(
    page: Page, live_server: str, app, build
) -> None:
    app.config["TWO_FACTOR_REQUIRED"] = True
    email = build.user("caseworker", name="Casey Walker")
    found: dict[str, list[str]] = {}

    sign_in_with_password(page, live_server, email)
    expect(page.get_by_role("heading", name="Set up two-step sign-in")).to_be_visible()
    expect(page.get_by_role("img", name="QR code")).to_be_visible()
    found["set-up"] = violations(page)
    secret = page.locator("#two-step-secret").inner_text().replace(" ", "")
    totp = pyotp.TOTP(secret)
    page.get_by_label("Code from your authenticator app").fill(totp.now())
    page.get_by_role("button", name="Turn on two-step sign-in").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    found["recovery codes"] = violations(page)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Remedies across all councils")).to_be_visible()

    page.get_by_role("link", name="Your account").click()
    expect(page.get_by_text("Two-step sign-in is on")).to_be_visible()
    found["account"] = violations(page)
    page.get_by_role("button", name="Sign out", exact=True).click()
    expect(page.get_by_text("You have signed out")).to_be_visible()

    sign_in_with_password(page, live_server, email)
    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    page.get_by_role("button", name="Continue").click()  # forgot to type it
    expect(page.get_by_text("There is a problem")).to_be_visible()
    found["code page with an error"] = violations(page)
    # The next time step's code: the one used at set-up is spent, and ±1 step is accepted.
    page.get_by_label("Code").fill(totp.at(time.time() + 30))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Remedies across all councils")).to_be_visible()
    assert found == {name: [] for name in found}


def test_forgotten_password_pages_are_accessible(page: Page, live_server: str) -> None:
    page.goto(f"{live_server}/sign-in")
    page.get_by_role("link", name="Forgot your password?").click()
    expect(page.get_by_role("heading", name="Reset your password")).to_be_visible()
    found = {"form": violations(page)}
    page.get_by_label("E-mail address").fill("someone@example.org")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", name="Check your e-mail")).to_be_visible()
    found["sent"] = violations(page)
    page.goto(f"{live_server}/reset-password/not-a-real-token")
    found["expired"] = violations(page)
    assert found == {name: [] for name in found}
