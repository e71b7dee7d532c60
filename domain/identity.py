"""Swedish identity numbers: personnummer and samordningsnummer (issue 3, "Children and guardians").

A child is stored by the normalised 12-digit form ``YYYYMMDDNNNN``: birth date, a three-digit
serial and a Luhn check digit computed over the last ten digits (``YYMMDDNNN``). A
samordningsnummer (coordination number, for people who are not and have not been folkbokförda in
Sweden) has the same shape with 60 added to the day of birth: day 61–91 stands for day 1–31.

Input is accepted in 10 or 12 digits, with or without the separator ``-`` or ``+``, with spaces
around it. In the 10-digit form the separator carries the century: ``-`` for people under 100, and
``+`` from the calendar year a person turns 100 (Folkbokföringslagen (1991:481) 18 §).

python-stdnum supplies the Luhn check (``stdnum.luhn``). Its ``stdnum.se.personnummer`` is not used
for the date: it reads the wall clock (``date.today()``) to infer the century, compares only the
year (so a ``-`` number whose birthday is later this year lands in the future), and rejects every
samordningsnummer as an impossible date. Here the date is passed in as ``today`` and coordination
numbers are understood.
"""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum

from stdnum import luhn

from .deadlines import add_months

COORDINATION_DAY_OFFSET = 60
"""A samordningsnummer adds 60 to the day of birth."""

MAX_AGE_YEARS = 130
"""A birth date further back than this is taken for a typing error in the century digits."""

_INPUT = re.compile(
    r"(?P<century>[0-9]{2})?(?P<birth>[0-9]{6})(?P<separator>[-+]?)(?P<serial>[0-9]{4})"
)
_NORMALISED = re.compile(r"[0-9]{12}")


class IdentityErrorCode(StrEnum):
    """Why an identity number was refused. The Django layer turns each code into a Swedish
    message next to the field."""

    FORMAT = "format"
    """Not 10 or 12 digits with at most one ``-`` or ``+`` before the last four digits
    (letters, too few or too many digits, the separator in the wrong place)."""

    DATE = "date"
    """The digits do not give a possible birth date: no such date (30 February, month 13, a
    samordningsnummer day outside 61–91), a birth date after today, or one more than
    ``MAX_AGE_YEARS`` years before today."""

    CHECKSUM = "checksum"
    """The last digit is not the Luhn check digit of the ten digits ``YYMMDDNNN``: a digit was
    mistyped or two neighbouring digits swapped."""


_MESSAGES: dict[IdentityErrorCode, str] = {
    IdentityErrorCode.FORMAT: "An identity number has 10 or 12 digits.",
    IdentityErrorCode.DATE: "The identity number does not contain a possible birth date.",
    IdentityErrorCode.CHECKSUM: "The check digit of the identity number is wrong.",
}


class InvalidIdentityNumber(ValueError):  # noqa: N818 - reads as the fact it reports
    """The input is not a valid personnummer or samordningsnummer; ``code`` says why."""

    def __init__(self, code: IdentityErrorCode | str) -> None:
        self.code = IdentityErrorCode(code)
        super().__init__(_MESSAGES[self.code])


def _calendar_day(day_field: int) -> int:
    """The day of the month that the day field stands for (61–91 in a samordningsnummer)."""
    return day_field - COORDINATION_DAY_OFFSET if day_field > COORDINATION_DAY_OFFSET else day_field


def _date_or_none(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _birth_date_from_ten_digits(
    yy: int, month: int, day: int, *, plus: bool, today: date
) -> date | None:
    """The birth date of a 10-digit number, its century inferred relative to ``today``.

    ``-``: the most recent century in which the birth date is not after today.
    ``+``: the person turns 100 this calendar year or is older, so the most recent year ending in
    ``yy`` that lies at least 100 years before this year (Folkbokföringslagen 18 §: the ``+``
    applies from the calendar year of the 100th birthday, not from the birthday itself).
    """
    latest_year = today.year - (today.year - yy) % 100  # the latest year ≤ this year ending in yy
    if plus:
        return _date_or_none(latest_year - 100, month, day)
    for year in (latest_year, latest_year - 100):
        birth = _date_or_none(year, month, day)
        if birth is not None and birth <= today:
            return birth
    return None


def normalise_identity_number(raw: str, *, today: date) -> str:
    """The number as 12 digits ``YYYYMMDDNNNN``, or ``InvalidIdentityNumber`` with its code.

    Accepts ``YYMMDD-NNNN``, ``YYMMDD+NNNN``, ``YYMMDDNNNN`` (read as ``-``), ``YYYYMMDD-NNNN``
    and ``YYYYMMDDNNNN``, with spaces around. A ``+`` in a 12-digit number is accepted and
    ignored: the century is already written out. Checks, in this order: format, date, checksum.
    """
    match = _INPUT.fullmatch(raw.strip())
    if match is None:
        raise InvalidIdentityNumber(IdentityErrorCode.FORMAT)
    six = match["birth"]
    serial = match["serial"]
    month = int(six[2:4])
    day = _calendar_day(int(six[4:6]))
    if match["century"] is None:
        birth = _birth_date_from_ten_digits(
            int(six[0:2]), month, day, plus=match["separator"] == "+", today=today
        )
    else:
        birth = _date_or_none(int(match["century"] + six[0:2]), month, day)
    if birth is None or birth > today or birth < add_months(today, -12 * MAX_AGE_YEARS):
        raise InvalidIdentityNumber(IdentityErrorCode.DATE)
    if luhn.checksum(six + serial) != 0:
        raise InvalidIdentityNumber(IdentityErrorCode.CHECKSUM)
    return f"{birth.year:04d}{six[2:]}{serial}"


def _require_normalised(number12: str) -> str:
    if not _NORMALISED.fullmatch(number12):
        raise ValueError("Expected a normalised 12-digit identity number.")
    return number12


def is_coordination_number(number12: str) -> bool:
    """True for a samordningsnummer (day of birth + 60), False for a personnummer."""
    return int(_require_normalised(number12)[6:8]) > COORDINATION_DAY_OFFSET


def birth_date_of(number12: str) -> date:
    """The birth date in a normalised number (for a samordningsnummer: the day minus 60)."""
    number12 = _require_normalised(number12)
    return date(int(number12[0:4]), int(number12[4:6]), _calendar_day(int(number12[6:8])))


def format_identity_number(number12: str) -> str:
    """``YYYYMMDD-NNNN``: the form shown to users who may see the whole number."""
    number12 = _require_normalised(number12)
    return f"{number12[:8]}-{number12[8:]}"


def mask_identity_number(number12: str) -> str:
    """``YYYYMMDD-XXXX``: the form for lists and audit details (never the whole number)."""
    number12 = _require_normalised(number12)
    return f"{number12[:8]}-XXXX"


def age_on(number12_or_birth_date: str | date, *, on: date) -> int:
    """Age in whole years on the day ``on``.

    A birthday that does not exist in the year (29 February) falls on the last day of the month,
    28 February, as any period counted in years ends under Lag (1930:173) om beräkning av
    lagstadgad tid 2 §; ``add_months`` counts the same way.
    """
    if isinstance(number12_or_birth_date, date):
        birth = number12_or_birth_date
    else:
        birth = birth_date_of(number12_or_birth_date)
    if on < birth:
        raise ValueError("The day is before the birth date.")
    years = on.year - birth.year
    if add_months(birth, 12 * years) > on:
        years -= 1
    return years
