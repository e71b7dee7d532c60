"""Monthly cost statements (issue 5): days × cost per day, split per day by the version in force.

Rules: R-COST-2 (percent or kronor), R-COST-3 (standard split), R-COST-4 (versions replace each
other from a date), R-PLAC-3 / L23 (the days of an acute placement before the date its agreement
states stay wholly with the placing principal). Pure domain tests: no database.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.money import to_ore
from domain.rulesets import VASTRA_GOTALAND
from domain.statements import (
    INTERIM_BASIS,
    Segment,
    SplitVersion,
    Statement,
    monthly_statement,
    pair_balance,
)

COST = Decimal("3000.00")
STANDARD_PERCENT = VASTRA_GOTALAND.standard_region_share * 100  # R-COST-3: 33.333…


def percent_version(
    percent: Decimal | int, *, from_: date, until: date | None = None, label: str = ""
) -> SplitVersion:
    return SplitVersion(
        effective_from=from_, effective_until=until, region_percent=Decimal(percent), label=label
    )


def assert_sums_exactly(statement: Statement, *, cost_per_day: Decimal = COST) -> None:
    """Issue 5: parts always sum to the whole, at segment and at statement level."""
    for segment in statement.segments:
        assert segment.region + segment.municipality == segment.cost
        assert segment.days == (segment.end - segment.start).days + 1
    assert statement.region + statement.municipality == statement.total
    assert sum(s.cost for s in statement.segments) == statement.total
    assert sum(s.days for s in statement.segments) == statement.days
    assert statement.total == to_ore(statement.days * cost_per_day)


# --- whole and part months ----------------------------------------------------------------


def test_a_whole_month_is_thirty_november_days_split_by_the_standard_split():
    """R-COST-3 / R-COST-4: 30 days × 3 000 kr = 90 000 kr; region a third, municipality two."""
    statement = monthly_statement(
        year=2025,
        month=11,
        placement_start=date(2025, 10, 1),
        placement_end=None,
        cost_per_day=COST,
        versions=[percent_version(STANDARD_PERCENT, from_=date(2025, 10, 1), label="1")],
        placing_principal="municipality",
    )

    assert statement.days == 30
    assert statement.total == Decimal("90000.00")
    assert statement.region == Decimal("30000.00")
    assert statement.municipality == Decimal("60000.00")
    assert statement.segments == (
        Segment(
            start=date(2025, 11, 1),
            end=date(2025, 11, 30),
            days=30,
            cost=Decimal("90000.00"),
            region=Decimal("30000.00"),
            municipality=Decimal("60000.00"),
            basis="version 1",
        ),
    )
    assert_sums_exactly(statement)


def test_a_part_month_counts_from_the_placement_start_on_the_tenth():
    """Days 10–30 November, both included: 21 days × 3 000 kr = 63 000 kr."""
    statement = monthly_statement(
        year=2025,
        month=11,
        placement_start=date(2025, 11, 10),
        placement_end=None,
        cost_per_day=COST,
        versions=[percent_version(STANDARD_PERCENT, from_=date(2025, 11, 10))],
        placing_principal="municipality",
    )

    assert statement.days == 21
    assert statement.total == Decimal("63000.00")
    assert statement.region == Decimal("21000.00")
    assert statement.municipality == Decimal("42000.00")
    assert statement.segments[0].start == date(2025, 11, 10)
    assert statement.segments[0].basis == "version from 2025-11-10"
    assert_sums_exactly(statement)


def test_a_placement_ending_mid_month_counts_its_last_day():
    """Start and end day are both included: 1–15 November is 15 days."""
    statement = monthly_statement(
        year=2025,
        month=11,
        placement_start=date(2025, 9, 1),
        placement_end=date(2025, 11, 15),
        cost_per_day=COST,
        versions=[percent_version(50, from_=date(2025, 9, 1))],
        placing_principal="municipality",
    )

    assert statement.days == 15
    assert statement.total == Decimal("45000.00")
    assert statement.region == Decimal("22500.00")
    assert_sums_exactly(statement)


def test_a_placement_starting_and_ending_on_the_same_day_is_one_day():
    statement = monthly_statement(
        year=2025,
        month=11,
        placement_start=date(2025, 11, 5),
        placement_end=date(2025, 11, 5),
        cost_per_day=COST,
        versions=[percent_version(50, from_=date(2025, 11, 5))],
        placing_principal="municipality",
    )

    assert statement.days == 1
    assert statement.total == COST


@pytest.mark.parametrize(
    ("start", "end"),
    [(date(2025, 12, 1), None), (date(2025, 9, 1), date(2025, 10, 31))],
)
def test_a_month_outside_the_placement_gives_an_empty_statement(start, end):
    statement = monthly_statement(
        year=2025,
        month=11,
        placement_start=start,
        placement_end=end,
        cost_per_day=COST,
        versions=[percent_version(50, from_=start)],
        placing_principal="municipality",
    )

    assert statement.days == 0
    assert statement.total == statement.region == statement.municipality == Decimal("0.00")
    assert statement.segments == ()


# --- versions (R-COST-4) ------------------------------------------------------------------


def test_a_version_change_mid_month_splits_the_month_into_two_segments_each_by_its_own_version():
    """R-COST-4: version 2 replaces version 1 from 15 November; history stays for 1–14."""
    v1 = percent_version(40, from_=date(2025, 10, 1), until=date(2025, 11, 14), label="1")
    v2 = percent_version(25, from_=date(2025, 11, 15), label="2")

    statement = monthly_statement(
        year=2025,
        month=11,
        placement_start=date(2025, 10, 1),
        placement_end=None,
        cost_per_day=COST,
        versions=[v2, v1],
        placing_principal="municipality",
    )

    first, second = statement.segments
    assert (first.start, first.end, first.days, first.basis) == (
        date(2025, 11, 1),
        date(2025, 11, 14),
        14,
        "version 1",
    )
    assert (first.cost, first.region, first.municipality) == (
        Decimal("42000.00"),
        Decimal("16800.00"),  # 40 %
        Decimal("25200.00"),
    )
    assert (second.start, second.end, second.days, second.basis) == (
        date(2025, 11, 15),
        date(2025, 11, 30),
        16,
        "version 2",
    )
    assert (second.cost, second.region, second.municipality) == (
        Decimal("48000.00"),
        Decimal("12000.00"),  # 25 %
        Decimal("36000.00"),
    )
    assert statement.region == Decimal("28800.00")
    assert_sums_exactly(statement)


def test_a_new_version_replaces_an_open_ended_old_one_from_its_effective_date():
    """R-COST-4: the latest effective_from in force wins even if the old one was not closed."""
    v1 = percent_version(40, from_=date(2025, 10, 1), label="1")
    v2 = percent_version(25, from_=date(2025, 11, 15), label="2")

    statement = monthly_statement(
        year=2025,
        month=11,
        placement_start=date(2025, 10, 1),
        placement_end=None,
        cost_per_day=COST,
        versions=[v1, v2],
        placing_principal="municipality",
    )

    assert [s.basis for s in statement.segments] == ["version 1", "version 2"]
    assert statement.region == Decimal("28800.00")


def test_two_versions_from_the_same_day_are_refused_as_ambiguous():
    with pytest.raises(ValueError, match="same effective_from"):
        monthly_statement(
            year=2025,
            month=11,
            placement_start=date(2025, 11, 1),
            placement_end=None,
            cost_per_day=COST,
            versions=[
                percent_version(40, from_=date(2025, 11, 1)),
                percent_version(25, from_=date(2025, 11, 1)),
            ],
            placing_principal="municipality",
        )


def test_days_without_a_version_in_force_are_the_placing_principals():
    """R-PLAC-3 / L23: the version ended on the 20th; days 21–30 stay with the placing region."""
    statement = monthly_statement(
        year=2025,
        month=11,
        placement_start=date(2025, 11, 1),
        placement_end=None,
        cost_per_day=COST,
        versions=[percent_version(50, from_=date(2025, 11, 1), until=date(2025, 11, 20))],
        placing_principal="region",
    )

    first, gap = statement.segments
    assert first.region == Decimal("30000.00")
    assert (gap.days, gap.region, gap.municipality, gap.basis) == (
        10,
        Decimal("30000.00"),
        Decimal("0.00"),
        INTERIM_BASIS,
    )
    assert_sums_exactly(statement)


def test_segment_costs_sum_to_the_total_when_the_cost_per_day_has_fractions_of_an_ore():
    """Cumulative rounding: 15 × 1000.0003 = 15 000.0045 rounds to 15 000.00, so rounding each
    half of the month on its own would lose an öre of 30 × 1000.0003 = 30 000.009 → 30 000.01."""
    cost_per_day = Decimal("1000.0003")
    statement = monthly_statement(
        year=2025,
        month=11,
        placement_start=date(2025, 11, 1),
        placement_end=None,
        cost_per_day=cost_per_day,
        versions=[
            percent_version(40, from_=date(2025, 11, 1)),
            percent_version(25, from_=date(2025, 11, 16)),
        ],
        placing_principal="municipality",
    )

    assert statement.total == Decimal("30000.01")
    assert [s.cost for s in statement.segments] == [Decimal("15000.00"), Decimal("15000.01")]
    assert_sums_exactly(statement, cost_per_day=cost_per_day)


# --- February -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "days", "total"),
    [(2028, 29, Decimal("87000.00")), (2027, 28, Decimal("84000.00"))],
)
def test_february_has_29_days_in_a_leap_year_and_28_otherwise(year, days, total):
    statement = monthly_statement(
        year=year,
        month=2,
        placement_start=date(year, 1, 1),
        placement_end=None,
        cost_per_day=COST,
        versions=[percent_version(STANDARD_PERCENT, from_=date(year, 1, 1))],
        placing_principal="municipality",
    )

    assert statement.days == days
    assert statement.total == total
    assert statement.segments[0].end == date(year, 2, days)
    assert statement.region == total / 3
    assert_sums_exactly(statement)


def test_a_whole_leap_february_prorates_a_region_amount_per_month_to_the_whole_amount():
    """29 of 29 days: the region pays exactly its 20 000 kr per month, not 29/28 or 29/30 of it."""
    statement = monthly_statement(
        year=2028,
        month=2,
        placement_start=date(2028, 1, 1),
        placement_end=None,
        cost_per_day=COST,
        versions=[
            SplitVersion(
                effective_from=date(2028, 1, 1),
                effective_until=None,
                region_amount_per_month=Decimal("20000.00"),
            )
        ],
        placing_principal="municipality",
    )

    assert statement.region == Decimal("20000.00")
    assert statement.municipality == Decimal("67000.00")


# --- acute placements (R-PLAC-3, L22, L23) ------------------------------------------------


def test_an_acute_placement_split_from_day_20_is_the_placing_municipalitys_until_then():
    """R-PLAC-3 / L23: the agreement applies from the 20th (the cost meeting's day): days 1–19
    wholly the placing municipality's, from day 20 the agreed split."""
    statement = monthly_statement(
        year=2025,
        month=11,
        placement_start=date(2025, 11, 1),
        placement_end=None,
        cost_per_day=COST,
        versions=[percent_version(50, from_=date(2025, 11, 20), label="1")],
        placing_principal="municipality",
    )

    interim, agreed = statement.segments
    assert (interim.start, interim.end, interim.days, interim.basis) == (
        date(2025, 11, 1),
        date(2025, 11, 19),
        19,
        INTERIM_BASIS,
    )
    assert (interim.cost, interim.region, interim.municipality) == (
        Decimal("57000.00"),
        Decimal("0.00"),
        Decimal("57000.00"),
    )
    assert (agreed.start, agreed.days, agreed.basis) == (date(2025, 11, 20), 11, "version 1")
    assert (agreed.cost, agreed.region, agreed.municipality) == (
        Decimal("33000.00"),
        Decimal("16500.00"),
        Decimal("16500.00"),
    )
    assert statement.region == Decimal("16500.00")
    assert statement.municipality == Decimal("73500.00")
    assert_sums_exactly(statement)


def test_an_acute_version_applies_from_its_stated_day_however_late_it_was_signed():
    """R-PLAC-3 / L22–L23: the principals stated day 5 (signed weeks later): days 1–4 are the
    placing municipality's, 5–30 half each."""
    statement = monthly_statement(
        year=2025,
        month=11,
        placement_start=date(2025, 11, 1),
        placement_end=None,
        cost_per_day=COST,
        versions=[percent_version(50, from_=date(2025, 11, 5))],
        placing_principal="municipality",
    )

    assert [(s.days, s.basis) for s in statement.segments] == [
        (4, INTERIM_BASIS),
        (26, "version from 2025-11-05"),
    ]
    # 4 × 3 000 = 12 000 the municipality's; 26 × 3 000 = 78 000 halved.
    assert statement.region == Decimal("39000.00")
    assert statement.municipality == Decimal("51000.00")


def test_an_acute_placement_placed_by_the_region_is_the_regions_until_settled():
    """R-PLAC-3 / L23: the placing principal may be the region; then the region bears days 1–19."""
    statement = monthly_statement(
        year=2025,
        month=11,
        placement_start=date(2025, 11, 1),
        placement_end=None,
        cost_per_day=COST,
        versions=[percent_version(50, from_=date(2025, 11, 20))],
        placing_principal="region",
    )

    assert statement.segments[0].region == Decimal("57000.00")
    assert statement.segments[0].municipality == Decimal("0.00")
    assert statement.region == Decimal("73500.00")
    assert statement.municipality == Decimal("16500.00")


def test_an_acute_placement_whose_version_applies_from_the_start_is_split_from_day_one():
    """R-PLAC-3 / issue 5: both principals agreed the split applies from the placement start."""
    statement = monthly_statement(
        year=2025,
        month=11,
        placement_start=date(2025, 11, 1),
        placement_end=None,
        cost_per_day=COST,
        versions=[percent_version(50, from_=date(2025, 11, 1), label="1")],
        placing_principal="municipality",
    )

    assert [(s.days, s.basis) for s in statement.segments] == [(30, "version 1")]
    assert statement.region == Decimal("45000.00")
    assert statement.municipality == Decimal("45000.00")


def test_an_acute_placement_not_yet_settled_is_wholly_the_placing_principals():
    """R-PLAC-3 / L23: no signed version yet (only signed ones are passed): every day stays
    with the placer."""
    statement = monthly_statement(
        year=2025,
        month=11,
        placement_start=date(2025, 11, 1),
        placement_end=None,
        cost_per_day=COST,
        versions=[],
        placing_principal="municipality",
    )

    assert [(s.days, s.basis) for s in statement.segments] == [(30, INTERIM_BASIS)]
    assert statement.region == Decimal("0.00")
    assert statement.municipality == Decimal("90000.00")


def test_an_acute_placement_split_from_an_earlier_month_is_split_the_whole_month():
    """R-PLAC-3: the split applies from 20 October; November is wholly under it."""
    statement = monthly_statement(
        year=2025,
        month=11,
        placement_start=date(2025, 10, 1),
        placement_end=None,
        cost_per_day=COST,
        versions=[percent_version(50, from_=date(2025, 10, 20))],
        placing_principal="municipality",
    )

    assert statement.region == Decimal("45000.00")


def test_r_plac_3_a_month_split_across_the_acute_effective_date_by_hand():
    """R-PLAC-3 / L22–L23, R-COST-3: an acute HVB from 1 March 2026 at 2 345,67 kr a day; the
    standard split agreed at the cost meeting on 20 March applies from that day (signed on
    2 April). By hand: 1–19 March, 19 × 2 345,67 = 44 567,73, all the municipality's;
    20–31 March, 31 × 2 345,67 − 44 567,73 = 72 715,77 − 44 567,73 = 28 148,04, the region a
    third = 9 382,68, the municipality 18 765,36. Month: 72 715,77; the municipality
    63 333,09, the region 9 382,68."""
    statement = monthly_statement(
        year=2026,
        month=3,
        placement_start=date(2026, 3, 1),
        placement_end=None,
        cost_per_day=Decimal("2345.67"),
        versions=[percent_version(STANDARD_PERCENT, from_=date(2026, 3, 20), label="1")],
        placing_principal="municipality",
    )

    assert [
        (s.start.day, s.end.day, s.cost, s.municipality, s.region) for s in statement.segments
    ] == [
        (1, 19, Decimal("44567.73"), Decimal("44567.73"), Decimal("0.00")),
        (20, 31, Decimal("28148.04"), Decimal("18765.36"), Decimal("9382.68")),
    ]
    assert (statement.total, statement.municipality, statement.region) == (
        Decimal("72715.77"),
        Decimal("63333.09"),
        Decimal("9382.68"),
    )


# --- split in kronor per month (R-COST-2) -------------------------------------------------


def test_a_region_amount_per_month_is_prorated_by_the_days_of_the_month():
    """R-COST-2: 10 000 kr per month, placement from the 10th: 21/30 × 10 000 = 7 000 kr."""
    statement = monthly_statement(
        year=2025,
        month=11,
        placement_start=date(2025, 11, 10),
        placement_end=None,
        cost_per_day=COST,
        versions=[
            SplitVersion(
                effective_from=date(2025, 11, 10),
                effective_until=None,
                region_amount_per_month=Decimal("10000.00"),
                label="kr",
            )
        ],
        placing_principal="municipality",
    )

    assert statement.total == Decimal("63000.00")
    assert statement.region == Decimal("7000.00")
    assert statement.municipality == Decimal("56000.00")
    assert statement.segments[0].basis == "version kr"
    assert_sums_exactly(statement)


def test_a_prorated_region_amount_is_rounded_half_up_to_ore():
    """21 of 31 December days × 10 000 kr = 6 774.193… → 6 774.19 kr."""
    statement = monthly_statement(
        year=2025,
        month=12,
        placement_start=date(2025, 12, 11),
        placement_end=None,
        cost_per_day=COST,
        versions=[
            SplitVersion(
                effective_from=date(2025, 12, 11),
                effective_until=None,
                region_amount_per_month=Decimal("10000.00"),
            )
        ],
        placing_principal="municipality",
    )

    assert statement.days == 21
    assert statement.region == Decimal("6774.19")
    assert statement.municipality == Decimal("63000.00") - Decimal("6774.19")


def test_a_region_amount_per_month_is_capped_at_the_segment_cost():
    """The region never pays more than the cost: 200 000 kr/month against 90 000 kr of cost."""
    statement = monthly_statement(
        year=2025,
        month=11,
        placement_start=date(2025, 11, 1),
        placement_end=None,
        cost_per_day=COST,
        versions=[
            SplitVersion(
                effective_from=date(2025, 11, 1),
                effective_until=None,
                region_amount_per_month=Decimal("200000.00"),
            )
        ],
        placing_principal="municipality",
    )

    assert statement.region == Decimal("90000.00")
    assert statement.municipality == Decimal("0.00")


# --- validation ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"region_percent": Decimal(50), "region_amount_per_month": Decimal(1000)},
        {"region_percent": Decimal(101)},
        {"region_percent": Decimal(-1)},
        {"region_amount_per_month": Decimal(-1)},
    ],
)
def test_a_split_version_states_exactly_one_valid_split(kwargs):
    """R-COST-2: the split is in percent or in kronor, one of them."""
    with pytest.raises(ValueError):
        SplitVersion(effective_from=date(2025, 11, 1), effective_until=None, **kwargs)


