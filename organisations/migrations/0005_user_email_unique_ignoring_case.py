"""E-mail addresses are unique without regard to case, in the database too."""

import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("organisations", "0004_lowercase_user_emails")]

    operations = [
        migrations.AddConstraint(
            model_name="user",
            constraint=models.UniqueConstraint(
                django.db.models.functions.text.Lower("email"),
                name="user_email_unique_ignoring_case",
                violation_error_code="email_taken",
                violation_error_message="A user with this e-mail address already exists.",
            ),
        ),
    ]
