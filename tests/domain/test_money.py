"""Money in öre: every split sums exactly to the whole (issue 5, R-COST-2, R-COST-3).

Pure domain tests: no database.
"""

from __future__ import annotations

from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal, localcontext

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.money import (
    ORE,
    prorate,
    split_by_amounts,
    split_by_percent,
    standard_split,
    to_ore,
)
from domain.rulesets import OSTERGOTLAND, VASTRA_GOTALAND

# Any amount from 0 to 10^9 kr, in öre.
amounts_in_ore = st.integers(min_value=0, max_value=10**11).map(lambda n: Decimal(n).scaleb(-2))


@st.composite
def percent_lines(draw: st.DrawFn) -> list[Decimal]:
    """2..6 percent lines in whole basis points (e.g. 33.33) summing to exactly 100."""
    lines = draw(st.integers(min_value=2, max_value=6))
    cuts = sorted(draw(st.lists(st.integers(0, 10_000), min_size=lines - 1, max_size=lines - 1)))
    bounds = [0, *cuts, 10_000]
    return [Decimal(b - a).scaleb(-2) for a, b in zip(bounds, bounds[1:], strict=False)]


# --- to_ore -------------------------------------------------------------------------------


def test_to_ore_rounds_half_up_to_two_decimals():
    assert to_ore(Decimal("10.005")) == Decimal("10.01")
    assert to_ore(Decimal("10.004")) == Decimal("10.00")
    assert to_ore(Decimal("-10.005")) == Decimal("-10.01")  # a tie rounds away from zero
    assert to_ore(7) == Decimal("7.00")
    assert to_ore(Decimal("7")).as_tuple().exponent == -2
    assert Decimal("0.01") == ORE


@given(
    amount=st.decimals(
        min_value=-(10**12), max_value=10**12, allow_nan=False, allow_infinity=False, places=6
    )
)
def test_to_ore_agrees_with_decimal_quantize_round_half_up(amount):
    assert to_ore(amount) == amount.quantize(ORE, rounding=ROUND_HALF_UP)


@pytest.mark.parametrize("bad", [Decimal("NaN"), Decimal("Infinity"), Decimal("-Infinity")])
def test_to_ore_refuses_nan_and_infinity(bad):
    with pytest.raises(ValueError):
        to_ore(bad)


def test_to_ore_refuses_floats_which_cannot_hold_ore_exactly():
    with pytest.raises(TypeError):
        to_ore(0.1)  # type: ignore[arg-type]


# --- split_by_percent ---------------------------------------------------------------------


@given(total=amounts_in_ore, percents=percent_lines())
def test_any_percent_split_of_any_amount_sums_exactly_to_the_whole(total, percents):
    """Issue 5 / R-COST-2: rounding never loses or invents an öre."""
    parts = split_by_percent(total, percents)

    assert len(parts) == len(percents)
    assert sum(parts) == total
    assert all(part.as_tuple().exponent == -2 for part in parts)


@given(total=amounts_in_ore, percents=percent_lines())
def test_every_percent_part_is_within_one_ore_of_its_exact_share(total, percents):
    """Largest remainder: each part is its exact share rounded down or up by less than an öre."""
    parts = split_by_percent(total, percents)

    with localcontext() as ctx:
        ctx.prec = 60
        for part, percent in zip(parts, percents, strict=True):
            exact = total * percent / 100
            assert abs(part - exact) < ORE
            assert part >= exact.quantize(ORE, rounding=ROUND_FLOOR)


@given(total=amounts_in_ore, percents=percent_lines())
def test_a_negative_total_is_split_as_the_mirror_of_the_positive_one(total, percents):
    """Credit notes: the split of -t is the split of t with every part negated."""
    assert split_by_percent(-total, percents) == [-p for p in split_by_percent(total, percents)]


def test_leftover_ore_go_to_the_largest_discarded_fractions():
    # Exact shares 0.3334, 0.3333, 0.3333: floors 0.33 each, the one leftover öre to line 1.
    parts = split_by_percent(
        Decimal("1.00"), [Decimal("33.33"), Decimal("33.34"), Decimal("33.33")]
    )

    assert parts == [Decimal("0.33"), Decimal("0.34"), Decimal("0.33")]


def test_ties_in_the_discarded_fraction_go_to_the_earlier_line():
    """Four equal lines of 0.03 kr: 0.0075 each; the three leftover öre go to lines 1, 2, 3."""
    parts = split_by_percent(Decimal("0.03"), [Decimal(25)] * 4)

    assert parts == [Decimal("0.01"), Decimal("0.01"), Decimal("0.01"), Decimal("0.00")]


def test_a_tie_between_two_lines_favours_the_first_the_placing_principals():
    assert split_by_percent(Decimal("0.01"), [Decimal(50), Decimal(50)]) == [
        Decimal("0.01"),
        Decimal("0.00"),
    ]


def test_percent_split_rounds_the_total_to_ore_first():
    assert sum(split_by_percent(Decimal("100.005"), [Decimal(40), Decimal(60)])) == Decimal(
        "100.01"
    )


@pytest.mark.parametrize(
    "percents",
    [
        [Decimal(50), Decimal("49.99")],
        [Decimal(50), Decimal("50.01")],
        [Decimal(100) / 3] * 3,  # 99.999…: not exactly 100
        [],
        [Decimal(110), Decimal(-10)],
    ],
)
def test_percents_that_do_not_sum_to_exactly_100_are_refused(percents):
    with pytest.raises(ValueError):
        split_by_percent(Decimal(1000), percents)


