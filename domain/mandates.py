"""R-MEET-3: who may make financial decisions (sign cost agreements) for a principal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class Mandate:
    principal_id: int
    valid_from: date
    valid_until: date | None  # last day as registered; None = until further notice
    ended_on: date | None  # last day after an early end; None = not ended
    annual_limit: Decimal | None  # SEK per year; None = no limit


def last_valid_day(mandate: Mandate) -> date | None:
    """The last day the mandate is valid, taking an early end into account."""
    days = [d for d in (mandate.valid_until, mandate.ended_on) if d is not None]
    return min(days) if days else None


def mandate_is_valid_on(mandate: Mandate, *, on: date) -> bool:
    """R-MEET-3: a mandate is valid from its first day to its last day, both included."""
    if on < mandate.valid_from:
        return False
    last = last_valid_day(mandate)
    return last is None or on <= last


def mandate_covers(
    mandate: Mandate, *, principal_id: int, on: date, annual_amount: Decimal
) -> bool:
    """R-MEET-3: the mandate is for this principal, valid on the day and large enough."""
    if mandate.principal_id != principal_id or not mandate_is_valid_on(mandate, on=on):
        return False
    return mandate.annual_limit is None or annual_amount <= mandate.annual_limit
