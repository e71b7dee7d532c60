"""The placement rules of DOMAIN.md as pure functions (domain.placements): no database.

Each test names the rule it proves in its docstring and fails when that rule is broken.
"""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import date, timedelta

import pytest

from domain.deadlines import add_months
from domain.errors import RuleViolation
from domain.placements import (
    ALLOWED_MOVES,
    EndPlan,
    ExamKind,
    LegalBasis,
    PlacementFacts,
    PlacementForm,
    PlacementStatus,
    Provision,
    check_age_at_start,
    check_end_plan,
    check_examining_unit,
    check_follow_up_done,
    check_follow_up_period,
    check_guardian_count,
    check_health_exam,
    check_joint_follow_up,
    check_move,
    check_update,
    requires_power_of_attorney,
)
from domain.rulesets import VASTRA_GOTALAND

ON = date(2026, 5, 15)
ONE_DAY = timedelta(days=1)
PLANNED_AT_SIP = EndPlan(sip_meeting_held_on=date(2026, 1, 10))

# The lifecycle written out independently of domain.placements.ALLOWED_MOVES:
# planned → active → ended, and planned → cancelled. Nothing else.
EXPECTED_MOVES = {
    (PlacementStatus.PLANNED, PlacementStatus.ACTIVE),
    (PlacementStatus.PLANNED, PlacementStatus.CANCELLED),
    (PlacementStatus.ACTIVE, PlacementStatus.ENDED),
}


def facts(**changes: object) -> PlacementFacts:
    """A planned SoL placement of a 12-year-old in an HVB with a complete record (R-PLAC-1)
    and a signed agreement: every move the lifecycle allows is allowed for it."""
    base = PlacementFacts(
        status=PlacementStatus.PLANNED,
        is_acute=False,
        form=PlacementForm.HVB,
        legal_basis=LegalBasis.SOL,
        birth_date=date(2014, 2, 10),
        actual_start=None,
        goal="Trygg vardag.",
        wishes="Vill bo nära skolan.",
        schooling="Samma skola som förut.",
        responsibilities="Kommunen: boende på HVB. Regionen: BUP-behandling.",
        municipality_provision=Provision.OTHER_PARTY,
        region_provision=Provision.ITSELF,
        agreement_signed=True,
        power_of_attorney_issued_on=None,
    )
    return replace(base, **changes)


def rule_of(excinfo: pytest.ExceptionInfo[RuleViolation]) -> str:
    return excinfo.value.rule


# --- the lifecycle table -----------------------------------------------------------------------


def test_the_lifecycle_table_covers_every_status():
    """LIFECYCLE: the table has a row for every status, so no status is a dead end by mistake."""
    assert set(ALLOWED_MOVES) == set(PlacementStatus)


@pytest.mark.parametrize(
    ("current", "target"),
    list(itertools.product(PlacementStatus, PlacementStatus)),
    ids=lambda s: str(s),
)
def test_each_pair_of_statuses_is_allowed_exactly_when_the_lifecycle_says_so(current, target):
    """LIFECYCLE (issue 3): planned → active → ended, and planned → cancelled; every other pair
    of statuses, including staying in the same status, is refused with rule LIFECYCLE."""
    placement = facts(
        status=current, actual_start=date(2026, 3, 1) if current == "active" else None
    )
    move = {"on": ON, "end_date": ON, "end_reason": "Flyttar hem.", "end_plan": PLANNED_AT_SIP}

    if (current, target) in EXPECTED_MOVES:
        check_move(placement, target, **move)  # no RuleViolation
    else:
        with pytest.raises(RuleViolation) as excinfo:
            check_move(placement, target, **move)
        assert rule_of(excinfo) == "LIFECYCLE"


def test_ended_and_cancelled_are_final():
    """LIFECYCLE: an ended or cancelled placement never moves again (a move home or to another
    home is a new placement period)."""
    assert ALLOWED_MOVES[PlacementStatus.ENDED] == frozenset()
    assert ALLOWED_MOVES[PlacementStatus.CANCELLED] == frozenset()


# --- R-PLAC-2 / R-PLAC-3: the agreement before the start ---------------------------------------


def test_planned_placement_cannot_become_active_without_a_signed_agreement():
    """R-PLAC-2: a planned placement cannot start before its cost agreement is signed by both
    principals."""
    with pytest.raises(RuleViolation) as excinfo:
        check_move(facts(agreement_signed=False), PlacementStatus.ACTIVE, on=ON)
    assert rule_of(excinfo) == "R-PLAC-2"


