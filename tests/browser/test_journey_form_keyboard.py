"""Issue 12, keyboard only: a caseworker fills in the placement form without a mouse. The form
is in fieldsets with legends; the power of attorney shows only under LVU; a submission with
several errors brings them all at once in an error summary that takes focus, and each of its
links leads the keyboard focus into the field; what was typed is kept."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from organisations.demo import DEMO_PASSWORD, seed_organisations
from organisations.models import Unit
from placements.models import Placement
from tests.browser.conftest import assert_no_serious_axe_violations, login
from tests.placements.factories import ChildFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CASEWORKER = "handlaggare.goteborg@demo.example"


def focused_id(page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id || ''")


def tab_to(page, element_id: str, limit: int = 80) -> int:
    """Press Tab until the element has focus; returns the number of presses."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if focused_id(page) == element_id:
            return presses
    raise AssertionError(f"#{element_id} not reached with Tab (at #{focused_id(page)})")


def test_placement_form_by_keyboard_error_summary_takes_focus_and_links_to_fields(
    page, live_server
):
    seed_organisations()
    unit = Unit.objects.get(principal__name="Göteborg", kind="social_services")
    child = ChildFactory(
        home_municipality=unit.principal, responsible_unit=unit, birth_date=date(2012, 3, 1)
    )
    login(page, live_server, CASEWORKER, DEMO_PASSWORD)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + reverse("placements:placement_create", args=[child.pk]))

    # Fieldsets with legends; the power of attorney hidden until LVU is chosen.
    legends = page.locator("main form fieldset > legend").all_inner_texts()
    assert len(legends) >= 6 and any("Fullmakt" in text for text in legends)
    assert not page.locator("#id_power_of_attorney_scope").is_visible()

    # Keyboard only: choose the legal basis LVU with the arrow keys; the fieldset appears.
    tab_to(page, "id_legal_basis")
    for _ in range(4):
        if page.eval_on_selector("#id_legal_basis", "e => e.value") == "lvu":
            break
        page.keyboard.press("ArrowDown")
    assert page.eval_on_selector("#id_legal_basis", "e => e.value") == "lvu"
    assert page.locator("#id_power_of_attorney_scope").is_visible()

    # Type a provider name; leave the planned start empty and the end before nothing:
    # a planned end without start, an empty form of placement... several errors at once.
    tab_to(page, "id_provider_name")
    page.keyboard.type("HVB Solgläntan")
    tab_to(page, "id_planned_end")
    page.keyboard.type("2026-01-31")  # Chromium's date input takes the digits in order
    # Submit with Enter from the submit button.
    submit = page.locator("main form button[type=submit]")
    for _ in range(80):
        page.keyboard.press("Tab")
        if submit.evaluate("e => e === document.activeElement"):
            break
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert not Placement.objects.filter(child=child).exists()
    summary = page.locator(".error-summary")
    assert summary.is_visible()
    # The summary has the focus, announced as an alert with a heading.
    assert summary.evaluate("e => e === document.activeElement")
    assert summary.get_attribute("role") == "alert"
    links = summary.locator("a")
    targets = [
        href.lstrip("#") for href in links.evaluate_all("l => l.map(a => a.getAttribute('href'))")
    ]
    assert "id_planned_start" in targets and "id_form" in targets
    # Tab to the link for the planned start and follow it with Enter: the field has the focus.
    index = targets.index("id_planned_start")
    for _ in range(index + 1):
        page.keyboard.press("Tab")
    assert links.nth(index).evaluate("e => e === document.activeElement")
    page.keyboard.press("Enter")
    assert focused_id(page) == "id_planned_start"
    # What was typed is kept, and the error is next to the field too.
    assert page.input_value("#id_provider_name") == "HVB Solgläntan"
    assert page.eval_on_selector("#id_legal_basis", "e => e.value") == "lvu"
    assert page.locator("#id_planned_start").get_attribute("aria-invalid") == "true"
    assert_no_serious_axe_violations(page)
