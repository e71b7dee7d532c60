"""`manage.py rebuild_deadlines`: recompute the whole deadline table (after a rule-set change)."""

from typing import Any

from django.core.management.base import BaseCommand

from dashboard.sync import rebuild_all


class Command(BaseCommand):
    help = "Recompute every deadline from the records."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"{rebuild_all()} deadlines.")
