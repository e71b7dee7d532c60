"""The next steps of a case (issue 12), from hand-built facts: no database, the day injected.

Each test names the rule it proves: R-SIP-1 (the SIP meeting within 3 weeks), R-SIP-2 (no
consent, no SIP), R-MEET-1 (the cost meeting after the SIP meeting, the agreement from the cost
meeting), R-COST-2 (what the agreement states before it is sent), R-MEET-3 (one signature per
principal, in the signing order), R-PLAC-1/-2/-6 (what a planned placement needs to start),
R-PLAC-3 (the acute split settled within 30 days), R-PLAC-4 (the examination offered within 4
weeks).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from domain import deadlines as engine
from domain.agreements import AgreementStatus
from domain.next_steps import (
    MUNICIPALITY,
    REGION,
    Action,
    AgreementFacts,
    CaseFacts,
    ExamFacts,
    SipFacts,
    StepKind,
    StepState,
    current_step,
    next_steps,
    open_deadlines,
    start_reasons,
    step_state,
)
from domain.placements import (
    ExamKind,
    LegalBasis,
    PlacementFacts,
    PlacementForm,
    PlacementStatus,
    Provision,
)
from domain.rulesets import VASTRA_GOTALAND

VG = VASTRA_GOTALAND
TODAY = date(2026, 3, 2)
START = date(2026, 4, 1)
DAY = timedelta(days=1)

COMPLETE = PlacementFacts(
    status=PlacementStatus.PLANNED,
    is_acute=False,
    form=PlacementForm.HVB,
    legal_basis=LegalBasis.SOL,
    birth_date=date(2012, 5, 1),
    goal="Trygg vardag",
    wishes="Bo nära skolan",
    schooling="Skolan i kommunen",
    responsibilities="Kommunen: boende. Regionen: behandling.",
    municipality_provision=Provision.ITSELF,
    region_provision=Provision.OTHER_PARTY,
)


def planned(**kwargs: object) -> CaseFacts:
    base: dict[str, object] = {"placement": COMPLETE, "planned_start": START, "rule_set": VG}
    return CaseFacts(**{**base, **kwargs})  # type: ignore[arg-type]


def by_kind(steps: list, kind: StepKind):
    return next(s for s in steps if s.kind == kind)


def sip(**kwargs: object) -> SipFacts:
    base = {"sip_id": 7, "noticed_on": TODAY - 5 * DAY, "rule_set": VG, "consent_valid": True}
    return SipFacts(**{**base, **kwargs})  # type: ignore[arg-type]


def signed_agreement() -> AgreementFacts:
    return AgreementFacts(
        cost_meeting_on=TODAY - 3 * DAY,
        version_id=3,
        status=AgreementStatus.SIGNED,
        sent_on=TODAY - 2 * DAY,
        health_care_provision="BUP",
        line_count=2,
        municipality_signed_on=TODAY - DAY,
        region_signed_on=TODAY,
        settled_on=TODAY,
        signing_order=(MUNICIPALITY, REGION),
    )


def test_a_new_planned_placement_lists_the_way_to_its_start_in_order():
    steps = next_steps(planned(), today=TODAY)

    assert [s.kind for s in steps[:8]] == [
        StepKind.SIP_INITIATED,
        StepKind.SIP_MEETING_HELD,
        StepKind.COST_MEETING_HELD,
        StepKind.AGREEMENT_DRAFTED,
        StepKind.SENT_FOR_SIGNATURE,
        StepKind.SIGNED_BY_MUNICIPALITY,
        StepKind.SIGNED_BY_REGION,
        StepKind.PLACEMENT_STARTED,
    ]
    first = current_step(steps)
    assert first is not None and first.kind == StepKind.SIP_INITIATED
    assert first.action == Action.CREATE_SIP
    # R-PLAC-2: everything on the way is due by the planned start.
    assert first.due_on == START and first.days == (START - TODAY).days


def test_no_action_is_offered_where_it_cannot_succeed_and_the_reason_is_given():
    """R-MEET-1: the cost meeting needs a held SIP meeting; R-PLAC-2: no start without both
    signatures."""
    steps = next_steps(planned(), today=TODAY)

    cost = by_kind(steps, StepKind.COST_MEETING_HELD)
    assert cost.action is None
    assert [r.rule for r in cost.missing] == ["R-MEET-1"]
    assert "once the SIP meeting has been held" in cost.missing[0].message
    started = by_kind(steps, StepKind.PLACEMENT_STARTED)
    assert started.action is None
    assert [r.rule for r in started.missing] == ["R-PLAC-2"]
    for kind in (StepKind.AGREEMENT_DRAFTED, StepKind.SENT_FOR_SIGNATURE):
        assert by_kind(steps, kind).action is None


def test_the_sip_meeting_is_due_three_weeks_after_the_need_was_noticed():
    """R-SIP-1: due 21 days after the need was noticed, one day either side."""
    facts = planned(sip=sip(noticed_on=TODAY - 21 * DAY))
    meeting = by_kind(next_steps(facts, today=TODAY), StepKind.SIP_MEETING_HELD)
    assert meeting.due_on == TODAY and meeting.rule == "R-SIP-1"
    assert meeting.state == StepState.DUE_SOON and meeting.days == 0

    late = by_kind(next_steps(facts, today=TODAY + DAY), StepKind.SIP_MEETING_HELD)
    assert late.state == StepState.OVERDUE and late.days == 1


def test_the_sip_meeting_of_a_placement_starting_sooner_is_due_at_the_start():
    """R-PLAC-2 before R-SIP-1 when the planned start comes first."""
    facts = planned(planned_start=TODAY + 3 * DAY, sip=sip(noticed_on=TODAY))
    meeting = by_kind(next_steps(facts, today=TODAY), StepKind.SIP_MEETING_HELD)
    assert meeting.due_on == TODAY + 3 * DAY and meeting.rule == "R-PLAC-2"


@pytest.mark.parametrize(
    ("facts", "action", "ref"),
    [
        (sip(consent_valid=False), Action.RECORD_CONSENT, 7),
        (sip(), Action.BOOK_SIP_MEETING, 7),
        (sip(booked_meeting_id=11), Action.RECORD_SIP_MEETING_HELD, 11),
        (sip(consent_valid=False, booked_meeting_id=11), Action.RECORD_CONSENT, 7),
    ],
)
def test_the_one_action_of_the_sip_meeting_step_follows_consent_and_booking(facts, action, ref):
    """R-SIP-2: no meeting is booked or held without valid consent: consent comes first."""
    meeting = by_kind(next_steps(planned(sip=facts), today=TODAY), StepKind.SIP_MEETING_HELD)
    assert (meeting.action, meeting.ref) == (action, ref)
    assert [r.rule for r in meeting.missing] == ([] if facts.consent_valid else ["R-SIP-2"])


@pytest.mark.parametrize(
    ("booked_on", "offered"),
    [(TODAY + DAY, False), (TODAY, True), (TODAY - DAY, True)],
)
def test_a_booked_sip_meeting_is_offered_for_recording_from_its_day(booked_on, offered):
    """A meeting is recorded as held only once it has taken place (domain.meetings): before its
    day the placement's step waits and says when, instead of offering a form that refuses."""
    facts = planned(sip=sip(booked_meeting_id=11, booked_meeting_on=booked_on))
    meeting = by_kind(next_steps(facts, today=TODAY), StepKind.SIP_MEETING_HELD)
    if offered:
        assert (meeting.action, meeting.ref, list(meeting.missing)) == (
            Action.RECORD_SIP_MEETING_HELD,
            11,
            [],
        )
    else:
        assert meeting.action is None
        assert [(r.rule, r.on) for r in meeting.missing] == [("R-SIP-1", booked_on)]


