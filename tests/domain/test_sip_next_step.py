"""What comes next for a SIP (``domain.sip.sip_next_step``): the seven steps in their order,
consent first and again after a revocation (R-SIP-2), invitations (R-SIP-4), the booking with
the offer to the individual (R-SIP-3), the meeting held with the plan (R-SIP-5) by the first
meeting's date (R-SIP-1), then the follow-up by the date the plan set (R-SIP-6)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.sip import STEPS, SipAction, SipNextStep, SipProgress, sip_next_step

TODAY = date(2026, 5, 15)
FIRST_DUE = date(2026, 5, 29)
FOLLOW_UP = date(2026, 8, 13)
NEW = SipProgress(
    need_noticed=True,
    consent_valid=False,
    individual_offered=False,
    invited=False,
    plan_drawn_up=False,
    followed_up=False,
    closed=False,
)


def _next(
    progress: SipProgress, booked: int | None = None, booked_on: date | None = None
) -> SipNextStep | None:
    return sip_next_step(
        progress,
        booked_meeting_id=booked,
        booked_meeting_on=booked_on,
        today=TODAY,
        first_meeting_due=FIRST_DUE,
        follow_up_due=FOLLOW_UP,
    )


@pytest.mark.parametrize(
    ("changes", "booked", "expected"),
    [
        ({}, None, SipNextStep("consent", "R-SIP-2", SipAction.RECORD_CONSENT, due_on=FIRST_DUE)),
        (
            {"consent_valid": True},
            None,
            SipNextStep("invite", "R-SIP-4", SipAction.INVITE, due_on=FIRST_DUE),
        ),
        (
            {"consent_valid": True, "invited": True},
            None,
            SipNextStep("prepare", "R-SIP-3", SipAction.BOOK_MEETING, due_on=FIRST_DUE),
        ),
        (
            {"consent_valid": True, "invited": True, "individual_offered": True},
            None,
            SipNextStep("draw_up", "R-SIP-3", SipAction.BOOK_MEETING, due_on=FIRST_DUE),
        ),
        (
            {"consent_valid": True, "invited": True, "individual_offered": True},
            7,
            SipNextStep("draw_up", "R-SIP-5", SipAction.RECORD_MEETING_HELD, 7, FIRST_DUE),
        ),
        (
            {"consent_valid": True, "invited": True, "plan_drawn_up": True},
            None,
            SipNextStep("follow_up", "R-SIP-6", SipAction.BOOK_MEETING, due_on=FOLLOW_UP),
        ),
        (
            {"consent_valid": True, "invited": True, "plan_drawn_up": True},
            9,
            SipNextStep("follow_up", "R-SIP-6", SipAction.RECORD_MEETING_HELD, 9, FOLLOW_UP),
        ),
        (
            {"consent_valid": True, "plan_drawn_up": True, "followed_up": True},
            None,
            SipNextStep("follow_up", "R-SIP-6", SipAction.BOOK_MEETING, due_on=FOLLOW_UP),
        ),
        (
            {"consent_valid": False, "invited": True, "plan_drawn_up": True},
            9,
            SipNextStep("consent", "R-SIP-2", SipAction.RECORD_CONSENT, due_on=FOLLOW_UP),
        ),
        ({"consent_valid": True, "plan_drawn_up": True, "closed": True}, 9, None),
    ],
)
def test_the_next_step_of_each_stage(changes, booked, expected):
    assert _next(replace(NEW, **changes), booked) == expected


def test_a_booked_meeting_without_consent_still_waits_for_consent():
    """R-SIP-2: no consent, no SIP: the meeting is not offered as held without consent."""
    step = _next(replace(NEW, invited=True, individual_offered=True), booked=3)

    assert step is not None and step.action == SipAction.RECORD_CONSENT


@pytest.mark.parametrize("plan_drawn_up", [False, True])
def test_a_meeting_booked_ahead_is_recorded_as_held_from_its_day(plan_drawn_up):
    """Nothing to do but wait while the booked meeting's day has not come (a meeting is not
    recorded as held ahead of its day); on the day, recording it is the step."""
    progress = replace(
        NEW, consent_valid=True, invited=True, individual_offered=True, plan_drawn_up=plan_drawn_up
    )
    ahead = _next(progress, booked=4, booked_on=TODAY + timedelta(days=1))
    on_the_day = _next(progress, booked=4, booked_on=TODAY)

    assert ahead is not None and ahead.action is None
    assert (ahead.meeting_id, ahead.meeting_on) == (4, TODAY + timedelta(days=1))
    assert on_the_day is not None and on_the_day.action == SipAction.RECORD_MEETING_HELD
    assert ahead.step == on_the_day.step == ("follow_up" if plan_drawn_up else "draw_up")


def test_a_follow_up_without_a_date_has_no_due_date():
    step = sip_next_step(
        replace(NEW, consent_valid=True, plan_drawn_up=True),
        booked_meeting_id=None,
        today=TODAY,
        first_meeting_due=FIRST_DUE,
        follow_up_due=None,
    )

    assert step is not None and step.due_on is None


@settings(max_examples=200, deadline=None)
@given(
    flags=st.fixed_dictionaries(
        {name: st.booleans() for name in ("consent_valid", "individual_offered", "invited")}
        | {"plan_drawn_up": st.booleans(), "followed_up": st.booleans(), "closed": st.booleans()}
    ),
    booked=st.none() | st.integers(min_value=1, max_value=10**6),
    booked_in=st.integers(min_value=-30, max_value=30),
)
def test_every_open_sip_has_exactly_one_next_step_that_can_be_taken(flags, booked, booked_in):
    """Never an action that the rules refuse: nothing but consent without a valid consent
    (R-SIP-2), a meeting recorded as held only when one is booked and its day has come (no
    action, only waiting, before it), and the due date from the stage (R-SIP-1 before the
    plan, R-SIP-6 after)."""
    progress = replace(NEW, **flags)
    booked_on = TODAY + timedelta(days=booked_in) if booked else None

    step = _next(progress, booked, booked_on)

    if progress.closed:
        assert step is None
        return
    assert step is not None and step.step in STEPS
    if not progress.consent_valid:
        assert step.action == SipAction.RECORD_CONSENT
    if step.action == SipAction.RECORD_MEETING_HELD:
        assert step.meeting_id == booked is not None
        assert booked_on is not None and booked_on <= TODAY
    elif step.action is None:  # waiting for the booked meeting's day
        assert step.meeting_id == booked is not None
        assert booked_on is not None and booked_on > TODAY
    else:
        assert step.meeting_id is None
    assert step.due_on == (FOLLOW_UP if progress.plan_drawn_up else FIRST_DUE)