def test_planned_placement_becomes_active_once_the_agreement_is_signed():
    """R-PLAC-2: with the agreement signed by both principals the planned placement may start."""
    check_move(facts(agreement_signed=True), PlacementStatus.ACTIVE, on=ON)


def test_acute_placement_may_become_active_without_an_agreement():
    """R-PLAC-3: an acute placement may be active before its cost split is settled."""
    check_move(facts(is_acute=True, agreement_signed=False), PlacementStatus.ACTIVE, on=ON)


def test_a_planned_placement_may_be_cancelled_without_an_agreement():
    """R-PLAC-2 guards the start only: cancelling a planned placement needs no agreement."""
    check_move(facts(agreement_signed=False), PlacementStatus.CANCELLED, on=ON)


# --- R-PLAC-1: the placement record ------------------------------------------------------------


@pytest.mark.parametrize("field", ["goal", "wishes", "schooling"])
@pytest.mark.parametrize("empty", ["", "   \n"])
def test_placement_without_goal_wishes_or_schooling_cannot_start(field, empty):
    """R-PLAC-1: the record states the goal (L10), the individual's wishes (L11) and how school
    or occupation is provided (L14) before the placement starts; the error points at the field."""
    with pytest.raises(RuleViolation) as excinfo:
        check_move(facts(is_acute=True, **{field: empty}), PlacementStatus.ACTIVE, on=ON)
    assert rule_of(excinfo) == "R-PLAC-1"
    assert excinfo.value.field == field


@pytest.mark.parametrize("empty", ["", "   \n"])
def test_placement_without_the_principals_responsibilities_cannot_start(empty):
    """R-PLAC-1 (L12): each principal's and party's responsibility for the care and support
    interventions is stated before the placement starts."""
    with pytest.raises(RuleViolation) as excinfo:
        check_move(facts(responsibilities=empty), PlacementStatus.ACTIVE, on=ON)
    assert (rule_of(excinfo), excinfo.value.field) == ("R-PLAC-1", "responsibilities")


@pytest.mark.parametrize("field", ["municipality_provision", "region_provision"])
def test_placement_cannot_start_before_each_principal_says_who_performs_its_interventions(field):
    """R-PLAC-1 (L13): for each principal, whether it performs its interventions itself or
    through another party, before the placement starts (acute ones too)."""
    with pytest.raises(RuleViolation) as excinfo:
        check_move(facts(is_acute=True, **{field: None}), PlacementStatus.ACTIVE, on=ON)
    assert (rule_of(excinfo), excinfo.value.field) == ("R-PLAC-1", field)


@pytest.mark.parametrize("provision", list(Provision))
def test_any_answer_on_who_performs_the_interventions_lets_the_placement_start(provision):
    """R-PLAC-1 (L13, L7): itself, through another party, or both."""
    check_move(
        facts(municipality_provision=provision, region_provision=provision),
        PlacementStatus.ACTIVE,
        on=ON,
    )


def test_an_active_placement_cannot_lose_the_principals_responsibilities_in_an_edit():
    """R-PLAC-1: what the start required stays stated while the placement runs."""
    started = facts(status=PlacementStatus.ACTIVE, actual_start=ON)
    with pytest.raises(RuleViolation) as excinfo:
        check_update(replace(started, region_provision=None), on=ON)
    assert (rule_of(excinfo), excinfo.value.field) == ("R-PLAC-1", "region_provision")


def test_an_acute_placement_also_needs_its_record_before_it_starts():
    """R-PLAC-1 applies to acute placements too (R-PLAC-3 relaxes the agreement, not the
    record)."""
    with pytest.raises(RuleViolation) as excinfo:
        check_move(
            facts(is_acute=True, agreement_signed=False, goal=""), PlacementStatus.ACTIVE, on=ON
        )
    assert rule_of(excinfo) == "R-PLAC-1"


# --- R-PLAC-6: power of attorney for an LVU minor in a foster home or HVB -----------------------

LVU_MINOR = {
    "is_acute": True,
    "legal_basis": LegalBasis.LVU,
    "birth_date": date(2010, 6, 1),
}


@pytest.mark.parametrize(
    "form",
    [
        PlacementForm.HVB,
        PlacementForm.FOSTER_HOME,
        PlacementForm.EMERGENCY_FOSTER_HOME,
        PlacementForm.SIS,
    ],
)
def test_lvu_minor_in_foster_home_hvb_or_sis_cannot_start_without_power_of_attorney(form):
    """R-PLAC-6: for an LVU placement of a minor in a foster home (jourhem included), an HVB or
    a SiS special youth home ("HVB, inkl. SIS", 002 §3.4.7), social services issues a power of
    attorney before the placement starts."""
    with pytest.raises(RuleViolation) as excinfo:
        check_move(facts(form=form, **LVU_MINOR), PlacementStatus.ACTIVE, on=ON)
    assert rule_of(excinfo) == "R-PLAC-6"
    assert excinfo.value.field == "power_of_attorney_issued_on"