def test_a_held_sip_meeting_opens_the_cost_meeting_and_nothing_further():
    """R-MEET-1: the cost meeting after the SIP meeting; the agreement after the cost meeting."""
    steps = next_steps(planned(sip=sip(held_on=TODAY - DAY)), today=TODAY)

    assert by_kind(steps, StepKind.SIP_MEETING_HELD).state == StepState.DONE
    assert by_kind(steps, StepKind.SIP_MEETING_HELD).done_on == TODAY - DAY
    assert by_kind(steps, StepKind.COST_MEETING_HELD).action == Action.REGISTER_COST_MEETING
    drafted = by_kind(steps, StepKind.AGREEMENT_DRAFTED)
    assert drafted.action is None and [r.rule for r in drafted.missing] == ["R-MEET-1"]


def test_a_draft_without_its_content_is_completed_before_it_is_sent():
    """R-COST-2: how health care is provided, and at least one line, before sending."""
    agreement = AgreementFacts(
        cost_meeting_on=TODAY, version_id=3, status=AgreementStatus.DRAFT, line_count=0
    )
    steps = next_steps(planned(sip=sip(held_on=TODAY), agreement=agreement), today=TODAY)

    sent = by_kind(steps, StepKind.SENT_FOR_SIGNATURE)
    assert sent.action == Action.COMPLETE_DRAFT and sent.ref == 3
    assert [r.rule for r in sent.missing] == ["R-COST-2"]

    complete = replace(agreement, health_care_provision="BUP", line_count=1)
    steps = next_steps(planned(sip=sip(held_on=TODAY), agreement=complete), today=TODAY)
    sent = by_kind(steps, StepKind.SENT_FOR_SIGNATURE)
    assert (sent.action, sent.missing) == (Action.SEND_FOR_SIGNATURE, ())


