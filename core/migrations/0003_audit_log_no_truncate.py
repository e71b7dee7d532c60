"""On PostgreSQL, make TRUNCATE of the audit log fail too (a statement-level trigger).

The row trigger of 0002 refuses UPDATE and DELETE; TRUNCATE fires no row trigger. Together
with the application role, which owns nothing and may only INSERT and SELECT the table
(``manage.py grant_app_role``), nobody but the table's owner can erase the log, and the owner
only on purpose.

The one exception is the test suite: Django empties every table between transactional tests
with one TRUNCATE. The test settings set ``placeringar.allow_audit_truncate`` for their
connection; production never does, and the application role could not use it anyway (it holds
no TRUNCATE privilege, which PostgreSQL checks before any trigger runs).
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION core_auditevent_no_truncate() RETURNS trigger AS $$
BEGIN
    IF coalesce(current_setting('placeringar.allow_audit_truncate', true), '') = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'The audit log is append-only: TRUNCATE is not allowed';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER core_auditevent_no_truncate
    BEFORE TRUNCATE ON core_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION core_auditevent_no_truncate();
"""

DROP = """
DROP TRIGGER IF EXISTS core_auditevent_no_truncate ON core_auditevent;
DROP FUNCTION IF EXISTS core_auditevent_no_truncate();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_audit_log_append_only_trigger")]

    operations = [migrations.RunPython(forwards, backwards)]
