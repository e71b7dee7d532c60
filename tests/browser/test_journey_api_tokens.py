"""Issue 15: an administrator of Göteborg creates a system account and an API key from the
menu, sees the key once, the system reads the API with it, the administrator revokes it and
the API refuses it from then on. Every page passes axe (also the API documentation), and the
Content-Security-Policy blocks nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from api.models import ApiToken
from core.models import AuditAction, AuditEvent
from organisations.models import Role
from tests.browser.conftest import assert_no_serious_axe_violations, login
from tests.factories import TEST_PASSWORD, MunicipalityFactory, UnitFactory, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_administrator_creates_and_revokes_an_api_key(page, live_server):
    goteborg = MunicipalityFactory(name="Göteborg")
    social = UnitFactory(principal=goteborg, name="Socialtjänsten Göteborg")
    admin = member(social, Role.ADMINISTRATOR, email="admin@gbg.example", is_staff=True)
    blocked: list[str] = []
    page.on(
        "console",
        lambda msg: blocked.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    login(page, live_server, admin.email, TEST_PASSWORD)

    with page.expect_navigation():
        page.get_by_role("link", name="API-åtkomst").click()
    assert page.locator("h1").inner_text() == "API-åtkomst"
    assert_no_serious_axe_violations(page)

    with page.expect_navigation():
        page.get_by_role("link", name="Nytt systemkonto").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Skapa systemkontot").click()  # no name: an error
    assert "Systemets namn: Detta fält måste fyllas i." in page.locator("main").inner_text()
    assert_no_serious_axe_violations(page)
    page.get_by_label("Systemets namn").fill("Verksamhetssystemet")
    with page.expect_navigation():
        page.get_by_role("button", name="Skapa systemkontot").click()
    assert page.locator("h1").inner_text() == "Verksamhetssystemet"
    assert "Systemkontot har skapats." in page.locator("main").inner_text()

    page.get_by_label("API-nyckelns namn").fill("Produktion")
    with page.expect_navigation():
        page.get_by_role("button", name="Skapa API-nyckeln").click()
    token = page.get_by_label("API-nyckel", exact=True).input_value()
    assert token.startswith("plc_")
    assert "visas bara den här gången" in page.locator("#new-token").inner_text()
    assert_no_serious_axe_violations(page)

    api_url = live_server.url + "/api/v1/children/"
    answer = page.request.get(api_url, headers={"Authorization": f"Bearer {token}"})
    assert answer.status == 200
    assert answer.json()["results"] == []

    page.goto(page.url)  # the account's page again: the key is never shown twice
    assert token not in page.content()
    assert "plc_" + ApiToken.objects.get().prefix in page.content()
    with page.expect_navigation():
        page.get_by_role("link", name="Återkalla Produktion").click()
    assert page.locator("h1").inner_text() == "Återkalla API-nyckeln"
    assert_no_serious_axe_violations(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Återkalla nyckeln").click()
    assert "API-nyckeln har återkallats." in page.locator("main").inner_text()
    assert "Återkallad" in page.locator("table").inner_text()
    assert_no_serious_axe_violations(page)

    refused = page.request.get(api_url, headers={"Authorization": f"Bearer {token}"})
    assert refused.status == 401
    assert AuditEvent.objects.filter(
        action=AuditAction.UPDATE, object_type="api.apitoken", user=admin
    ).exists()

    page.goto(live_server.url + reverse("api:docs"))
    # The page's own heading comes first; Swagger UI adds its own h1 when its script has run
    # (whether before or after this line is a race, so no strict single-h1 locator here).
    assert page.locator("h1").first.inner_text() == "API-dokumentation"
    assert_no_serious_axe_violations(page)
    page.get_by_text("Visa den interaktiva dokumentationen").click()
    page.wait_for_selector("#swagger-ui .opblock", timeout=15_000)
    page.locator("#swagger-ui .opblock-post .opblock-summary").first.click()
    assert_no_serious_axe_violations(page)
    assert not blocked, f"the Content-Security-Policy blocked: {blocked}"
