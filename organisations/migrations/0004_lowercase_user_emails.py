"""Store every e-mail address lowercased and stripped (issue 10: sign-in ignores case).

Two accounts whose addresses differ only in case cannot both keep their address: the
migration stops and names them, and someone decides which one stays.
"""

from django.db import migrations


def lowercase_emails(apps, schema_editor):
    User = apps.get_model("organisations", "User")
    seen: dict[str, int] = {}
    clashes: list[str] = []
    changes: list[tuple[int, str]] = []
    for pk, email in User.objects.order_by("pk").values_list("pk", "email"):
        normalised = (email or "").strip().lower()
        if normalised in seen:
            clashes.append(f"{email!r} (id {pk}) and id {seen[normalised]}")
            continue
        seen[normalised] = pk
        if normalised != email:
            changes.append((pk, normalised))
    if clashes:
        raise RuntimeError(
            "These users' e-mail addresses differ only in case; merge or rename them "
            "before migrating: " + "; ".join(clashes)
        )
    for pk, normalised in changes:
        User.objects.filter(pk=pk).update(email=normalised)


class Migration(migrations.Migration):
    dependencies = [("organisations", "0003_fill_user_home_principal")]

    operations = [migrations.RunPython(lowercase_emails, migrations.RunPython.noop)]