def test_lvu_minor_with_power_of_attorney_may_start():
    """R-PLAC-6: with the power of attorney issued the placement may start."""
    placement = facts(
        form=PlacementForm.FOSTER_HOME,
        power_of_attorney_issued_on=ON,
        power_of_attorney_scope="Hälso- och sjukvård, skola.",
        **LVU_MINOR,
    )
    check_move(placement, PlacementStatus.ACTIVE, on=ON)


@pytest.mark.parametrize("scope", ["", "   "])
def test_a_power_of_attorney_without_its_scope_does_not_let_the_placement_start(scope):
    """R-PLAC-6: the power of attorney is recorded with its scope and date."""
    placement = facts(
        form=PlacementForm.HVB, power_of_attorney_issued_on=ON, power_of_attorney_scope=scope
    )
    placement = replace(placement, **LVU_MINOR)

    with pytest.raises(RuleViolation) as excinfo:
        check_move(placement, PlacementStatus.ACTIVE, on=ON)
    assert rule_of(excinfo) == "R-PLAC-6"
    assert excinfo.value.field == "power_of_attorney_scope"


def test_an_edit_of_an_active_placement_cannot_take_away_what_its_start_required():
    """R-PLAC-1 and R-PLAC-6 hold for as long as the placement runs, not just at its start."""
    started = facts(status=PlacementStatus.ACTIVE, actual_start=ON)

    check_update(started, on=ON)
    with pytest.raises(RuleViolation) as excinfo:
        check_update(replace(started, goal=" "), on=ON)
    assert (rule_of(excinfo), excinfo.value.field) == ("R-PLAC-1", "goal")
    with pytest.raises(RuleViolation) as excinfo:
        check_update(replace(started, form=PlacementForm.HVB, **LVU_MINOR), on=ON)
    assert rule_of(excinfo) == "R-PLAC-6"


def test_a_planned_placement_may_be_saved_incomplete():
    check_update(facts(goal="", legal_basis=LegalBasis.LVU, birth_date=date(2015, 1, 1)), on=ON)


def test_power_of_attorney_is_needed_the_day_before_the_18th_birthday():
    """R-PLAC-6: the day before the 18th birthday the young person is still a minor."""
    birthday_18 = date(2026, 5, 16)
    placement = facts(form=PlacementForm.HVB, **LVU_MINOR | {"birth_date": date(2008, 5, 16)})

    with pytest.raises(RuleViolation) as excinfo:
        check_move(placement, PlacementStatus.ACTIVE, on=birthday_18 - ONE_DAY)
    assert rule_of(excinfo) == "R-PLAC-6"


def test_power_of_attorney_is_not_needed_on_the_18th_birthday():
    """R-PLAC-6 covers minors only: on the 18th birthday no power of attorney is needed."""
    birthday_18 = date(2026, 5, 16)
    placement = facts(form=PlacementForm.HVB, **LVU_MINOR | {"birth_date": date(2008, 5, 16)})

    check_move(placement, PlacementStatus.ACTIVE, on=birthday_18)


def test_a_leap_day_child_comes_of_age_on_28_february_in_a_common_year():
    """R-PLAC-6 with Lag (1930:173) 2 §: born 29 February 2008, 18 on 28 February 2026 (a
    common year), so the power of attorney is needed on the 27th and not on the 28th."""
    leap_day_child = facts(form=PlacementForm.HVB, **LVU_MINOR | {"birth_date": date(2008, 2, 29)})

    with pytest.raises(RuleViolation) as excinfo:
        check_move(leap_day_child, PlacementStatus.ACTIVE, on=date(2026, 2, 27))
    assert rule_of(excinfo) == "R-PLAC-6"
    check_move(leap_day_child, PlacementStatus.ACTIVE, on=date(2026, 2, 28))


def test_power_of_attorney_age_is_taken_on_the_actual_start_when_it_is_known():
    """R-PLAC-6: the age that counts is the age at the placement's start."""
    placement = facts(
        form=PlacementForm.HVB,
        actual_start=date(2026, 5, 15),  # the day before the 18th birthday
        **LVU_MINOR | {"birth_date": date(2008, 5, 16)},
    )
    with pytest.raises(RuleViolation) as excinfo:
        check_move(placement, PlacementStatus.ACTIVE, on=date(2026, 6, 1))
    assert rule_of(excinfo) == "R-PLAC-6"


