"""Issue 11, placement follow-up: the deadlines R-PLAC-7 (L24, 002 §3.5.2) and R-SIP-6 open and
close through the placement services, one day either side of each limit (today frozen at
``TODAY``; the services get their ``today`` passed in)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from dashboard.models import Deadline
from domain.deadlines import DeadlineKind, DeadlineStatus
from placements import services
from placements.models import Placement, PlacementFollowUp
from sip.models import SipMeeting
from tests.dashboard.conftest import TODAY, status_on

pytestmark = pytest.mark.django_db

ONE_DAY = timedelta(days=1)
START = date(2026, 1, 12)


@pytest.fixture
def active(make_placement):
    return make_placement(status=Placement.Status.ACTIVE, planned_start=START, actual_start=START)


def _record(placement, user, *, held_on, next_on, municipal, regional, today=TODAY):
    return services.placement_follow_up_record(
        user=user,
        placement=placement,
        follow_up=PlacementFollowUp(
            held_on=held_on, next_follow_up_on=next_on, participants="Anna (soc), Bo (BUP)"
        ),
        municipality_units=[municipal],
        region_units=[regional],
        today=today,
    )


def _end(placement, user, *, on=TODAY, meeting=None, follow_up_until=None):
    return services.placement_transition(
        user=user,
        placement=placement,
        target="ended",
        on=on,
        reason="Flyttar hem.",
        follow_up_until=follow_up_until,
        end_plan_meeting=meeting,
        end_plan_no_meeting_reason="" if meeting else "Inga fortsatta insatser från regionen.",
    )


# --- R-PLAC-7 (L24): the joint, regular follow-up ----------------------------------------------


@pytest.mark.parametrize(
    ("held_offset", "status"),
    [
        (-1, DeadlineStatus.MET_ON_TIME),
        (0, DeadlineStatus.MET_ON_TIME),
        (1, DeadlineStatus.MET_LATE),
    ],
)
def test_r_plac_7_l24_the_next_joint_follow_up_is_due_on_its_date_and_met_by_the_next_one(
    active, gbg_caseworker, gbg_social, bup, held_offset, status
):
    due = date(2026, 4, 1)
    first = _record(
        active,
        gbg_caseworker,
        held_on=date(2026, 2, 1),
        next_on=due,
        municipal=gbg_social,
        regional=bup,
    )
    key = f"placement:{active.pk}:joint-followup:{first.pk}"
    row = Deadline.objects.get(key=key)
    assert (row.kind, row.rule, row.due_on, row.met_on) == (
        DeadlineKind.PLACEMENT_FOLLOW_UP,
        "R-PLAC-7",
        due,
        None,
    )
    assert status_on(key, due) == DeadlineStatus.DUE_SOON
    assert status_on(key, due + ONE_DAY) == DeadlineStatus.OVERDUE

    _record(
        active,
        gbg_caseworker,
        held_on=due + timedelta(days=held_offset),
        next_on=due + timedelta(days=90),
        municipal=gbg_social,
        regional=bup,
    )

    assert Deadline.objects.get(key=key).met_on == due + timedelta(days=held_offset)
    assert status_on(key, TODAY) == status
    # The second follow-up opens the next deadline.
    assert (
        Deadline.objects.filter(
            kind=DeadlineKind.PLACEMENT_FOLLOW_UP, met_on__isnull=True, placement=active
        ).count()
        == 1
    )


def test_r_plac_7_l24_a_follow_up_without_a_region_unit_is_refused_and_opens_no_deadline(
    active, gbg_caseworker, gbg_social, mdl_social
):
    from domain.errors import RuleViolation

    with pytest.raises(RuleViolation) as excinfo:
        _record(
            active,
            gbg_caseworker,
            held_on=date(2026, 2, 1),
            next_on=date(2026, 4, 1),
            municipal=gbg_social,
            regional=mdl_social,  # a municipality's unit, not the region's
        )
    assert (excinfo.value.rule, excinfo.value.field) == ("R-PLAC-7", "region_units")
    assert not PlacementFollowUp.objects.exists()
    assert not Deadline.objects.filter(kind=DeadlineKind.PLACEMENT_FOLLOW_UP).exists()


# --- R-PLAC-7 (002 §3.5.2): the follow-up after the end is recorded done -----------------------


@pytest.mark.parametrize(
    ("done_offset", "status"),
    [
        (-1, DeadlineStatus.MET_ON_TIME),
        (0, DeadlineStatus.MET_ON_TIME),
        (1, DeadlineStatus.MET_LATE),
    ],
)
def test_r_plac_7_recording_the_follow_up_after_the_end_as_done_meets_its_deadline(
    active, gbg_caseworker, done_offset, status
):
    ended = date(2026, 3, 31)
    limit = date(2026, 5, 31)  # 2 months after 31 March
    _end(active, gbg_caseworker, on=ended, follow_up_until=limit)
    key = f"placement:{active.pk}:followup"
    assert Deadline.objects.get(key=key).due_on == limit
    assert status_on(key, limit + ONE_DAY) == DeadlineStatus.OVERDUE

    done_on = limit + timedelta(days=done_offset)
    services.post_placement_follow_up_done(
        user=gbg_caseworker,
        placement=active,
        done_on=done_on,
        notes="Hemgången fungerar.",
        today=limit + timedelta(days=5),
    )

    active.refresh_from_db()
    assert (active.follow_up_ended_on, active.follow_up_notes) == (done_on, "Hemgången fungerar.")
    assert Deadline.objects.get(key=key).met_on == done_on
    assert status_on(key, limit + timedelta(days=5)) == status


# --- R-SIP-6: a move or an end opens a follow-up of the child's SIP ----------------------------


def test_r_sip_6_ending_a_placement_opens_a_sip_follow_up_due_on_the_end_day(
    active, gbg_caseworker, make_sip
):
    sip = make_sip(need_noticed_on=START)
    _end(active, gbg_caseworker)

    row = Deadline.objects.get(key=f"sip:{sip.pk}:change:{active.pk}")
    assert (row.kind, row.rule, row.due_on, row.met_on) == (
        DeadlineKind.SIP_FOLLOW_UP,
        "R-SIP-6",
        TODAY,
        None,
    )
    assert row.placement_id == active.pk and row.sip_id == sip.pk
    assert status_on(row.key, TODAY) == DeadlineStatus.DUE_SOON
    assert status_on(row.key, TODAY + ONE_DAY) == DeadlineStatus.OVERDUE


@pytest.mark.parametrize(
    ("offset", "status"), [(-1, DeadlineStatus.MET_ON_TIME), (0, DeadlineStatus.MET_ON_TIME)]
)
def test_r_sip_6_the_sip_meeting_planning_the_end_meets_the_follow_up_at_the_change(
    active, gbg_caseworker, make_sip, held_meeting, offset, status
):
    """R-SIP-6 and R-PLAC-7 (L25): the meeting linked when ending meets the SIP follow-up."""
    sip = make_sip(need_noticed_on=START)
    meeting = held_meeting(sip, TODAY + timedelta(days=offset), kind=SipMeeting.Kind.FOLLOW_UP)
    _end(active, gbg_caseworker, meeting=meeting)

    key = f"sip:{sip.pk}:change:{active.pk}"
    assert Deadline.objects.get(key=key).met_on == TODAY + timedelta(days=offset)
    assert status_on(key, TODAY + timedelta(days=3)) == status
    active.refresh_from_db()
    assert active.end_plan_meeting == meeting
    assert active.next_step_sip_needed is False


def test_r_sip_6_a_sip_meeting_the_day_after_the_end_meets_it_late(
    active, gbg_caseworker, make_sip, held_meeting, time_machine
):
    sip = make_sip(need_noticed_on=START)
    _end(active, gbg_caseworker)

    held_meeting(sip, TODAY + ONE_DAY, kind=SipMeeting.Kind.FOLLOW_UP)

    key = f"sip:{sip.pk}:change:{active.pk}"
    assert Deadline.objects.get(key=key).met_on == TODAY + ONE_DAY
    assert status_on(key, TODAY + timedelta(days=3)) == DeadlineStatus.MET_LATE


def test_r_sip_6_a_move_opens_a_sip_follow_up_due_on_the_day_the_new_home_starts(
    active, gbg_caseworker, make_sip, make_placement
):
    sip = make_sip(need_noticed_on=START)
    moved = make_placement(
        previous=active,
        status=Placement.Status.ACTIVE,
        planned_start=TODAY - ONE_DAY,
        actual_start=TODAY - ONE_DAY,
    )

    row = Deadline.objects.get(key=f"sip:{sip.pk}:change:{moved.pk}")
    assert (row.kind, row.due_on, row.met_on) == (DeadlineKind.SIP_FOLLOW_UP, TODAY - ONE_DAY, None)


def test_r_sip_6_no_follow_up_is_asked_of_a_sip_begun_after_the_end(
    active, gbg_caseworker, make_sip
):
    _end(active, gbg_caseworker, on=TODAY - timedelta(days=10))
    sip = make_sip(need_noticed_on=TODAY - timedelta(days=9))

    assert not Deadline.objects.filter(key=f"sip:{sip.pk}:change:{active.pk}").exists()
