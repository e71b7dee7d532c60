"""`manage.py send_reminders`: the daily digest (run by cron once a day, see README)."""

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from dashboard.reminders import send_reminders


class Command(BaseCommand):
    help = "Send each person at most one e-mail digest of their deadlines today."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--date", help="Pretend today is this date (YYYY-MM-DD).")

    def handle(self, *args: Any, **options: Any) -> None:
        today = date.fromisoformat(options["date"]) if options["date"] else timezone.localdate()
        self.stdout.write(f"{send_reminders(today=today)} digest(s) sent.")
