"""The deadline engine (issue 7): every kind one day either side of its limit, the date injected.

No database: pure functions over dates and the rule set.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import NamedTuple

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain import deadlines as dl
from domain.deadlines import (
    RULE_OF,
    Deadline,
    DeadlineKind,
    DeadlineStatus,
    add_months,
    agreement_review_due,
    compliance_share,
    deadline_status,
    due_date,
)
from domain.rulesets import VASTRA_GOTALAND

VG = VASTRA_GOTALAND
DUE_SOON_DAYS = 7
ONE_DAY = timedelta(days=1)


class Case(NamedTuple):
    kind: DeadlineKind
    build: Callable[[date, date | None], Deadline]
    start: date
    due: date


def _dispute(
    sub_regional_since: date, *, passed_on: date | None, closed_on: date | None = None
) -> list[Deadline]:
    """A dispute's clocks through domain.disputes, as the Django layer asks for them."""
    from domain.disputes import DisputeState, DisputeStatus, dispute_deadlines
    from domain.levels import Level

    state = DisputeState(
        level=Level.REGIONAL if passed_on else Level.SUB_REGIONAL,
        status=DisputeStatus.RECOMMENDED if closed_on else DisputeStatus.OPEN,
        opened_on=sub_regional_since,
        sub_regional_since=sub_regional_since,
        regional_since=passed_on,
    )
    return dispute_deadlines(state, closed_on=closed_on, rule_set=VG)


# One row per kind: the helper the Django layer calls, a start date and the limit it gives.
CASES = [
    Case(  # R-SIP-1: 21 days from the need noticed
        DeadlineKind.SIP_FIRST_MEETING,
        lambda s, m: dl.sip_first_meeting(noticed_on=s, held_on=m, rule_set=VG),
        date(2025, 3, 3),
        date(2025, 3, 24),
    ),
    Case(  # R-PLAC-3: 30 days from the actual start of an acute placement
        DeadlineKind.ACUTE_SETTLEMENT,
        lambda s, m: dl.acute_settlement(actual_start=s, settled_on=m, rule_set=VG),
        date(2025, 1, 15),
        date(2025, 2, 14),
    ),
    Case(  # R-PLAC-2: signed on the planned start day at the latest
        DeadlineKind.AGREEMENT_BEFORE_START,
        lambda s, m: dl.agreement_before_start(planned_start=s, signed_on=m),
        date(2025, 4, 1),
        date(2025, 4, 1),
    ),
    Case(  # R-PLAC-4: 28 days from initiation (February 2025 has 28 days)
        DeadlineKind.HEALTH_EXAM_OFFER,
        lambda s, m: dl.health_exam_offer(initiated_on=s, offered_on=m, rule_set=VG),
        date(2025, 2, 10),
        date(2025, 3, 10),
    ),
    Case(  # R-SIP-6: the date the plan sets
        DeadlineKind.SIP_FOLLOW_UP,
        lambda s, m: dl.sip_follow_up(follow_up_on=s, held_on=m),
        date(2025, 6, 16),
        date(2025, 6, 16),
    ),
    Case(  # R-COST-5: the review date
        DeadlineKind.AGREEMENT_REVIEW,
        lambda s, m: dl.agreement_review(review_on=s, reviewed_on=m),
        date(2026, 1, 31),
        date(2026, 1, 31),
    ),
    Case(  # R-PLAC-7: 2 months from the end, clamped to the end of February
        DeadlineKind.POST_PLACEMENT_FOLLOW_UP,
        lambda s, m: dl.post_placement_follow_up(ended_on=s, follow_up_ended_on=m, rule_set=VG),
        date(2024, 12, 31),
        date(2025, 2, 28),
    ),
    Case(  # 002 §3.3.1: 14 days from the report
        DeadlineKind.INVESTIGATION_DECISION,
        lambda s, m: dl.investigation_decision(report_received_on=s, decided_on=m, rule_set=VG),
        date(2025, 5, 20),
        date(2025, 6, 3),
    ),
    Case(  # 002 §3.3.1: 4 months from the decision, clamped to 29 February in a leap year
        DeadlineKind.INVESTIGATION_COMPLETION,
        lambda s, m: dl.investigation_completion(decided_on=s, completed_on=m, rule_set=VG),
        date(2023, 10, 31),
        date(2024, 2, 29),
    ),
    Case(  # R-PLAC-5: the first SIP meeting's limit, 21 days from the placement start
        DeadlineKind.CARE_CONTACT,
        lambda s, m: dl.care_contact(placement_start=s, appointed_on=m, rule_set=VG),
        date(2025, 8, 11),
        date(2025, 9, 1),
    ),
    Case(  # R-PLAC-6: issued on the placement start at the latest
        DeadlineKind.POWER_OF_ATTORNEY,
        lambda s, m: dl.power_of_attorney(placement_start=s, issued_on=m),
        date(2025, 9, 1),
        date(2025, 9, 1),
    ),
    Case(  # R-PLAC-7 (L24): the next joint follow-up on the date the last one set
        DeadlineKind.PLACEMENT_FOLLOW_UP,
        lambda s, m: dl.placement_follow_up(follow_up_on=s, held_on=m),
        date(2025, 10, 6),
        date(2025, 10, 6),
    ),
    Case(  # R-DISP-1: 30 days at the sub-regional level (met when solved or passed on)
        DeadlineKind.DISPUTE_SUB_REGIONAL,
        lambda s, m: _dispute(s, passed_on=m)[0],
        date(2025, 11, 3),
        date(2025, 12, 3),
    ),
    Case(  # R-DISP-1: the regional level prepares the matter within 30 days
        DeadlineKind.DISPUTE_REGIONAL,
        lambda s, m: _dispute(s - timedelta(days=31), passed_on=s, closed_on=m)[1],
        date(2025, 12, 4),
        date(2026, 1, 3),
    ),
]
CASE_IDS = [f"{RULE_OF[case.kind]} {case.kind}" for case in CASES]


