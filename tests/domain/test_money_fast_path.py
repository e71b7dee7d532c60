"""Issue 13: ``to_ore`` and ``standard_split`` round by Decimal in private contexts, falling back
to the exact Fraction path when Decimal could not be exact. Both paths must give the same
Decimal, digit for digit (``repr``), on any finite amount: R-COST-2 / R-COST-3 and issue 5's
"rounding never loses or invents an öre" rest on them."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import example, given, settings
from hypothesis import strategies as st

from domain import money

AMOUNTS = st.decimals(allow_nan=False, allow_infinity=False, min_value=-(10**15), max_value=10**15)
ANY_FINITE = st.decimals(allow_nan=False, allow_infinity=False)
SHARES = st.decimals(min_value=0, max_value=1, allow_nan=False, allow_infinity=False)


@settings(max_examples=1500, derandomize=True, deadline=None)
@given(amount=st.one_of(AMOUNTS, ANY_FINITE))
@example(amount=Decimal("1.005"))
@example(amount=Decimal("-1.005"))
@example(amount=Decimal("-0.004"))  # rounds to zero: 0.00, never -0.00
@example(amount=Decimal("1E+70"))  # longer than the fast path's 60 digits
@example(amount=Decimal("-5E-3"))
def test_to_ore_equals_the_exact_rounding(amount):
    assert repr(money.to_ore(amount)) == repr(money._to_ore_exact(amount))


@settings(max_examples=1500, derandomize=True, deadline=None)
@given(total=AMOUNTS, share=st.one_of(SHARES, st.sampled_from([Decimal(1) / 3, Decimal("0.3333")])))
@example(total=Decimal("100.00"), share=Decimal("0.3333"))
@example(total=Decimal("0.01"), share=Decimal("0.5"))  # a tie: half-up
@example(total=Decimal("-0.01"), share=Decimal("0.5"))
@example(total=Decimal("123456789012.34"), share=Decimal(1) / 3)
def test_standard_split_equals_the_exact_split(total, share):
    region, municipality = money.standard_split(total, region_share=share)
    whole = money.to_ore(total)
    exact = money._standard_region_exact(whole, share)
    assert repr(region) == repr(exact)
    assert region + municipality == whole


def test_the_standard_split_does_not_depend_on_the_callers_decimal_context():
    """The municipality's part is computed in the module's exact context: a caller's narrow
    context with Inexact trapped neither raises nor rounds it."""
    from decimal import Inexact, localcontext

    with localcontext() as narrow:
        narrow.prec = 3
        narrow.traps[Inexact] = True
        region, municipality = money.standard_split(
            Decimal("123456.78"), region_share=Decimal("0.5")
        )
    assert (region, municipality) == (Decimal("61728.39"), Decimal("61728.39"))
