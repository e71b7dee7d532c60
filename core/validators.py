"""The plausible range of every date the application accepts (issue 10).

Nothing in this domain happens before 1900 or after 2100: a child born in 1900 would be far past
20, and no deadline or agreement reaches past 2100. Holding every entered date to this range keeps
0001-01-01 out of the database and keeps the deadline arithmetic (which adds days and months)
far from ``date.max``. The form fields in ``core.forms`` and the model fields use these.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

DATE_MIN = date(1900, 1, 1)
DATE_MAX = date(2100, 12, 31)

DATE_RANGE_MESSAGE = _("Enter a date between %(min)s and %(max)s.")


def date_in_range(value: date) -> bool:
    if isinstance(value, datetime):
        try:
            value = timezone.localtime(value) if timezone.is_aware(value) else value
        except OverflowError:  # near date.min or date.max the conversion leaves the calendar
            return False
        value = value.date()
    return DATE_MIN <= value <= DATE_MAX


def validate_plausible_date(value: date) -> None:
    """A date (or a datetime, by its local date) between 1900-01-01 and 2100-12-31."""
    if value is not None and not date_in_range(value):
        raise ValidationError(
            DATE_RANGE_MESSAGE,
            code="date_range",
            params={"min": DATE_MIN.isoformat(), "max": DATE_MAX.isoformat()},
        )


def validate_not_negative(value: Decimal) -> None:
    """An amount of money is nought or more (Django's MinValueValidator would say "greater
    than or equal to 0.00", with a decimal point in a Swedish sentence)."""
    if value is not None and value < 0:
        raise ValidationError(_("The amount cannot be negative."), code="min_value")