def test_a_split_version_cannot_end_before_it_starts():
    with pytest.raises(ValueError):
        percent_version(50, from_=date(2025, 11, 2), until=date(2025, 11, 1))


@pytest.mark.parametrize(
    "override",
    [
        {"month": 13},
        {"placement_end": date(2025, 10, 31)},
        {"cost_per_day": Decimal(-1)},
        {"cost_per_day": Decimal("NaN")},
        {"placing_principal": "school"},
    ],
)
def test_impossible_statement_inputs_are_refused(override):
    kwargs = {
        "year": 2025,
        "month": 11,
        "placement_start": date(2025, 11, 1),
        "placement_end": None,
        "cost_per_day": COST,
        "versions": [],
        "placing_principal": "municipality",
        **override,
    }
    with pytest.raises(ValueError):
        monthly_statement(**kwargs)


# --- any placement, any month: the parts always sum to the whole --------------------------


@st.composite
def statement_inputs(draw: st.DrawFn) -> dict:
    year = draw(st.integers(2024, 2029))
    month = draw(st.integers(1, 12))
    base = date(year, month, 1)
    start = base + timedelta(days=draw(st.integers(-40, 30)))
    end = draw(st.none() | st.integers(0, 80).map(lambda n: start + timedelta(days=n)))
    cost_per_day = Decimal(draw(st.integers(0, 10**8))).scaleb(-draw(st.integers(0, 3)))
    version_starts = sorted(set(draw(st.lists(st.integers(-10, 30), max_size=4))), key=lambda n: n)
    versions = []
    for n in version_starts:
        if draw(st.booleans()):
            split = {"region_percent": Decimal(draw(st.integers(0, 10_000))).scaleb(-2)}
        else:
            split = {"region_amount_per_month": Decimal(draw(st.integers(0, 10**9))).scaleb(-2)}
        versions.append(
            SplitVersion(effective_from=start + timedelta(days=n), effective_until=None, **split)
        )
    return {
        "year": year,
        "month": month,
        "placement_start": start,
        "placement_end": end,
        "cost_per_day": cost_per_day,
        "versions": versions,
        "placing_principal": draw(st.sampled_from(["municipality", "region"])),
    }