def test_every_kind_has_a_rule_citation_and_a_case_in_this_file():
    assert set(RULE_OF) == set(DeadlineKind)
    assert {case.kind for case in CASES} == set(DeadlineKind)


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_each_kind_is_due_on_the_limit_its_rule_sets(case):
    """R-SIP-1, R-PLAC-2…7, R-SIP-6, R-COST-5, 002 §3.3.1: the due date of each kind."""
    deadline = case.build(case.start, None)
    assert deadline.kind == case.kind
    assert deadline.due_on == case.due
    assert deadline.rule == RULE_OF[case.kind]
    assert due_date(case.kind, start=case.start, rule_set=VG) == case.due


# (what happened, met_on relative to the due date or None, today relative to it, status)
SCENARIOS = [
    pytest.param(-1, +30, DeadlineStatus.MET_ON_TIME, id="met the day before the limit"),
    pytest.param(0, +30, DeadlineStatus.MET_ON_TIME, id="met on the limit"),
    pytest.param(+1, +30, DeadlineStatus.MET_LATE, id="met the day after the limit"),
    pytest.param(+1, +1, DeadlineStatus.MET_LATE, id="met late, seen the same day"),
    pytest.param(None, +1, DeadlineStatus.OVERDUE, id="not met, the day after the limit"),
    pytest.param(None, 0, DeadlineStatus.DUE_SOON, id="not met, on the limit"),
    pytest.param(None, -1, DeadlineStatus.DUE_SOON, id="not met, the day before the limit"),
    pytest.param(
        None, -DUE_SOON_DAYS, DeadlineStatus.DUE_SOON, id="not met, first day of due soon"
    ),
    pytest.param(None, -DUE_SOON_DAYS - 1, DeadlineStatus.OPEN, id="not met, day before due soon"),
]


