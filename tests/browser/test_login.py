"""A demo caseworker signs in and sees the start page; both pages pass axe (issue 2, section 6)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from organisations.demo import DEMO_PASSWORD, seed_organisations
from tests.browser.conftest import assert_no_serious_axe_violations, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CASEWORKER = "handlaggare.goteborg@demo.example"


def test_demo_caseworker_signs_in_and_sees_the_start_page(page, live_server):
    seed_organisations()
    blocked = []
    page.on(
        "console",
        lambda msg: blocked.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    page.goto(live_server.url + reverse("login"))
    assert_no_serious_axe_violations(page)
    assert not blocked, f"the Content-Security-Policy blocked: {blocked}"

    login(page, live_server, CASEWORKER, DEMO_PASSWORD)

    assert page.url == live_server.url + reverse("start")
    assert page.locator("h1").count() == 1
    assert page.locator("html").get_attribute("lang") == "sv"
    assert_no_serious_axe_violations(page)
    assert not blocked, f"the Content-Security-Policy blocked: {blocked}"
