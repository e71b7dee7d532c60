"""The agreement rules of DOMAIN.md as pure functions (domain.agreements): no database.

- the status table (draft → awaiting signatures → signed → superseded/ended; a declined
  signature returns the version to draft);
- R-MEET-1: the SIP meeting and the cost meeting are two different meetings, the cost meeting
  starting after the held SIP meeting ended;
- R-MEET-2 (and R-MEET-3's "one from each principal"): staff of the two principals only;
- R-MEET-3: for each principal a participant with a financial mandate valid on the meeting day;
- R-PLAC-3 / R-COST-4: from when a version applies;
- R-COST-1: health care the region's, social services and school the municipality's, or a reason;
- R-COST-2 / R-COST-3: what the agreement states, the split, and when the standard split is
  offered.

The money itself (domain.money, domain.statements) has its own tests.
"""

from __future__ import annotations

import itertools
from datetime import date, datetime, time, timedelta
from decimal import Decimal, localcontext
from zoneinfo import ZoneInfo

import pytest

from domain.agreements import (
    ALLOWED_MOVES,
    AgreementStatus,
    CostParticipant,
    InterventionKind,
    MeetingRef,
    SplitMethod,
    acute_effective_from,
    annual_amounts,
    check_acute_effective_from,
    check_agreement_content,
    check_cost_meeting_mandates,
    check_cost_meeting_participants,
    check_line_principal,
    check_move,
    check_new_version_date,
    check_split,
    check_two_meetings,
    effective_from,
    region_percent_for,
    standard_split_offered,
)
from domain.errors import RuleViolation
from domain.mandates import Mandate
from domain.rulesets import VASTRA_GOTALAND

STOCKHOLM = ZoneInfo("Europe/Stockholm")
DAY = date(2026, 5, 15)
MINUTE = timedelta(minutes=1)

# --- the status table ------------------------------------------------------------------------

S = AgreementStatus
# Written out independently of domain.agreements.ALLOWED_MOVES.
EXPECTED_MOVES = {
    (S.DRAFT, S.AWAITING_SIGNATURES),
    (S.AWAITING_SIGNATURES, S.SIGNED),
    (S.AWAITING_SIGNATURES, S.DRAFT),  # a declined signature
    (S.SIGNED, S.SUPERSEDED),
    (S.SIGNED, S.ENDED),
}
ALL_PAIRS = list(itertools.product(AgreementStatus, repeat=2))


def test_the_table_lists_every_status():
    assert set(ALLOWED_MOVES) == set(AgreementStatus)


@pytest.mark.parametrize(
    ("current", "target"),
    [pair for pair in ALL_PAIRS if pair in EXPECTED_MOVES],
    ids=lambda s: str(s),
)
def test_allowed_move(current, target):
    check_move(current, target)  # no exception

    assert target in ALLOWED_MOVES[current]


@pytest.mark.parametrize(
    ("current", "target"),
    [pair for pair in ALL_PAIRS if pair not in EXPECTED_MOVES],
    ids=lambda s: str(s),
)
def test_refused_move(current, target):
    with pytest.raises(RuleViolation) as exc:
        check_move(current, target)

    assert exc.value.rule == "LIFECYCLE"


@pytest.mark.parametrize("status", [S.SIGNED, S.SUPERSEDED, S.ENDED])
def test_nothing_signed_goes_back_to_draft(status):
    """R-COST-4: nothing signed is ever edited; a change is a new version."""
    with pytest.raises(RuleViolation):
        check_move(status, S.DRAFT)


@pytest.mark.parametrize("status", [S.SUPERSEDED, S.ENDED])
def test_superseded_and_ended_are_final(status):
    assert ALLOWED_MOVES[status] == frozenset()


# --- R-MEET-1: two different meetings ---------------------------------------------------------


def at(hour: int, minute: int = 0, day: date = DAY) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=STOCKHOLM)


SIP_STARTED, SIP_ENDED = at(8, 30), at(9, 45)


def sip(*, started_at=SIP_STARTED, ended_at=SIP_ENDED, kind="sip", pk=7) -> MeetingRef:
    return MeetingRef(kind=kind, pk=pk, started_at=started_at, ended_at=ended_at)


