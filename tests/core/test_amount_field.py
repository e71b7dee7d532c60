"""Amounts are typed the Swedish way ("1 234,50") as often as the programmer's way: the
amount field takes both and never guesses a different number."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django import forms
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from core.forms import AmountField, normalise_amount


class Form(forms.Form):
    amount = AmountField(max_digits=12, decimal_places=2, min_value=0)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("1234,50", "1234.50"),
        ("1 234,50", "1234.50"),
        ("1\u00a0234,5", "1234.50"),
        ("1.234,50", "1234.50"),
        ("1,234.50", "1234.50"),
        ("1234.50", "1234.50"),
        ("3000", "3000"),
        (" 12,5 ", "12.50"),
    ],
)
def test_the_amount_field_reads_swedish_and_international_notation(typed, expected):
    with translation.override("sv"):
        form = Form({"amount": typed})

        assert form.is_valid(), form.errors
    assert form.cleaned_data["amount"] == Decimal(expected)


@pytest.mark.parametrize("typed", ["12,34,56", "abc", "1,2.3,4", "12,345"])
def test_ambiguous_or_broken_amounts_get_a_swedish_message(typed):
    with translation.override("sv"):
        form = Form({"amount": typed})

        assert not form.is_valid()
        message = form.errors["amount"][0]
    assert message.startswith(("Fyll i", "Säkerställ", "Kontrollera"))


def test_the_amount_field_shows_a_stored_amount_with_a_decimal_comma():
    with translation.override("sv"):
        html = str(Form(initial={"amount": Decimal("3250.50")})["amount"])

    assert 'value="3250,50"' in html
    assert 'inputmode="decimal"' in html


@given(st.decimals(min_value=0, max_value=Decimal("9999999999.99"), places=2))
def test_a_swedish_rendering_of_any_amount_reads_back_as_the_same_amount(amount):
    integer, _, fraction = f"{amount:.2f}".partition(".")
    grouped = f"{int(integer):,}".replace(",", "\u00a0")
    assert Decimal(normalise_amount(f"{grouped},{fraction}")) == amount
