"""Sign-in: django-axes locks the account after AXES_FAILURE_LIMIT failures; form errors are in
Swedish."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from core.models import AuditAction, AuditEvent
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

LOCKED_OUT_TEMPLATE = "registration/locked_out.html"
MONDAY_MORNING = datetime(2026, 3, 2, 8, 0, tzinfo=ZoneInfo("Europe/Stockholm"))


def _fail(client, email: str, times: int):
    response = None
    for _ in range(times):
        response = client.post(reverse("login"), {"username": email, "password": "fel-losenord"})
    return response


def _templates(response) -> list[str]:
    return [t.name for t in response.templates]


def test_axes_counts_failures_by_the_sign_in_forms_username_field():
    # The user model signs in with "email", but the form field (and so the credentials Django
    # passes to authenticate) is called "username"; axes must read that one, or it counts every
    # failure against no user and never locks anyone out.
    assert str(settings.AXES_USERNAME_FORM_FIELD) == "username"


def test_failures_below_the_limit_show_the_form_again(client, gbg_caseworker):
    response = _fail(client, gbg_caseworker.email, settings.AXES_FAILURE_LIMIT - 1)

    assert response.status_code == 200
    assert LOCKED_OUT_TEMPLATE not in _templates(response)
    assert response.context["form"].errors


def test_failure_at_the_limit_shows_the_lockout_page(client, gbg_caseworker):
    response = _fail(client, gbg_caseworker.email, settings.AXES_FAILURE_LIMIT)

    assert response.status_code == 429
    assert LOCKED_OUT_TEMPLATE in _templates(response)


def test_locked_out_user_is_refused_even_with_the_right_password(client, gbg_caseworker, sign_in):
    _fail(client, gbg_caseworker.email, settings.AXES_FAILURE_LIMIT)

    response = sign_in(client, gbg_caseworker)

    assert response.status_code == 429
    assert LOCKED_OUT_TEMPLATE in _templates(response)
    assert SESSION_KEY not in client.session
    assert not AuditEvent.objects.filter(action=AuditAction.LOGIN).exists()


def test_locked_out_user_is_refused_by_the_admin_sign_in_too(client, gbg_admin):
    _fail(client, gbg_admin.email, settings.AXES_FAILURE_LIMIT)

    response = client.post(
        reverse("admin:login"), {"username": gbg_admin.email, "password": TEST_PASSWORD}
    )

    assert response.status_code == 429
    assert SESSION_KEY not in client.session


def test_lockout_of_one_user_does_not_lock_out_another(
    client, gbg_caseworker, mdl_caseworker, sign_in
):
    _fail(client, gbg_caseworker.email, settings.AXES_FAILURE_LIMIT)

    response = sign_in(client, mdl_caseworker)

    assert response.status_code == 302
    assert response["Location"] == reverse("start")


def test_lockout_ends_after_the_cool_off_time(client, gbg_caseworker, sign_in):
    with time_machine.travel(MONDAY_MORNING, tick=False) as traveller:
        _fail(client, gbg_caseworker.email, settings.AXES_FAILURE_LIMIT)
        traveller.shift(settings.AXES_COOLOFF_TIME + timedelta(minutes=1))

        response = sign_in(client, gbg_caseworker)

        assert response.status_code == 302
        assert SESSION_KEY in client.session


def test_successful_sign_in_resets_the_failure_count(client, gbg_caseworker, sign_in):
    _fail(client, gbg_caseworker.email, settings.AXES_FAILURE_LIMIT - 1)
    sign_in(client, gbg_caseworker)
    client.post(reverse("logout"))

    response = _fail(client, gbg_caseworker.email, settings.AXES_FAILURE_LIMIT - 1)

    assert response.status_code == 200
    assert LOCKED_OUT_TEMPLATE not in _templates(response)


def test_wrong_password_gives_a_swedish_message(client, gbg_caseworker):
    response = _fail(client, gbg_caseworker.email, 1)

    assert "Ange en korrekt e-postadress" in " ".join(response.context["form"].non_field_errors())
    assert "Ange en korrekt e-postadress" in response.content.decode()


def test_empty_fields_give_swedish_messages_next_to_the_fields(client):
    response = client.post(reverse("login"), {"username": "", "password": ""})

    errors = response.context["form"].errors
    assert response.status_code == 200
    assert errors["username"] == ["Detta fält måste fyllas i."]
    assert errors["password"] == ["Detta fält måste fyllas i."]
    assert 'id="error_1_id_username"' in response.content.decode()


def test_malformed_email_address_gives_a_swedish_message(client):
    response = client.post(
        reverse("login"), {"username": "inte-en-adress", "password": TEST_PASSWORD}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["username"] == ["Fyll i en giltig e-postadress."]


def test_sign_in_page_is_in_swedish(client):
    response = client.get(reverse("login"))

    assert response.status_code == 200
    assert '<html lang="sv">' in response.content.decode()
