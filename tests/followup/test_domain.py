"""R-FOLLOW-1: the pure rules of the annual follow-up (no database)."""

from __future__ import annotations

import calendar
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.followup import (
    REASON_GROUPS,
    Period,
    ReasonGroup,
    change_percent,
    comparison_period,
    counted_period,
    days_in_period,
    period_for_year,
    previous_period,
    share_percent,
)
from placements.models import ReasonCategory

YEAR = period_for_year(2025)


def test_the_yearly_period_is_the_calendar_year():
    assert YEAR == Period(date(2025, 1, 1), date(2025, 12, 31))
    assert YEAR.days == 365
    assert period_for_year(2024).days == 366


def test_the_previous_period_of_a_year_is_the_year_before():
    assert previous_period(YEAR) == period_for_year(2024)


def test_the_previous_period_of_a_range_is_as_many_days_just_before():
    march = Period(date(2025, 3, 1), date(2025, 3, 31))
    assert previous_period(march) == Period(date(2025, 1, 29), date(2025, 2, 28))


def test_a_period_cannot_end_before_it_starts():
    with pytest.raises(ValueError):
        Period(date(2025, 2, 1), date(2025, 1, 31))


@pytest.mark.parametrize(
    ("start", "end", "days"),
    [
        (date(2024, 11, 1), None, 365),  # started before, ongoing
        (date(2024, 11, 1), date(2025, 1, 1), 1),  # started before, ended on the first day
        (date(2024, 11, 1), date(2024, 12, 31), 0),  # ended the day before
        (date(2025, 3, 10), date(2025, 3, 19), 10),  # inside
        (date(2025, 12, 31), None, 1),  # started on the last day
        (date(2025, 12, 25), date(2026, 3, 1), 7),  # ends after
        (date(2026, 1, 1), None, 0),  # started the day after
        (None, None, 0),  # never started
    ],
)
def test_days_in_the_period_at_its_edges(start, end, days):
    """R-FOLLOW-1: a placement's days in the period, both ends included."""
    assert days_in_period(start, end, YEAR) == days


@settings(max_examples=30)
@given(
    st.dates(date(2023, 1, 1), date(2027, 12, 31)),
    st.integers(min_value=0, max_value=900),
)
def test_a_years_days_are_the_sum_of_its_months_days(start, length):
    end = date.fromordinal(start.toordinal() + length)
    months = [
        Period(date(2025, m, 1), date(2025, m, calendar.monthrange(2025, m)[1]))
        for m in range(1, 13)
    ]
    assert sum(days_in_period(start, end, m) for m in months) == days_in_period(start, end, YEAR)


def test_the_share_held_in_time_is_rounded_half_up_to_one_decimal():
    assert share_percent(1, 3) == Decimal("33.3")
    assert share_percent(2, 3) == Decimal("66.7")
    assert share_percent(1, 8) == Decimal("12.5")
    assert share_percent(1, 16) == Decimal("6.3")  # 6.25 half up
    assert share_percent(0, 4) == Decimal("0.0")


def test_no_share_when_nothing_was_counted():
    """R-FOLLOW-1: "no SIPs" is no share at all, never 0 %."""
    assert share_percent(0, 0) is None


def test_the_part_is_never_more_than_the_whole():
    with pytest.raises(ValueError):
        share_percent(4, 3)


def test_the_change_from_the_previous_period():
    assert change_percent(3, 2) == Decimal("50.0")
    assert change_percent(1, 3) == Decimal("-66.7")
    assert change_percent(5, 0) is None


def test_every_reason_category_folds_into_a_national_group():
    assert set(REASON_GROUPS) == {c.value for c in ReasonCategory}
    assert REASON_GROUPS["neglect_abuse"] == ReasonGroup.HOME_ENVIRONMENT
    assert REASON_GROUPS["behaviour"] == ReasonGroup.OWN_BEHAVIOUR


# --- a period still running: counted up to today (R-FOLLOW-1) --------------------------------


@pytest.mark.parametrize(
    ("today", "counted"),
    [
        (date(2024, 12, 31), None),  # not begun
        (date(2025, 1, 1), Period(date(2025, 1, 1), date(2025, 1, 1))),  # its first day
        (date(2025, 6, 15), Period(date(2025, 1, 1), date(2025, 6, 15))),
        (date(2025, 12, 31), YEAR),  # its last day: whole
        (date(2026, 2, 10), YEAR),  # ended
    ],
)
def test_a_period_is_counted_up_to_today(today, counted):
    assert counted_period(YEAR, today) == counted


def test_an_ongoing_placement_has_no_days_after_today():
    counted = counted_period(YEAR, date(2025, 2, 10))
    assert counted is not None
    assert days_in_period(date(2024, 11, 1), None, counted) == 41


@pytest.mark.parametrize(
    ("asked", "counted", "compared"),
    [
        (YEAR, YEAR, period_for_year(2024)),
        (
            YEAR,
            Period(date(2025, 1, 1), date(2025, 2, 10)),
            Period(date(2024, 1, 1), date(2024, 2, 10)),
        ),
        # The 29th of February so far: the year before has no 29th.
        (
            period_for_year(2028),
            Period(date(2028, 1, 1), date(2028, 2, 29)),
            Period(date(2027, 1, 1), date(2027, 2, 28)),
        ),
        # A range: as many days just before the days counted.
        (
            Period(date(2025, 3, 1), date(2025, 3, 31)),
            Period(date(2025, 3, 1), date(2025, 3, 10)),
            Period(date(2025, 2, 19), date(2025, 2, 28)),
        ),
    ],
)
def test_the_comparison_is_with_the_corresponding_days(asked, counted, compared):
    assert comparison_period(asked, counted) == compared
