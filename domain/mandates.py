"""R-MEET-3: who may make financial decisions (sign cost agreements) for a principal."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .i18n import gettext_noop as _


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


def ended_mandates(
    mandates: Iterable[Mandate], *, principal_ids: Sequence[int], on: date
) -> list[Mandate]:
    """R-MEET-3: the holder's mandates for these principals that ended before ``on`` (latest
    end first) — but none when one of the holder's mandates for them is valid on the day.
    A signatory whose mandate has ended is told so instead of being offered to sign."""
    own = [m for m in mandates if m.principal_id in principal_ids]
    if any(mandate_is_valid_on(m, on=on) for m in own):
        return []
    ended = [m for m in own if (last := last_valid_day(m)) is not None and last < on]
    return sorted(ended, key=lambda m: last_valid_day(m) or on, reverse=True)


def new_mandate_problems(
    *,
    valid_from: date,
    valid_until: date | None,
    annual_limit: Decimal | None,
    holder_works_for_principal: bool,
) -> dict[str, str]:
    """R-MEET-3: what a new mandate must satisfy, per field (untranslated messages; empty
    when all is well). A mandate lets its holder sign for the principal, so only someone
    who works there may hold one; a limit, if any, is a positive amount."""
    problems: dict[str, str] = {}
    if valid_until is not None and valid_until < valid_from:
        problems["valid_until"] = _("The last day cannot be before the first day.")
    if annual_limit is not None and annual_limit <= 0:
        problems["annual_limit"] = _("The annual limit must be more than 0 kronor, or left empty.")
    if not holder_works_for_principal:
        problems["user"] = _("The person must be a member of one of the principal's units.")
    return problems


def principals_with_valid_mandate(mandates: Iterable[Mandate], *, on: date) -> set[int]:
    """R-MEET-3: the principals the holder may make financial decisions for on the day."""
    return {m.principal_id for m in mandates if mandate_is_valid_on(m, on=on)}
