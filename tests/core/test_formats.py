"""Swedish display formats (issue 12): amounts, percent, dates and local times."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.template import Context, Template

from core.formats import NBSP, format_amount, format_date, format_datetime, format_percent


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("936833.333"), f"936{NBSP}833,33"),
        (Decimal("1250"), f"1{NBSP}250,00"),
        (Decimal("999.995"), f"1{NBSP}000,00"),
        (Decimal("0"), "0,00"),
        (Decimal("12"), "12,00"),
        (Decimal("-1234567.5"), f"−1{NBSP}234{NBSP}567,50"),
        (1000000, f"1{NBSP}000{NBSP}000,00"),
    ],
)
def test_amounts_have_space_separators_and_decimal_comma(value, expected):
    assert format_amount(value) == expected


def test_amount_in_whole_kronor_with_unit():
    assert (
        format_amount(Decimal("2810500.4"), decimals=0, unit="kr") == f"2{NBSP}810{NBSP}500{NBSP}kr"
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("25.000"), f"25{NBSP}%"),
        (Decimal("33.3300"), f"33,33{NBSP}%"),
        (Decimal("33.333"), f"33,33{NBSP}%"),
        (Decimal("100"), f"100{NBSP}%"),
        (Decimal("0.5"), f"0,5{NBSP}%"),
    ],
)
def test_percent_without_trailing_zeros(value, expected):
    assert format_percent(value) == expected


def test_dates_and_local_times():
    assert format_date(date(2026, 3, 4)) == "2026-03-04"
    # 23:30 UTC on 31 Dec is already the next day in Stockholm (CET, UTC+1).
    assert format_date(datetime(2026, 12, 31, 23, 30, tzinfo=UTC)) == "2027-01-01"
    assert format_datetime(datetime(2026, 12, 3, 13, 5, tzinfo=UTC)) == "2026-12-03 14:05 CET"
    assert format_datetime(datetime(2026, 7, 1, 10, 0, tzinfo=UTC)) == "2026-07-01 12:00 CEST"


def test_template_filters():
    out = Template(
        "{% load core_tags %}{{ a|kr }}|{{ a|kr:0 }}|{{ p|percent }}|{{ n|kr }}|{{ d|sv_date }}"
    ).render(
        Context(
            {"a": Decimal("936833.33"), "p": Decimal("25.000"), "n": None, "d": date(2026, 1, 2)}
        )
    )
    assert out == f"936{NBSP}833,33{NBSP}kr|936{NBSP}833{NBSP}kr|25{NBSP}%||2026-01-02"
