"""The audit log is append-only, in the app and (on PostgreSQL) in the database; sign-in,
sign-out and failed sign-ins are recorded."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from core.audit import audit_record
from core.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the append-only trigger exists on PostgreSQL only"
)


@pytest.fixture
def event(gbg_caseworker, gbg_social):
    return audit_record(
        action=AuditAction.VIEW, user=gbg_caseworker, unit=gbg_social, object_type="test.thing"
    )


def test_audit_record_writes_who_what_and_when(event, gbg_caseworker, gbg_social):
    stored = AuditEvent.objects.get(pk=event.pk)

    assert stored.user == gbg_caseworker
    assert stored.unit == gbg_social
    assert stored.action == AuditAction.VIEW
    assert stored.at is not None


def test_saving_a_stored_event_again_is_refused(event):
    event.action = AuditAction.UPDATE

    with pytest.raises(TypeError):
        event.save()

    assert AuditEvent.objects.get(pk=event.pk).action == AuditAction.VIEW


def test_deleting_an_event_is_refused(event):
    with pytest.raises(TypeError):
        event.delete()

    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_updating_events_in_bulk_is_refused(event):
    with pytest.raises(TypeError):
        AuditEvent.objects.filter(pk=event.pk).update(action=AuditAction.UPDATE)

    assert AuditEvent.objects.get(pk=event.pk).action == AuditAction.VIEW


def test_deleting_events_in_bulk_is_refused(event):
    with pytest.raises(TypeError):
        AuditEvent.objects.all().delete()

    assert AuditEvent.objects.filter(pk=event.pk).exists()


@postgresql_only
def test_database_refuses_raw_update_of_an_event(event):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE core_auditevent SET action = 'update' WHERE id = %s", [event.pk])

    assert AuditEvent.objects.get(pk=event.pk).action == AuditAction.VIEW


@postgresql_only
def test_database_refuses_raw_delete_of_an_event(event):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [event.pk])

    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_signing_in_writes_a_login_row_with_user_and_unit(
    client, gbg_caseworker, gbg_social, sign_in
):
    sign_in(client, gbg_caseworker)

    row = AuditEvent.objects.get(action=AuditAction.LOGIN)
    assert row.user == gbg_caseworker
    assert row.unit == gbg_social
    assert row.object_id == str(gbg_caseworker.pk)


def test_signing_out_writes_a_logout_row(client, gbg_caseworker, sign_in):
    sign_in(client, gbg_caseworker)

    client.post(reverse("logout"))

    row = AuditEvent.objects.get(action=AuditAction.LOGOUT)
    assert row.user == gbg_caseworker


def test_failed_sign_in_writes_a_row_with_the_name_tried(client, gbg_caseworker, sign_in):
    sign_in(client, gbg_caseworker, password="fel-losenord")

    row = AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED)
    assert row.user is None
    assert row.details["username"] == gbg_caseworker.email
    assert not AuditEvent.objects.filter(action=AuditAction.LOGIN).exists()


def test_audit_actions_read_as_nouns_in_swedish_apart_from_the_buttons():
    """The log says what happened ("Signering"); the button says what to do ("Signera")."""
    from django.utils import translation
    from django.utils.translation import gettext

    with translation.override("sv"):
        assert str(AuditAction.SIGN.label) == "Signering"
        assert str(AuditAction.DENIED.label) == "Nekad åtkomst"
        assert gettext("Sign") != str(AuditAction.SIGN.label)


def test_a_nul_character_in_a_forged_value_is_kept_as_a_replacement_character(db):
    """PostgreSQL cannot store NUL in text: the denied row of such an attempt is still written."""
    from core.audit import audit_record
    from core.models import AuditAction

    event = audit_record(
        action=AuditAction.DENIED, object_type="x", object_id="1\x002", details={"q": "a\x00b"}
    )
    event.refresh_from_db()
    assert (event.object_id, event.details) == ("1\ufffd2", {"q": "a\ufffdb"})
