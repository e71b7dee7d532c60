"""`manage.py import_principal file.zip`: restore a principal's export into an empty
installation (issue 15; exports/importer.py). Refuses if the database already holds data."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from ...importer import ImportRefused, import_principal


class Command(BaseCommand):
    help = "Restore a principal's export (export_principal) into an empty installation."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="The zip file written by export_principal.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = import_principal(options["file"])
        except ImportRefused as exc:
            raise CommandError(str(exc)) from exc
        if options["verbosity"] > 0:
            for label, count in result.counts.items():
                self.stdout.write(f"  {label:<48} {count:>9}")
            self.stdout.write(
                self.style.SUCCESS(
                    f"Restored the export of {result.principal}. Users set a new password "
                    "(password reset) before they sign in."
                )
            )
