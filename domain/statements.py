"""Monthly cost statements: a placement's cost for one month, split per principal per day.

Issue 5 "Monthly cost statements". Rules:

- R-COST-2: a split is agreed in percent or in kronor per month (L19).
- R-COST-3: the standard split is one version like any other (region share one third, L20).
- R-COST-4: the agreement has versions; a new version replaces the old one from its stated date
  and history stays (L21). A version change mid-month splits the month into segments.
- R-PLAC-3 (L22, L23): the days of an acute placement before the date its agreement states (by
  default the day the split was agreed at the cost meeting) stay wholly with the placing
  principal; while no version is signed, every day does.

Money follows :mod:`domain.money`: Decimal SEK with öre, parts always summing to the whole.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Literal

from domain.money import HUNDRED, prorate, standard_split, to_ore

Principal = Literal["municipality", "region"]
PRINCIPALS: tuple[Principal, ...] = ("municipality", "region")
INTERIM_BASIS = "interim: placing principal"
ZERO = Decimal("0.00")

__all__ = [
    "INTERIM_BASIS",
    "PairBalance",
    "Principal",
    "Segment",
    "SplitVersion",
    "Statement",
    "monthly_statement",
    "pair_balance",
]


@dataclass(frozen=True)
class SplitVersion:
    """One version of an agreement's cost split (R-COST-2, R-COST-4).

    ``effective_from`` is the first day the version applies and ``effective_until`` the last day,
    both included (``None``: until further notice). Exactly one of ``region_percent`` (0–100,
    the region's percent of the cost; the municipality bears the rest) and
    ``region_amount_per_month`` (the region's fixed kronor per month, prorated by days) is set.
    """

    effective_from: date
    effective_until: date | None
    region_percent: Decimal | None = None
    region_amount_per_month: Decimal | None = None
    label: str = ""

    def __post_init__(self) -> None:
        if (self.region_percent is None) == (self.region_amount_per_month is None):
            raise ValueError(
                "a split version states exactly one of region_percent and "
                "region_amount_per_month (R-COST-2)"
            )
        if self.effective_until is not None and self.effective_until < self.effective_from:
            raise ValueError("effective_until is before effective_from")
        if self.region_percent is not None and not (
            self.region_percent.is_finite() and 0 <= self.region_percent <= HUNDRED
        ):
            raise ValueError("region_percent must be between 0 and 100")
        if self.region_amount_per_month is not None and not (
            self.region_amount_per_month.is_finite() and self.region_amount_per_month >= 0
        ):
            raise ValueError("region_amount_per_month must be a non-negative amount")

    @property
    def basis(self) -> str:
        """How a segment split by this version is described: ``version <label or date>``."""
        return f"version {self.label or 'from ' + self.effective_from.isoformat()}"

    def in_force_on(self, day: date) -> bool:
        """The version's own dates cover ``day`` (first and last day included)."""
        return self.effective_from <= day and (
            self.effective_until is None or day <= self.effective_until
        )


@dataclass(frozen=True)
class Segment:
    """A run of consecutive days in the month split on the same basis.

    ``region + municipality == cost`` always; ``basis`` is ``"version …"`` or
    :data:`INTERIM_BASIS` (the whole cost is the placing principal's).
    """

    start: date
    end: date
    days: int
    cost: Decimal
    region: Decimal
    municipality: Decimal
    basis: str


@dataclass(frozen=True)
class Statement:
    """A placement's cost for one month: totals per principal and the segments behind them.

    ``region + municipality == total == sum(segment.cost)`` and
    ``total == to_ore(days × cost_per_day)``.
    """

    year: int
    month: int
    days: int
    total: Decimal
    region: Decimal
    municipality: Decimal
    segments: tuple[Segment, ...]


@dataclass(frozen=True)
class PairBalance:
    """What a pair of principals owe each other for a set of monthly statements.

    ``net`` is positive when the region owes the municipality, negative when the municipality
    owes the region.
    """

    region_owes_municipality: Decimal
    municipality_owes_region: Decimal

    @property
    def net(self) -> Decimal:
        return self.region_owes_municipality - self.municipality_owes_region


def _version_on(day: date, *, versions: Sequence[SplitVersion]) -> SplitVersion | None:
    """The version in force on ``day``, or ``None`` when the placing principal bears the day.

    R-COST-4: among the versions whose own dates cover the day, the one with the latest
    ``effective_from`` wins (a new version replaces the old from its stated date).

    R-PLAC-3 (L23): a day before the first version's ``effective_from`` has no version: the
    placing principal bears it. For an acute placement that date is the one the agreement states
    (by default the day the split was agreed at the cost meeting), whenever the signatures land.
    """
    candidates = [v for v in versions if v.in_force_on(day)]
    return max(candidates, key=lambda v: v.effective_from, default=None)


def _split_segment(
    *,
    version: SplitVersion | None,
    cost: Decimal,
    days: int,
    days_in_month: int,
    placing_principal: Principal,
) -> tuple[Decimal, Decimal]:
    """``(region, municipality)`` of one segment's cost; they sum exactly to ``cost``."""
    if version is None:  # R-PLAC-3 / L23: the whole cost stays with the placing principal
        return (cost, ZERO) if placing_principal == "region" else (ZERO, cost)
    if version.region_percent is not None:
        # Region rounded half-up to öre, municipality the rest (as R-COST-3's standard split).
        return standard_split(cost, region_share=version.region_percent.scaleb(-2))
    assert version.region_amount_per_month is not None  # guaranteed by SplitVersion
    region = min(
        prorate(version.region_amount_per_month, days=days, days_in_month=days_in_month),
        cost,
    )
    return region, cost - region


def monthly_statement(
    *,
    year: int,
    month: int,
    placement_start: date,
    placement_end: date | None,
    cost_per_day: Decimal,
    versions: Sequence[SplitVersion],
    placing_principal: Principal,
) -> Statement:
    """The cost of a placement for one month, split per principal by the version of each day.

    Days: the days of the month from ``placement_start`` to ``placement_end`` (both included;
    ``None`` = ongoing). Total: ``to_ore(days × cost_per_day)``.

    Each day is split by the version in force that day (R-COST-4: the latest ``effective_from``
    among the versions covering the day); consecutive days with the same version form a
    segment, so a version change mid-month gives two segments, each split by its own version.
    Days with no version in force are wholly the placing principal's (basis
    :data:`INTERIM_BASIS`). This is the acute interim rule R-PLAC-3 / L23: the days of an
    acute placement before the effective date its agreement states (by default the day the
    split was agreed at the cost meeting) are the placing principal's; from that day the split
    applies. Only signed versions are passed in: while the split is not settled, every day is
    the placing principal's.

    Rounding (issue 5: parts sum to the whole):

    - segment cost: cumulative rounding, ``to_ore(d1 × cost_per_day) − to_ore(d0 × cost_per_day)``
      where ``d0``/``d1`` count the placement days of the month before/through the segment, so
      the segment costs sum exactly to the total even when ``cost_per_day`` has more decimals;
    - percent version: region = cost × percent / 100 rounded half-up to öre, municipality the
      rest (:func:`domain.money.standard_split`);
    - kronor-per-month version: region = ``prorate(amount, days=segment days, days_in_month)``
      capped at the segment cost, municipality the rest.

    ``ValueError`` for a month outside 1–12, an end before the start, a negative or non-finite
    cost per day, an unknown placing principal, or two versions with the same
    ``effective_from`` both in force on a day (which one applies would be ambiguous).
    """
    if not 1 <= month <= 12:
        raise ValueError(f"month must be 1–12, got {month}")
    if placing_principal not in PRINCIPALS:
        raise ValueError(f"placing_principal must be one of {PRINCIPALS}")
    if placement_end is not None and placement_end < placement_start:
        raise ValueError("placement_end is before placement_start")
    if not (isinstance(cost_per_day, Decimal) and cost_per_day.is_finite() and cost_per_day >= 0):
        raise ValueError("cost_per_day must be a non-negative finite Decimal")

    days_in_month = calendar.monthrange(year, month)[1]
    first = max(date(year, month, 1), placement_start)
    last = date(year, month, days_in_month)
    if placement_end is not None:
        last = min(last, placement_end)

    # Runs of consecutive days with the same version (None = interim). Which versions cover a
    # day changes only on a day a version starts or the day after one ends, so the days from
    # one such change to the next are decided together: the same as deciding each day.
    changes = sorted(
        {v.effective_from for v in versions if first < v.effective_from <= last}
        | {
            v.effective_until + timedelta(days=1)
            for v in versions
            if v.effective_until is not None and first <= v.effective_until < last
        }
    )
    runs: list[tuple[date, date, SplitVersion | None]] = []
    day = first
    while day <= last:
        covering = [v for v in versions if v.in_force_on(day)]
        starts = [v.effective_from for v in covering]
        if len(starts) != len(set(starts)):
            raise ValueError(f"two versions with the same effective_from are in force on {day}")
        version = _version_on(day, versions=versions)
        until = next((c for c in changes if c > day), last + timedelta(days=1)) - timedelta(days=1)
        if runs and runs[-1][2] is version:  # the days are consecutive: extend the run
            runs[-1] = (runs[-1][0], until, version)
        else:
            runs.append((day, until, version))
        day = until + timedelta(days=1)

    segments: list[Segment] = []
    days_before = 0
    cost_before = ZERO  # to_ore(cost_per_day × days_before), carried from the run before
    for start, end, version in runs:
        days = (end - start).days + 1
        cost_through = to_ore(cost_per_day * (days_before + days))
        cost = cost_through - cost_before
        region, municipality = _split_segment(
            version=version,
            cost=cost,
            days=days,
            days_in_month=days_in_month,
            placing_principal=placing_principal,
        )
        segments.append(
            Segment(
                start=start,
                end=end,
                days=days,
                cost=cost,
                region=region,
                municipality=municipality,
                basis=INTERIM_BASIS if version is None else version.basis,
            )
        )
        days_before += days
        cost_before = cost_through

    return Statement(
        year=year,
        month=month,
        days=days_before,
        total=cost_before,  # to_ore(cost_per_day × days_before)
        region=sum((s.region for s in segments), ZERO),
        municipality=sum((s.municipality for s in segments), ZERO),
        segments=tuple(segments),
    )


def pair_balance(statements: Iterable[tuple[Principal, Statement]]) -> PairBalance:
    """What the region and the municipality owe each other across these statements.

    The placing principal pays the provider the whole cost and invoices the other principal for
    its part (issue 5: "what the municipality invoices the region from"). So for each
    ``(placing_principal, statement)``: placed by the municipality → the region owes
    ``statement.region``; placed by the region → the municipality owes
    ``statement.municipality``. ``net`` = region owes − municipality owes.
    """
    region_owes = ZERO
    municipality_owes = ZERO
    for placing_principal, statement in statements:
        if placing_principal == "municipality":
            region_owes += statement.region
        elif placing_principal == "region":
            municipality_owes += statement.municipality
        else:
            raise ValueError(f"placing_principal must be one of {PRINCIPALS}")
    return PairBalance(
        region_owes_municipality=region_owes, municipality_owes_region=municipality_owes
    )
