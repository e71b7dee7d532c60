"""R-COST-1 (L15): an agreement line states the kind of its intervention (health care, social
services, school) and, when its principal departs from the main rule, the reason. Existing
lines take the kind of the SIP intervention they link (health care, a school unit's, else
social services) or, unlinked, the kind their principal bears by the main rule. No reason is
invented: a draft that departs from the main rule is asked for one when it is next saved."""

from __future__ import annotations

from typing import Any

from django.db import migrations, models


def fill_kind(apps: Any, schema_editor: Any) -> None:
    AgreementLine = apps.get_model("agreements", "AgreementLine")
    for line in AgreementLine.objects.select_related(
        "intervention__responsible_unit", "responsible_principal"
    ):
        item = line.intervention
        if item is not None:
            if item.is_health_care:
                kind = "health_care"
            elif item.responsible_unit is not None and item.responsible_unit.kind == "school":
                kind = "school"
            else:
                kind = "social"
        else:
            kind = "health_care" if line.responsible_principal.kind == "region" else "social"
        if kind != line.kind:
            line.kind = kind
            line.save(update_fields=["kind"])


class Migration(migrations.Migration):
    dependencies = [
        ("agreements", "0005_fill_effective_from_by_the_old_rule"),
    ]

    operations = [
        migrations.AddField(
            model_name="agreementline",
            name="deviation_reason",
            field=models.TextField(
                blank=True,
                help_text="Only when the line departs from the main rule (L15).",
                verbose_name="reason the other principal bears it",
            ),
        ),
        migrations.AddField(
            model_name="agreementline",
            name="kind",
            field=models.CharField(
                choices=[
                    ("social", "Social services"),
                    ("school", "School"),
                    ("health_care", "Health care"),
                ],
                default="social",
                max_length=20,
                verbose_name="kind of intervention",
            ),
            preserve_default=False,
        ),
        migrations.RunPython(fill_kind, migrations.RunPython.noop, elidable=True),
        migrations.AddConstraint(
            model_name="agreementline",
            constraint=models.CheckConstraint(
                condition=models.Q(("kind__in", ["social", "school", "health_care"])),
                name="agreement_line_kind_valid",
            ),
        ),
    ]
