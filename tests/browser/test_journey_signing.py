"""Issue 6, browser journey: with an agreement awaiting signatures, the municipal signatory signs
with a one-time code (TOTP), the BUP signatory countersigns, and the caseworker downloads the
signed PDF."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp

from agreements.signing.pki import PkiPaths, create_ca, create_principal_certificate
from organisations.demo import DEMO_PASSWORD, DEMO_TOTP_KEYS
from tests.browser.conftest import assert_no_serious_axe_violations, login
from tests.browser.journey_setup import (
    BUP_SIGNATORY,
    CASEWORKER,
    MUNICIPAL_SIGNATORY,
    agreement_awaiting_signatures,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FORM = "main form[method=post]"


def errors(page) -> list[str]:
    """The error messages on the page, for a readable failure."""
    return page.locator(".invalid-feedback, .alert-danger, .errorlist").all_inner_texts()


@pytest.fixture
def dev_pki(settings, tmp_path):
    """A throwaway development PKI; live_server runs in this process, so it sees the setting."""
    settings.SIGNING_KEY_DIR = tmp_path / "signing"
    return PkiPaths(settings.SIGNING_KEY_DIR)


def issue_certificates(paths: PkiPaths, principals) -> None:
    now = timezone.now()
    create_ca(paths, now=now)
    for principal in principals:
        create_principal_certificate(
            paths,
            organisation_number=principal.organisation_number,
            name=principal.name,
            passphrase=settings.SIGNING_KEY_PASSPHRASE.encode(),
            now=now,
        )


def sign(browser, live_server, *, email: str, version, principal) -> None:
    """The signatory signs in (own browser), follows "awaiting your signature" from the start
    page to the signing page (issue 12: the start page links the signing page itself), and signs
    for the principal with a fresh one-time code."""
    context = browser.new_context(locale="sv-SE", timezone_id="Europe/Stockholm")
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        login(page, live_server, email, DEMO_PASSWORD)
        assert page.url == live_server.url + reverse("start")
        assert_no_serious_axe_violations(page)
        detail = reverse("agreements:agreement_detail", args=[version.agreement_id])
        sign_url = reverse("agreements:version_sign", args=[version.pk])
        page.click(f"main a[href='{sign_url}']")
        page.wait_for_url(live_server.url + sign_url)
        assert_no_serious_axe_violations(page)
        page.select_option("#id_principal", str(principal.pk))
        code = totp(bytes.fromhex(DEMO_TOTP_KEYS[email]))
        page.fill("#id_token", f"{code:06d}")
        with page.expect_navigation():
            page.click(f"{FORM} button[type=submit]")
        assert page.url == live_server.url + detail, errors(page)
        assert page.locator(f"main a[href='{sign_url}']").count() == 0
        assert_no_serious_axe_violations(page)  # the agreement page
    finally:
        context.close()


def test_both_signatories_sign_and_the_caseworker_downloads_the_pdf(
    browser, page, live_server, dev_pki
):
    version = agreement_awaiting_signatures()
    agreement = version.agreement
    issue_certificates(dev_pki, [agreement.municipality, agreement.region])

    sign(
        browser,
        live_server,
        email=MUNICIPAL_SIGNATORY,
        version=version,
        principal=agreement.municipality,
    )
    version.refresh_from_db()
    assert version.status == "awaiting_signatures"
    assert [s.principal_id for s in version.signatures.all()] == [agreement.municipality_id]

    sign(browser, live_server, email=BUP_SIGNATORY, version=version, principal=agreement.region)
    version.refresh_from_db()
    assert version.status == "signed"
    assert sorted(s.principal_id for s in version.signatures.all()) == sorted(
        [agreement.municipality_id, agreement.region_id]
    )

    # The caseworker downloads the signed agreement.
    login(page, live_server, CASEWORKER, DEMO_PASSWORD)
    detail = reverse("agreements:agreement_detail", args=[agreement.pk])
    page.goto(live_server.url + detail)
    assert_no_serious_axe_violations(page)
    with page.expect_download() as download_info:
        page.click(f"main a[href='{reverse('agreements:version_document', args=[version.pk])}']")
    download = download_info.value
    assert download.suggested_filename.endswith("-signerad.pdf")
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
