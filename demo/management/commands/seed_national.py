"""`manage.py seed_national [--scale 1.0] [--seed 42]`: the national-scale data set (issue 13).

Expects an empty migrated database (the demo's organisations may be there: they are reused);
refuses to run where children or generated principals already exist. At scale 1.0 it builds
311 principals, 30,000 children, about 40,000 placements, 97,000 meetings, 27,000 agreements
and 250,000 deadlines (see demo/national.py); ``--scale 0.01`` builds a small version."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from demo.national import build_national, generated_data_present, iter_counts


class Command(BaseCommand):
    help = "Build the national-scale data set (bulk inserts) on an empty migrated database."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--scale", type=float, default=1.0, help="Share of the full size.")
        parser.add_argument("--seed", type=int, default=42, help="Random seed (deterministic).")

    def handle(self, *args: Any, **options: Any) -> None:
        scale = options["scale"]
        if not 0 < scale <= 10:
            raise CommandError("The scale lies between 0 and 10.")
        if generated_data_present():
            raise CommandError(
                "The database already has children or the national data set: run "
                "seed_national on an empty migrated database."
            )
        started = time.perf_counter()
        verbose = options["verbosity"] > 1
        counts = build_national(
            scale=scale,
            seed=options["seed"],
            today=timezone.localdate(),
            log=self.stdout.write if verbose else None,
        )
        if connection.vendor == "postgresql":
            # Planner statistics for the tables just filled: without them PostgreSQL plans for
            # empty tables until autovacuum gets round to them (a real installation has them).
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        elapsed = time.perf_counter() - started
        if options["verbosity"] > 0:
            for name, count in iter_counts(counts):
                self.stdout.write(f"  {name:<24} {count:>9,}".replace(",", " "))
            self.stdout.write(self.style.SUCCESS(f"National data set built in {elapsed:.1f} s."))
