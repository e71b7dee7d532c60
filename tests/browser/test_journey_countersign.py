"""Issue 12, browser journey: the BUP (region) signatory opens the signing page before the
municipality has signed and is told that Göteborg signs first (no form to sign yet); the
municipal signatory signs; the region signatory then finds the agreement under "Väntar på din
signatur" on the start page, sees the summary and the order, and countersigns. axe finds no
serious or critical violation on the signing page at 1280 and at 390 px."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django_otp.oath import totp

from organisations.demo import DEMO_TOTP_KEYS
from tests.browser.conftest import axe_at_both_widths, signed_in_page
from tests.browser.journey_setup import (
    BUP_SIGNATORY,
    MUNICIPAL_SIGNATORY,
    agreement_awaiting_signatures,
)
from tests.browser.test_journey_signing import dev_pki, errors, issue_certificates  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FORM = "main form[method=post]"


def _sign_here(page, email: str) -> None:
    code = totp(bytes.fromhex(DEMO_TOTP_KEYS[email]))
    page.fill("#id_token", f"{code:06d}")
    with page.expect_navigation():
        page.click(f"{FORM} button[type=submit]")


def test_the_region_waits_for_goteborg_then_countersigns_from_the_start_page(
    browser,
    live_server,
    dev_pki,  # noqa: F811
):
    version = agreement_awaiting_signatures()
    agreement = version.agreement
    municipality, region = agreement.municipality, agreement.region
    issue_certificates(dev_pki, [municipality, region])
    sign_url = reverse("agreements:version_sign", args=[version.pk])
    detail = reverse("agreements:agreement_detail", args=[agreement.pk])

    # 1. The BUP signatory opens the signing page before Göteborg has signed.
    region_context, region_page = signed_in_page(browser, live_server, BUP_SIGNATORY)
    try:
        start = region_page.locator("main").inner_text()
        assert "Väntar på den andra parten" in start
        assert f"väntar på underskrift av {municipality.name}" in start
        region_page.goto(live_server.url + sign_url)
        main = region_page.locator("main")
        text = main.inner_text()
        assert f"{municipality.name} signerar först" in text
        # The summary: the parties, the split in kronor per month and per year, the dates.
        assert municipality.name in text and region.name in text
        assert "kr per år" in text and "kr per månad" in text
        assert re.search(r"\d{1,3}(\u00a0| )\d{3},\d{2}", text), "amounts in Swedish format"
        assert main.locator("a", has_text="Läs hela överenskommelsen (PDF)").count() == 1
        # Not yet their turn: no code field, no sign button.
        assert region_page.locator("#id_token").count() == 0
        order = main.locator("ol.signing-order li").all_inner_texts()
        assert order[0].startswith(municipality.name) and "underskrift väntas" in order[0]
        assert order[1].startswith(region.name)
        axe_at_both_widths(region_page)

        # 2. The municipal signatory signs from the start page's list.
        municipal_context, municipal_page = signed_in_page(
            browser, live_server, MUNICIPAL_SIGNATORY
        )
        try:
            assert "Väntar på din signatur" in municipal_page.locator("main").inner_text()
            municipal_page.click(f"main a[href='{sign_url}']")
            municipal_page.wait_for_url(live_server.url + sign_url)
            assert "Din signatur väntas." in municipal_page.locator("main").inner_text()
            # "Signera för": only Göteborg, preselected, no empty choice.
            options = municipal_page.locator("#id_principal option")
            assert options.all_inner_texts() == [municipality.name]
            assert municipal_page.eval_on_selector("#id_principal", "s => s.value") == str(
                municipality.pk
            )
            axe_at_both_widths(municipal_page)
            _sign_here(municipal_page, MUNICIPAL_SIGNATORY)
            assert municipal_page.url == live_server.url + detail, errors(municipal_page)
        finally:
            municipal_context.close()
        version.refresh_from_db()
        assert version.status == "awaiting_signatures"

        # 3. The region signatory now sees "awaiting your signature" and countersigns.
        region_page.goto(live_server.url + reverse("start"))
        start = region_page.locator("main").inner_text()
        assert "Väntar på din signatur" in start
        region_page.click(f"main a[href='{sign_url}']")
        region_page.wait_for_url(live_server.url + sign_url)
        text = region_page.locator("main").inner_text()
        assert "Din signatur väntas." in text
        order = region_page.locator("ol.signing-order li").all_inner_texts()
        assert "signerad" in order[0] and "underskrift väntas" in order[1]
        assert region_page.eval_on_selector("#id_principal", "s => s.value") == str(region.pk)
        axe_at_both_widths(region_page)
        _sign_here(region_page, BUP_SIGNATORY)
        assert region_page.url == live_server.url + detail, errors(region_page)
    finally:
        region_context.close()

    version.refresh_from_db()
    assert version.status == "signed"
    assert [s.principal_id for s in version.signatures.order_by("sequence")] == [
        municipality.pk,
        region.pk,
    ]
