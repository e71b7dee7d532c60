"""What comes next for a SIP (``domain.sip.sip_next_step``): the seven steps in their order,
consent first and again after a revocation (R-SIP-2), invitations (R-SIP-4), the booking with
the offer to the individual (R-SIP-3), the meeting held with the plan (R-SIP-5) by the first
meeting's date (R-SIP-1), then the follow-up by the date the plan set (R-SIP-6)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.sip import STEPS, SipAction, SipNextStep, SipProgress, sip_next_step

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


def _next(progress: SipProgress, booked: int | None = None) -> SipNextStep | None:
    return sip_next_step(
        progress, booked_meeting_id=booked, first_meeting_due=FIRST_DUE, follow_up_due=FOLLOW_UP
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


def test_a_follow_up_without_a_date_has_no_due_date():
    step = sip_next_step(
        replace(NEW, consent_valid=True, plan_drawn_up=True),
        booked_meeting_id=None,
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
)
def test_every_open_sip_has_exactly_one_next_step_that_can_be_taken(flags, booked):
    """Never a step without an action, never an action that the rules refuse: nothing but
    consent without a valid consent (R-SIP-2), a meeting recorded as held only when one is
    booked, and the due date from the stage (R-SIP-1 before the plan, R-SIP-6 after)."""
    progress = replace(NEW, **flags)

    step = _next(progress, booked)

    if progress.closed:
        assert step is None
        return
    assert step is not None and step.step in STEPS
    if not progress.consent_valid:
        assert step.action == SipAction.RECORD_CONSENT
    if step.action == SipAction.RECORD_MEETING_HELD:
        assert step.meeting_id == booked is not None
    else:
        assert step.meeting_id is None
    assert step.due_on == (FOLLOW_UP if progress.plan_drawn_up else FIRST_DUE)
