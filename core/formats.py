"""Swedish display formats, one place for pages, the PDF and exports (issue 12).

Amounts: a (no-break) space as thousands separator and a decimal comma, ``936 833,33``;
percent without trailing zeros, ``25`` or ``33,33``; dates ``ÅÅÅÅ-MM-DD``; times in
Europe/Stockholm with the zone where it matters (``2026-12-03 14:05 CET``).
The English interface keeps the same figures: the data are Swedish money and dates.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils import timezone

NBSP = "\u00a0"  # keeps "1 250 kr" on one line
XLSX_AMOUNT_FORMAT = "# ##0.00"  # Excel shows the locale's separators for a number format
XLSX_PERCENT_FORMAT = "0.##"


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def format_amount(value: Any, *, decimals: int = 2, unit: str = "") -> str:
    """``Decimal("936833.333")`` → ``"936 833,33"`` (with ``unit="kr"``: ``"936 833,33 kr"``).
    Whole amounts keep their decimals (``"1 250,00"``) so that columns line up; pass
    ``decimals=0`` for rounded kronor. Anything not a number is returned as text."""
    number = _decimal(value)
    if number is None:
        return "" if value is None else str(value)
    quantum = Decimal(1).scaleb(-decimals)
    number = number.quantize(quantum, rounding=ROUND_HALF_UP)
    sign = "−" if number < 0 else ""  # a real minus sign, as Swedish typography has it
    whole, _, fraction = f"{abs(number):f}".partition(".")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    text = sign + NBSP.join(groups) + ("," + fraction if fraction else "")
    return f"{text}{NBSP}{unit}" if unit else text


def format_percent(value: Any, *, unit: bool = True) -> str:
    """``Decimal("25.000")`` → ``"25 %"``, ``Decimal("33.3300")`` → ``"33,33 %"``."""
    number = _decimal(value)
    if number is None:
        return "" if value is None else str(value)
    number = number.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP).normalize()
    text = f"{number:f}".replace(".", ",").replace("-", "−")
    return f"{text}{NBSP}%" if unit else text


def format_date(value: date | datetime | None) -> str:
    """ÅÅÅÅ-MM-DD; a datetime is shown as its local date."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.strftime("%Y-%m-%d")
    return value.strftime("%Y-%m-%d")


def format_datetime(value: datetime | None, *, zone: bool = True) -> str:
    """Local time in Europe/Stockholm, ``2026-12-03 14:05 CET`` (CEST in summer)."""
    if value is None:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    text = value.strftime("%Y-%m-%d %H:%M")
    return f"{text} {value.tzname()}" if zone and value.tzname() else text