def test_sol_placement_of_a_minor_needs_no_power_of_attorney():
    """R-PLAC-6 is about LVU placements: a SoL placement (voluntary) needs none."""
    placement = facts(form=PlacementForm.HVB, **LVU_MINOR | {"legal_basis": LegalBasis.SOL})
    check_move(placement, PlacementStatus.ACTIVE, on=ON)


def test_lvu_minor_at_a_sis_home_needs_a_power_of_attorney():
    """R-PLAC-6: 002 §3.4.7 names SiS youth homes ("HVB, inkl. SIS"): the placement starts
    once the power of attorney is issued with its scope."""
    sis = facts(form=PlacementForm.SIS, **LVU_MINOR)
    with pytest.raises(RuleViolation) as excinfo:
        check_move(sis, PlacementStatus.ACTIVE, on=ON)
    assert (rule_of(excinfo), excinfo.value.field) == ("R-PLAC-6", "power_of_attorney_issued_on")
    check_move(
        replace(sis, power_of_attorney_issued_on=ON, power_of_attorney_scope="Vård och tandvård."),
        PlacementStatus.ACTIVE,
        on=ON,
    )


def test_a_young_adult_at_a_sis_home_needs_no_power_of_attorney():
    """R-PLAC-6 covers minors only, at a SiS home as elsewhere."""
    adult = facts(form=PlacementForm.SIS, **LVU_MINOR | {"birth_date": date(2007, 1, 1)})
    check_move(adult, PlacementStatus.ACTIVE, on=ON)


@pytest.mark.parametrize(
    ("legal_basis", "form", "birth_date", "needed"),
    [
        (LegalBasis.LVU, PlacementForm.HVB, date(2010, 6, 1), True),
        (LegalBasis.LVU, PlacementForm.FOSTER_HOME, date(2010, 6, 1), True),
        (LegalBasis.LVU, PlacementForm.EMERGENCY_FOSTER_HOME, date(2010, 6, 1), True),
        (LegalBasis.LVU, PlacementForm.SIS, date(2010, 6, 1), True),
        (LegalBasis.SOL, PlacementForm.SIS, date(2010, 6, 1), False),
        (LegalBasis.LVU, PlacementForm.SUPPORTED_HOUSING, date(2010, 6, 1), False),
        (LegalBasis.SOL, PlacementForm.HVB, date(2010, 6, 1), False),
        (LegalBasis.LVU, PlacementForm.HVB, ON.replace(year=ON.year - 18) + ONE_DAY, True),
        (LegalBasis.LVU, PlacementForm.HVB, ON.replace(year=ON.year - 18), False),
    ],
)
def test_requires_power_of_attorney(legal_basis, form, birth_date, needed):
    """R-PLAC-6: needed exactly for LVU + (foster home, jourhem, HVB or SiS) + under 18 on the
    day."""
    assert (
        requires_power_of_attorney(legal_basis=legal_basis, form=form, birth_date=birth_date, on=ON)
        is needed
    )


# --- Ending (R-PLAC-7 and the lifecycle) -------------------------------------------------------

ACTIVE = {"status": PlacementStatus.ACTIVE, "actual_start": date(2026, 3, 1)}


def test_ending_needs_an_end_date():
    """LIFECYCLE (issue 3): ending needs an end date."""
    with pytest.raises(RuleViolation) as excinfo:
        check_move(
            facts(**ACTIVE), PlacementStatus.ENDED, on=ON, end_date=None, end_reason="Flyttar hem."
        )
    assert rule_of(excinfo) == "LIFECYCLE"


def test_ending_needs_a_reason():
    """LIFECYCLE (issue 3): ending needs a reason."""
    with pytest.raises(RuleViolation) as excinfo:
        check_move(facts(**ACTIVE), PlacementStatus.ENDED, on=ON, end_date=ON, end_reason="  ")
    assert rule_of(excinfo) == "LIFECYCLE"


def test_a_placement_can_end_on_the_day_it_started_but_not_the_day_before():
    """LIFECYCLE: the end date is not before the actual start (one day either side)."""
    start = ACTIVE["actual_start"]
    check_move(
        facts(**ACTIVE),
        PlacementStatus.ENDED,
        on=start,
        end_date=start,
        end_reason="Avbrott.",
        end_plan=EndPlan(no_meeting_reason="Inga fortsatta insatser."),
    )
    with pytest.raises(RuleViolation) as excinfo:
        check_move(
            facts(**ACTIVE),
            PlacementStatus.ENDED,
            on=start,
            end_date=start - ONE_DAY,
            end_reason="Avbrott.",
            end_plan=EndPlan(no_meeting_reason="Inga fortsatta insatser."),
        )
    assert rule_of(excinfo) == "LIFECYCLE"


