"""Money: Decimal SEK with öre, and splits whose parts always sum exactly to the whole.

R-COST-2: the agreement states the split of the costs in kronor or in percent (L19).
R-COST-3: the standard split (schablon) is region one third, municipality two thirds (L20).
Issue 5: rounding never loses or invents an öre; every split assigns its remainder by a stated rule.

All rational arithmetic is done exactly with :class:`fractions.Fraction`, so the results do not
depend on the precision of the active :mod:`decimal` context. Rounding to öre is half-up, i.e. a
tie rounds away from zero (``Decimal``'s ``ROUND_HALF_UP``), the same for negative amounts.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Context, Decimal, Inexact, InvalidOperation
from fractions import Fraction

ORE = Decimal("0.01")
HUNDRED = Decimal(100)

__all__ = [
    "ORE",
    "prorate",
    "split_by_amounts",
    "split_by_percent",
    "standard_split",
    "to_ore",
]


def _finite_decimal(value: Decimal | int, *, name: str) -> Decimal:
    """``value`` as a finite Decimal. Floats are refused: they cannot hold öre exactly."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"{name} must be a Decimal or an int, not {type(value).__name__}")
    amount = Decimal(value)
    if not amount.is_finite():
        raise ValueError(f"{name} must be a finite amount, got {amount}")
    return amount


def _from_ore(ore: int) -> Decimal:
    """An integer number of öre as kronor with exactly two decimals (exact, context-free)."""
    return Decimal(f"{ore}e-2")


def _ore_count(amount: Decimal) -> int:
    """A Decimal already quantized to öre as an integer number of öre."""
    return int(amount.scaleb(2))


def _round_half_up_to_ore(kronor: Fraction) -> int:
    """An exact amount in kronor rounded half-up (ties away from zero) to an integer of öre."""
    ore = kronor * 100
    magnitude = (abs(ore) * 2 + 1) // 2  # floor(|x| + 1/2)
    return magnitude if ore >= 0 else -magnitude


# The fast path (issue 13: the statements round thousands of amounts per page). Decimal
# arithmetic in these private contexts is exact or signals: a product that would need rounding
# (Inexact) or a result longer than 60 digits (InvalidOperation) falls back to the Fraction
# path above, so the results never depend on a context and equal the exact ones
# (tests/domain/test_money_fast_path.py compares both on arbitrary amounts).
_EXACT = Context(prec=60, traps=[Inexact, InvalidOperation])
_QUANTIZE = Context(prec=60, rounding=ROUND_HALF_UP, traps=[InvalidOperation])
_ZERO = Decimal("0.00")


def _quantized(value: Decimal) -> Decimal | None:
    """``value`` rounded half-up to öre by Decimal, or None when 60 digits do not hold it."""
    try:
        rounded = value.quantize(ORE, context=_QUANTIZE)
    except InvalidOperation:
        return None
    return rounded if rounded else _ZERO  # no "-0.00": the exact path gives 0.00


def _to_ore_exact(value: Decimal) -> Decimal:
    return _from_ore(_round_half_up_to_ore(Fraction(value)))


def to_ore(amount: Decimal | int) -> Decimal:
    """``amount`` in kronor rounded half-up to whole öre (two decimals).

    Issue 5 / R-COST-2: money is Decimal SEK with öre. NaN and infinities raise ``ValueError``;
    floats raise ``TypeError`` (pass ``Decimal("12.34")``, never ``12.34``).
    """
    value = _finite_decimal(amount, name="amount")
    fast = _quantized(value)
    return fast if fast is not None else _to_ore_exact(value)