def cost(*, started_at, ended_at=None, kind="cost", pk=7) -> MeetingRef:
    return MeetingRef(kind=kind, pk=pk, started_at=started_at, ended_at=ended_at)


def test_r_meet_1_the_sip_meeting_must_have_been_held():
    with pytest.raises(RuleViolation) as exc:
        check_two_meetings(
            sip_meeting=sip(started_at=None, ended_at=None), cost_meeting=cost(started_at=at(13))
        )

    assert (exc.value.rule, exc.value.field) == ("R-MEET-1", "sip_meeting")


@pytest.mark.parametrize(
    "started_at",
    [
        at(8, 0),  # before the SIP meeting started
        at(9, 0),  # during the SIP meeting
        at(9, 45),  # the very minute it ended: not "after"
        at(9, 45) - timedelta(seconds=1),
        at(14, day=DAY - timedelta(days=1)),  # the day before
    ],
    ids=["before-sip-start", "during-sip", "at-sip-end", "second-before-end", "day-before"],
)
def test_r_meet_1_the_cost_meeting_cannot_start_before_or_at_the_end_of_the_sip_meeting(
    started_at,
):
    with pytest.raises(RuleViolation) as exc:
        check_two_meetings(sip_meeting=sip(), cost_meeting=cost(started_at=started_at))

    assert (exc.value.rule, exc.value.field) == ("R-MEET-1", "started_at")


def test_r_meet_1_a_cost_meeting_without_a_start_is_refused():
    with pytest.raises(RuleViolation) as exc:
        check_two_meetings(sip_meeting=sip(), cost_meeting=cost(started_at=None))

    assert exc.value.rule == "R-MEET-1"


@pytest.mark.parametrize(
    "started_at",
    [
        at(9, 46),  # one minute after the SIP meeting ended
        at(9, 45) + timedelta(seconds=1),
        at(15),  # the same day, later
        at(10, day=DAY + timedelta(days=3)),
    ],
    ids=["minute-after", "second-after", "same-day-later", "days-later"],
)
def test_r_meet_1_a_cost_meeting_after_the_sip_meeting_ended_is_allowed(started_at):
    check_two_meetings(
        sip_meeting=sip(), cost_meeting=cost(started_at=started_at, ended_at=started_at + MINUTE)
    )


def test_r_meet_1_the_rule_compares_instants_not_wall_clock_times():
    """09:50 in Helsinki (UTC+3) is 08:50 in Stockholm (UTC+2): before a SIP meeting that
    ended at 09:45 Stockholm time, although the wall-clock figures read later."""
    helsinki_0950 = datetime(2026, 5, 15, 9, 50, tzinfo=ZoneInfo("Europe/Helsinki"))
    with pytest.raises(RuleViolation):
        check_two_meetings(sip_meeting=sip(), cost_meeting=cost(started_at=helsinki_0950))


@pytest.mark.parametrize(
    ("sip_kind", "cost_kind"),
    [("cost", "cost"), ("sip", "sip"), ("cost", "sip")],
    ids=["cost-as-sip", "sip-as-cost", "swapped"],
)
def test_r_meet_1_a_sip_meeting_posing_as_the_cost_meeting_is_refused(sip_kind, cost_kind):
    """R-MEET-1: "Det är två olika möten" — whatever the times, a SIP meeting is never the cost
    meeting (a forged id of the SIP meeting sent as the cost meeting)."""
    with pytest.raises(RuleViolation) as exc:
        check_two_meetings(
            sip_meeting=sip(kind=sip_kind), cost_meeting=cost(kind=cost_kind, started_at=at(15))
        )

    assert (exc.value.rule, exc.value.field) == ("R-MEET-1", "cost_meeting")


# --- R-MEET-2: who takes part in the cost meeting ------------------------------------------------

MUNICIPALITY, REGION, OTHER_MUNICIPALITY = 1, 2, 3
PRINCIPALS = (MUNICIPALITY, REGION)


def staff(principal_id: int | None) -> CostParticipant:
    return CostParticipant(kind="staff", principal_id=principal_id)


BOTH = [staff(MUNICIPALITY), staff(REGION)]


def test_r_meet_2_staff_of_both_principals_may_meet():
    check_cost_meeting_participants(BOTH, principal_ids=PRINCIPALS)
    check_cost_meeting_participants(
        [*BOTH, staff(MUNICIPALITY), staff(REGION)], principal_ids=PRINCIPALS
    )


