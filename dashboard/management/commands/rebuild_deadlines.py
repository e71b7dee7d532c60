"""`manage.py rebuild_deadlines`: recompute the whole deadline table (after a rule-set change),
in chunks of objects, one transaction per chunk (issue 13)."""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from dashboard.sync import CHUNK_SIZE, rebuild_all


class Command(BaseCommand):
    help = "Recompute every deadline from the records."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--chunk-size", type=int, default=CHUNK_SIZE)

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        count = rebuild_all(chunk_size=max(1, options["chunk_size"]))
        self.stdout.write(f"{count} deadlines ({time.perf_counter() - started:.1f} s).")