@pytest.mark.parametrize(
    "ended_on",
    [date(2026, 5, 15), date(2026, 12, 31), date(2027, 3, 31)],
    ids=["mid-month", "into-february", "into-april"],
)
def test_follow_up_may_last_until_exactly_two_months_after_the_end(ended_on):
    """R-PLAC-7 (002 §3.5.2): a follow-up after the placement ended must end within 2 months;
    the last allowed day is accepted, and the day before it too."""
    limit = add_months(ended_on, VASTRA_GOTALAND.post_placement_followup_months)

    check_follow_up_period(ended_on=ended_on, follow_up_until=limit, limit=limit)
    check_follow_up_period(ended_on=ended_on, follow_up_until=limit - ONE_DAY, limit=limit)


@pytest.mark.parametrize(
    "ended_on",
    [date(2026, 5, 15), date(2026, 12, 31), date(2027, 3, 31)],
    ids=["mid-month", "into-february", "into-april"],
)
def test_follow_up_one_day_beyond_two_months_is_refused(ended_on):
    """R-PLAC-7 (002 §3.5.2): a follow-up ending the day after the 2-month limit is refused."""
    limit = add_months(ended_on, VASTRA_GOTALAND.post_placement_followup_months)

    with pytest.raises(RuleViolation) as excinfo:
        check_follow_up_period(ended_on=ended_on, follow_up_until=limit + ONE_DAY, limit=limit)
    assert rule_of(excinfo) == "R-PLAC-7"
    assert excinfo.value.field == "follow_up_until"


def test_two_months_after_new_years_eve_is_the_last_day_of_february():
    """R-PLAC-7 with Lag (1930:173) 2 §: 2 months after 31 December end on 28 February."""
    assert add_months(date(2026, 12, 31), VASTRA_GOTALAND.post_placement_followup_months) == (
        date(2027, 2, 28)
    )


def test_follow_up_cannot_end_before_the_placement_ended():
    """R-PLAC-7: the follow-up is *after* the placement: it may end on the end day, not the day
    before."""
    ended_on = date(2026, 5, 15)
    limit = add_months(ended_on, VASTRA_GOTALAND.post_placement_followup_months)

    check_follow_up_period(ended_on=ended_on, follow_up_until=ended_on, limit=limit)
    with pytest.raises(RuleViolation) as excinfo:
        check_follow_up_period(ended_on=ended_on, follow_up_until=ended_on - ONE_DAY, limit=limit)
    assert rule_of(excinfo) == "R-PLAC-7"


# --- R-PLAC-4: health examinations -------------------------------------------------------------

INITIATED = date(2026, 3, 2)
NO_UNIT = {"kind": ExamKind.PHYSICAL_MENTAL, "unit_kind": None, "unit_in_region": False}


@pytest.mark.parametrize(
    ("offered_on", "done_on", "unnecessary_reason"),
    [
        (None, None, ""),  # initiated
        (INITIATED, None, ""),  # offered the same day
        (INITIATED + timedelta(days=28), None, ""),  # offered four weeks later (late, but allowed)
        (INITIATED + ONE_DAY, INITIATED + ONE_DAY, ""),  # offered and done the same day
        (INITIATED + ONE_DAY, INITIATED + timedelta(days=10), ""),  # done later
        (None, None, "Undersökt på BUP förra veckan."),  # obviously unnecessary
    ],
    ids=["initiated", "offered-same-day", "offered-later", "done-same-day", "done", "unnecessary"],
)
def test_health_exam_steps_in_order_are_accepted(offered_on, done_on, unnecessary_reason):
    """R-PLAC-4: initiated → appointment offered → done, or obviously unnecessary with a
    reason."""
    check_health_exam(
        initiated_on=INITIATED,
        offered_on=offered_on,
        done_on=done_on,
        unnecessary_reason=unnecessary_reason,
        today=INITIATED + timedelta(days=30),
        **NO_UNIT,
    )


@pytest.mark.parametrize(
    ("offered_on", "done_on", "unnecessary_reason", "field"),
    [
        (INITIATED - ONE_DAY, None, "", "offered_on"),
        (None, INITIATED + ONE_DAY, "", "offered_on"),
        (INITIATED + ONE_DAY, INITIATED, "", "done_on"),
        (INITIATED, None, "Inte behövligt.", "unnecessary_reason"),
        (INITIATED, INITIATED, "Inte behövligt.", "unnecessary_reason"),
    ],
    ids=[
        "offered-before-initiated",
        "done-without-offer",
        "done-before-offer",
        "unnecessary-but-offered",
        "unnecessary-but-done",
    ],
)
def test_health_exam_steps_out_of_order_are_refused(offered_on, done_on, unnecessary_reason, field):
    """R-PLAC-4: a step needs the one before it and dates run forwards; "obviously unnecessary"
    excludes an appointment."""
    with pytest.raises(RuleViolation) as excinfo:
        check_health_exam(
            initiated_on=INITIATED,
            offered_on=offered_on,
            done_on=done_on,
            unnecessary_reason=unnecessary_reason,
            today=INITIATED + timedelta(days=30),
            **NO_UNIT,
        )
    assert rule_of(excinfo) == "R-PLAC-4"
    assert excinfo.value.field == field