@pytest.mark.parametrize("kind", ["child", "guardian", "close_person"])
def test_r_meet_2_the_family_never_takes_part_in_the_cost_meeting(kind):
    """R-MEET-2: "Den enskilde medverkar inte!" — even alongside staff of both principals."""
    with pytest.raises(RuleViolation) as exc:
        check_cost_meeting_participants(
            [*BOTH, CostParticipant(kind=kind, principal_id=None)], principal_ids=PRINCIPALS
        )

    assert (exc.value.rule, exc.value.field) == ("R-MEET-2", "participants")


@pytest.mark.parametrize("kind", ["child", "guardian", "close_person"])
def test_r_meet_2_a_family_member_claiming_a_principal_is_still_refused(kind):
    with pytest.raises(RuleViolation) as exc:
        check_cost_meeting_participants(
            [*BOTH, CostParticipant(kind=kind, principal_id=MUNICIPALITY)],
            principal_ids=PRINCIPALS,
        )

    assert exc.value.rule == "R-MEET-2"


def test_r_meet_2_staff_of_a_third_principal_is_refused():
    with pytest.raises(RuleViolation) as exc:
        check_cost_meeting_participants(
            [*BOTH, staff(OTHER_MUNICIPALITY)], principal_ids=PRINCIPALS
        )

    assert (exc.value.rule, exc.value.field) == ("R-MEET-2", "participants")


def test_r_meet_2_staff_of_no_principal_is_refused():
    with pytest.raises(RuleViolation) as exc:
        check_cost_meeting_participants([*BOTH, staff(None)], principal_ids=PRINCIPALS)

    assert exc.value.rule == "R-MEET-2"


def test_r_meet_2_an_unknown_kind_is_refused():
    with pytest.raises(RuleViolation):
        check_cost_meeting_participants(
            [*BOTH, CostParticipant(kind="other", principal_id=MUNICIPALITY)],
            principal_ids=PRINCIPALS,
        )


@pytest.mark.parametrize(
    "participants",
    [[staff(MUNICIPALITY)], [staff(REGION), staff(REGION)], []],
    ids=["only-municipality", "only-region", "nobody"],
)
def test_r_meet_2_one_participant_from_each_principal_is_required(participants):
    with pytest.raises(RuleViolation) as exc:
        check_cost_meeting_participants(participants, principal_ids=PRINCIPALS)

    assert exc.value.rule == "R-MEET-3"
    assert exc.value.field == "participants"


def test_r_meet_2_participants_may_be_any_iterable():
    check_cost_meeting_participants(iter(BOTH), principal_ids=PRINCIPALS)


# --- R-MEET-3: a financial mandate for each principal in the cost meeting ---------------------

MEETING_DAY = date(2026, 5, 12)


def holder(
    principal_id: int,
    *,
    valid_from: date = date(2026, 1, 1),
    valid_until: date | None = None,
    ended_on: date | None = None,
    acting_for: int | None = None,
) -> CostParticipant:
    """Staff acting for ``acting_for`` (default: the mandate's principal) with one mandate."""
    mandate = Mandate(
        principal_id=principal_id,
        valid_from=valid_from,
        valid_until=valid_until,
        ended_on=ended_on,
        annual_limit=None,
    )
    return CostParticipant(
        kind="staff",
        principal_id=principal_id if acting_for is None else acting_for,
        mandates=(mandate,),
    )


def test_r_meet_3_a_mandate_holder_for_each_principal_may_meet():
    check_cost_meeting_mandates(
        [*BOTH, holder(MUNICIPALITY), holder(REGION)], principal_ids=PRINCIPALS, on=MEETING_DAY
    )