def test_the_region_signs_after_the_municipality_in_the_placing_first_order():
    """R-MEET-3 with the signing order "placing first": the placing municipality signs first."""
    agreement = AgreementFacts(
        cost_meeting_on=TODAY,
        version_id=3,
        status=AgreementStatus.AWAITING_SIGNATURES,
        health_care_provision="BUP",
        line_count=1,
        sent_on=TODAY,
        signing_order=(MUNICIPALITY, REGION),
    )
    steps = next_steps(planned(sip=sip(held_on=TODAY), agreement=agreement), today=TODAY)

    municipality = by_kind(steps, StepKind.SIGNED_BY_MUNICIPALITY)
    region = by_kind(steps, StepKind.SIGNED_BY_REGION)
    assert municipality.action == Action.SIGN_FOR_MUNICIPALITY and municipality.ref == 3
    assert region.action is None
    assert region.missing[0].message == "The municipality signs first."

    after = replace(agreement, municipality_signed_on=TODAY)
    steps = next_steps(planned(sip=sip(held_on=TODAY), agreement=after), today=TODAY)
    assert by_kind(steps, StepKind.SIGNED_BY_MUNICIPALITY).state == StepState.DONE
    assert by_kind(steps, StepKind.SIGNED_BY_REGION).action == Action.SIGN_FOR_REGION


def test_nobody_signs_before_the_agreement_is_sent():
    """R-MEET-3: a signature is given to a version sent for signature."""
    agreement = AgreementFacts(cost_meeting_on=TODAY, version_id=3, status=AgreementStatus.DRAFT)
    steps = next_steps(planned(sip=sip(held_on=TODAY), agreement=agreement), today=TODAY)
    for kind in (StepKind.SIGNED_BY_MUNICIPALITY, StepKind.SIGNED_BY_REGION):
        step = by_kind(steps, kind)
        assert step.action is None and [r.rule for r in step.missing] == ["R-MEET-3"]


def test_a_planned_placement_with_both_signatures_may_start():
    """R-PLAC-2: signed by both principals, the start is the one action left."""
    steps = next_steps(planned(sip=sip(held_on=TODAY), agreement=signed_agreement()), today=TODAY)

    started = current_step(steps)
    assert started is not None and started.kind == StepKind.PLACEMENT_STARTED
    assert (started.action, started.missing) == (Action.START_PLACEMENT, ())
    assert start_reasons(planned(agreement=signed_agreement()), today=TODAY) == []


def test_an_incomplete_record_is_completed_and_every_missing_item_is_named():
    """R-PLAC-1 and R-PLAC-6 (an LVU minor in an HVB needs a power of attorney), with R-PLAC-2:
    the record can be completed now, so the action is to complete it."""
    incomplete = replace(COMPLETE, goal="", legal_basis=LegalBasis.LVU)
    facts = planned(placement=incomplete)

    started = by_kind(next_steps(facts, today=TODAY), StepKind.PLACEMENT_STARTED)
    assert [r.rule for r in started.missing] == ["R-PLAC-1", "R-PLAC-6", "R-PLAC-2"]
    assert started.action == Action.COMPLETE_RECORD


