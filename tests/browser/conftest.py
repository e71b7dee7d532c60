"""Browser tests: Playwright (sync API) driving Debian's Chromium against pytest-django's
live_server, with axe for accessibility. Run them alone with `pytest -m browser`.

Without /usr/bin/chromium the tests are skipped, unless REQUIRE_BROWSER=1 (CI), when they fail.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make (seeding
# data, checking rows) are still synchronous and safe.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SERIOUS_IMPACTS = ("serious", "critical")


def _require_chromium() -> None:
    if CHROMIUM.exists():
        return
    message = f"{CHROMIUM} is missing (apt-get install chromium)"
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(message + " and REQUIRE_BROWSER=1")
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    _require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser) -> Iterator[Any]:
    context = browser.new_context(locale="sv-SE", timezone_id="Europe/Stockholm")
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


def login(page: Any, live_server: Any, email: str, password: str) -> None:
    """Sign in through the sign-in form and wait for the page it leads to."""
    page.goto(live_server.url + reverse("login"))
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("main form button[type=submit]")


def assert_no_serious_axe_violations(page: Any) -> None:
    """Run axe on the current page; fail on any serious or critical violation."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    violations = [
        violation
        for violation in results.response["violations"]
        if violation.get("impact") in SERIOUS_IMPACTS
    ]
    assert not violations, f"axe on {page.url}:\n" + "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} -> "
        + ", ".join(str(node["target"]) for node in v["nodes"][:5])
        for v in violations
    )


WIDE = {"width": 1280, "height": 900}
NARROW = {"width": 390, "height": 844}


def signed_in_page(browser: Any, live_server: Any, email: str) -> tuple[Any, Any]:
    """A new browser context (Swedish, Stockholm time, 1280 px) signed in as ``email`` with the
    demo password; returns ``(context, page)``: close the context when done."""
    from organisations.demo import DEMO_PASSWORD

    context = browser.new_context(locale="sv-SE", timezone_id="Europe/Stockholm", viewport=WIDE)
    context.set_default_timeout(15_000)
    page = context.new_page()
    login(page, live_server, email, DEMO_PASSWORD)
    return context, page


def axe_at_both_widths(page: Any) -> None:
    """axe at 1280 and at 390 px (a phone), then back to 1280."""
    for size in (WIDE, NARROW):
        page.set_viewport_size(size)
        assert_no_serious_axe_violations(page)
    page.set_viewport_size(WIDE)
