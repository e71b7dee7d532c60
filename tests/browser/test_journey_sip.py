"""Issue 4, browser journey: a caseworker creates a SIP, records the consent of both guardians
and invites BUP; a BUP user signs in, sees the invitation and accepts; the caseworker schedules
the meeting and records it as held with the family present and a plan with two interventions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from organisations.demo import DEMO_PASSWORD, seed_organisations
from organisations.models import Unit
from placements.demo import seed_children
from placements.models import Child
from sip.models import Invitation, MeetingParticipant, Sip
from tests.browser.conftest import assert_no_serious_axe_violations, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CASEWORKER = "handlaggare.goteborg@demo.example"
BUP_USER = "bup@demo.example"
FORM = "main form[method=post]"


def submit(page) -> None:
    with page.expect_navigation():
        page.click(f"{FORM} button[type=submit]")


def errors(page) -> list[str]:
    """The error messages on the page, for a readable failure."""
    return page.locator(".invalid-feedback, .alert-danger, .errorlist").all_inner_texts()


def go(page, live_server, url: str) -> None:
    page.goto(live_server.url + url)
    assert_no_serious_axe_violations(page)


def test_sip_with_consent_invitation_answer_and_held_meeting(browser, page, live_server):
    today = timezone.localdate()
    seed_organisations()
    seed_children(today=today)
    child = Child.objects.get(first_name="Alva", last_name="Andersson")
    placement = child.placements.get()
    guardians = list(child.related_persons.filter(kind="guardian").order_by("pk"))
    assert len(guardians) == 2
    bup = Unit.objects.get(name="BUP Göteborg")
    # The meeting two hours ago, so it is in the past whenever the test runs.
    start = timezone.localtime().replace(second=0, microsecond=0) - timedelta(hours=2)
    end = start + timedelta(hours=1)
    meeting_day = start.date()

    # The caseworker creates the SIP from the child's page.
    login(page, live_server, CASEWORKER, DEMO_PASSWORD)
    go(page, live_server, reverse("placements:child_detail", args=[child.pk]))
    page.click(f"main a[href='{reverse('sip:sip_create', args=[child.pk])}']")
    page.wait_for_url(live_server.url + reverse("sip:sip_create", args=[child.pk]))
    assert_no_serious_axe_violations(page)
    page.fill("#id_need_noticed_on", (meeting_day - timedelta(days=7)).isoformat())
    page.fill("#id_need_description", "Behov av samordnad psykiatrisk och social insats.")
    page.check(f"input[name=placements][value='{placement.pk}']")
    submit(page)
    sip = Sip.objects.get(child=child)
    assert page.url == live_server.url + reverse("sip:sip_detail", args=[sip.pk])
    assert list(sip.placements.all()) == [placement]
    assert_no_serious_axe_violations(page)

    # The consent of both guardians.
    for guardian, form in zip(guardians, ("written", "oral"), strict=True):
        go(page, live_server, reverse("sip:consent_create", args=[sip.pk]))
        page.select_option("#id_given_by_kind", "guardian")
        page.select_option("#id_guardian", str(guardian.pk))
        page.select_option("#id_form", form)
        page.fill("#id_given_on", (meeting_day - timedelta(days=5)).isoformat())
        page.fill("#id_scope", "Socialtjänsten, BUP och skolan får utbyta uppgifter.")
        submit(page)
        assert page.url == live_server.url + reverse("sip:sip_detail", args=[sip.pk])
        assert_no_serious_axe_violations(page)
    assert sip.consents.count() == 2

    # Invite BUP.
    go(page, live_server, reverse("sip:invitation_create", args=[sip.pk]))
    page.check(f"input[name=units][value='{bup.pk}']")
    page.fill("#id_invited_on", (meeting_day - timedelta(days=5)).isoformat())
    submit(page)
    invitation = Invitation.objects.get(sip=sip, unit=bup)
    assert invitation.response == Invitation.Response.PENDING
    assert page.url == live_server.url + reverse("sip:sip_detail", args=[sip.pk])
    assert_no_serious_axe_violations(page)

    # A BUP user signs in (another browser), sees the invitation and accepts.
    context = browser.new_context(locale="sv-SE", timezone_id="Europe/Stockholm")
    context.set_default_timeout(15_000)
    try:
        bup_page = context.new_page()
        login(bup_page, live_server, BUP_USER, DEMO_PASSWORD)
        go(bup_page, live_server, reverse("sip:invitation_inbox"))
        respond = reverse("sip:invitation_respond", args=[invitation.pk])
        row = bup_page.locator("main table tbody tr", has=bup_page.locator(f"a[href='{respond}']"))
        assert row.count() == 1
        assert "BUP Göteborg" in row.inner_text()
        row.locator(f"a[href='{respond}']").click()
        bup_page.wait_for_url(live_server.url + respond)
        assert_no_serious_axe_violations(bup_page)
        bup_page.check("input[name=response][value=accepted]")
        submit(bup_page)
        # The invitation makes the SIP visible to BUP: the answer leads to the SIP page.
        assert bup_page.url == live_server.url + reverse("sip:sip_detail", args=[sip.pk])
        assert_no_serious_axe_violations(bup_page)
    finally:
        context.close()
    invitation.refresh_from_db()
    assert invitation.response == Invitation.Response.ACCEPTED

    # The caseworker schedules the meeting …
    go(page, live_server, reverse("sip:meeting_create", args=[sip.pk]))
    page.select_option("#id_kind", "initial")
    page.fill("#id_scheduled_on", meeting_day.isoformat())
    page.fill("#id_scheduled_time", f"{start:%H:%M}")
    page.fill("#id_place", "Socialtjänsten Göteborg, rum 3")
    page.fill("#id_individual_offered_on", (meeting_day - timedelta(days=3)).isoformat())
    submit(page)
    meeting = sip.meetings.get()
    assert page.url == live_server.url + reverse("sip:sip_detail", args=[sip.pk])
    assert_no_serious_axe_violations(page)

    # … and records it as held, with the family present and a plan with two interventions.
    go(page, live_server, reverse("sip:meeting_held", args=[meeting.pk]))
    # The child and both guardians are proposed as attending.
    assert page.input_value("#id_p-0-kind") == "child"
    for i in range(3):
        assert page.is_checked(f"#id_p-{i}-attended")
    assert {page.input_value(f"#id_p-{i}-kind") for i in (1, 2)} == {"guardian"}
    page.fill("#id_started_at", f"{start:%Y-%m-%dT%H:%M}")
    page.fill("#id_ended_at", f"{end:%Y-%m-%dT%H:%M}")
    page.fill("#id_child_views", "Alva vill bo kvar på hemmet och gå i samma skola.")
    page.fill("#id_needs", "Stöd i skolan och behandling för ångest.")
    page.fill("#id_next_follow_up_on", (meeting_day + timedelta(days=90)).isoformat())
    page.fill("#id_i-0-description", "Behandlingssamtal varannan vecka")
    page.select_option("#id_i-0-responsible_kind", "unit")
    page.select_option("#id_i-0-responsible_unit", str(bup.pk))
    page.check("#id_i-0-is_health_care")
    page.fill("#id_i-1-description", "Läxhjälp på boendet")
    page.select_option("#id_i-1-responsible_kind", "third_party")
    page.fill("#id_i-1-responsible_name", "HVB Solgläntan")
    submit(page)
    assert page.url == live_server.url + reverse("sip:sip_detail", args=[sip.pk]), errors(page)
    assert_no_serious_axe_violations(page)

    meeting.refresh_from_db()
    assert meeting.is_held
    attended = {(p.kind, p.related_person_id) for p in meeting.participants.filter(attended=True)}
    assert (MeetingParticipant.Kind.CHILD, None) in attended
    assert {(MeetingParticipant.Kind.GUARDIAN, g.pk) for g in guardians} <= attended
    plan = sip.plan_versions.get()
    assert plan.next_follow_up_on == meeting_day + timedelta(days=90)
    assert [i.description for i in plan.interventions.order_by("pk")] == [
        "Behandlingssamtal varannan vecka",
        "Läxhjälp på boendet",
    ]
