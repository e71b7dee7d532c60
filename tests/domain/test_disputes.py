"""R-DISP-1 in the domain: the 30 + 30 day clocks, who may pass a dispute on and when, the
bounds of a retroactive recommendation and its correction lines (003 §4.3)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from domain import disputes as rules
from domain.deadlines import DeadlineKind
from domain.errors import RuleViolation
from domain.levels import Level
from domain.rulesets import OSTERGOTLAND, VASTRA_GOTALAND
from domain.statements import SplitVersion

VG = VASTRA_GOTALAND


def _state(level=Level.SUB_REGIONAL, status=rules.DisputeStatus.OPEN, **dates):
    defaults = {"opened_on": date(2026, 5, 15), "sub_regional_since": date(2026, 5, 20)}
    if level == Level.LOCAL:
        defaults["sub_regional_since"] = None
    return rules.DisputeState(level=level, status=status, **(defaults | dates))


# --- the clocks -----------------------------------------------------------------------------------


def test_r_disp_1_the_sub_regional_clock_ends_on_day_30():
    """Reached the sub-regional level on 20 May 2026 (day 0): 30 days end on 19 June."""
    assert rules.sub_regional_due(date(2026, 5, 20), VG) == date(2026, 6, 19)


def test_r_disp_1_the_regional_level_prepares_within_30_days():
    """Reached the regional level on 20 June 2026: prepared by 20 July."""
    assert rules.regional_due(date(2026, 6, 20), VG) == date(2026, 7, 20)


def test_r_disp_1_the_clocks_cross_a_year_end_and_february():
    assert rules.sub_regional_due(date(2026, 12, 15), VG) == date(2027, 1, 14)
    assert rules.regional_due(date(2027, 1, 31), VG) == date(2027, 3, 2)


def test_r_disp_1_the_numbers_come_from_the_regions_rule_set():
    assert VG.dispute_subregional_days == 30 and VG.dispute_regional_days == 30
    assert "003 §4.3" in VG.sources["dispute_subregional_days"]
    assert OSTERGOTLAND.dispute_subregional_days == 30


@pytest.mark.parametrize(
    ("today", "goes"),
    [
        (date(2026, 6, 18), False),  # day 29
        (date(2026, 6, 19), False),  # day 30: still the sub-regional level's
        (date(2026, 6, 20), True),  # day 31: directly to the regional level
        (date(2026, 8, 1), True),
    ],
)
def test_r_disp_1_day_31_at_the_sub_regional_level_goes_to_the_regional_level(today, goes):
    assert rules.goes_to_regional_level(_state(), today=today, rule_set=VG) is goes


def test_r_disp_1_a_local_or_closed_dispute_never_goes_on_by_itself():
    late = date(2027, 1, 1)
    assert not rules.goes_to_regional_level(_state(Level.LOCAL), today=late, rule_set=VG)
    closed = _state(status=rules.DisputeStatus.RESOLVED)
    assert not rules.goes_to_regional_level(closed, today=late, rule_set=VG)


def test_r_disp_1_the_deadlines_of_a_dispute_escalated_on_day_31():
    """Sub-regional since 20 May; passed to the regional level on day 31 (20 June): the first
    clock was met late (due 19 June); the regional clock runs to 20 July."""
    state = _state(Level.REGIONAL, regional_since=date(2026, 6, 20))
    sub, regional = rules.dispute_deadlines(state, closed_on=None, rule_set=VG)
    assert (sub.kind, sub.due_on, sub.met_on) == (
        DeadlineKind.DISPUTE_SUB_REGIONAL,
        date(2026, 6, 19),
        date(2026, 6, 20),
    )
    assert sub.met_on > sub.due_on and sub.rule == "R-DISP-1"
    assert (regional.kind, regional.due_on, regional.met_on) == (
        DeadlineKind.DISPUTE_REGIONAL,
        date(2026, 7, 20),
        None,
    )


def test_r_disp_1_a_dispute_solved_sub_regionally_meets_its_clock():
    state = _state(status=rules.DisputeStatus.RESOLVED)
    (sub,) = rules.dispute_deadlines(state, closed_on=date(2026, 6, 1), rule_set=VG)
    assert sub.met_on == date(2026, 6, 1) <= sub.due_on


def test_a_local_dispute_has_no_clock_yet():
    assert rules.dispute_deadlines(_state(Level.LOCAL), closed_on=None, rule_set=VG) == []


# --- passing it on --------------------------------------------------------------------------------


def test_r_disp_1_a_party_passes_a_local_dispute_to_the_sub_regional_level():
    level = rules.check_escalation(
        _state(Level.LOCAL), today=date(2026, 5, 16), rule_set=VG, how=rules.Escalation.BY_PARTY
    )
    assert level == Level.SUB_REGIONAL


def test_r_disp_1_the_daily_run_never_moves_a_local_dispute():
    with pytest.raises(RuleViolation) as caught:
        rules.check_escalation(
            _state(Level.LOCAL), today=date(2027, 1, 1), rule_set=VG, how=rules.Escalation.AUTOMATIC
        )
    assert caught.value.rule == "R-DISP-1"


def test_r_disp_1_before_day_31_only_the_sub_regional_body_passes_it_on():
    day_30 = date(2026, 6, 19)
    with pytest.raises(RuleViolation):
        rules.check_escalation(_state(), today=day_30, rule_set=VG, how=rules.Escalation.BY_PARTY)
    with pytest.raises(RuleViolation):
        rules.check_escalation(_state(), today=day_30, rule_set=VG, how=rules.Escalation.AUTOMATIC)
    assert (
        rules.check_escalation(_state(), today=day_30, rule_set=VG, how=rules.Escalation.BY_BODY)
        == Level.REGIONAL
    )


@pytest.mark.parametrize("how", list(rules.Escalation))
def test_r_disp_1_on_day_31_it_goes_to_the_regional_level_whoever_moves_it(how):
    assert (
        rules.check_escalation(_state(), today=date(2026, 6, 20), rule_set=VG, how=how)
        == Level.REGIONAL
    )


def test_r_disp_1_nothing_above_the_regional_level_and_nothing_closed_moves():
    regional = _state(Level.REGIONAL, regional_since=date(2026, 6, 20))
    with pytest.raises(RuleViolation):
        rules.check_escalation(
            regional, today=date(2026, 9, 1), rule_set=VG, how=rules.Escalation.BY_BODY
        )
    closed = _state(status=rules.DisputeStatus.RESOLVED)
    with pytest.raises(RuleViolation):
        rules.check_escalation(
            closed, today=date(2026, 9, 1), rule_set=VG, how=rules.Escalation.BY_BODY
        )


def test_r_disp_1_the_regional_level_ends_with_a_recommendation_not_a_resolution():
    regional = _state(Level.REGIONAL, regional_since=date(2026, 6, 20))
    with pytest.raises(RuleViolation):
        rules.check_resolution(regional, resolved_on=date(2026, 7, 1))
    rules.check_resolution(_state(), resolved_on=date(2026, 6, 1))  # sub-regional: fine


# --- opening with the temporary split -------------------------------------------------------------


def _terms(**changes):
    base = {
        "sip_meeting_held_on": date(2026, 5, 12),
        "sip_meeting_of_the_child": True,
        "effective_from": date(2026, 5, 15),
        "region_percent": Decimal("40"),
        "region_amount_per_month": None,
    }
    return rules.TemporarySplitTerms(**(base | changes))


def test_r_disp_1_a_dispute_opens_with_a_temporary_split_agreed_through_the_sip():
    rules.check_opening(opened_on=date(2026, 5, 15), terms=_terms())


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"sip_meeting_held_on": None}, "sip_meeting"),  # no held SIP meeting
        ({"sip_meeting_of_the_child": False}, "sip_meeting"),  # another child's meeting
        ({"sip_meeting_held_on": date(2026, 5, 16)}, "sip_meeting"),  # after the opening
        ({"effective_from": None}, "effective_from"),
        ({"effective_from": date(2026, 5, 16)}, "effective_from"),  # care never held back
        ({"region_percent": None}, "region_percent"),  # neither
        ({"region_amount_per_month": Decimal("1000")}, "region_percent"),  # both
        ({"region_percent": Decimal("100.5")}, "region_percent"),
    ],
)
def test_r_disp_1_no_dispute_without_a_temporary_split_in_force(changes, field):
    with pytest.raises(RuleViolation) as caught:
        rules.check_opening(opened_on=date(2026, 5, 15), terms=_terms(**changes))
    assert caught.value.rule == "R-DISP-1"
    assert field in {v.field for v in getattr(caught.value, "violations", [caught.value])}


# --- the recommendation ---------------------------------------------------------------------------


def test_r_disp_1_responsibility_is_adjusted_only_from_the_day_a_joint_split_existed():
    first = date(2026, 5, 1)
    rules.check_recommendation(
        adjusted_from=first, issued_on=date(2026, 8, 10), first_joint_split_on=first
    )
    with pytest.raises(RuleViolation) as caught:
        rules.check_recommendation(
            adjusted_from=date(2026, 4, 30), issued_on=date(2026, 8, 10), first_joint_split_on=first
        )
    assert caught.value.field == "adjusted_from"
    with pytest.raises(RuleViolation):
        rules.check_recommendation(
            adjusted_from=date(2026, 8, 11), issued_on=date(2026, 8, 10), first_joint_split_on=first
        )
    with pytest.raises(RuleViolation):
        rules.check_recommendation(
            adjusted_from=first, issued_on=date(2026, 8, 10), first_joint_split_on=None
        )


SIGNED = SplitVersion(
    effective_from=date(2026, 5, 1), effective_until=None, region_percent=Decimal(50), label="1"
)
TEMPORARY = SplitVersion(
    effective_from=date(2026, 5, 15),
    effective_until=date(2026, 8, 9),
    region_percent=Decimal(40),
    label="tillfällig",
)
RECOMMENDED = rules.RecommendedSplit(
    issued_on=date(2026, 8, 10), adjusted_from=date(2026, 5, 1), region_percent=Decimal(60)
)


def test_r_disp_1_a_retroactive_recommendation_gives_three_correction_lines():
    """A placement from 1 May 2026 at 1 000 kr a day, placed by the municipality. Signed split
    from 1 May: region 50 %. Dispute with a temporary split from 15 May: region 40 %. The
    regional level recommends on 10 August: region 60 % from 1 May. May, June and July were
    invoiced; each gets a correction line (hand-computed):

    - May: 31 000 kr. Paid 1–14 May at 50 % (14 000: 7 000 / 7 000) and 15–31 May at 40 %
      (17 000: region 6 800, municipality 10 200): region 13 800, municipality 17 200. Should
      have been 60 %: region 18 600, municipality 12 400. Difference +4 800 / −4 800.
    - June: 30 000 kr at 40 %: 12 000 / 18 000; should have been 18 000 / 12 000: +6 000.
    - July: 31 000 kr at 40 %: 12 400 / 18 600; should have been 18 600 / 12 400: +6 200.
    """
    lines = rules.correction_lines(
        placement_start=date(2026, 5, 1),
        placement_end=None,
        cost_per_day=Decimal("1000.00"),
        versions=[SIGNED, TEMPORARY],
        recommended=RECOMMENDED,
        placing_principal="municipality",
    )
    got = [
        (
            line.year,
            line.month,
            line.paid_region,
            line.paid_municipality,
            line.due_region,
            line.due_municipality,
            line.region_difference,
            line.municipality_difference,
        )
        for line in lines
    ]
    d = Decimal
    assert got == [
        (
            2026,
            5,
            d("13800.00"),
            d("17200.00"),
            d("18600.00"),
            d("12400.00"),
            d("4800.00"),
            d("-4800.00"),
        ),
        (
            2026,
            6,
            d("12000.00"),
            d("18000.00"),
            d("18000.00"),
            d("12000.00"),
            d("6000.00"),
            d("-6000.00"),
        ),
        (
            2026,
            7,
            d("12400.00"),
            d("18600.00"),
            d("18600.00"),
            d("12400.00"),
            d("6200.00"),
            d("-6200.00"),
        ),
    ]
    assert sum(line.net for line in lines) == Decimal("17000.00")


def test_r_disp_1_no_correction_line_for_a_month_the_recommendation_does_not_change():
    same = rules.RecommendedSplit(
        issued_on=date(2026, 8, 10), adjusted_from=date(2026, 5, 1), region_percent=Decimal(50)
    )
    lines = rules.correction_lines(
        placement_start=date(2026, 5, 1),
        placement_end=None,
        cost_per_day=Decimal("1000.00"),
        versions=[SIGNED],
        recommended=same,
        placing_principal="region",
    )
    assert lines == []


def test_r_disp_1_a_version_agreed_after_the_recommendation_still_replaces_it():
    later = SplitVersion(
        effective_from=date(2026, 9, 1), effective_until=None, region_percent=Decimal(30), label="2"
    )
    adjusted = rules.with_recommendation([SIGNED, TEMPORARY, later], RECOMMENDED)
    assert [v.label for v in adjusted] == ["2", "rekommendation"]
    assert adjusted[1].effective_from == date(2026, 5, 1)


def test_r_disp_1_a_version_before_the_adjustment_ends_the_day_before_it():
    recommended = rules.RecommendedSplit(
        issued_on=date(2026, 8, 10), adjusted_from=date(2026, 6, 1), region_percent=Decimal(60)
    )
    adjusted = rules.with_recommendation([SIGNED, TEMPORARY], recommended)
    assert [(v.label, v.effective_until) for v in adjusted] == [
        ("1", date(2026, 5, 31)),
        ("tillfällig", date(2026, 5, 31)),
        ("rekommendation", None),
    ]


def test_next_step_names_the_level_and_its_date():
    step = rules.next_step(_state(), today=date(2026, 6, 1), rule_set=VG)
    assert step.due_on == date(2026, 6, 19)
    late = rules.next_step(_state(), today=date(2026, 6, 20), rule_set=VG)
    assert "directly to the regional level" in late.message


def test_r_disp_1_only_an_open_dispute_at_the_regional_level_gets_a_recommendation():
    rules.check_recommendation_level(_state(Level.REGIONAL, regional_since=date(2026, 6, 20)))
    for state in (_state(), _state(Level.LOCAL), _state(status=rules.DisputeStatus.RESOLVED)):
        with pytest.raises(RuleViolation) as caught:
            rules.check_recommendation_level(state)
        assert caught.value.rule == "R-DISP-1"


@pytest.mark.parametrize(
    ("has_open_dispute", "placement_started", "refused"),
    [
        (False, True, None),
        (True, True, "The agreement already has an open dispute."),
        (True, False, "The agreement already has an open dispute."),
        (False, False, "once the placement has started"),
    ],
)
def test_r_disp_1_when_a_dispute_can_be_opened(has_open_dispute, placement_started, refused):
    answer = rules.opening_refused(
        has_open_dispute=has_open_dispute, placement_started=placement_started
    )
    if refused is None:
        assert answer is None
    else:
        assert answer is not None and refused in answer
