"""`manage.py create_dev_pki`: a development CA and a signing certificate per principal."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from agreements.signing.pki import PkiPaths, create_ca, create_principal_certificate
from organisations.models import Principal


class Command(BaseCommand):
    help = "Create the development PKI (CA, timestamping unit, one certificate per principal)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--force", action="store_true", help="Replace existing keys.")

    def handle(self, *args: Any, **options: Any) -> None:
        paths = PkiPaths(settings.SIGNING_KEY_DIR)
        now = timezone.now()
        force = options["force"]
        if create_ca(paths, now=now, force=force):
            self.stdout.write(f"Created the development CA in {paths.root}")
            force = True  # new CA: reissue every principal certificate
        count = 0
        for principal in Principal.objects.all():
            count += create_principal_certificate(
                paths,
                organisation_number=principal.organisation_number,
                name=principal.name,
                passphrase=settings.SIGNING_KEY_PASSPHRASE.encode(),
                now=now,
                force=force,
            )
        self.stdout.write(f"Issued {count} principal certificate(s).")