@pytest.mark.parametrize(
    ("initiated_on", "offered_on", "refused"),
    [
        (INITIATED, INITIATED + timedelta(days=3), None),  # offered today
        (INITIATED + timedelta(days=3), None, None),  # initiated today
        (INITIATED, INITIATED + timedelta(days=4), "offered_on"),
        (INITIATED + timedelta(days=4), None, "initiated_on"),
    ],
)
def test_health_exam_initiated_or_offered_after_today_is_refused(initiated_on, offered_on, refused):
    """R-PLAC-4: an offer dated ahead would meet the four-week deadline by accident; today
    itself is accepted."""

    def check():
        check_health_exam(
            initiated_on=initiated_on,
            offered_on=offered_on,
            done_on=None,
            unnecessary_reason="",
            today=INITIATED + timedelta(days=3),
            **NO_UNIT,
        )

    if refused is None:
        check()
        return
    with pytest.raises(RuleViolation) as excinfo:
        check()
    assert (rule_of(excinfo), excinfo.value.field) == ("R-PLAC-4", refused)


@pytest.mark.parametrize(
    ("kind", "unit_kind", "in_region", "allowed"),
    [
        (ExamKind.ORAL, "dental_care", True, True),
        (ExamKind.ORAL, "primary_care", True, False),
        (ExamKind.ORAL, "bup", True, False),
        (ExamKind.ORAL, "social_services", False, False),
        (ExamKind.ORAL, "dental_care", False, False),
        (ExamKind.PHYSICAL_MENTAL, "primary_care", True, True),
        (ExamKind.PHYSICAL_MENTAL, "bup", True, True),
        (ExamKind.PHYSICAL_MENTAL, "dental_care", True, False),
        (ExamKind.PHYSICAL_MENTAL, "habilitation", True, False),
        (ExamKind.PHYSICAL_MENTAL, "school", False, False),
        (ExamKind.PHYSICAL_MENTAL, "primary_care", False, False),
    ],
)
def test_the_examining_unit_fits_the_kind_of_examination(kind, unit_kind, in_region, allowed):
    """R-PLAC-4: an oral examination is done by Folktandvården (002 §3.4.3.2); a physical and
    mental one by the region's vårdcentral (002 §3.4.3.1), or BUP."""
    if allowed:
        check_examining_unit(kind=kind, unit_kind=unit_kind, unit_in_region=in_region)
        return
    with pytest.raises(RuleViolation) as excinfo:
        check_health_exam(
            initiated_on=INITIATED,
            offered_on=None,
            done_on=None,
            unnecessary_reason="",
            kind=kind,
            unit_kind=unit_kind,
            unit_in_region=in_region,
            today=INITIATED,
        )
    assert (rule_of(excinfo), excinfo.value.field) == ("R-PLAC-4", "unit")


def test_an_examination_may_be_initiated_before_its_unit_is_known():
    """R-PLAC-4: the unit is checked once it is named."""
    check_examining_unit(kind=ExamKind.ORAL, unit_kind=None, unit_in_region=False)


# --- The target group: 0–20 years (002 §1.4) ---------------------------------------------------

BORN = date(2005, 5, 16)  # 21 on 16 May 2026


def test_a_placement_may_start_the_day_before_the_21st_birthday():
    """TARGET-GROUP (002 §1.4): children and young people up to and including 20 years."""
    check_age_at_start(birth_date=BORN, start=date(2026, 5, 15))
    check_move(facts(birth_date=BORN), PlacementStatus.ACTIVE, on=date(2026, 5, 15))


def test_a_placement_cannot_start_on_the_21st_birthday():
    """TARGET-GROUP (002 §1.4): someone 21 or older at the start is outside the agreement."""
    with pytest.raises(RuleViolation) as excinfo:
        check_age_at_start(birth_date=BORN, start=date(2026, 5, 16), field="planned_start")
    assert (rule_of(excinfo), excinfo.value.field) == ("TARGET-GROUP", "planned_start")
    with pytest.raises(RuleViolation) as excinfo:
        check_move(facts(birth_date=BORN), PlacementStatus.ACTIVE, on=date(2026, 5, 16))
    assert (rule_of(excinfo), excinfo.value.field) == ("TARGET-GROUP", "on")