@given(inputs=statement_inputs())
def test_any_statement_sums_exactly_and_never_gives_a_principal_a_negative_part(inputs):
    """Issue 5: segment and statement parts sum exactly; total = to_ore(days × cost per day)."""
    statement = monthly_statement(**inputs)

    assert_sums_exactly(statement, cost_per_day=inputs["cost_per_day"])
    assert all(s.region >= 0 and s.municipality >= 0 for s in statement.segments)
    # Consecutive segments cover the placement days of the month without gaps or overlaps.
    for before, after in zip(statement.segments, statement.segments[1:], strict=False):
        assert after.start == before.end + timedelta(days=1)
        assert after.basis != before.basis


# --- what the principals owe each other ---------------------------------------------------


def test_pair_balance_nets_what_each_principal_owes_the_one_that_placed():
    """The placing principal pays the provider and invoices the other principal for its part."""
    placed_by_municipality = Statement(
        year=2025,
        month=11,
        days=30,
        total=Decimal("90000.00"),
        region=Decimal("30000.00"),
        municipality=Decimal("60000.00"),
        segments=(),
    )
    placed_by_region = Statement(
        year=2025,
        month=11,
        days=30,
        total=Decimal("60000.00"),
        region=Decimal("50000.00"),
        municipality=Decimal("10000.00"),
        segments=(),
    )

    balance = pair_balance([("municipality", placed_by_municipality), ("region", placed_by_region)])

    assert balance.region_owes_municipality == Decimal("30000.00")
    assert balance.municipality_owes_region == Decimal("10000.00")
    assert balance.net == Decimal("20000.00")


def test_pair_balance_of_no_statements_is_zero():
    balance = pair_balance([])

    assert balance.region_owes_municipality == balance.municipality_owes_region == 0
    assert balance.net == 0