@pytest.mark.parametrize(("met_offset", "today_offset", "expected"), SCENARIOS)
@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_each_kind_has_the_right_status_one_day_either_side_of_its_limit(
    case, met_offset, today_offset, expected
):
    """R-SIP-1, R-PLAC-2…7, R-SIP-6, R-COST-5, 002 §3.3.1: met on time up to and including the
    due date, late the day after; overdue from the day after; due soon within the window."""
    met_on = None if met_offset is None else case.due + met_offset * ONE_DAY
    today = case.due + today_offset * ONE_DAY

    deadline = case.build(case.start, met_on)

    assert deadline.status(today=today, due_soon_days=DUE_SOON_DAYS) == expected


# --- the rule set supplies the numbers ---------------------------------------------------------

OTHER_REGION = dataclasses.replace(
    VG,
    code="XX",
    sip_meeting_days=14,
    acute_settlement_days=20,
    health_exam_offer_days=21,
    post_placement_followup_months=3,
    investigation_decision_days=7,
    investigation_completion_months=2,
    agreement_review_months=6,
)


@pytest.mark.parametrize(
    ("kind", "due"),
    [
        (DeadlineKind.SIP_FIRST_MEETING, date(2025, 3, 15)),
        (DeadlineKind.ACUTE_SETTLEMENT, date(2025, 3, 21)),
        (DeadlineKind.HEALTH_EXAM_OFFER, date(2025, 3, 22)),
        (DeadlineKind.POST_PLACEMENT_FOLLOW_UP, date(2025, 6, 1)),
        (DeadlineKind.INVESTIGATION_DECISION, date(2025, 3, 8)),
        (DeadlineKind.INVESTIGATION_COMPLETION, date(2025, 5, 1)),
        (DeadlineKind.CARE_CONTACT, date(2025, 3, 15)),
        (DeadlineKind.AGREEMENT_BEFORE_START, date(2025, 3, 1)),
        (DeadlineKind.POWER_OF_ATTORNEY, date(2025, 3, 1)),
        (DeadlineKind.SIP_FOLLOW_UP, date(2025, 3, 1)),
        (DeadlineKind.AGREEMENT_REVIEW, date(2025, 3, 1)),
    ],
)
def test_due_dates_take_their_numbers_from_the_regions_rule_set(kind, due):
    """DOMAIN.md "Other regions": deadlines are data of a rule set per region."""
    assert due_date(kind, start=date(2025, 3, 1), rule_set=OTHER_REGION) == due


# --- deadline_status boundaries ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "due_soon_days", "expected"),
    [
        (date(2025, 3, 10), 0, DeadlineStatus.DUE_SOON),
        (date(2025, 3, 9), 0, DeadlineStatus.OPEN),
        (date(2025, 3, 11), 0, DeadlineStatus.OVERDUE),
        (date(2025, 3, 3), 7, DeadlineStatus.DUE_SOON),
        (date(2025, 3, 2), 7, DeadlineStatus.OPEN),
        (date(2024, 3, 10), 365, DeadlineStatus.DUE_SOON),
    ],
)
def test_an_unmet_deadline_due_today_is_due_soon_and_overdue_only_from_the_next_day(
    today, due_soon_days, expected
):
    status = deadline_status(
        due_on=date(2025, 3, 10), met_on=None, today=today, due_soon_days=due_soon_days
    )
    assert status == expected


def test_a_met_deadline_keeps_its_status_whatever_the_day():
    for today in (date(2025, 1, 1), date(2025, 3, 10), date(2030, 1, 1)):
        on_time = deadline_status(
            due_on=date(2025, 3, 10), met_on=date(2025, 3, 10), today=today, due_soon_days=7
        )
        late = deadline_status(
            due_on=date(2025, 3, 10), met_on=date(2025, 3, 11), today=today, due_soon_days=7
        )
        assert (on_time, late) == (DeadlineStatus.MET_ON_TIME, DeadlineStatus.MET_LATE)


def test_a_negative_due_soon_window_is_refused():
    with pytest.raises(ValueError):
        deadline_status(
            due_on=date(2025, 3, 10), met_on=None, today=date(2025, 3, 1), due_soon_days=-1
        )


