"""The annual follow-up of the agreements (R-FOLLOW-1; 002 §4.4, 003 §4.4).

R-FOLLOW-1: the follow-up reports, per year and per level (the whole region, a sub-region, a
municipality), the number of SIPs (initiated, and how many held their first meeting within the
three weeks of R-SIP-1), the deviations and disputes reported (by category, level and outcome),
and for HVB placements their volumes (placements, days, cost per principal), motives (reason
category and legal basis) and care content (the kinds of intervention per principal). The same
report is asked for any date range. Counts only: no personal data.

Pure functions over plain values: the periods, the days of a placement inside a period (the
reference the database expression is tested against), shares and rounding.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

__all__ = [
    "REASON_GROUPS",
    "Period",
    "ReasonGroup",
    "ReportLevel",
    "change_percent",
    "comparison_period",
    "counted_period",
    "days_in_period",
    "period_for_year",
    "previous_period",
    "share_percent",
]


class ReportLevel(StrEnum):
    """The levels a follow-up report is asked for (R-FOLLOW-1)."""

    REGION = "region"
    SUB_REGION = "sub_region"
    MUNICIPALITY = "municipality"


@dataclass(frozen=True)
class Period:
    """A run of days, first and last included."""

    first: date
    last: date

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise ValueError("a period ends on or after its first day")

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def is_calendar_year(self) -> bool:
        return (
            self.first.year == self.last.year
            and (self.first.month, self.first.day) == (1, 1)
            and (self.last.month, self.last.day) == (12, 31)
        )

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.first <= day <= self.last


def period_for_year(year: int) -> Period:
    """R-FOLLOW-1: the follow-up is yearly, a calendar year."""
    return Period(date(year, 1, 1), date(year, 12, 31))


def previous_period(period: Period) -> Period:
    """The period the report compares with: the previous calendar year for a year, otherwise
    the run of as many days just before the period."""
    if period.is_calendar_year:
        return period_for_year(period.first.year - 1)
    last = period.first - timedelta(days=1)
    return Period(last - timedelta(days=period.days - 1), last)


def counted_period(period: Period, today: date) -> Period | None:
    """R-FOLLOW-1 reports what has happened: the part of ``period`` up to and including
    ``today``. A year still running is reported "so far" (an ongoing placement's days after
    today are not yet days of care, nor their cost); None when the period has not begun."""
    if period.first > today:
        return None
    return Period(period.first, min(period.last, today))


def comparison_period(asked: Period, counted: Period) -> Period:
    """The period the report compares ``counted`` (the part of ``asked`` up to today) with: a
    calendar year so far against the same days of the year before (1 January to the same date,
    28 February for a 29th), any other period against as many days just before it."""
    if asked.is_calendar_year:
        year = counted.first.year - 1
        last = counted.last
        day = min(last.day, calendar.monthrange(year, last.month)[1])
        return Period(date(year, 1, 1), date(year, last.month, day))
    return previous_period(counted)


def days_in_period(start: date | None, end: date | None, period: Period) -> int:
    """Days of a placement inside the period, both ends included (R-FOLLOW-1 volumes).

    ``start`` is the day the child moved in (None: never started, no days); ``end`` the last
    day (None: ongoing). The same arithmetic as the statements' days (domain.statements), so a
    year's days are the sum of its months' days."""
    if start is None:
        return 0
    first = max(start, period.first)
    last = period.last if end is None else min(end, period.last)
    return max((last - first).days + 1, 0)


def share_percent(part: int, whole: int) -> Decimal | None:
    """``part`` of ``whole`` in percent with one decimal, rounded half up (R-FOLLOW-1, e.g.
    the share of SIPs whose first meeting was held within three weeks); None when the whole is
    nothing, so that "no SIPs" is never shown as "0 %"."""
    if whole <= 0:
        return None
    if part < 0 or part > whole:
        raise ValueError("the part is between nothing and the whole")
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def change_percent(current: int | Decimal, previous: int | Decimal) -> Decimal | None:
    """The change from the previous period in percent, one decimal, rounded half up; None when
    the previous period had nothing to compare with."""
    if previous == 0:
        return None
    return ((Decimal(current) - Decimal(previous)) * 100 / Decimal(previous)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )


class ReasonGroup(StrEnum):
    """Socialstyrelsen's national statistics on placed children distinguish the ground of an
    LVU placement only: the home environment (LVU 2 §), the young person's own behaviour
    (LVU 3 §), or both. The reason categories of a placement fold into these groups."""

    HOME_ENVIRONMENT = "home_environment"
    OWN_BEHAVIOUR = "own_behaviour"
    OTHER = "other"


REASON_GROUPS: dict[str, ReasonGroup] = {
    "behaviour": ReasonGroup.OWN_BEHAVIOUR,
    "substance_use": ReasonGroup.OWN_BEHAVIOUR,
    "neglect_abuse": ReasonGroup.HOME_ENVIRONMENT,
    "honour": ReasonGroup.HOME_ENVIRONMENT,
    "psychiatric": ReasonGroup.OTHER,
    "unaccompanied": ReasonGroup.OTHER,
    "other": ReasonGroup.OTHER,
}
