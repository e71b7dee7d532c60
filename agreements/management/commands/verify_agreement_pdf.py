"""`manage.py verify_agreement_pdf FILE`: is it an unmodified agreement signed by this system?"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from agreements.signatures import known_hashes
from agreements.signing.pades import verify


class Command(BaseCommand):
    help = "Verify a signed agreement PDF against the deployment's CA and stored hashes."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path")

    def handle(self, *args: Any, **options: Any) -> None:
        data = Path(options["path"]).read_bytes()
        result = verify(data, known_hashes=known_hashes())
        for sig in result.signatures:
            self.stdout.write(
                f"- {sig.field_name}: {sig.signer} intact={sig.intact} trusted={sig.trusted} "
                f"coverage={sig.coverage}"
            )
        self.stdout.write(f"sha256={result.sha256}")
        if not result.valid:
            raise CommandError("NOT VALID: " + ", ".join(result.reasons))
        self.stdout.write(self.style.SUCCESS("VALID"))