def test_the_age_at_the_actual_start_counts_when_the_start_is_moved_later():
    """TARGET-GROUP: an acute placement that began at 20 may be confirmed as active later."""
    started = facts(birth_date=BORN, actual_start=date(2026, 5, 15), is_acute=True)
    check_move(started, PlacementStatus.ACTIVE, on=date(2026, 6, 1))


def test_a_placement_cannot_start_before_the_birth():
    with pytest.raises(RuleViolation) as excinfo:
        check_age_at_start(birth_date=BORN, start=BORN - ONE_DAY)
    assert rule_of(excinfo) == "TARGET-GROUP"


# --- Guardians ---------------------------------------------------------------------------------


@pytest.mark.parametrize("existing", [0, 1])
def test_a_first_and_a_second_guardian_may_be_added(existing):
    """GUARDIANS (DOMAIN.md, "Who is involved"): a child has 0, 1 or 2 guardians."""
    check_guardian_count(existing)


def test_a_third_guardian_is_refused():
    """GUARDIANS (DOMAIN.md, "Who is involved"): never more than two guardians."""
    with pytest.raises(RuleViolation) as excinfo:
        check_guardian_count(2)
    assert rule_of(excinfo) == "GUARDIANS"


# --- R-PLAC-7 (L24, L25, 002 §3.5.2): follow-up of the placement -------------------------------


def test_r_plac_7_l25_a_placement_cannot_end_without_a_joint_plan_for_further_interventions():
    """R-PLAC-7 (L25): no SIP meeting and no reason: the end is refused, next to the meeting."""
    with pytest.raises(RuleViolation) as excinfo:
        check_move(
            facts(**ACTIVE), PlacementStatus.ENDED, on=ON, end_date=ON, end_reason="Flyttar hem."
        )
    assert rule_of(excinfo) == "R-PLAC-7"
    assert excinfo.value.field == "end_plan_meeting"


@pytest.mark.parametrize("reason", ["", "   "])
def test_r_plac_7_l25_a_blank_reason_is_no_plan(reason):
    with pytest.raises(RuleViolation) as excinfo:
        check_end_plan(EndPlan(no_meeting_reason=reason), end_date=ON)
    assert rule_of(excinfo) == "R-PLAC-7"


def test_r_plac_7_l25_a_stated_reason_lets_the_placement_end():
    check_end_plan(EndPlan(no_meeting_reason="Inga fortsatta insatser från regionen."), end_date=ON)


def test_r_plac_7_l25_the_sip_meeting_is_held_on_or_before_the_end_not_the_day_after():
    """R-PLAC-7 (L25, "inför avslut"): one day either side of the end date."""
    check_end_plan(EndPlan(sip_meeting_held_on=ON - ONE_DAY), end_date=ON)
    check_end_plan(EndPlan(sip_meeting_held_on=ON), end_date=ON)
    with pytest.raises(RuleViolation) as excinfo:
        check_end_plan(EndPlan(sip_meeting_held_on=ON + ONE_DAY), end_date=ON)
    assert rule_of(excinfo) == "R-PLAC-7"
    assert excinfo.value.field == "end_plan_meeting"


JOINT = {
    "held_on": date(2026, 4, 1),
    "next_on": date(2026, 7, 1),
    "municipality_units": 1,
    "region_units": 1,
    "today": date(2026, 4, 1),
    "placement_start": date(2026, 3, 1),
}


def test_r_plac_7_l24_a_joint_follow_up_with_both_principals_and_a_next_date_is_accepted():
    check_joint_follow_up(**JOINT)


@pytest.mark.parametrize("field", ["municipality_units", "region_units"])
def test_r_plac_7_l24_a_follow_up_without_one_of_the_principals_is_not_joint(field):
    with pytest.raises(RuleViolation) as excinfo:
        check_joint_follow_up(**(JOINT | {field: 0}))
    assert rule_of(excinfo) == "R-PLAC-7"
    assert excinfo.value.field == field


def test_r_plac_7_l24_the_follow_up_is_regular_the_next_date_is_required_and_after_it():
    for next_on in (None, JOINT["held_on"]):
        with pytest.raises(RuleViolation) as excinfo:
            check_joint_follow_up(**(JOINT | {"next_on": next_on}))
        assert rule_of(excinfo) == "R-PLAC-7"
        assert excinfo.value.field == "next_follow_up_on"
    check_joint_follow_up(**(JOINT | {"next_on": JOINT["held_on"] + ONE_DAY}))


