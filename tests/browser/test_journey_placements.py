"""Issue 3, browser journey: a caseworker registers a child (one wrong personnummer refused with
a message next to the field, the rest of the input kept) and an acute HVB placement."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from organisations.demo import DEMO_PASSWORD, seed_organisations
from placements.demo import demo_personnummer
from placements.models import Child, Placement
from tests.browser.conftest import assert_no_serious_axe_violations, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CASEWORKER = "handlaggare.goteborg@demo.example"
FORM = "main form[method=post]"


def submit(page) -> None:
    with page.expect_navigation():
        page.click(f"{FORM} button[type=submit]")


def test_caseworker_registers_a_child_and_an_acute_hvb_placement(page, live_server):
    seed_organisations()
    number = demo_personnummer(date(2013, 6, 15), 418)  # 12 digits, valid check digit
    wrong = number[:-1] + str((int(number[-1]) + 1) % 10)  # the check digit off by one
    today = timezone.localdate().isoformat()

    login(page, live_server, CASEWORKER, DEMO_PASSWORD)
    page.goto(live_server.url + reverse("placements:child_create"))
    assert_no_serious_axe_violations(page)

    page.fill("#id_identity_number_input", f"{wrong[:8]}-{wrong[8:]}")
    page.fill("#id_first_name", "Tove")
    page.fill("#id_last_name", "Lindqvist")
    page.fill("#id_address", "Lindqvistgatan 3\n412 58 Göteborg")
    page.fill("#id_own_views", "Vill bo nära sin bästa vän.")
    submit(page)

    # Refused: still the form, the message next to the field, everything else kept.
    assert page.url == live_server.url + reverse("placements:child_create")
    assert not Child.objects.filter(last_name="Lindqvist").exists()
    field = page.locator("#id_identity_number_input")
    assert "is-invalid" in (field.get_attribute("class") or "")
    assert field.get_attribute("aria-invalid") == "true"
    error = page.locator("#error_1_id_identity_number_input")
    assert error.is_visible()
    assert re.search(r"kontrollsiffra|check digit", error.inner_text(), re.IGNORECASE)
    assert field.input_value() == f"{wrong[:8]}-{wrong[8:]}"
    assert page.input_value("#id_first_name") == "Tove"
    assert page.input_value("#id_last_name") == "Lindqvist"
    assert page.input_value("#id_address") == "Lindqvistgatan 3\n412 58 Göteborg"
    assert page.input_value("#id_own_views") == "Vill bo nära sin bästa vän."
    assert page.locator("#id_home_municipality option:checked").inner_text() == "Göteborg"
    assert_no_serious_axe_violations(page)

    page.fill("#id_identity_number_input", f"{number[:8]}-{number[8:]}")
    submit(page)

    child = Child.objects.get(identity_number=number)
    assert child.first_name == "Tove"
    assert child.birth_date == date(2013, 6, 15)
    assert page.url == live_server.url + reverse("placements:child_detail", args=[child.pk])
    assert_no_serious_axe_violations(page)

    page.click(f"a[href='{reverse('placements:placement_create', args=[child.pk])}']")
    page.wait_for_url(live_server.url + reverse("placements:placement_create", args=[child.pk]))
    assert_no_serious_axe_violations(page)

    page.select_option("#id_form", "hvb")
    page.select_option("#id_legal_basis", "sol")
    page.check("#id_is_acute")
    page.fill("#id_provider_name", "HVB Havsbrisen")
    page.fill("#id_planned_start", today)
    page.fill("#id_actual_start", today)
    page.fill("#id_cost_per_day", "3900.00")
    page.fill("#id_goal", "Trygghet och skolgång.")
    page.fill("#id_wishes", "Vill träffa sin mamma varje vecka.")
    page.fill("#id_schooling", "Skolan på hemmet de första veckorna.")
    submit(page)

    placement = Placement.objects.get(child=child)
    assert placement.is_acute
    assert placement.form == Placement.Form.HVB
    assert placement.provider_name == "HVB Havsbrisen"
    assert placement.caseworker.email == CASEWORKER
    assert page.url == live_server.url + reverse("placements:placement_detail", args=[placement.pk])
    assert "HVB Havsbrisen" in page.locator("h1").inner_text()
    assert_no_serious_axe_violations(page)