def test_an_acute_placement_starts_first_and_settles_its_split_within_30_days():
    """R-PLAC-3: an acute placement may start without an agreement; the split is settled at
    the latest 30 days after the actual start: every step on the way is due then."""
    acute = replace(
        COMPLETE, is_acute=True, status=PlacementStatus.ACTIVE, actual_start=TODAY - 30 * DAY
    )
    steps = next_steps(planned(placement=acute), today=TODAY)

    assert steps[0].kind == StepKind.PLACEMENT_STARTED and steps[0].state == StepState.DONE
    assert steps[7].kind == StepKind.SIGNED_BY_REGION
    assert steps[7].due_on == TODAY and steps[7].state == StepState.DUE_SOON
    late = next_steps(planned(placement=acute), today=TODAY + DAY)
    assert late[7].state == StepState.OVERDUE and late[7].days == 1


def test_an_acute_placement_not_yet_started_may_start_without_an_agreement():
    """R-PLAC-3: no R-PLAC-2 reason for an acute placement."""
    acute = replace(COMPLETE, is_acute=True)
    steps = next_steps(planned(placement=acute), today=TODAY)
    assert steps[0].action == Action.START_PLACEMENT and steps[0].missing == ()
    assert steps[1].due_on is None and steps[1].state == StepState.TODO


def test_the_health_examination_is_requested_then_offered_within_four_weeks():
    """R-PLAC-4: the appointment offered within 28 days of the request."""
    exam = ExamFacts(
        kind=ExamKind.PHYSICAL_MENTAL, exam_id=5, initiated_on=TODAY - 28 * DAY, rule_set=VG
    )
    steps = [
        s for s in next_steps(planned(exams=(exam,)), today=TODAY) if s.kind == StepKind.HEALTH_EXAM
    ]
    physical, oral = steps
    assert physical.due_on == TODAY and physical.action == Action.RECORD_EXAM_OFFER
    assert physical.ref == 5 and physical.state == StepState.DUE_SOON
    assert (oral.action, oral.ref, oral.state) == (
        Action.REQUEST_HEALTH_EXAM,
        "oral",
        StepState.TODO,
    )
    late = next_steps(planned(exams=(exam,)), today=TODAY + DAY)
    assert late[8].state == StepState.OVERDUE and late[8].days == 1

    offered = replace(exam, offered_on=TODAY)
    done = next_steps(planned(exams=(offered,)), today=TODAY)[8]
    assert done.state == StepState.DONE and done.action is None


def test_a_cancelled_placement_has_no_steps_and_an_ended_one_only_an_unsettled_split():
    cancelled = replace(COMPLETE, status=PlacementStatus.CANCELLED)
    assert next_steps(planned(placement=cancelled), today=TODAY) == []
    ended = replace(
        COMPLETE, status=PlacementStatus.ENDED, actual_start=TODAY - 60 * DAY, is_acute=True
    )
    assert next_steps(planned(placement=ended, agreement=signed_agreement()), today=TODAY) == []
    unsettled = next_steps(planned(placement=ended), today=TODAY)
    assert unsettled and all(s.kind != StepKind.HEALTH_EXAM for s in unsettled)


def test_step_state_uses_the_deadline_engines_boundaries():
    assert step_state(due_on=TODAY, done=False, today=TODAY, due_soon_days=7) == (
        StepState.DUE_SOON,
        0,
    )
    assert step_state(due_on=TODAY + 8 * DAY, done=False, today=TODAY, due_soon_days=7) == (
        StepState.DUE,
        8,
    )
    assert step_state(due_on=TODAY - DAY, done=False, today=TODAY, due_soon_days=7) == (
        StepState.OVERDUE,
        1,
    )
    assert step_state(due_on=None, done=True, today=TODAY, due_soon_days=7) == (
        StepState.DONE,
        None,
    )


def test_open_deadlines_leave_out_met_ones_and_come_in_due_order():
    """R-PLAC-5 and R-PLAC-6 deadlines, as the engine computes them."""
    care = engine.care_contact(placement_start=TODAY - 30 * DAY, appointed_on=None, rule_set=VG)
    poa = engine.power_of_attorney(placement_start=TODAY + 3 * DAY, issued_on=None)
    met = engine.power_of_attorney(placement_start=TODAY, issued_on=TODAY)

    items = open_deadlines([poa, met, care], today=TODAY)
    assert [i.deadline.kind for i in items] == [
        engine.DeadlineKind.CARE_CONTACT,
        engine.DeadlineKind.POWER_OF_ATTORNEY,
    ]
    assert (items[0].state, items[0].days) == (StepState.OVERDUE, 9)
    assert (items[1].state, items[1].days) == (StepState.DUE_SOON, 3)