# --- add_months ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2025, 1, 31), 1, date(2025, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2025, 3, 31), 1, date(2025, 4, 30)),
        (date(2025, 1, 30), 1, date(2025, 2, 28)),
        (date(2025, 1, 28), 1, date(2025, 2, 28)),
        (date(2025, 12, 15), 1, date(2026, 1, 15)),
        (date(2025, 11, 30), 3, date(2026, 2, 28)),
        (date(2025, 1, 15), 12, date(2026, 1, 15)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2024, 2, 29), 48, date(2028, 2, 29)),
        (date(2025, 3, 31), -1, date(2025, 2, 28)),
        (date(2025, 1, 15), -1, date(2024, 12, 15)),
        (date(2025, 5, 10), 0, date(2025, 5, 10)),
    ],
)
def test_adding_months_keeps_the_day_or_clamps_to_the_end_of_the_month(start, months, expected):
    """Lag (1930:173) 2 §: a day the month lacks becomes its last day."""
    assert add_months(start, months) == expected


@given(
    st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)),
    st.integers(min_value=-1200, max_value=1200),
)
def test_adding_months_lands_in_the_right_month_on_the_same_or_the_last_day(start, months):
    result = add_months(start, months)
    assert (result.year * 12 + result.month) - (start.year * 12 + start.month) == months
    next_day = result + ONE_DAY
    assert result.day == start.day or (result.day < start.day and next_day.day == 1)


@given(
    st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)).filter(
        lambda d: d.day <= 28
    ),
    st.integers(min_value=-1200, max_value=1200),
)
def test_adding_and_subtracting_months_returns_to_a_day_every_month_has(start, months):
    assert add_months(add_months(start, months), -months) == start


# --- agreement review and care contact ----------------------------------------------------------


def test_an_agreement_is_reviewed_a_review_interval_after_it_took_effect():
    """R-COST-5: joint and regular follow-up of the split."""
    assert agreement_review_due(effective_from=date(2025, 3, 1), rule_set=VG) == date(2026, 3, 1)


def test_an_earlier_sip_follow_up_brings_the_agreement_review_forward():
    """R-COST-5 with R-SIP-6: the split is reviewed at the SIP follow-up if that comes first."""
    due = agreement_review_due(
        effective_from=date(2025, 3, 1), rule_set=VG, sip_follow_up_on=date(2025, 9, 1)
    )
    assert due == date(2025, 9, 1)


def test_a_later_sip_follow_up_does_not_postpone_the_agreement_review():
    """R-COST-5: the review interval is the latest the split is looked at."""
    due = agreement_review_due(
        effective_from=date(2025, 3, 1), rule_set=VG, sip_follow_up_on=date(2026, 3, 2)
    )
    assert due == date(2026, 3, 1)


def test_a_sip_follow_up_before_the_version_takes_effect_does_not_make_it_due_at_once():
    """R-COST-5: a follow-up held before the split is in force cannot review it (found in an
    exploratory review: a version signed to take effect in January was overdue the day it was
    signed, its review set to the November follow-up)."""
    due = agreement_review_due(
        effective_from=date(2027, 1, 13), rule_set=VG, sip_follow_up_on=date(2026, 11, 9)
    )
    assert due == date(2028, 1, 13)
    on_the_day = agreement_review_due(
        effective_from=date(2027, 1, 13), rule_set=VG, sip_follow_up_on=date(2027, 1, 13)
    )
    assert on_the_day == date(2027, 1, 13)


@settings(max_examples=200, deadline=None)
@given(
    effective=st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 1, 1)),
    follow_up=st.none() | st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 1, 1)),
)
def test_the_review_never_falls_before_the_version_takes_effect(effective, follow_up):
    due = agreement_review_due(effective_from=effective, rule_set=VG, sip_follow_up_on=follow_up)
    assert effective <= due <= add_months(effective, VG.agreement_review_months)


