"""The production smoke test (issue 10), run by ``make prod-check`` (``.ci/prod-check``).

Against gunicorn with the production settings on PostgreSQL as the restricted application role,
serving TLS itself, a real browser goes the way a caseworker and two signatories go: sign in,
open a child, download the SIP PDF, sign an agreement for both principals with a one-time code,
download the signed PDF and verify it on /verifiera/. On the way it checks the security headers,
the hashed static files and the Swedish 404 page. Skipped unless PROD_CHECK_URL is set.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django_otp.oath import totp

from organisations.demo import DEMO_PASSWORD, DEMO_TOTP_KEYS, REGION
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, assert_no_serious_axe_violations

BASE = os.environ.get("PROD_CHECK_URL", "")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not BASE, reason="run by `make prod-check` against a production server"),
]

CASEWORKER = "handlaggare.goteborg@demo.example"
MUNICIPAL_SIGNATORY = "signatur.goteborg@demo.example"
BUP_SIGNATORY = "signatur.bup@demo.example"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    assert CHROMIUM.exists(), f"{CHROMIUM} is missing (apt-get install chromium)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


def new_page(browser: Any) -> Any:
    # The server's certificate is self-signed for 127.0.0.1; everything else is production.
    context = browser.new_context(
        locale="sv-SE", timezone_id="Europe/Stockholm", ignore_https_errors=True
    )
    context.set_default_timeout(30_000)
    return context.new_page()


def sign_in(page: Any, email: str) -> Any:
    response = page.goto(BASE + "/konto/logga-in/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert page.url == BASE + "/", page.locator("main").inner_text()
    return response


def test_security_headers_cookies_static_files_and_the_404_page(browser):
    page = new_page(browser)
    response = page.goto(BASE + "/konto/logga-in/")
    headers = response.headers

    assert response.status == 200
    assert "max-age=31536000" in headers["strict-transport-security"]
    assert "script-src 'self'" in headers["content-security-policy"]
    assert "default-src 'self'" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
    assert headers["cross-origin-opener-policy"] == "same-origin"
    assert "no-store" in headers["cache-control"]
    assert_no_serious_axe_violations(page)

    # Static files: hashed names (manifest storage), served by WhiteNoise with a long cache life.
    css = page.locator("link[rel=stylesheet][href*='/static/css/app.']").get_attribute("href")
    assert re.fullmatch(r"/static/css/app\.[0-9a-f]{12}\.css", css), css
    static = page.request.get(BASE + css)
    assert static.status == 200
    assert "max-age=315360000" in static.headers["cache-control"]

    sign_in(page, CASEWORKER)
    cookies = {c["name"]: c for c in page.context.cookies()}
    assert cookies["sessionid"]["secure"] and cookies["sessionid"]["httpOnly"]
    assert cookies["csrftoken"]["secure"]

    # The 404 every out-of-scope object gets: Swedish, in the site's layout, no detail.
    missing = page.goto(BASE + "/barn/999999999/")
    assert missing.status == 404
    assert page.locator("h1").inner_text() == "Sidan hittades inte"
    assert page.locator("nav[aria-label]").count() == 1, "the site's navigation"
    assert "Traceback" not in page.content()
    assert_no_serious_axe_violations(page)
    page.context.close()


def test_caseworker_opens_a_child_and_downloads_the_sip_pdf(browser):
    page = new_page(browser)
    sign_in(page, CASEWORKER)

    page.goto(BASE + "/placeringar/")
    assert_no_serious_axe_violations(page)
    placement_links = page.eval_on_selector_all(
        "main table a[href^='/placeringar/']", "links => links.map(a => a.getAttribute('href'))"
    )
    assert placement_links, "the placement list links to placements"
    page.goto(BASE + placement_links[0])
    child_pages = [page.locator("main a[href^='/barn/']").first.get_attribute("href")]
    # Then the other children, in the order the list shows them, until one has a SIP.
    for href in placement_links[1:]:
        page.goto(BASE + href)
        child_pages.append(page.locator("main a[href^='/barn/']").first.get_attribute("href"))
    sip_href = None
    for href in child_pages:
        page.goto(BASE + href)
        links = page.locator("main a[href^='/sip/']")
        hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
        sip_href = next((h for h in hrefs if re.fullmatch(r"/sip/\d+/", h)), None)
        if sip_href:
            break
    assert sip_href, "a demo child with a SIP"
    assert_no_serious_axe_violations(page)

    page.goto(BASE + sip_href)
    assert_no_serious_axe_violations(page)
    with page.expect_download() as download_info:
        page.click(f"main a[href='{sip_href}pdf/']")
    with open(download_info.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    page.context.close()


AWAITED = "section[aria-labelledby=awaited-heading]"


def _sign(browser: Any, email: str, principal_label: str, sign_href: str | None) -> tuple[str, str]:
    """The signatory follows "awaiting your signature" on the start page and signs with a
    one-time code; returns the signing page's and the agreement's addresses."""
    page = new_page(browser)
    sign_in(page, email)
    to_sign = page.locator(f"{AWAITED} a[href$='/signera/']")
    hrefs = [to_sign.nth(i).get_attribute("href") for i in range(to_sign.count())]
    assert hrefs, f"{email} has something to sign"
    href = sign_href or hrefs[0]
    assert href in hrefs
    page.click(f"{AWAITED} a[href='{href}']")
    page.wait_for_url(BASE + href)
    assert_no_serious_axe_violations(page)
    principal = page.locator("#id_principal")
    if principal.evaluate("e => e.tagName") == "SELECT":
        principal.select_option(label=principal_label)
    page.fill("#id_token", f"{totp(bytes.fromhex(DEMO_TOTP_KEYS[email])):06d}")
    with page.expect_navigation():
        page.click("main form[method=post] button[type=submit]")
    agreement = page.url.removeprefix(BASE)
    assert re.fullmatch(r"/overenskommelser/\d+/", agreement), page.locator("main").inner_text()
    page.context.close()
    return href, agreement


def test_both_principals_sign_and_the_signed_pdf_verifies(browser, tmp_path):
    sign_href, agreement = _sign(browser, MUNICIPAL_SIGNATORY, "Göteborg", None)
    # The region countersigns the same version once the municipality has signed.
    assert _sign(browser, BUP_SIGNATORY, REGION, sign_href)[1] == agreement

    page = new_page(browser)
    sign_in(page, CASEWORKER)
    page.goto(BASE + agreement)
    assert_no_serious_axe_violations(page)
    with page.expect_download() as download_info:
        page.click("main a[href$='/dokument/']")
    signed = tmp_path / "signed.pdf"
    download_info.value.save_as(signed)
    assert download_info.value.suggested_filename.endswith("-signerad.pdf")

    page.goto(BASE + "/verifiera/")
    page.set_input_files("input[type=file]", str(signed))
    with page.expect_navigation():
        page.click("main form[method=post] button[type=submit]")
    assert page.locator("#result-heading").inner_text().startswith("Giltig")
    assert_no_serious_axe_violations(page)
    page.context.close()


MANAGER = "chef.goteborg@demo.example"
ADMINISTRATOR = "admin.goteborg@demo.example"


def test_the_new_paths_of_issues_14_and_15_run_in_production(browser):
    """What only production settings would break: the annual report's PDF (WeasyPrint with the
    hashed static files), the export zip streamed through gunicorn, the API answering 401
    without a key, and the API documentation's Swagger UI from the collected static files."""
    page = new_page(browser)
    sign_in(page, MANAGER)
    page.goto(BASE + "/uppfoljning/")
    assert_no_serious_axe_violations(page)
    with page.expect_download() as pdf_info:
        page.click("main a[href*='rapport.pdf']")
    with open(pdf_info.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    assert page.request.get(BASE + "/api/v1/children/").status == 401
    docs = page.goto(BASE + "/api/docs/")
    assert docs is not None and docs.status == 200
    bundle = page.locator("script[src*='swagger-ui-bundle']").get_attribute("src")
    assert re.search(r"swagger-ui-bundle\.[0-9a-f]{12}\.js$", bundle or ""), bundle
    assert page.request.get(BASE + bundle).status == 200
    page.context.close()

    page = new_page(browser)
    sign_in(page, ADMINISTRATOR)
    page.goto(BASE + "/export/")
    page.locator("main a[href^='/export/']").first.click()
    page.wait_for_load_state()
    with page.expect_download(timeout=120_000) as zip_info:
        page.click("main form button[type=submit]")
    with open(zip_info.value.path(), "rb") as archive:
        assert archive.read(2) == b"PK"
    page.context.close()