def split_by_percent(total: Decimal | int, percents: Sequence[Decimal | int]) -> list[Decimal]:
    """Split ``total`` into parts in öre by percent, the parts summing exactly to ``to_ore(total)``.

    R-COST-2 (a split in percent, L19). The percents must each be between 0 and 100 and sum to
    exactly 100, otherwise ``ValueError``.

    Remainder rule (largest remainder, Hamilton's method): each part's exact share
    ``to_ore(total) × percent / 100`` is rounded down to whole öre; the öre left over (fewer than
    the number of lines) are handed out one each to the parts with the largest discarded
    fractions; between equal fractions the earlier line wins. By convention the first line is the
    placing principal's, so a tie favours the placing principal. Every part therefore differs
    from its exact share by less than one öre.

    Negative totals (credit notes) are allowed and split symmetrically: the split of ``-t`` is
    the split of ``t`` with every part negated, so ties still go to the earlier line.
    """
    whole = to_ore(total)
    shares = [_finite_decimal(p, name="percent") for p in percents]
    if not shares:
        raise ValueError("at least one percent line is needed")
    if any(p < 0 or p > HUNDRED for p in shares):
        raise ValueError("every percent must be between 0 and 100")
    if sum(Fraction(p) for p in shares) != 100:
        raise ValueError(f"the percents must sum to exactly 100, got {sum(shares)}")

    total_ore = _ore_count(whole)
    sign = -1 if total_ore < 0 else 1
    magnitude = abs(total_ore)
    exact = [Fraction(magnitude) * Fraction(p) / 100 for p in shares]
    floors = [e.numerator // e.denominator for e in exact]
    leftover = magnitude - sum(floors)
    # Largest discarded fraction first; the stable sort keeps the earlier line first on a tie.
    order = sorted(range(len(exact)), key=lambda i: exact[i] - floors[i], reverse=True)
    for i in order[:leftover]:
        floors[i] += 1
    return [_from_ore(sign * part) for part in floors]


def split_by_amounts(total: Decimal | int, amounts: Sequence[Decimal | int]) -> list[Decimal]:
    """Split ``total`` into fixed kronor lines plus a last line that takes the rest.

    R-COST-2 (a split in kronor, L19). ``amounts`` are the fixed amounts of every line *but the
    last*; the result has ``len(amounts) + 1`` parts: each fixed amount rounded half-up to öre,
    then the rest ``to_ore(total) − sum(fixed parts)``. The parts sum exactly to
    ``to_ore(total)``; any rounding of the fixed amounts lands in the last part.

    ``ValueError`` if ``total`` or any fixed amount is negative, or if the fixed amounts exceed
    the total (the rest would be negative). For a credit note, split the positive amount and
    negate the parts.
    """
    whole = to_ore(total)
    if whole < 0:
        raise ValueError("the total of a split in kronor cannot be negative")
    fixed = [to_ore(a) for a in amounts]
    if any(a < 0 for a in fixed):
        raise ValueError("a fixed amount cannot be negative")
    rest = whole - sum(fixed, Decimal("0.00"))
    if rest < 0:
        raise ValueError(f"the fixed amounts ({sum(fixed)}) exceed the total ({whole})")
    return [*fixed, rest]


def standard_split(total: Decimal | int, *, region_share: Decimal) -> tuple[Decimal, Decimal]:
    """``(region, municipality)``: the region's share of ``total``, the municipality the rest.

    R-COST-3 (L20): region one third, municipality two thirds of the placement cost unless
    otherwise agreed; callers pass ``RuleSet.standard_region_share`` (the share is data of the
    rule set, not a constant here). The same function splits any region share, e.g. an agreed
    percent version divided by 100.

    Remainder rule: region = ``to_ore(total) × region_share`` rounded half-up to öre (computed
    exactly), municipality = ``to_ore(total) − region``. So region + municipality ==
    ``to_ore(total)`` always. ``region_share`` must be between 0 and 1 (``ValueError``).
    Negative totals are allowed and mirror positive ones.
    """
    share = _finite_decimal(region_share, name="region_share")
    if share < 0 or share > 1:
        raise ValueError("region_share must be between 0 and 1")
    whole = to_ore(total)
    return _standard_parts(whole, share)


def _standard_parts(whole: Decimal, share: Decimal) -> tuple[Decimal, Decimal]:
    region: Decimal | None = None
    try:
        region = _quantized(whole.fma(share, 0, context=_EXACT))  # the exact product
    except (Inexact, InvalidOperation):
        region = None
    if region is None:
        region = _standard_region_exact(whole, share)
    # The municipality's part exactly, whatever the caller's decimal context.
    try:
        municipality = _EXACT.subtract(whole, region)
    except (Inexact, InvalidOperation):
        municipality = _from_ore(int((Fraction(whole) - Fraction(region)) * 100))
    return region, municipality


def _standard_region_exact(whole: Decimal, share: Decimal) -> Decimal:
    return _from_ore(_round_half_up_to_ore(Fraction(whole) * Fraction(share)))


def prorate(amount_per_month: Decimal | int, *, days: int, days_in_month: int) -> Decimal:
    """``amount_per_month × days / days_in_month`` rounded half-up to öre.

    Used for a split agreed in kronor per month (R-COST-2) when only part of a month is covered,
    e.g. a placement starting on the 10th or a version taking over mid-month (R-COST-4).
    ``days`` must be between 0 and ``days_in_month`` (``ValueError``); all days count alike.
    """
    amount = _finite_decimal(amount_per_month, name="amount_per_month")
    if days_in_month < 1:
        raise ValueError("days_in_month must be positive")
    if not 0 <= days <= days_in_month:
        raise ValueError(f"days must be between 0 and {days_in_month}, got {days}")
    return _from_ore(_round_half_up_to_ore(Fraction(amount) * days / days_in_month))
