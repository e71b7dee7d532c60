"""A meeting is recorded as held once it has taken place.

Found by exploratory reviews: a SIP meeting booked for next week, and later one for 09:00 the
same morning while it was 01:05, were recorded as held; the first met R-SIP-1's deadline by
accident, and an agreement was signed on a cost meeting "held" hours later (R-MEET-1). The
SIP services ask it with R-SIP-1, the agreement services with R-MEET-1. Also here: a meeting
ends after it starts."""

from __future__ import annotations

from datetime import date, datetime

from .errors import RuleViolation
from .i18n import gettext_noop as _


def check_ends_after_start(*, started_at: datetime, ended_at: datetime | None, rule: str) -> None:
    """A meeting's end, when given, after its start (the SIP services ask it with their rule,
    the agreement services with R-MEET-1)."""
    if ended_at is not None and ended_at <= started_at:
        raise RuleViolation(rule, _("The meeting must end after it starts."), field="ended_at")


def check_has_taken_place(
    *, started_at: datetime, ended_at: datetime | None, now: datetime, rule: str
) -> None:
    """Its start, and its end when given, not after ``now`` (aware datetimes)."""
    if started_at > now:
        raise RuleViolation(
            rule,
            _("A meeting cannot be recorded as held before it has taken place."),
            field="started_at",
        )
    if ended_at is not None and ended_at > now:
        raise RuleViolation(
            rule,
            _("A meeting cannot be recorded as held before it has ended."),
            field="ended_at",
        )


def may_record_as_held(*, scheduled_on: date, today: date) -> bool:
    """Whether a booked meeting may be offered for recording as held: from its day on (before
    it, ``check_has_taken_place`` would refuse it). The SIP page's next step and its list of
    meetings both ask this."""
    return scheduled_on <= today
