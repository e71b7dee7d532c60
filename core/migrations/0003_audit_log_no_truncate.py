"""On PostgreSQL, make TRUNCATE of the audit log fail too (a statement-level trigger).

The row trigger of 0002 refuses UPDATE and DELETE; TRUNCATE fires no row trigger. Together
with the application role that holds only INSERT and SELECT on the table and owns nothing
(``manage.py grant_app_role``), nobody but the table's owner can erase the log.
"""

from django.db import migrations

CREATE = """
CREATE TRIGGER core_auditevent_no_truncate
    BEFORE TRUNCATE ON core_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION core_auditevent_append_only();
"""

DROP = "DROP TRIGGER IF EXISTS core_auditevent_no_truncate ON core_auditevent;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_audit_log_append_only_trigger")]

    operations = [migrations.RunPython(forwards, backwards)]
