"""Users get a home principal (issue 10, admin scoping); the second-factor devices get a
Swedish-named proxy for the admin; the e-mail field a Swedish "already taken" message."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("organisations", "0001_organisations_people_mandates"),
        ("otp_totp", "0003_add_timestamps"),
    ]

    operations = [
        migrations.CreateModel(
            name="AuthenticatorDevice",
            fields=[],
            options={
                "verbose_name": "authenticator app",
                "verbose_name_plural": "authenticator apps",
                "proxy": True,
                "indexes": [],
                "constraints": [],
            },
            bases=("otp_totp.totpdevice",),
        ),
        migrations.AddField(
            model_name="user",
            name="home_principal",
            field=models.ForeignKey(
                blank=True,
                help_text="The principal that created the user or last gave them a membership. Only its administrators manage the user.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="home_users",
                to="organisations.principal",
                verbose_name="home principal",
            ),
        ),
        migrations.AlterField(
            model_name="user",
            name="email",
            field=models.EmailField(
                error_messages={"unique": "A user with this e-mail address already exists."},
                max_length=254,
                unique=True,
                verbose_name="e-mail address",
            ),
        ),
    ]