@pytest.mark.parametrize(
    ("participants", "missing"),
    [
        (BOTH, "municipality"),
        ([*BOTH, holder(REGION)], "municipality"),
        ([*BOTH, holder(MUNICIPALITY)], "region"),
        ([*BOTH, holder(MUNICIPALITY), holder(OTHER_MUNICIPALITY)], "region"),
        # A family member can hold no mandate that counts (R-MEET-2 refuses them anyway).
        (
            [
                *BOTH,
                holder(MUNICIPALITY),
                CostParticipant(
                    kind="guardian", principal_id=None, mandates=holder(REGION).mandates
                ),
            ],
            "region",
        ),
    ],
    ids=["nobody", "only-region", "only-municipality", "third-principal", "not-staff"],
)
def test_r_meet_3_a_cost_meeting_needs_a_mandate_holder_for_each_principal(participants, missing):
    with pytest.raises(RuleViolation) as exc:
        check_cost_meeting_mandates(participants, principal_ids=PRINCIPALS, on=MEETING_DAY)

    assert (exc.value.rule, exc.value.field) == ("R-MEET-3", "participants")
    assert f"financial mandate for the {missing} valid on the day of the meeting" in (
        exc.value.message
    )


@pytest.mark.parametrize(
    ("mandate", "valid"),
    [
        ({"valid_from": MEETING_DAY}, True),
        ({"valid_from": MEETING_DAY + timedelta(days=1)}, False),
        ({"valid_until": MEETING_DAY}, True),
        ({"valid_until": MEETING_DAY - timedelta(days=1)}, False),
        ({"ended_on": MEETING_DAY}, True),
        ({"ended_on": MEETING_DAY - timedelta(days=1)}, False),
    ],
    ids=[
        "starts-that-day",
        "starts-the-day-after",
        "lasts-until-that-day",
        "lasted-until-the-day-before",
        "ended-that-day",
        "ended-the-day-before",
    ],
)
def test_r_meet_3_the_mandate_is_valid_on_the_meeting_day(mandate, valid):
    participants = [holder(MUNICIPALITY), holder(REGION, **mandate)]

    if valid:
        check_cost_meeting_mandates(participants, principal_ids=PRINCIPALS, on=MEETING_DAY)
    else:
        with pytest.raises(RuleViolation, match="for the region") as exc:
            check_cost_meeting_mandates(participants, principal_ids=PRINCIPALS, on=MEETING_DAY)
        assert exc.value.rule == "R-MEET-3"


# --- R-PLAC-3 / R-COST-4: effective from ----------------------------------------------------------

START = date(2026, 3, 1)
SETTLED = date(2026, 3, 20)


def test_a_planned_placement_applies_from_the_placement_start():
    assert (
        effective_from(
            is_acute=False, placement_start=START, settled_on=SETTLED, applies_from_start=False
        )
        == START
    )


def test_a_planned_placement_applies_from_the_start_even_before_it_is_settled():
    assert (
        effective_from(
            is_acute=False, placement_start=START, settled_on=None, applies_from_start=False
        )
        == START
    )


def test_r_plac_3_an_acute_version_sent_without_a_stated_date_applies_from_settlement():
    """Only a version sent before the date was stated (its document says so)."""
    assert (
        effective_from(
            is_acute=True, placement_start=START, settled_on=SETTLED, applies_from_start=False
        )
        == SETTLED
    )


def test_r_plac_3_an_unsettled_acute_placement_has_no_effective_date_yet():
    """Until the split is settled the placing principal bears the whole cost."""
    assert (
        effective_from(
            is_acute=True, placement_start=START, settled_on=None, applies_from_start=False
        )
        is None
    )


@pytest.mark.parametrize("settled_on", [SETTLED, None])
def test_r_plac_3_both_principals_may_agree_an_acute_split_applies_from_the_start(settled_on):
    assert (
        effective_from(
            is_acute=True, placement_start=START, settled_on=settled_on, applies_from_start=True
        )
        == START
    )


@pytest.mark.parametrize(
    ("is_acute", "applies_from_start"), list(itertools.product([True, False], [True, False]))
)
def test_r_cost_4_a_later_version_applies_from_the_date_it_states(is_acute, applies_from_start):
    stated = date(2026, 6, 16)

    assert (
        effective_from(
            is_acute=is_acute,
            placement_start=START,
            settled_on=SETTLED,
            applies_from_start=applies_from_start,
            stated_from=stated,
        )
        == stated
    )


MEETING = date(2026, 3, 20)  # the cost meeting agreed the split
SIGNED = date(2026, 4, 2)  # both signed weeks later


def test_r_plac_3_an_acute_split_applies_from_the_cost_meeting_day_by_default():
    """L22–L23: the split agreed at the meeting on the 20th applies from the 20th, not from the
    second signature on 2 April."""
    assert (
        acute_effective_from(
            placement_start=START, agreed_on=MEETING, stated_from=None, applies_from_start=False
        )
        == MEETING
    )


