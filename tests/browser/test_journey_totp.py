"""A signatory without an authenticator app registers one from the header link: reads the key
as text, confirms with password and code, and then sees only that an app is registered. Every
page passes axe, and the Content-Security-Policy blocks nothing (the QR code is an img data:)."""

from __future__ import annotations

import base64

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from organisations.models import Role
from tests.browser.conftest import assert_no_serious_axe_violations, login
from tests.factories import TEST_PASSWORD, UnitFactory, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _code(secret_text: str) -> str:
    b32 = secret_text.replace(" ", "")
    key = base64.b32decode(b32 + "=" * (-len(b32) % 8))
    return f"{totp(key):06d}"


def test_a_signatory_registers_an_authenticator_app(page, live_server):
    user = member(UnitFactory(), Role.MANAGER, email="sara@gbg.example")
    blocked: list[str] = []
    page.on(
        "console",
        lambda msg: blocked.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    login(page, live_server, user.email, TEST_PASSWORD)

    # From the header's name to the account page, which says the app is not registered yet.
    with page.expect_navigation():
        page.get_by_role("link", name="Ditt konto:").click()
    assert page.locator("h1").inner_text() == "Ditt konto"
    assert "inte registrerad" in page.locator("main").inner_text()
    with page.expect_navigation():
        page.get_by_role("link", name="Autentiseringsapp").click()
    assert page.locator("h1").inner_text() == "Registrera din autentiseringsapp"
    assert page.get_by_role(
        "img", name="QR-kod med nyckeln till din autentiseringsapp"
    ).is_visible()
    assert_no_serious_axe_violations(page)

    page.get_by_label("Ditt lösenord").fill("fel-losenord")
    page.get_by_label("Engångskod från din autentiseringsapp").fill("000000")
    with page.expect_navigation():
        page.get_by_role("button", name="Bekräfta och registrera").click()
    assert "Lösenordet är inte rätt." in page.locator("#div_id_password").inner_text()
    assert_no_serious_axe_violations(page)

    secret = page.locator("#secret").inner_text()
    page.get_by_label("Ditt lösenord").fill(TEST_PASSWORD)
    page.get_by_label("Engångskod från din autentiseringsapp").fill(_code(secret))
    with page.expect_navigation():
        page.get_by_role("button", name="Bekräfta och registrera").click()

    assert page.url == live_server.url + reverse("authenticator_enrol")
    assert "Din autentiseringsapp är registrerad." in page.locator("main").inner_text()
    assert secret not in page.content()
    assert TOTPDevice.objects.filter(user=user, confirmed=True).count() == 1
    assert_no_serious_axe_violations(page)
    assert not blocked, f"the Content-Security-Policy blocked: {blocked}"
