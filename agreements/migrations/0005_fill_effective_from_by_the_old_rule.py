"""R-PLAC-3: every version states its effective date. Existing versions without one get what
the rule before it implied: a planned placement, or an acute one both principals agreed applies
from the start, from the placement start (once sent); any other acute version from the day both
had signed. An acute version still awaiting signatures keeps none: the document being signed
says "from the day both principals have signed", and the signing services give it that day. A
draft gets the new default (the cost meeting's day) when it is saved or sent."""

from __future__ import annotations

from typing import Any

from django.db import migrations
from django.utils import timezone


def fill_effective_from(apps: Any, schema_editor: Any) -> None:
    AgreementVersion = apps.get_model("agreements", "AgreementVersion")
    versions = AgreementVersion.objects.filter(
        effective_from__isnull=True, number=1
    ).select_related("agreement__placement")
    for version in versions:
        placement = version.agreement.placement
        if not placement.is_acute or version.applies_from_start:
            if version.status == "draft":
                continue
            version.effective_from = placement.actual_start or placement.planned_start
        elif version.signed_at is not None:
            version.effective_from = timezone.localdate(version.signed_at)
        else:
            continue
        version.save(update_fields=["effective_from"])


class Migration(migrations.Migration):
    dependencies = [
        ("agreements", "0004_dates_in_plausible_range"),
    ]

    operations = [
        migrations.RunPython(fill_effective_from, migrations.RunPython.noop, elidable=True),
    ]
