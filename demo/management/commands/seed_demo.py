"""`manage.py seed_demo`: demo organisations, people and cases. Safe to run again."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from agreements.demo import seed_cases
from dashboard.sync import rebuild_all
from deviations.demo import seed_deviations
from organisations.demo import DEMO_PASSWORD, DEMO_TOTP_KEYS, seed_organisations, totp_base32
from placements.demo import seed_children


class Command(BaseCommand):
    help = "Load the demo data (idempotent)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--quiet-logins", action="store_true", help="Do not print logins.")

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        users = seed_organisations()
        for seeder in self._app_seeders():
            seeder()
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        if not options["quiet_logins"]:
            self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD})\n")
            for user in users:
                self.stdout.write(f"  {user.email:<40} {user.note}")
            self.stdout.write("\nTOTP secrets of the signatories (phone app, or oathtool):")
            for email, key in DEMO_TOTP_KEYS.items():
                self.stdout.write(f"  {email:<40} oathtool --totp -b {totp_base32(key)}")

    def _app_seeders(self) -> list[Any]:
        """Each app's demo data, in dependency order (this app sits above them all)."""
        today = timezone.localdate()
        return [
            lambda: seed_children(today=today),
            lambda: seed_cases(today=today),
            lambda: seed_deviations(today=today),
            rebuild_all,
        ]