def test_r_plac_7_l24_a_follow_up_is_held_today_at_the_latest_and_not_before_the_start():
    with pytest.raises(RuleViolation) as excinfo:
        check_joint_follow_up(**(JOINT | {"held_on": JOINT["today"] + ONE_DAY}))
    assert excinfo.value.field == "held_on"
    with pytest.raises(RuleViolation) as excinfo:
        check_joint_follow_up(**(JOINT | {"held_on": date(2026, 2, 28)}))
    assert excinfo.value.field == "held_on"
    check_joint_follow_up(**(JOINT | {"held_on": date(2026, 3, 1)}))


def test_r_plac_7_the_follow_up_after_the_end_is_recorded_ended_between_the_end_and_today():
    """R-PLAC-7 (002 §3.5.2): one day either side of the end and of today."""
    ended, today = date(2026, 5, 15), date(2026, 6, 20)
    kwargs = {"ended_on": ended, "follow_up_until": date(2026, 7, 15), "today": today}
    check_follow_up_done(done_on=ended, **kwargs)
    check_follow_up_done(done_on=today, **kwargs)
    for done_on in (ended - ONE_DAY, today + ONE_DAY):
        with pytest.raises(RuleViolation) as excinfo:
            check_follow_up_done(done_on=done_on, **kwargs)
        assert rule_of(excinfo) == "R-PLAC-7"
        assert excinfo.value.field == "follow_up_ended_on"


def test_r_plac_7_no_follow_up_after_the_end_was_opened_so_none_can_be_recorded_ended():
    with pytest.raises(RuleViolation) as excinfo:
        check_follow_up_done(
            ended_on=ON, follow_up_until=None, done_on=ON, today=ON + timedelta(days=3)
        )
    assert rule_of(excinfo) == "R-PLAC-7"


def test_an_examination_is_recorded_as_done_once_it_has_taken_place():
    """R-PLAC-4: done today is in time, done tomorrow is refused (one day either side)."""
    today = INITIATED + timedelta(days=5)
    check_health_exam(
        initiated_on=INITIATED,
        offered_on=INITIATED,
        done_on=today,
        unnecessary_reason="",
        today=today,
        **NO_UNIT,
    )
    with pytest.raises(RuleViolation) as excinfo:
        check_health_exam(
            initiated_on=INITIATED,
            offered_on=INITIATED,
            done_on=today + ONE_DAY,
            unnecessary_reason="",
            today=today,
            **NO_UNIT,
        )
    assert (rule_of(excinfo), excinfo.value.field) == ("R-PLAC-4", "done_on")


# --- dates of what has happened (found by an exploratory review) ------------------------------


def test_recorded_dates_up_to_today_pass():
    from domain.placements import RecordedDates, check_recorded_dates

    today = date(2026, 5, 15)
    check_recorded_dates(RecordedDates(), today=today)
    check_recorded_dates(
        RecordedDates(
            report_received_on=today,
            investigation_decided_on=today,
            investigation_completed_on=today,
            care_contact_appointed_on=today,
            care_contact_named=True,
            power_of_attorney_issued_on=today,
        ),
        today=today,
    )


def test_recorded_dates_after_today_are_refused_each_on_its_field():
    from domain.errors import violations_of
    from domain.placements import RecordedDates, check_recorded_dates

    today = date(2026, 5, 15)
    tomorrow = today + timedelta(days=1)
    with pytest.raises(RuleViolation) as caught:
        check_recorded_dates(
            RecordedDates(
                report_received_on=tomorrow,
                investigation_decided_on=tomorrow,
                investigation_completed_on=tomorrow,
                care_contact_appointed_on=tomorrow,
                care_contact_named=True,
                power_of_attorney_issued_on=tomorrow,
            ),
            today=today,
        )
    assert [(v.rule, v.field) for v in violations_of(caught.value)] == [
        ("R-PLAC-6", "power_of_attorney_issued_on"),
        ("R-PLAC-5", "care_contact_appointed_on"),
        ("002 §3.3.1", "investigation_report_on"),
        ("002 §3.3.1", "investigation_decided_on"),
        ("002 §3.3.1", "investigation_completed_on"),
    ]


def test_r_plac_5_an_appointment_date_names_the_care_contact():
    from domain.placements import RecordedDates, check_recorded_dates

    with pytest.raises(RuleViolation) as caught:
        check_recorded_dates(
            RecordedDates(care_contact_appointed_on=date(2026, 5, 1)), today=date(2026, 5, 15)
        )
    assert (caught.value.rule, caught.value.field) == ("R-PLAC-5", "care_contact_name")