def test_r_plac_3_the_principals_may_state_another_day_for_the_acute_split():
    stated = date(2026, 3, 10)

    assert (
        acute_effective_from(
            placement_start=START, agreed_on=MEETING, stated_from=stated, applies_from_start=False
        )
        == stated
    )


@pytest.mark.parametrize("stated_from", [None, date(2026, 3, 10)])
def test_r_plac_3_from_the_start_is_the_placement_start_date(stated_from):
    assert (
        acute_effective_from(
            placement_start=START,
            agreed_on=MEETING,
            stated_from=stated_from,
            applies_from_start=True,
        )
        == START
    )


@pytest.mark.parametrize("effective", [START, MEETING, SIGNED])
def test_r_plac_3_an_acute_split_applies_from_a_day_from_the_start_to_the_signing(effective):
    check_acute_effective_from(effective_from=effective, placement_start=START, latest=SIGNED)


@pytest.mark.parametrize(
    "effective", [START - timedelta(days=1), SIGNED + timedelta(days=1)], ids=["before", "after"]
)
def test_r_plac_3_an_acute_split_cannot_apply_outside_the_start_to_the_signing(effective):
    with pytest.raises(RuleViolation) as exc:
        check_acute_effective_from(effective_from=effective, placement_start=START, latest=SIGNED)

    assert exc.value.rule == "R-PLAC-3"
    assert exc.value.field == "effective_from"


def test_r_cost_4_a_new_version_must_state_its_date():
    with pytest.raises(RuleViolation) as exc:
        check_new_version_date(previous_from=START, stated_from=None)

    assert (exc.value.rule, exc.value.field) == ("R-COST-4", "effective_from")


@pytest.mark.parametrize(
    "stated_from",
    [START - timedelta(days=1), START],
    ids=["day-before", "same-day"],
)
def test_r_cost_4_a_new_version_cannot_apply_from_or_before_the_previous_one(stated_from):
    with pytest.raises(RuleViolation) as exc:
        check_new_version_date(previous_from=START, stated_from=stated_from)

    assert (exc.value.rule, exc.value.field) == ("R-COST-4", "effective_from")


def test_r_cost_4_a_new_version_may_apply_from_the_day_after_the_previous_one():
    check_new_version_date(previous_from=START, stated_from=START + timedelta(days=1))


def test_r_cost_4_without_a_dated_previous_version_any_stated_date_will_do():
    check_new_version_date(previous_from=None, stated_from=date(2020, 1, 1))


# --- R-COST-2 / R-COST-3: the split ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("is_hvb", "split_unclear", "offered"),
    [(True, True, True), (True, False, False), (False, True, False), (False, False, False)],
)
def test_r_cost_3_the_standard_split_is_offered_only_for_an_hvb_with_an_unclear_split(
    is_hvb, split_unclear, offered
):
    assert standard_split_offered(is_hvb=is_hvb, split_unclear=split_unclear) is offered


def split(method, *, percent=None, amount=None, standard_allowed=False) -> None:
    check_split(
        method=method,
        region_percent=percent,
        region_amount_per_month=amount,
        standard_allowed=standard_allowed,
    )


def test_r_cost_3_the_standard_split_when_offered():
    split(SplitMethod.STANDARD, standard_allowed=True)


def test_r_cost_3_the_standard_split_is_refused_when_not_offered():
    with pytest.raises(RuleViolation) as exc:
        split(SplitMethod.STANDARD, standard_allowed=False)

    assert (exc.value.rule, exc.value.field) == ("R-COST-3", "split_method")


@pytest.mark.parametrize(
    "percent", ["0", "0.001", "33.333", "50", "99.999", "100"], ids=lambda p: f"{p}%"
)
@pytest.mark.parametrize("standard_allowed", [True, False])
def test_r_cost_2_any_percent_from_0_to_100_is_allowed(percent, standard_allowed):
    """Any other agreed split is allowed, whether or not the standard split was offered."""
    split(SplitMethod.PERCENT, percent=Decimal(percent), standard_allowed=standard_allowed)


