"""Issue 5, browser journey: after a held SIP, a caseworker registers the cost meeting from the
placement, tries to add a guardian (refused with a message, the rest kept), chooses the standard
split and sends the agreement for signature."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from agreements.models import AgreementVersion, CostMeeting
from organisations.demo import DEMO_PASSWORD
from organisations.models import User
from tests.browser.conftest import assert_no_serious_axe_violations, login
from tests.browser.journey_setup import (
    BUP_SIGNATORY,
    CASEWORKER,
    MUNICIPAL_SIGNATORY,
    held_sip,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FORM = "main form[method=post]"


def submit(page) -> None:
    with page.expect_navigation():
        page.click(f"{FORM} button[type=submit]")


def errors(page) -> list[str]:
    """The error messages on the page, for a readable failure."""
    return page.locator(".invalid-feedback, .alert-danger, .errorlist").all_inner_texts()


def test_cost_meeting_refuses_a_guardian_then_standard_split_sent_for_signature(page, live_server):
    held = held_sip()
    placement = held.placement
    guardian = placement.child.related_persons.filter(kind="guardian").first()
    signatories = [
        f"user:{User.objects.get(email=email).pk}" for email in (MUNICIPAL_SIGNATORY, BUP_SIGNATORY)
    ]
    # The cost meeting starts after the SIP meeting ended (two days ago), yesterday afternoon.
    starts = f"{timezone.localdate() - timedelta(days=1):%Y-%m-%d}T13:00"
    ends = f"{timezone.localdate() - timedelta(days=1):%Y-%m-%d}T14:00"
    create_url = reverse("agreements:cost_meeting_create", args=[placement.pk])

    login(page, live_server, CASEWORKER, DEMO_PASSWORD)
    page.goto(live_server.url + reverse("placements:placement_detail", args=[placement.pk]))
    assert_no_serious_axe_violations(page)
    page.click(f"main a[href='{create_url}']")
    page.wait_for_url(live_server.url + create_url)
    assert_no_serious_axe_violations(page)

    page.select_option("#id_sip_meeting", str(held.meeting.pk))
    page.fill("#id_started_at", starts)
    page.fill("#id_ended_at", ends)
    page.fill("#id_place", "Stadshuset, sal 2")
    for value in signatories:
        page.check(f"input[name=participants][value='{value}']")
    guardian_box = f"input[name=participants][value='guardian:{guardian.pk}']"
    page.check(guardian_box)
    submit(page)

    # Refused with a message next to the participants; nothing stored; the rest kept.
    assert page.url == live_server.url + create_url
    assert not CostMeeting.objects.exists()
    message = page.locator("[id^=error_][id$=_id_participants]")
    assert message.count() >= 1 and message.first.is_visible(), errors(page)
    assert message.first.inner_text().strip()
    for value in signatories:
        assert page.is_checked(f"input[name=participants][value='{value}']")
    assert page.input_value("#id_started_at") == starts
    assert page.input_value("#id_ended_at") == ends
    assert page.input_value("#id_place") == "Stadshuset, sal 2"
    assert page.input_value("#id_sip_meeting") == str(held.meeting.pk)
    assert_no_serious_axe_violations(page)

    page.uncheck(guardian_box)
    submit(page)
    meeting = CostMeeting.objects.get()
    assert {p.user.email for p in meeting.participant_rows.all()} == {
        MUNICIPAL_SIGNATORY,
        BUP_SIGNATORY,
    }
    agreement_url = reverse("agreements:agreement_create", args=[placement.pk])
    assert page.url == f"{live_server.url}{agreement_url}?cost_meeting={meeting.pk}", errors(page)
    assert_no_serious_axe_violations(page)

    # The agreement form: the standard split, offered for an HVB when the split is unclear.
    assert page.input_value("#id_cost_meeting") == str(meeting.pk)
    assert page.input_value("#id_l-0-description") == "Behandlingssamtal på BUP"
    assert page.input_value("#id_l-1-description") == "Boende och stöd på HVB"
    page.check("#id_split_unclear")
    page.check("input[name=split_method][value=standard]")
    page.fill("#id_health_care_provision", "BUP Göteborg ger behandlingen på mottagningen.")
    submit(page)

    version = AgreementVersion.objects.get(agreement__placement=placement)
    assert version.status == "draft"
    assert version.split_method == "standard"
    assert version.lines.count() == 2
    detail_url = reverse("agreements:agreement_detail", args=[version.agreement_id])
    assert page.url == live_server.url + detail_url, errors(page)
    assert_no_serious_axe_violations(page)

    send_url = reverse("agreements:version_send", args=[version.pk])
    with page.expect_navigation():
        page.click(f"form[action='{send_url}'] button[type=submit]")
    assert page.url == live_server.url + detail_url
    version.refresh_from_db()
    assert version.status == "awaiting_signatures", errors(page)
    assert page.locator(f"form[action='{send_url}']").count() == 0
    assert_no_serious_axe_violations(page)
