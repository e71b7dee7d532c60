"""Give every existing user a home principal (issue 10, admin scoping).

The principal of the user's latest membership; without memberships, the principal of the
latest financial mandate; superusers and users with neither stay without one (only a
superuser sees them in the admin).
"""

from django.db import migrations


def fill_home_principals(apps, schema_editor):
    User = apps.get_model("organisations", "User")
    Membership = apps.get_model("organisations", "Membership")
    FinancialMandate = apps.get_model("organisations", "FinancialMandate")
    for user in User.objects.filter(home_principal__isnull=True, is_superuser=False):
        principal_id = (
            Membership.objects.filter(user_id=user.pk)
            .order_by("-pk")
            .values_list("unit__principal_id", flat=True)
            .first()
        )
        if principal_id is None:
            principal_id = (
                FinancialMandate.objects.filter(user_id=user.pk)
                .order_by("-pk")
                .values_list("principal_id", flat=True)
                .first()
            )
        if principal_id is not None:
            User.objects.filter(pk=user.pk).update(home_principal_id=principal_id)


class Migration(migrations.Migration):
    dependencies = [("organisations", "0002_user_home_principal_and_authenticator_device")]

    operations = [migrations.RunPython(fill_home_principals, migrations.RunPython.noop)]
