"""Domain exceptions. Messages are Swedish-ready keys the views translate via gettext."""

from __future__ import annotations


class RuleViolation(Exception):  # noqa: N818 - a rule, not an "error" in the program
    """A rule of DOMAIN.md would be broken. ``rule`` is its ID, ``field`` the form field if any."""

    def __init__(self, rule: str, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.rule = rule
        self.message = message
        self.field = field