# --- split_by_amounts ---------------------------------------------------------------------


@given(total=amounts_in_ore, data=st.data())
def test_any_split_in_kronor_sums_exactly_to_the_whole(total, data):
    """Issue 5 / R-COST-2: fixed kronor lines plus the rest sum exactly to the total."""
    total_ore = int(total.scaleb(2))
    cuts = sorted(data.draw(st.lists(st.integers(0, total_ore), max_size=5)))
    fixed = [Decimal(b - a).scaleb(-2) for a, b in zip([0, *cuts], cuts, strict=False)]

    parts = split_by_amounts(total, fixed)

    assert sum(parts) == total
    assert parts[:-1] == fixed
    assert parts[-1] == total - sum(fixed)
    assert parts[-1] >= 0


def test_the_last_line_takes_the_rest_including_the_rounding_of_the_fixed_lines():
    parts = split_by_amounts(Decimal("10000.00"), [Decimal("3000.004"), Decimal("1000.005")])

    assert parts == [Decimal("3000.00"), Decimal("1000.01"), Decimal("5999.99")]
    assert sum(parts) == Decimal("10000.00")


def test_fixed_amounts_may_use_up_the_whole_total():
    assert split_by_amounts(Decimal(500), [Decimal(500)]) == [Decimal("500.00"), Decimal("0.00")]


def test_fixed_amounts_exceeding_the_total_are_refused():
    with pytest.raises(ValueError, match="exceed"):
        split_by_amounts(Decimal("1000.00"), [Decimal("600.00"), Decimal("400.01")])


def test_negative_amounts_in_a_kronor_split_are_refused():
    with pytest.raises(ValueError):
        split_by_amounts(Decimal("-100.00"), [])
    with pytest.raises(ValueError):
        split_by_amounts(Decimal("100.00"), [Decimal("-1.00")])


# --- standard_split (R-COST-3) ------------------------------------------------------------


@given(total=amounts_in_ore)
def test_standard_split_of_any_amount_gives_region_plus_municipality_equal_to_the_total(total):
    """R-COST-3 (L20): region one third rounded half-up to öre, municipality the rest."""
    region, municipality = standard_split(total, region_share=VASTRA_GOTALAND.standard_region_share)

    assert region + municipality == total
    assert region == to_ore(total / 3)


@given(total=amounts_in_ore)
def test_standard_split_mirrors_for_a_credit_note(total):
    region, municipality = standard_split(
        -total, region_share=VASTRA_GOTALAND.standard_region_share
    )

    assert region + municipality == -total
    assert region == -to_ore(total / 3)


def test_standard_split_gives_the_region_a_third_and_the_municipality_two_thirds():
    """R-COST-3: 90 000 kr → region 30 000, municipality 60 000."""
    assert standard_split(Decimal(90_000), region_share=OSTERGOTLAND.standard_region_share) == (
        Decimal("30000.00"),
        Decimal("60000.00"),
    )


def test_standard_split_rounds_the_region_half_up_and_gives_the_municipality_the_rest():
    """R-COST-3: 100.00 / 3 = 33.333… → region 33.33, municipality 66.67 (not 66.66)."""
    assert standard_split(Decimal("100.00"), region_share=Decimal(1) / 3) == (
        Decimal("33.33"),
        Decimal("66.67"),
    )
    # 0.02 / 3 = 0.00666… → region 0.01 (half-up), municipality 0.01.
    assert standard_split(Decimal("0.02"), region_share=Decimal(1) / 3) == (
        Decimal("0.01"),
        Decimal("0.01"),
    )
    # An exact tie: 0.01 × 0.5 = 0.005 → region 0.01.
    assert standard_split(Decimal("0.01"), region_share=Decimal("0.5")) == (
        Decimal("0.01"),
        Decimal("0.00"),
    )


@pytest.mark.parametrize("share", [Decimal("-0.01"), Decimal("1.01"), Decimal("NaN")])
def test_a_region_share_outside_zero_to_one_is_refused(share):
    with pytest.raises(ValueError):
        standard_split(Decimal(100), region_share=share)


# --- prorate ------------------------------------------------------------------------------


def test_prorate_gives_the_share_of_the_days_rounded_half_up():
    assert prorate(Decimal("10000"), days=21, days_in_month=30) == Decimal("7000.00")
    assert prorate(Decimal("10000"), days=21, days_in_month=31) == Decimal("6774.19")  # 6774.193…
    assert prorate(Decimal("10000"), days=1, days_in_month=32 - 4) == Decimal("357.14")  # .1428…
    assert prorate(Decimal("0.10"), days=1, days_in_month=4) == Decimal("0.03")  # 0.025 → up


@given(
    amount=amounts_in_ore,
    days_in_month=st.sampled_from([28, 29, 30, 31]),
)
def test_prorating_a_whole_month_gives_the_whole_amount_and_no_days_nothing(amount, days_in_month):
    assert prorate(amount, days=days_in_month, days_in_month=days_in_month) == amount
    assert prorate(amount, days=0, days_in_month=days_in_month) == Decimal("0.00")


@pytest.mark.parametrize(("days", "days_in_month"), [(-1, 30), (31, 30), (1, 0)])
def test_prorate_refuses_days_outside_the_month(days, days_in_month):
    with pytest.raises(ValueError):
        prorate(Decimal(1000), days=days, days_in_month=days_in_month)
