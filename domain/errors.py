"""Domain exceptions. Messages are Swedish-ready keys the views translate via gettext."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class RuleViolation(Exception):  # noqa: N818 - a rule, not an "error" in the program
    """A rule of DOMAIN.md would be broken. ``rule`` is its ID, ``field`` the form field if any."""

    def __init__(self, rule: str, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.rule = rule
        self.message = message
        self.field = field


class RuleViolations(RuleViolation):
    """Several rules broken by one submission, reported together so that the user sees every
    error at once (issue 12). Behaves as its first violation where one is expected."""

    def __init__(self, violations: list[RuleViolation]) -> None:
        first = violations[0]
        super().__init__(first.rule, first.message, field=first.field)
        self.violations = list(violations)


def violations_of(error: RuleViolation) -> list[RuleViolation]:
    """The single violations inside ``error`` (itself when it is one)."""
    return list(getattr(error, "violations", [error]))


class Violations:
    """Collects the violations of independent checks, then raises them together:

        found = Violations()
        found.check(rules.check_two_meetings, sip_meeting=..., cost_meeting=...)
        if ended_at <= started_at:
            found.add("R-MEET-1", _("The meeting must end after it starts."), field="ended_at")
        found.raise_if_any()

    Checks that depend on an earlier one passing stay sequential (call them after
    ``raise_if_any``)."""

    def __init__(self) -> None:
        self.items: list[RuleViolation] = []

    def add(self, rule: str, message: str, *, field: str | None = None) -> None:
        self.items.append(RuleViolation(rule, message, field=field))

    def check(self, check: Callable[..., object], /, *args: Any, **kwargs: Any) -> None:
        try:
            check(*args, **kwargs)
        except RuleViolation as error:
            self.items.extend(violations_of(error))

    def __bool__(self) -> bool:
        return bool(self.items)

    def raise_if_any(self) -> None:
        if len(self.items) == 1:
            raise self.items[0]
        if self.items:
            raise RuleViolations(self.items)
