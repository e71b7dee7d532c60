"""R-DEV-1: the deviation rules as pure functions (no database)."""

from __future__ import annotations

from datetime import date

import pytest

from domain import deviations as rules
from domain.deviations import Action, Party, Status
from domain.errors import RuleViolation
from domain.levels import Level

R, C, B = Party.REPORTER, Party.RECEIVER, Party.BODY
ALL = {R, C, B}


# --- the move table ------------------------------------------------------------------------------

MOVES = [
    (Status.REPORTED, Status.RECEIVED, True),
    (Status.REPORTED, Status.ESCALATED, True),
    (Status.REPORTED, Status.ANSWERED, False),
    (Status.REPORTED, Status.CLOSED, False),
    (Status.RECEIVED, Status.ANSWERED, True),
    (Status.RECEIVED, Status.ESCALATED, True),
    (Status.RECEIVED, Status.CLOSED, False),
    (Status.ANSWERED, Status.CLOSED, True),
    (Status.ANSWERED, Status.ESCALATED, True),
    (Status.ANSWERED, Status.RECEIVED, False),
    (Status.ESCALATED, Status.ANSWERED, True),
    (Status.ESCALATED, Status.CLOSED, True),
    (Status.ESCALATED, Status.ESCALATED, True),
    (Status.ESCALATED, Status.REPORTED, False),
    (Status.CLOSED, Status.REPORTED, False),
    (Status.CLOSED, Status.ESCALATED, False),
]


@pytest.mark.parametrize(("current", "target", "allowed"), MOVES)
def test_r_dev_1_move_table(current, target, allowed):
    if allowed:
        rules.check_move(current, target)
    else:
        with pytest.raises(RuleViolation) as exc:
            rules.check_move(current, target)
        assert exc.value.rule == "R-DEV-1"


def test_r_dev_1_a_closed_deviation_moves_nowhere():
    assert rules.ALLOWED_MOVES[Status.CLOSED] == frozenset()


# (status, level, parties) -> the actions allowed
ACTIONS = [
    # locally: the receiver receives, then answers; either party closes once answered or
    # passes it on at any time; both comment.
    (Status.REPORTED, Level.LOCAL, {C}, {Action.RECEIVE, Action.ESCALATE, Action.COMMENT}),
    (Status.REPORTED, Level.LOCAL, {R}, {Action.ESCALATE, Action.COMMENT}),
    (Status.REPORTED, Level.LOCAL, {B}, set()),
    (Status.RECEIVED, Level.LOCAL, {C}, {Action.ANSWER, Action.ESCALATE, Action.COMMENT}),
    (Status.RECEIVED, Level.LOCAL, {R}, {Action.ESCALATE, Action.COMMENT}),
    (Status.ANSWERED, Level.LOCAL, {R}, {Action.CLOSE, Action.ESCALATE, Action.COMMENT}),
    (Status.ANSWERED, Level.LOCAL, {C}, {Action.CLOSE, Action.ESCALATE, Action.COMMENT}),
    (Status.ANSWERED, Level.LOCAL, set(), set()),
    # sub-regional: the body answers, closes or passes it on; the parties only comment.
    (
        Status.ESCALATED,
        Level.SUB_REGIONAL,
        {B},
        {Action.ANSWER, Action.CLOSE, Action.ESCALATE, Action.COMMENT},
    ),
    (Status.ESCALATED, Level.SUB_REGIONAL, {R, C}, {Action.COMMENT}),
    (Status.ANSWERED, Level.SUB_REGIONAL, {B}, {Action.CLOSE, Action.ESCALATE, Action.COMMENT}),
    # regional: nothing above it.
    (Status.ESCALATED, Level.REGIONAL, {B}, {Action.ANSWER, Action.CLOSE, Action.COMMENT}),
    (Status.ANSWERED, Level.REGIONAL, {B}, {Action.CLOSE, Action.COMMENT}),
    # closed: nothing for anyone.
    (Status.CLOSED, Level.LOCAL, ALL, set()),
    (Status.CLOSED, Level.REGIONAL, ALL, set()),
]


