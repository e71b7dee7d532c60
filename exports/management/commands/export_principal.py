"""`manage.py export_principal <id or organisation number> --output file.zip`: everything the
principal holds as a zip of JSON Lines files and PDFs (issue 15; exports/archive.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation

from organisations.models import Principal

from ...services import export_filename, principal_by_reference, principal_export_start


class Command(BaseCommand):
    help = "Export everything a principal holds as a zip (JSON Lines, README, PDFs, manifest)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("principal", help="The principal's id or organisation number.")
        parser.add_argument(
            "--output", "-o", help="The zip file to write (default: export-<number>-<date>.zip)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            principal = principal_by_reference(options["principal"])
        except Principal.DoesNotExist as exc:
            raise CommandError(f"No principal {options['principal']!r}.") from exc
        output = Path(options["output"] or export_filename(principal, on=timezone.localdate()))
        partial = output.with_name(output.name + ".part")
        size = 0
        with translation.override(settings.LANGUAGE_CODE):
            chunks = principal_export_start(principal=principal, via="export_principal")
            with partial.open("wb") as out:
                for chunk in chunks:
                    out.write(chunk)
                    size += len(chunk)
        partial.replace(output)
        if options["verbosity"] > 0:
            self.stdout.write(
                self.style.SUCCESS(f"Exported {principal.name} to {output} ({size:,} bytes).")
            )
