# ruff: noqa: F811  (the agreements fixtures are imported by name and requested as arguments)
"""The next-step panel on the placement and child pages, and the placement list's columns
(issue 12).

The agreements fixtures (imported below) give a Göteborg child with a planned HVB placement
from 1 June 2026, a SIP with both guardians' consent and BUP invited; the clock stands on
Friday 15 May 2026. Each test says which rule the panel follows.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from agreements import services as agreement_services
from agreements.models import AgreementVersion, Signature, SignedDocument
from placements.models import Placement
from tests.agreements.conftest import (  # noqa: F401  (fixtures)
    HELD_ON,
    at,
    aunt,
    bup_signatory,
    child,
    cost_meeting,
    draft,
    father,
    frozen_today,
    gbg_signatory,
    mother,
    placement,
    sip,
    sip_meeting,
)
from tests.placements.factories import ChildFactory, PlacementFactory

pytestmark = pytest.mark.django_db

DETAIL_QUERIES = 34
# The child page: 31 before the timeline took the page's own policy fetch, the next steps the
# page's answer to "may change", one deadline query and the audit's unit from the grants (27).
CHILD_QUERIES = 27
LIST_QUERIES = 12


def detail(client, placement_pk: int) -> str:
    response = client.get(reverse("placements:placement_detail", args=[placement_pk]))
    assert response.status_code == 200
    return response.content.decode()


def child_page(client, child_pk: int) -> str:
    response = client.get(reverse("placements:child_detail", args=[child_pk]))
    assert response.status_code == 200
    return response.content.decode()


def panel_of(html: str) -> str:
    start = html.index('<section class="next-steps')
    return html[start : html.index("</section>", start)]


def test_a_new_placement_shows_the_way_to_its_start_and_no_start_button(
    client_for, placement, gbg_caseworker
):
    """R-SIP-1 first; R-MEET-1 says why the cost meeting waits; R-PLAC-2: no start button
    before both signatures, the panel says why instead."""
    html = detail(client_for(gbg_caseworker), placement.pk)
    panel = panel_of(html)

    assert "Nästa steg" in panel
    assert reverse("sip:sip_create", args=[placement.child_id]) in panel
    assert "Kostnadsansvarsmötet kan hållas när SIP-mötet har hållits." in panel
    assert "En planerad placering kan inte börja innan överenskommelsen" in panel
    assert reverse("agreements:cost_meeting_create", args=[placement.pk]) not in html
    assert reverse("placements:placement_transition", args=[placement.pk, "active"]) not in html
    # The cancel move can still succeed and is still offered.
    assert reverse("placements:placement_transition", args=[placement.pk, "cancelled"]) in html
    # Dates with days left: the planned start, 1 June 2026, is 17 days away.
    assert "senast 2026-06-01 (17 dagar kvar)" in panel


def test_with_consent_the_sip_meeting_is_booked_from_the_panel(client_for, sip, gbg_caseworker):
    """R-SIP-2: consent recorded, so the one action is to book the meeting; R-SIP-1: due three
    weeks after the need was noticed (5 May 2026 + 21 days)."""
    panel = panel_of(detail(client_for(gbg_caseworker), sip.placements.get().pk))

    assert reverse("sip:meeting_create", args=[sip.pk]) in panel
    assert "2026-05-26 (11 dagar kvar)" in panel


def test_a_meeting_booked_for_a_later_day_is_waited_for_not_offered(
    client_for, sip, gbg_caseworker
):
    """A meeting is recorded as held once it has taken place (domain.meetings): booked for
    next week, the placement's and the child's panels say when instead of offering the form
    that would refuse it (found by an exploratory review)."""
    from sip import services as sip_services
    from sip.models import SipMeeting

    meeting = sip_services.meeting_schedule(
        user=gbg_caseworker,
        sip=sip,
        meeting=SipMeeting(
            sip=sip, kind=SipMeeting.Kind.INITIAL, scheduled_on=date(2026, 5, 20), place="Rum 1"
        ),
    )
    client = client_for(gbg_caseworker)
    held_url = reverse("sip:meeting_held", args=[meeting.pk])
    for html in (detail(client, sip.placements.get().pk), child_page(client, sip.child_id)):
        panel = panel_of(html)
        assert held_url not in panel
        assert "SIP-mötet är bokat till 2026-05-20" in panel


def test_after_the_sip_meeting_the_cost_meeting_is_the_next_step(
    client_for, sip_meeting, placement, gbg_caseworker
):
    """R-MEET-1: the SIP meeting held, the cost meeting can be registered."""
    html = detail(client_for(gbg_caseworker), placement.pk)

    assert reverse("agreements:cost_meeting_create", args=[placement.pk]) in panel_of(html)
    assert "klart 2026-05-12" in panel_of(html)


def test_a_region_clinician_sees_the_steps_without_the_municipalitys_actions(
    client_for, sip_meeting, placement, bup_clinician
):
    """Policy: BUP, invited to the SIP, follows the case; the cost meeting is the placing
    unit's to register."""
    html = detail(client_for(bup_clinician), placement.pk)
    panel = panel_of(html)

    assert "Möte om kostnadsansvar hållet" in panel
    assert reverse("agreements:cost_meeting_create", args=[placement.pk]) not in html
    assert "Görs av den placerande verksamhetens handläggare." in panel