@pytest.mark.parametrize(("status", "level", "parties", "expected"), ACTIONS)
def test_r_dev_1_who_may_take_which_step(status, level, parties, expected):
    assert rules.allowed_actions(status=status, level=level, parties=parties) == expected


def test_r_dev_1_a_refused_step_names_the_rule():
    with pytest.raises(RuleViolation) as exc:
        rules.check_action(
            Action.ANSWER, status=Status.REPORTED, level=Level.LOCAL, parties={R}, text="x"
        )
    assert exc.value.rule == "R-DEV-1"
    assert "cannot take this step" in exc.value.message


def test_r_dev_1_an_answer_needs_text():
    with pytest.raises(RuleViolation) as exc:
        rules.check_action(
            Action.ANSWER, status=Status.RECEIVED, level=Level.LOCAL, parties={C}, text="  "
        )
    assert exc.value.field == "text"


def test_r_dev_1_receiving_needs_no_text():
    rules.check_action(Action.RECEIVE, status=Status.REPORTED, level=Level.LOCAL, parties={C})


def test_r_dev_1_nothing_above_the_regional_level():
    with pytest.raises(RuleViolation) as exc:
        rules.check_action(
            Action.ESCALATE, status=Status.ESCALATED, level=Level.REGIONAL, parties={B}, text="x"
        )
    assert "regional level" in exc.value.message


def test_r_dev_1_escalation_goes_one_level_up_or_skips_a_missing_area():
    assert rules.escalation_target(Level.LOCAL, has_area=True) == Level.SUB_REGIONAL
    assert rules.escalation_target(Level.SUB_REGIONAL, has_area=True) == Level.REGIONAL
    assert rules.escalation_target(Level.LOCAL, has_area=False) == Level.REGIONAL
    assert rules.escalation_target(Level.REGIONAL, has_area=True) is None


# --- principals --------------------------------------------------------------------------------

VG = rules.PrincipalRef(pk=1, kind="region")
SKANE = rules.PrincipalRef(pk=2, kind="region")
GBG = rules.PrincipalRef(pk=10, kind="municipality", region_id=1)
MALMO = rules.PrincipalRef(pk=20, kind="municipality", region_id=2)


def test_r_dev_1_a_municipality_reports_to_its_region_and_the_region_to_its_municipality():
    rules.check_principals(reporting=GBG, receiving=VG)
    rules.check_principals(reporting=VG, receiving=GBG)


@pytest.mark.parametrize(
    ("reporting", "receiving", "field"),
    [
        (GBG, MALMO, "receiving_principal"),  # two municipalities
        (VG, SKANE, "receiving_principal"),  # two regions
        (VG, MALMO, "receiving_principal"),  # another region's municipality
        (VG, None, "receiving_principal"),  # the region chose no municipality
    ],
)
def test_r_dev_1_a_deviation_is_between_the_two_principals(reporting, receiving, field):
    with pytest.raises(RuleViolation) as exc:
        rules.check_principals(reporting=reporting, receiving=receiving)
    assert (exc.value.rule, exc.value.field) == ("R-DEV-1", field)


# --- the answer deadline (hand-computed) -----------------------------------------------------


def test_r_dev_1_the_answer_is_due_after_the_areas_days():
    # Reported Monday 2 March 2026; the area's routine gives 10 days: due Thursday 12 March.
    assert rules.answer_due_on(reported_on=date(2026, 3, 2), area_days=10) == date(2026, 3, 12)
    # 21 days from 20 December 2026 runs over the year: 10 January 2027.
    assert rules.answer_due_on(reported_on=date(2026, 12, 20), area_days=21) == date(2027, 1, 10)


