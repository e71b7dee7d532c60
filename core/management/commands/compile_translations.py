"""Compile locale/*/LC_MESSAGES/*.po to .mo with polib, so no system gettext is needed."""

from __future__ import annotations

from typing import Any

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Compile the project's translation catalogues (.po -> .mo) without GNU gettext."

    def handle(self, *args: Any, **options: Any) -> None:
        count = 0
        for locale_dir in settings.LOCALE_PATHS:
            for po_path in sorted(locale_dir.glob("*/LC_MESSAGES/*.po")):
                po = polib.pofile(str(po_path))
                po.save_as_mofile(str(po_path.with_suffix(".mo")))
                count += 1
        self.stdout.write(f"Compiled {count} catalogue(s).")