def test_another_municipality_gets_404_on_both_pages(client_for, placement, mdl_caseworker):
    client = client_for(mdl_caseworker)
    assert (
        client.get(reverse("placements:placement_detail", args=[placement.pk])).status_code == 404
    )
    assert (
        client.get(reverse("placements:child_detail", args=[placement.child_id])).status_code == 404
    )


def test_each_signatory_gets_the_link_for_their_own_principal_in_order(
    client_for, draft, placement, gbg_caseworker, gbg_signatory, bup_signatory
):
    """R-MEET-3: a signature per principal by a mandate holder; the placing municipality
    signs first (SIGNING_ORDER placing_first), so the region's signatory waits."""
    version = agreement_services.agreement_send_for_signature(user=gbg_caseworker, version=draft)
    sign_url = reverse("agreements:version_sign", args=[version.pk])

    caseworker = panel_of(detail(client_for(gbg_caseworker), placement.pk))
    assert sign_url not in caseworker
    assert "En person med mandat att fatta ekonomiska beslut för kommunen signerar." in caseworker

    municipal = client_for(gbg_signatory)
    assert sign_url in panel_of(detail(municipal, placement.pk))
    assert "Signera för kommunen" in panel_of(detail(municipal, placement.pk))

    region = panel_of(detail(client_for(bup_signatory), placement.pk))
    assert "Signera för regionen" not in region
    assert "Kommunen signerar först." in region


def _signed_by_both(version: AgreementVersion, *users) -> None:
    """The signing rows as the signing service leaves them (without the PDF work)."""
    for sequence, (user, principal_id) in enumerate(users, start=1):
        document = SignedDocument.objects.create(
            version=version,
            revision=sequence,
            signing_round=version.signing_round,
            pdf=b"%PDF",
            sha256="0" * 64,
        )
        Signature.objects.create(
            version=version,
            principal_id=principal_id,
            user=user,
            role="test",
            signed_at=at(date(2026, 5, 14), 9 + sequence),
            authentication="password+totp",
            second_factor_at=at(date(2026, 5, 14), 9),
            document=document,
            signing_round=version.signing_round,
            sequence=sequence,
        )
    version.status = "signed"
    version.signed_at = at(date(2026, 5, 14), 11)
    version.save()


def test_with_both_signatures_the_placement_can_be_started(
    client_for, draft, placement, gbg_caseworker, gbg_signatory, bup_signatory, goteborg, region
):
    """R-PLAC-2: signed by both principals, the start is offered (a complete record: the
    factory fills R-PLAC-1)."""
    version = agreement_services.agreement_send_for_signature(user=gbg_caseworker, version=draft)
    _signed_by_both(version, (gbg_signatory, goteborg.pk), (bup_signatory, region.pk))

    html = detail(client_for(gbg_caseworker), placement.pk)
    start_url = reverse("placements:placement_transition", args=[placement.pk, "active"])
    assert start_url in panel_of(html)
    assert html.count(start_url) == 2  # the panel's link and the status button


def test_the_child_page_shows_the_panel_open_deadlines_and_the_cost_meeting(
    client_for, cost_meeting, placement, gbg_caseworker
):
    """R-MEET-1: the cost meeting in the timeline; the open deadlines with days left."""
    html = child_page(client_for(gbg_caseworker), placement.child_id)
    panel = panel_of(html)

    assert "Nästa steg" in panel
    assert reverse("agreements:agreement_create", args=[placement.pk]) in panel
    assert "Öppna tidsfrister" in panel
    # R-PLAC-2: the agreement signed before the planned start, 17 days left.
    assert "Överenskommelse signerad före placeringens start" in panel or "17 dagar kvar" in panel
    assert "17 dagar kvar" in panel
    timeline = html[html.index('id="timeline-heading"') :]
    assert "Kostnadsansvarsmöte" in timeline
    assert HELD_ON.isoformat() in timeline


def test_the_child_page_panel_hides_the_name_of_a_protected_child_from_other_parties(
    client_for, sip_meeting, placement, bup_clinician
):
    """Protected identity keeps its rule: the panel names the placement without the name."""
    child = placement.child
    child.protected_identity = True
    child.save()

    html = child_page(client_for(bup_clinician), child.pk)
    assert child.full_name not in html
    assert "skyddade personuppgifter – HVB" in panel_of(html)


def test_the_pages_ask_a_bounded_number_of_queries(
    client_for, cost_meeting, placement, gbg_caseworker, django_assert_max_num_queries
):
    client = client_for(gbg_caseworker)
    with django_assert_max_num_queries(DETAIL_QUERIES):
        detail(client, placement.pk)
    with django_assert_max_num_queries(CHILD_QUERIES):
        child_page(client, placement.child_id)