@pytest.mark.parametrize("percent", [None, "-0.001", "-1", "100.001", "150"])
def test_r_cost_2_a_percent_outside_0_to_100_is_refused(percent):
    with pytest.raises(RuleViolation) as exc:
        split(SplitMethod.PERCENT, percent=None if percent is None else Decimal(percent))

    assert (exc.value.rule, exc.value.field) == ("R-COST-2", "region_percent")


@pytest.mark.parametrize("amount", ["0", "0.01", "12500.50", "1000000"])
def test_r_cost_2_an_amount_in_kronor_per_month_is_allowed(amount):
    split(SplitMethod.AMOUNT, amount=Decimal(amount))


@pytest.mark.parametrize("amount", [None, "-0.01"])
def test_r_cost_2_a_missing_or_negative_amount_is_refused(amount):
    with pytest.raises(RuleViolation) as exc:
        split(SplitMethod.AMOUNT, amount=None if amount is None else Decimal(amount))

    assert (exc.value.rule, exc.value.field) == ("R-COST-2", "region_amount_per_month")


def test_the_percent_split_ignores_an_amount_and_the_amount_split_a_percent():
    split(SplitMethod.PERCENT, percent=Decimal(40), amount=Decimal(-5))
    split(SplitMethod.AMOUNT, percent=Decimal(400), amount=Decimal(5000))


def test_r_cost_3_the_standard_split_is_the_rule_sets_region_share_in_percent():
    share = VASTRA_GOTALAND.standard_region_share

    percent = region_percent_for(
        method=SplitMethod.STANDARD, region_percent=Decimal(75), standard_share=share
    )

    assert percent == share * 100
    assert Decimal("33.33") < percent < Decimal("33.34")  # region one third (L20)


def test_the_percent_split_is_the_agreed_percent():
    assert region_percent_for(
        method=SplitMethod.PERCENT, region_percent=Decimal("40"), standard_share=Decimal(1) / 3
    ) == Decimal("40")


def test_the_amount_split_has_no_percent():
    assert (
        region_percent_for(
            method=SplitMethod.AMOUNT, region_percent=Decimal(40), standard_share=Decimal(1) / 3
        )
        is None
    )


# --- R-MEET-3: the annual amounts a mandate's limit is checked against -------------------------
# 3 200 kr a day × 365 = 1 168 000,00 kr a year; the region's own line 4 500 kr a month
# (54 000,00 a year), the municipality's own line 1 000 kr a month (12 000,00 a year).

COST_PER_DAY = Decimal("3200.00")
THIRD = VASTRA_GOTALAND.standard_region_share


def amounts(method: SplitMethod, *, percent=None, per_month=None, lines=True):
    return annual_amounts(
        cost_per_day=COST_PER_DAY,
        method=method,
        region_percent=percent,
        region_amount_per_month=per_month,
        standard_share=THIRD,
        municipality_lines_per_month=[Decimal("1000.00")] if lines else [],
        region_lines_per_month=[Decimal("4500.00")] if lines else [],
    )


def test_r_meet_3_annual_amounts_of_the_standard_split():
    """Region 1 168 000 / 3 = 389 333,333… → 389 333,33 + 54 000; municipality 778 666,67 +
    12 000."""
    result = amounts(SplitMethod.STANDARD)

    assert (result.municipality, result.region) == (Decimal("790666.67"), Decimal("443333.33"))


@pytest.mark.parametrize(
    ("percent", "municipality", "region"),
    [
        # 25 % of 1 168 000 = 292 000; municipality 876 000 (+ the lines).
        (Decimal(25), Decimal("888000.00"), Decimal("346000.00")),
        # 33,333 % of 1 168 000 = 389 329,44; municipality 778 670,56.
        (Decimal("33.333"), Decimal("790670.56"), Decimal("443329.44")),
        # 12,345 % of 1 168 000 = 144 189,60; municipality 1 023 810,40.
        (Decimal("12.345"), Decimal("1035810.40"), Decimal("198189.60")),
        (Decimal(0), Decimal("1180000.00"), Decimal("54000.00")),
        (Decimal(100), Decimal("12000.00"), Decimal("1222000.00")),
    ],
)
def test_r_meet_3_annual_amounts_of_a_percent_split(percent, municipality, region):
    """The region's percent is of the yearly cost, 0–100 (not a fraction)."""
    result = amounts(SplitMethod.PERCENT, percent=percent)

    assert (result.municipality, result.region) == (municipality, region)


