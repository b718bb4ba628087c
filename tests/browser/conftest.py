"""Playwright driving Debian's Chromium against the app served on a free local port."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Response,
    sync_playwright,
)

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Headless on a machine with no outside network: no sandbox (root), nothing phoning home.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test in this folder is a browser test."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One Chromium for the session. Missing Chromium fails loudly: `make test` installs it."""
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is not installed: run `make test`, which installs it")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _console_error(message: ConsoleMessage, errors: list[str]) -> None:
    # Pages answering 403 or 404 are the tests' business; assets are checked on response.
    if message.type == "error" and not message.text.startswith("Failed to load resource"):
        errors.append(message.text)


def _failed_asset(response: Response, errors: list[str]) -> None:
    if response.request.resource_type != "document" and response.status >= 400:
        errors.append(f"{response.status} for {response.url}")


@pytest.fixture
def open_page(browser: Browser) -> Iterator[Callable[[], Page]]:
    """Opens browser tabs, each in a context of its own (its own cookies: another person at
    another computer); fails the test on any JavaScript error or console error (a
    Content-Security-Policy violation is reported there) or failed asset in any of them."""
    contexts: list[BrowserContext] = []
    errors: list[str] = []

    def open_tab() -> Page:
        context = browser.new_context()
        contexts.append(context)
        tab = context.new_page()
        tab.on("pageerror", lambda error: errors.append(str(error)))
        tab.on("console", lambda message: _console_error(message, errors))
        tab.on("response", lambda response: _failed_asset(response, errors))
        tab.set_default_timeout(10_000)
        return tab

    yield open_tab
    for context in contexts:
        context.close()
    assert errors == [], f"errors in the browser: {errors}"


@pytest.fixture
def page(open_page: Callable[[], Page]) -> Page:
    """A fresh browser tab with its own cookies, failing the test on any browser error."""
    return open_page()
