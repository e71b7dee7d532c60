"""Issue 14, browser journey (R-DEV-1): the BUP clinician reports a deviation against Göteborg
(first forgetting what happened: the error summary, with everything typed kept), linked to the
placement of the child BUP takes part in; the Göteborg caseworker finds it in the menu, marks it
as received and answers it; the page then says what comes next. The member of
Göteborgsregionen's cooperation opens the area report. axe finds no serious or critical
violation on the pages on the way, at 1280 and at 390 px."""

from __future__ import annotations

import pytest
from django.urls import reverse

from deviations.models import Deviation
from tests.browser.conftest import axe_at_both_widths, signed_in_page
from tests.browser.journey_setup import CASEWORKER, held_sip

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FORM = "main form[method=post]"
CLINICIAN = "bup@demo.example"
GR_MEMBER = "delregion.gr@demo.example"


def _click(page, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name).click()


def test_a_bup_clinician_reports_a_deviation_and_goteborg_answers_it(browser, live_server):
    case = held_sip()  # BUP takes part in Alva's SIP, so the clinician sees her placement

    # The clinician reports the deviation against Göteborg.
    context, page = signed_in_page(browser, live_server, CLINICIAN)
    page.get_by_role("link", name="Avvikelser").first.click()
    page.get_by_role("link", name="Rapportera en avvikelse").click()
    axe_at_both_widths(page)
    page.get_by_label("Berörd kommun").select_option(label="Göteborg")
    page.get_by_label("Information inte delad").check()
    page.get_by_label("Datum för avvikelsen").fill(f"{case.meeting.scheduled_on:%Y-%m-%d}")
    page.get_by_label("Vad som var överenskommet").fill(
        "Socialtjänsten informerar BUP när placeringen ändras."
    )
    page.get_by_label("Placering (frivilligt)").select_option(str(case.placement.pk))
    _click(page, "Rapportera avvikelsen")
    # Forgot what happened: the summary names it, what was typed is still there.
    summary = page.locator(".error-summary")
    assert "Vad hände" in summary.inner_text()
    assert (
        page.get_by_label("Vad som var överenskommet")
        .input_value()
        .startswith("Socialtjänsten informerar")
    )
    axe_at_both_widths(page)
    page.get_by_label("Vad hände").fill("BUP fick veta om flytten först i efterhand.")
    _click(page, "Rapportera avvikelsen")
    deviation = Deviation.objects.get()
    assert page.url.endswith(reverse("deviations:deviation_detail", args=[deviation.pk]))
    assert (deviation.receiving_principal.name, deviation.placement) == ("Göteborg", case.placement)
    body = page.locator("main").inner_text()
    assert "Nästa steg" in body and f"{deviation.answer_due_on:%Y-%m-%d}" in body
    axe_at_both_widths(page)
    context.close()

    # The Göteborg caseworker receives and answers it.
    context, page = signed_in_page(browser, live_server, CASEWORKER)
    page.get_by_role("link", name="Avvikelser").first.click()
    axe_at_both_widths(page)
    page.locator("table").get_by_role("link", name=f"Avvikelse {deviation.pk}").click()
    axe_at_both_widths(page)
    assert page.get_by_role("button", name="Skicka svaret").count() == 0  # not received yet
    _click(page, "Markera som mottagen")
    assert "Avvikelsen är markerad som mottagen." in page.locator("main").inner_text()
    page.get_by_label("Svar").fill("Rutinen för information vid flytt är nu uppdaterad.")
    _click(page, "Skicka svaret")
    deviation.refresh_from_db()
    assert deviation.status == "answered"
    body = page.locator("main").inner_text()
    assert "Svaret är lämnat" in body and "Rutinen för information vid flytt" in body
    axe_at_both_widths(page)
    context.close()

    # The area report of Göteborgsregionen: numbers, no names.
    context, page = signed_in_page(browser, live_server, GR_MEMBER)
    page.get_by_role("link", name="Avvikelser").first.click()
    page.get_by_role("link", name="Områdesrapport").click()
    body = page.locator("main").inner_text()
    assert "Information inte delad" in body and "Alva" not in body
    axe_at_both_widths(page)
    context.close()
