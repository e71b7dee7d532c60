"""`manage.py escalate_disputes`: the daily run of R-DISP-1. Every open dispute still at the
sub-regional level after its 30 days goes directly to the regional level, recorded as an
automatic step. Safe to run on several nodes at once and more than once a day."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from agreements.disputes import escalate_overdue


class Command(BaseCommand):
    help = "Pass disputes unsolved for 30 days at the sub-regional level to the regional level."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--date", help="The day to run for (YYYY-MM-DD); today by default.")

    def handle(self, *args: Any, **options: Any) -> None:
        today = None
        if options.get("date"):
            try:
                today = date.fromisoformat(options["date"])
            except ValueError as error:
                raise CommandError(f"--date: {error}") from error
        moved = escalate_overdue(today=today)
        self.stdout.write(f"{len(moved)} dispute(s) passed to the regional level.")
