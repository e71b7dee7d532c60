"""`manage.py check_child_access`: compare the access table with the records (issue 13); exits
with status 1 and lists the differences when they disagree (run ``rebuild_child_access``)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from placements import access


class Command(BaseCommand):
    help = "Compare who sees which child in the access table with the records."

    def handle(self, *args: Any, **options: Any) -> None:
        missing, extra = access.differences()
        for label, rows in (("missing", missing), ("extra", extra)):
            for child, unit, user, ends_on, source in sorted(rows, key=str)[:50]:
                holder = f"unit {unit}" if unit is not None else f"user {user}"
                until = f" until {ends_on}" if ends_on else ""
                self.stdout.write(f"{label}: child {child} ← {holder} ({source}{until})")
        if missing or extra:
            raise CommandError(
                f"The access table differs from the records: {len(missing)} missing, "
                f"{len(extra)} extra rows. Run `manage.py rebuild_child_access`."
            )
        self.stdout.write("The access table matches the records.")