def test_the_care_contact_is_due_on_the_first_sip_due_date_when_it_is_known():
    """R-PLAC-5: the care contact is appointed when the SIP is drawn up."""
    deadline = dl.care_contact(
        placement_start=date(2025, 8, 11),
        appointed_on=None,
        rule_set=VG,
        first_sip_due_on=date(2025, 8, 25),
    )
    assert deadline.due_on == date(2025, 8, 25)
    assert deadline.rule == "R-PLAC-5"


# --- the Deadline value and compliance ----------------------------------------------------------


def test_a_deadline_cites_its_rule_and_names_its_subject():
    deadline = dl.sip_first_meeting(
        noticed_on=date(2025, 3, 3), held_on=None, rule_set=VG, subject="sip:7"
    )
    assert (deadline.rule, deadline.subject) == ("R-SIP-1", "sip:7")


def test_a_deadline_built_directly_gets_its_rule_from_its_kind():
    deadline = Deadline(kind=DeadlineKind.ACUTE_SETTLEMENT, due_on=date(2025, 2, 14))
    assert deadline.rule == "R-PLAC-3"
    assert deadline.met_on is None


def test_a_deadline_cannot_be_changed():
    deadline = Deadline(kind=DeadlineKind.ACUTE_SETTLEMENT, due_on=date(2025, 2, 14))
    with pytest.raises(dataclasses.FrozenInstanceError):
        deadline.met_on = date(2025, 2, 1)  # type: ignore[misc]


def _sip(met_on: date | None, due_on: date = date(2025, 3, 24)) -> Deadline:
    return Deadline(kind=DeadlineKind.SIP_FIRST_MEETING, due_on=due_on, met_on=met_on)


def test_compliance_is_the_share_met_on_time_among_those_due():
    """Issue 7: share of SIPs held within 3 weeks (R-SIP-1). Open and due-soon ones do not
    count; overdue ones count as not met in time."""
    today = date(2025, 4, 1)
    deadlines = [
        _sip(date(2025, 3, 20)),  # on time
        _sip(date(2025, 3, 24)),  # on time, on the limit
        _sip(date(2025, 3, 25)),  # late
        _sip(None),  # overdue
        _sip(None, due_on=today),  # due soon: not counted
        _sip(None, due_on=date(2025, 6, 1)),  # open: not counted
    ]
    assert compliance_share(deadlines, today=today) == Decimal("0.5")


def test_compliance_is_none_when_nothing_is_due():
    today = date(2025, 4, 1)
    assert compliance_share([], today=today) is None
    assert compliance_share([_sip(None, due_on=today)], today=today) is None


def test_compliance_is_one_when_everything_due_was_met_on_time():
    today = date(2025, 4, 1)
    assert compliance_share([_sip(date(2025, 3, 1)), _sip(date(2025, 3, 2))], today=today) == 1


def test_compliance_reads_a_generator_once():
    today = date(2025, 4, 1)
    share = compliance_share((_sip(m) for m in (date(2025, 3, 1), None, None)), today=today)
    assert share == Decimal(1) / Decimal(3)


@pytest.mark.parametrize(
    ("held", "status"),
    [
        (-1, DeadlineStatus.MET_ON_TIME),
        (0, DeadlineStatus.MET_ON_TIME),
        (+1, DeadlineStatus.MET_LATE),
        (None, DeadlineStatus.OVERDUE),
    ],
)
def test_r_sip_6_a_change_of_placement_makes_the_sip_follow_up_due_on_the_day_of_the_change(
    held, status
):
    """R-SIP-6 (002 §3.1): followed up at the latest at a change or end of placement: due on the
    day of the change, met on time by a SIP meeting on or before it, late the day after."""
    changed_on = date(2026, 5, 15)
    deadline = dl.sip_follow_up_at_change(
        changed_on=changed_on,
        held_on=None if held is None else changed_on + timedelta(days=held),
    )
    assert deadline.kind == DeadlineKind.SIP_FOLLOW_UP
    assert deadline.rule == "R-SIP-6"
    assert deadline.due_on == changed_on
    assert deadline.status(today=changed_on + timedelta(days=2), due_soon_days=7) == status
