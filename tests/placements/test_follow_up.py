"""Issue 11, placement follow-up (R-PLAC-7: L24, L25, 002 §3.5.2): the services and the pages
that record the joint follow-up, the joint plan before the end, and the follow-up after it."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from domain.errors import RuleViolation
from placements import services
from placements.models import Placement, PlacementFollowUp
from sip.models import SipMeeting
from tests.placements.factories import ChildFactory, PlacementFactory
from tests.sip.factories import SipFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 5, 15)
ONE_DAY = timedelta(days=1)
STOCKHOLM = ZoneInfo("Europe/Stockholm")


@pytest.fixture(autouse=True)
def frozen_today(time_machine):
    time_machine.move_to(datetime(2026, 5, 15, 10, 0, tzinfo=STOCKHOLM), tick=False)


@pytest.fixture
def active(gbg_child, gbg_caseworker):
    return PlacementFactory(
        child=gbg_child,
        caseworker=gbg_caseworker,
        status=Placement.Status.ACTIVE,
        actual_start=date(2026, 3, 1),
    )


def _meeting(sip, day, *, held=True):
    start = datetime(day.year, day.month, day.day, 9, tzinfo=STOCKHOLM)
    return SipMeeting.objects.create(
        sip=sip,
        kind=SipMeeting.Kind.FOLLOW_UP,
        scheduled_on=day,
        started_at=start if held else None,
        ended_at=start + timedelta(hours=1) if held else None,
        created_by=sip.created_by,
    )


def _end(placement, user, **plan):
    return services.placement_transition(
        user=user, placement=placement, target="ended", on=TODAY, reason="Flyttar hem.", **plan
    )


# --- L25: the joint plan for further interventions before the end ----------------------------


def test_r_plac_7_l25_ending_without_a_sip_meeting_or_a_reason_is_refused(active, gbg_caseworker):
    with pytest.raises(RuleViolation) as excinfo:
        _end(active, gbg_caseworker)

    assert (excinfo.value.rule, excinfo.value.field) == ("R-PLAC-7", "end_plan_meeting")
    active.refresh_from_db()
    assert active.status == Placement.Status.ACTIVE


def test_r_plac_7_l25_ending_with_a_held_sip_meeting_of_the_child_links_it(active, gbg_caseworker):
    meeting = _meeting(SipFactory(child=active.child, created_by=gbg_caseworker), TODAY)

    _end(active, gbg_caseworker, end_plan_meeting=meeting)

    active.refresh_from_db()
    assert active.status == Placement.Status.ENDED
    assert active.end_plan_meeting == meeting
    assert active.next_step_sip_needed is False


@pytest.mark.parametrize("case", ["another child's", "not held", "held after the end"])
def test_r_plac_7_l25_only_a_held_meeting_of_the_childs_sip_on_or_before_the_end_counts(
    active, gbg_caseworker, case
):
    child = ChildFactory() if case == "another child's" else active.child
    sip = SipFactory(child=child, created_by=gbg_caseworker)
    day = TODAY + ONE_DAY if case == "held after the end" else TODAY
    meeting = _meeting(sip, day, held=case != "not held")

    with pytest.raises(RuleViolation) as excinfo:
        _end(active, gbg_caseworker, end_plan_meeting=meeting)

    assert (excinfo.value.rule, excinfo.value.field) == ("R-PLAC-7", "end_plan_meeting")
    active.refresh_from_db()
    assert active.status == Placement.Status.ACTIVE


def test_r_plac_7_l25_the_ending_page_refuses_no_plan_in_swedish_next_to_the_meeting(
    client_for, active, gbg_caseworker
):
    url = reverse("placements:placement_transition", args=[active.pk, "ended"])
    response = client_for(gbg_caseworker).post(url, {"on": "2026-05-15", "reason": "Flytt."})

    assert response.status_code == 200
    [error] = response.context["form"].errors["end_plan_meeting"]
    assert "SIP-möte" in error
    active.refresh_from_db()
    assert active.status == Placement.Status.ACTIVE


def test_r_plac_7_l25_the_ending_page_offers_the_childs_held_meetings_only(
    client_for, active, gbg_caseworker
):
    sip = SipFactory(child=active.child, created_by=gbg_caseworker)
    held, planned = _meeting(sip, TODAY - ONE_DAY), _meeting(sip, TODAY, held=False)
    other = _meeting(SipFactory(created_by=gbg_caseworker), TODAY - ONE_DAY)
    url = reverse("placements:placement_transition", args=[active.pk, "ended"])
    client = client_for(gbg_caseworker)

    offered = set(client.get(url).context["form"].fields["end_plan_meeting"].queryset)
    assert offered == {held}
    assert planned not in offered and other not in offered

    response = client.post(
        url, {"on": "2026-05-15", "reason": "Flytt.", "end_plan_meeting": held.pk}
    )
    assert response.status_code == 302
    active.refresh_from_db()
    assert active.end_plan_meeting == held
    detail = client.get(reverse("placements:placement_detail", args=[active.pk])).content.decode()
    assert reverse("sip:sip_detail", args=[sip.pk]) in detail


# --- L24: the joint, regular follow-up -------------------------------------------------------


def test_r_plac_7_l24_the_follow_up_page_records_a_joint_follow_up(
    client_for, active, gbg_caseworker, gbg_social, bup
):
    url = reverse("placements:placement_follow_up_create", args=[active.pk])
    client = client_for(gbg_caseworker)
    assert client.get(url).status_code == 200

    response = client.post(
        url,
        {
            "held_on": "2026-05-14",
            "municipality_units": [gbg_social.pk],
            "region_units": [bup.pk],
            "participants": "Anna Ek (socialtjänsten), Bo Lund (BUP)",
            "notes": "Trivs i skolan.",
            "next_follow_up_on": "2026-08-14",
        },
    )

    assert response.status_code == 302
    [follow_up] = PlacementFollowUp.objects.filter(placement=active)
    assert follow_up.next_follow_up_on == date(2026, 8, 14)
    assert list(follow_up.region_units.all()) == [bup]
    detail = client.get(reverse("placements:placement_detail", args=[active.pk]))
    assert "Trivs i skolan." in detail.content.decode()


def test_r_plac_7_l24_a_follow_up_without_the_region_shows_the_error_next_to_its_field(
    client_for, active, gbg_caseworker, gbg_social
):
    url = reverse("placements:placement_follow_up_create", args=[active.pk])
    response = client_for(gbg_caseworker).post(
        url,
        {
            "held_on": "2026-05-14",
            "municipality_units": [gbg_social.pk],
            "participants": "Anna Ek",
            "next_follow_up_on": "2026-08-14",
        },
    )

    assert response.status_code == 200
    [error] = response.context["form"].errors["region_units"]
    assert "regionen" in error
    assert not PlacementFollowUp.objects.exists()


def test_r_plac_7_l24_a_planned_placement_is_not_followed_up(
    gbg_placement, gbg_caseworker, gbg_social, bup
):
    with pytest.raises(RuleViolation) as excinfo:
        services.placement_follow_up_record(
            user=gbg_caseworker,
            placement=gbg_placement,
            follow_up=PlacementFollowUp(
                held_on=TODAY, next_follow_up_on=TODAY + ONE_DAY, participants="X"
            ),
            municipality_units=[gbg_social],
            region_units=[bup],
            today=TODAY,
        )
    assert excinfo.value.rule == "R-PLAC-7"


# --- 002 §3.5.2: the follow-up after the end -------------------------------------------------


def test_r_plac_7_the_follow_up_after_the_end_is_recorded_done_through_its_page(
    client_for, active, gbg_caseworker
):
    _end(
        active,
        gbg_caseworker,
        follow_up_until=date(2026, 7, 15),
        end_plan_no_meeting_reason="Inga fortsatta insatser.",
    )
    url = reverse("placements:post_placement_follow_up", args=[active.pk])
    client = client_for(gbg_caseworker)

    response = client.post(url, {"follow_up_ended_on": "2026-05-16", "follow_up_notes": "Klart."})
    assert response.status_code == 200  # tomorrow: not ended yet
    assert response.context["form"].errors["follow_up_ended_on"]

    response = client.post(url, {"follow_up_ended_on": "2026-05-15", "follow_up_notes": "Klart."})
    assert response.status_code == 302
    active.refresh_from_db()
    assert (active.follow_up_ended_on, active.follow_up_notes) == (date(2026, 5, 15), "Klart.")


def test_r_plac_7_an_active_placement_has_no_follow_up_after_it_to_record(active, gbg_caseworker):
    with pytest.raises(RuleViolation) as excinfo:
        services.post_placement_follow_up_done(
            user=gbg_caseworker, placement=active, done_on=TODAY, notes="", today=TODAY
        )
    assert excinfo.value.rule == "R-PLAC-7"


@pytest.mark.parametrize("target", ["active", "planned"])
def test_a_typed_address_of_a_move_that_does_not_exist_says_so_without_a_form(
    client_for, active, gbg_caseworker, target
):
    """LIFECYCLE: an active placement cannot become active (or planned) again; the page offered
    only by a typed address says the change cannot be made, not that the placement "cannot
    start yet" (found by an exploratory review), and shows no form that would fail."""
    url = reverse("placements:placement_transition", args=[active.pk, target])
    response = client_for(gbg_caseworker).get(url)

    assert response.status_code == 200
    content = response.content.decode()
    assert "Statusändringen kan inte göras" in content
    assert "Den här statusändringen är inte tillåten för placeringen." in content
    assert "kan inte påbörjas ännu" not in content
    assert 'name="on"' not in content  # the confirmation form
