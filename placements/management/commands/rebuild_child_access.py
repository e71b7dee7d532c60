"""`manage.py rebuild_child_access`: recompute the access table (who sees which child) from the
records, one transaction per chunk of children (issue 13). The services keep it as they go;
this is for bulk writes that bypass them, and for repair after ``check_child_access``."""

import time
from typing import Any

from django.core.management.base import BaseCommand

from placements import access


class Command(BaseCommand):
    help = "Recompute who sees which child from the records."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        count = access.rebuild()
        self.stdout.write(f"{count} access rows ({time.perf_counter() - started:.1f} s).")