@pytest.mark.parametrize(
    ("per_month", "municipality", "region"),
    [
        # 20 000 a month = 240 000 a year; municipality 1 168 000 − 240 000 = 928 000.
        (Decimal("20000.00"), Decimal("940000.00"), Decimal("294000.00")),
        # 12 345,67 a month = 148 148,04 a year; municipality 1 019 851,96.
        (Decimal("12345.67"), Decimal("1031851.96"), Decimal("202148.04")),
        # More than the placement costs: the region bears at most the whole yearly cost.
        (Decimal("100000.00"), Decimal("12000.00"), Decimal("1222000.00")),
    ],
)
def test_r_meet_3_annual_amounts_of_a_split_in_kronor(per_month, municipality, region):
    result = amounts(SplitMethod.AMOUNT, per_month=per_month)

    assert (result.municipality, result.region) == (municipality, region)


def test_r_meet_3_a_percent_split_does_not_depend_on_the_decimal_context():
    """A narrow active context must not round 1 168 000 × 33,333 % to 389 329."""
    with localcontext() as ctx:
        ctx.prec = 6
        result = amounts(SplitMethod.PERCENT, percent=Decimal("33.333"), lines=False)

    assert (result.municipality, result.region) == (Decimal("778670.56"), Decimal("389329.44"))


@pytest.mark.parametrize(
    ("method", "percent", "per_month"),
    [(SplitMethod.PERCENT, None, None), (SplitMethod.PERCENT, Decimal("100.5"), None)],
)
def test_r_meet_3_a_percent_split_without_a_valid_percent_has_no_annual_amount(
    method, percent, per_month
):
    with pytest.raises(RuleViolation) as exc:
        amounts(method, percent=percent, per_month=per_month)

    assert exc.value.rule == "R-COST-2"


# --- R-COST-1: each principal bears its own interventions; R-COST-2: what the agreement states ---


@pytest.mark.parametrize(
    ("kind", "responsible"),
    [
        (InterventionKind.HEALTH_CARE, "region"),
        (InterventionKind.SOCIAL, "municipality"),
        (InterventionKind.SCHOOL, "municipality"),
    ],
)
def test_r_cost_1_a_line_by_the_main_rule_needs_no_reason(kind, responsible):
    check_line_principal(kind=kind, responsible=responsible, reason="")


@pytest.mark.parametrize(
    ("kind", "responsible"),
    [
        (InterventionKind.HEALTH_CARE, "municipality"),
        (InterventionKind.SOCIAL, "region"),
        (InterventionKind.SCHOOL, "region"),
    ],
)
@pytest.mark.parametrize("reason", ["", "  \n"])
def test_r_cost_1_a_line_against_the_main_rule_without_a_reason_is_refused(
    kind, responsible, reason
):
    """L15: health care is the region's, social services and school the municipality's."""
    with pytest.raises(RuleViolation) as exc:
        check_line_principal(kind=kind, responsible=responsible, reason=reason)

    assert (exc.value.rule, exc.value.field) == ("R-COST-1", "deviation_reason")


def test_r_cost_1_a_line_against_the_main_rule_with_a_stated_reason_is_allowed():
    check_line_principal(
        kind=InterventionKind.HEALTH_CARE,
        responsible="municipality",
        reason="Kommunens HVB har egen sjuksköterska enligt avtal.",
    )


@pytest.mark.parametrize("provision", ["", "   "])
def test_r_cost_2_the_agreement_states_how_health_care_is_provided(provision):
    """L18: how the health-care interventions are provided."""
    with pytest.raises(RuleViolation) as exc:
        check_agreement_content(health_care_provision=provision, line_count=2)

    assert (exc.value.rule, exc.value.field) == ("R-COST-2", "health_care_provision")


def test_r_cost_2_the_agreement_lists_the_interventions():
    with pytest.raises(RuleViolation) as exc:
        check_agreement_content(health_care_provision="BUP på mottagningen.", line_count=0)

    assert exc.value.rule == "R-COST-2"


def test_r_cost_2_an_agreement_with_provision_and_lines_may_be_sent():
    check_agreement_content(health_care_provision="BUP på mottagningen.", line_count=1)