def test_r_dev_1_without_an_area_the_default_is_14_days():
    # An assumption (no area, no routine): 14 days. 15 May 2026 + 14 = 29 May 2026.
    assert rules.DEFAULT_FEEDBACK_DAYS == 14
    assert rules.answer_due_on(reported_on=date(2026, 5, 15), area_days=None) == date(2026, 5, 29)


@pytest.mark.parametrize(
    ("today", "overdue"),
    [(date(2026, 3, 11), False), (date(2026, 3, 12), False), (date(2026, 3, 13), True)],
)
def test_r_dev_1_overdue_the_day_after_the_due_day(today, overdue):
    due = date(2026, 3, 12)
    assert rules.is_overdue(status=Status.RECEIVED, due_on=due, today=today) is overdue


def test_r_dev_1_an_answered_deviation_is_not_overdue():
    assert not rules.is_overdue(
        status=Status.ANSWERED, due_on=date(2026, 3, 12), today=date(2027, 1, 1)
    )


def test_r_dev_1_next_step_names_who_and_when():
    due = date(2026, 3, 12)
    step = rules.next_step(
        status=Status.REPORTED, level=Level.LOCAL, due_on=due, today=date(2026, 3, 2)
    )
    assert (step.party, step.action, step.due_on, step.overdue) == (
        Party.RECEIVER,
        Action.RECEIVE,
        due,
        False,
    )
    step = rules.next_step(
        status=Status.ESCALATED, level=Level.SUB_REGIONAL, due_on=due, today=date(2026, 3, 13)
    )
    assert (step.party, step.action, step.overdue) == (Party.BODY, Action.ANSWER, True)
    step = rules.next_step(status=Status.CLOSED, level=Level.LOCAL, due_on=due, today=due)
    assert step.action is None


# --- the area report -------------------------------------------------------------------------


def test_r_dev_1_the_previous_period_has_equal_length():
    # First half of 2026 (181 days) -> the 181 days before: 4 July 2025 – 31 December 2025.
    period = rules.Period(date(2026, 1, 1), date(2026, 6, 30))
    previous = rules.previous_period(period)
    assert previous == rules.Period(date(2025, 7, 4), date(2025, 12, 31))
    assert previous.days == period.days == 181


def test_r_dev_1_area_counts_per_category_and_status_with_trend():
    current = {
        ("sip_not_in_time", "reported"): 2,
        ("sip_not_in_time", "closed"): 3,
        ("cost_not_paid", "escalated"): 1,
    }
    previous = {("sip_not_in_time", "closed"): 2, ("other", "closed"): 4}
    counts = rules.area_counts(
        current, previous, categories=["sip_not_in_time", "cost_not_paid", "other"]
    )
    sip, cost, other = counts.rows
    assert (sip.total, sip.previous, sip.change) == (5, 2, 3)
    assert sip.by_status["reported"] == 2 and sip.by_status["closed"] == 3
    assert (cost.total, cost.previous) == (1, 0)
    assert (other.total, other.previous, other.change) == (0, 4, -4)
    assert (counts.total, counts.previous) == (6, 6)
    assert counts.by_status == {
        "reported": 2,
        "received": 0,
        "answered": 0,
        "escalated": 1,
        "closed": 3,
    }
    assert rules.trend(current=sip.total, previous=sip.previous) == rules.Trend.UP
    assert rules.trend(current=cost.total, previous=cost.previous) == rules.Trend.NEW
    assert rules.trend(current=other.total, previous=other.previous) == rules.Trend.DOWN
    assert rules.trend(current=counts.total, previous=counts.previous) == rules.Trend.SAME
    assert [r.category for r in rules.most_frequent(counts)] == ["sip_not_in_time", "cost_not_paid"]


def test_r_dev_1_a_period_cannot_end_before_it_starts():
    with pytest.raises(RuleViolation):
        rules.check_period(rules.Period(date(2026, 2, 1), date(2026, 1, 31)))
