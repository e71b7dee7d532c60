"""Issue 14, browser journey (R-DISP-1): the Göteborg caseworker opens a dispute about Alva's
acute HVB placement with a temporary split agreed at the SIP meeting, finds it on the
monthly statement, passes it to the sub-regional level; the member of Göteborgsregionen's
cooperation passes it to the regional level; the member of LiSA finds it with the temporary
split in force and the regional clock running, and may issue the recommendation. axe finds no
serious or critical violation on the pages on the way, at 1280 and at 390 px."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from agreements.models import Dispute
from tests.browser.conftest import axe_at_both_widths, signed_in_page
from tests.browser.journey_setup import CASEWORKER, agreement_awaiting_signatures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FORM = "main form[method=post]"
GR_MEMBER = "delregion.gr@demo.example"
LISA_MEMBER = "lisa@demo.example"


def _submit(page) -> None:
    with page.expect_navigation():
        page.click(f"{FORM} button[type=submit]")


def test_a_dispute_goes_from_local_to_the_regional_level_with_the_temporary_split(
    browser, live_server
):
    version = agreement_awaiting_signatures()
    agreement = version.agreement
    placement = agreement.placement
    today = timezone.localdate()

    # The caseworker opens the dispute from the agreement page.
    context, page = signed_in_page(browser, live_server, CASEWORKER)
    page.goto(live_server.url + reverse("agreements:agreement_detail", args=[agreement.pk]))
    page.get_by_role("link", name="Öppna en tvist").click()
    page.wait_for_url(re.compile(r"/tvist/$"))
    axe_at_both_widths(page)
    page.get_by_label("Fördelningen av kostnaden").check()
    page.get_by_label("Hur respektive huvudman tolkar överenskommelsen").fill(
        "Kommunen läser behandlingen som hälso- och sjukvård; regionen läser den som HVB-vård."
    )
    page.get_by_label("Överenskommen procentsats").check()
    page.get_by_label("Regionens andel (%)").fill("45")
    _submit(page)
    dispute = Dispute.objects.get()
    assert page.url.endswith(reverse("agreements:dispute_detail", args=[dispute.pk]))
    body = page.locator("main").inner_text()
    assert "Tillfällig ansvarsfördelning" in body and "45" in body
    axe_at_both_widths(page)

    # The monthly statement uses the temporary split from today.
    page.goto(
        live_server.url
        + reverse("agreements:placement_statement", args=[placement.pk])
        + f"?month={today:%Y-%m}"
    )
    assert "Tillfällig ansvarsfördelning medan en tvist löses" in page.locator("main").inner_text()

    # Not solved locally: the caseworker passes it to the sub-regional level.
    page.goto(live_server.url + reverse("agreements:dispute_detail", args=[dispute.pk]))
    page.get_by_role("link", name="Lyft till delregional nivå").click()
    page.get_by_label("Varför den inte kan lösas på den här nivån").fill(
        "Cheferna är inte överens."
    )
    _submit(page)
    dispute.refresh_from_db()
    assert (dispute.level, dispute.sub_regional_since) == ("sub_regional", today)
    context.close()

    # The member of Göteborgsregionen's cooperation finds it in the menu and passes it on.
    context, page = signed_in_page(browser, live_server, GR_MEMBER)
    page.get_by_role("link", name="Tvister").first.click()
    page.get_by_role("link", name=str(dispute).replace("Dispute", "Tvist")).click()
    axe_at_both_widths(page)
    page.get_by_role("link", name="Lyft till regional nivå").click()
    page.get_by_label("Varför den inte kan lösas på den här nivån").fill(
        "Frågan gäller tolkningen av överenskommelsen i hela regionen."
    )
    _submit(page)
    dispute.refresh_from_db()
    assert (dispute.level, dispute.regional_since) == ("regional", today)
    context.close()

    # LiSA sees it with the temporary split still in force and its own 30 days running.
    context, page = signed_in_page(browser, live_server, LISA_MEMBER)
    page.goto(live_server.url + reverse("agreements:dispute_list"))
    page.get_by_role("link", name=f"Tvist {dispute.pk}").click()
    body = page.locator("main").inner_text()
    assert "Beredd av regional nivå (30 dagar)" in body
    assert "gäller från" in body
    assert page.get_by_role("link", name="Utfärda rekommendationen").count() == 1
    axe_at_both_widths(page)
    context.close()
