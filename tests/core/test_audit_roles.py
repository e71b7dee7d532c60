"""Issue 10: nobody can erase the audit log. The application connects as a role that owns
nothing and may only INSERT and SELECT audit rows (``manage.py grant_app_role``); a statement
trigger refuses TRUNCATE even to the owner. PostgreSQL only: SQLite has no roles."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from core.audit import audit_record
from core.models import AuditAction, AuditEvent

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="database roles: PostgreSQL"),
]

APP_ROLE = "placeringar_test_app"
TABLE = AuditEvent._meta.db_table


@pytest.fixture
def app_role() -> str:
    """A NOLOGIN, non-superuser role (cluster-wide, so created once and kept) with the grants."""
    with connection.cursor() as cursor:
        cursor.execute(
            "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = %s) THEN "
            f"CREATE ROLE {APP_ROLE} NOLOGIN NOSUPERUSER NOINHERIT; END IF; END $$",
            [APP_ROLE],
        )
    call_command("grant_app_role", APP_ROLE, stdout=None)
    return APP_ROLE


@pytest.fixture
def as_app_role(app_role) -> Iterator[None]:
    """Run the test body as the application role; back to the owner afterwards."""
    with connection.cursor() as cursor:
        cursor.execute(f"SET ROLE {app_role}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")


@pytest.fixture
def event(gbg_caseworker, gbg_social):
    return audit_record(
        action=AuditAction.VIEW, user=gbg_caseworker, unit=gbg_social, object_type="test.thing"
    )


def _refused(statement: str) -> bool:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    except DatabaseError:
        return True
    return False


def test_the_application_role_may_insert_and_read_audit_rows(as_app_role, gbg_caseworker):
    written = audit_record(action=AuditAction.VIEW, user=gbg_caseworker, object_type="x.y")

    assert AuditEvent.objects.filter(pk=written.pk).exists()


def test_the_application_role_may_change_ordinary_tables(as_app_role, gbg_caseworker):
    gbg_caseworker.first_name = "Ändrad"
    gbg_caseworker.save(update_fields=["first_name"])

    gbg_caseworker.refresh_from_db()
    assert gbg_caseworker.first_name == "Ändrad"


@pytest.mark.parametrize(
    "statement",
    [
        f"UPDATE {TABLE} SET action = 'update'",
        f"DELETE FROM {TABLE}",
        f"TRUNCATE {TABLE}",
        f"TRUNCATE {TABLE} CASCADE",
        # Setting the test suite's escape does not help a role without the TRUNCATE privilege.
        f"SET LOCAL placeringar.allow_audit_truncate = on; TRUNCATE {TABLE}",
        f"ALTER TABLE {TABLE} DISABLE TRIGGER ALL",
        f"ALTER TABLE {TABLE} DISABLE TRIGGER core_auditevent_no_update_delete",
        f"DROP TRIGGER core_auditevent_no_update_delete ON {TABLE}",
        "SET session_replication_role = replica",
        # A GRANT without the grant option only warns; the UPDATE after it must still fail.
        f"GRANT UPDATE ON {TABLE} TO {APP_ROLE}; UPDATE {TABLE} SET action = 'update'",
        f"ALTER TABLE {TABLE} OWNER TO {APP_ROLE}",
    ],
)
def test_the_application_role_cannot_erase_or_unprotect_the_log(as_app_role, event, statement):
    assert _refused(statement), f"{statement!r} was allowed for the application role"

    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_even_the_owner_cannot_truncate_the_log(event):
    # The test connection is the owner (a superuser here): the statement trigger still refuses.
    # The test settings allow TRUNCATE for Django's flush between transactional tests; this
    # test takes that back for itself, as production has it.
    assert _refused(f"SET LOCAL placeringar.allow_audit_truncate = off; TRUNCATE {TABLE}")

    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_even_the_owner_cannot_update_or_delete_rows(event):
    assert _refused(f"UPDATE {TABLE} SET action = 'update'")
    assert _refused(f"DELETE FROM {TABLE}")


def test_the_grant_command_refuses_a_superuser_role():
    with pytest.raises(CommandError, match="superuser"):
        call_command("grant_app_role", "postgres")


def test_the_grant_command_refuses_an_unknown_role():
    with pytest.raises(CommandError, match="no role"):
        call_command("grant_app_role", "no_such_role_anywhere")