def test_the_child_page_queries_do_not_grow_with_its_placements(
    client_for, placement, gbg_caseworker
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(gbg_caseworker)
    with CaptureQueriesContext(connection) as one:
        child_page(client, placement.child_id)
    for _ in range(3):
        PlacementFactory(child=placement.child, caseworker=gbg_caseworker)
    with CaptureQueriesContext(connection) as four:
        html = child_page(client, placement.child_id)
    assert html.count('<h3 class="h5 mt-3"><a href=') == 4
    assert len(four.captured_queries) <= len(one.captured_queries) + 2


@pytest.mark.parametrize("may_change", [None, True])
def test_the_child_page_steps_equal_the_panels_and_deadlines_asked_apart(
    sip, placement, gbg_caseworker, bup_clinician, may_change
):
    """The child page reads its panels' and the child's deadlines in one query and may pass
    its own answer to "may change the child" (issue 13): the same panels and deadlines as
    ``panels_for`` and ``child_deadlines`` asked apart, for a caseworker and for BUP."""
    from dashboard import next_steps

    for user, change in ((gbg_caseworker, may_change), (bup_clinician, None)):
        child = (
            Placement.objects.select_related("child__home_municipality__region")
            .get(pk=placement.pk)
            .child
        )
        placements = list(child.placements.exclude(status=Placement.Status.CANCELLED))
        for p in placements:
            p.child = child
        panels, deadlines = next_steps.child_next_steps(
            child, placements, user=user, may_change=change
        )
        apart = next_steps.panels_for(placements, user=user)
        assert deadlines == next_steps.child_deadlines(child, user=user)
        assert deadlines, "the case has open deadlines (the fixture's SIP and placement)"
        assert [(p.steps, p.deadlines, p.exam_steps) for p in panels] == [
            (p.steps, p.deadlines, p.exam_steps) for p in apart
        ]


def test_a_cancelled_placement_offers_no_cost_meeting_and_no_examination(
    client_for, sip_meeting, placement, gbg_caseworker
):
    """Nothing is offered that cannot succeed (LIFECYCLE: nothing new for a cancelled
    placement); before the cancellation both were offered."""
    client = client_for(gbg_caseworker)
    meeting_url = reverse("agreements:cost_meeting_create", args=[placement.pk])
    exam_url = reverse("placements:health_exam_create", args=[placement.pk])
    before = detail(client, placement.pk)
    assert meeting_url in before and exam_url in before

    Placement.objects.filter(pk=placement.pk).update(status=Placement.Status.CANCELLED)
    html = detail(client, placement.pk)

    assert meeting_url not in html
    assert exam_url not in html


def test_a_placement_not_moved_into_says_so_instead_of_dashes(
    client_for, placement, gbg_caseworker
):
    assert placement.actual_start is None
    html = detail(client_for(gbg_caseworker), placement.pk)
    assert "Inte inflyttad ännu" in html
    assert "– –" not in html


# --- the placement list ---------------------------------------------------------------------------


def test_the_list_names_each_placement_and_shows_the_next_deadline_and_the_agreement(
    client_for, draft, placement, gbg_caseworker
):
    """The next open deadline (R-PLAC-2: the agreement before the start) with its date and days
    left, and the agreement's status, both from the query."""
    html = client_for(gbg_caseworker).get(reverse("placements:placement_list")).content.decode()
    row = html[html.index(reverse("placements:placement_detail", args=[placement.pk])) :]
    row = row[: row.index("</tr>")]

    assert f"{placement.child.full_name} – HVB" in row
    assert "2026-06-01" in row and "17 dagar kvar" in row
    assert "Utkast" in row


def test_the_list_names_a_protected_child_as_protected(
    client_for, placement, bup_clinician, sip_meeting
):
    child = placement.child
    child.protected_identity = True
    child.save()
    html = client_for(bup_clinician).get(reverse("placements:placement_list")).content.decode()
    assert "skyddade personuppgifter – HVB" in html
    assert child.full_name not in html


@pytest.mark.parametrize("extra", [2, 20])
def test_the_list_asks_the_same_number_of_queries_for_any_number_of_rows(
    client_for, gbg_caseworker, goteborg, gbg_social, extra, django_assert_max_num_queries
):
    for _ in range(extra):
        child = ChildFactory(home_municipality=goteborg, responsible_unit=gbg_social)
        PlacementFactory(child=child, caseworker=gbg_caseworker, placing_unit=gbg_social)
    client = client_for(gbg_caseworker)
    with django_assert_max_num_queries(LIST_QUERIES):
        response = client.get(reverse("placements:placement_list"))
    assert response.status_code == 200
    assert response.content.decode().count("<tr>") == min(extra, 25) + 1
    assert Placement.objects.count() == extra
