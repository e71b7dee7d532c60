"""The admin matrix (issue 10, "Admin scoping"): every model registered in the admin site, every
page and action, and an administrator of ANOTHER principal. The object is not listed, every
address that names it answers 404 (not 403, not a redirect), and nothing in the database
changes.

The models come from ``admin.site._registry``: a model registered later fails
``test_every_registered_model_has_a_sample`` until it gets a sample object below.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.admin.utils import quote
from django.contrib.auth.models import Group
from django.db import models
from django.forms.models import model_to_dict
from django.urls import NoReverseMatch, reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.models import AuditAction, AuditEvent
from organisations.models import (
    AuthenticatorDevice,
    CooperationBody,
    FinancialMandate,
    Membership,
    Principal,
    Role,
    SubRegion,
    Unit,
    User,
)
from tests.factories import TEST_PASSWORD

from .conftest import GBG_TOTP_KEY, key_forms

pytestmark = pytest.mark.django_db

REGISTERED: list[type[models.Model]] = list(admin.site._registry)

# Göteborg's objects (keys of World.objects), as seen by an administrator of Mölndal or the region.
MODEL_SAMPLES: dict[type[models.Model], list[str]] = {
    Principal: ["principal"],
    Unit: ["unit"],
    Membership: ["membership"],
    User: ["user", "unlinked_user", "signatory"],
    FinancialMandate: ["mandate"],
    AuthenticatorDevice: ["device"],
    Group: ["group"],
    AccessAttempt: ["access_attempt"],
    AccessLog: ["access_log"],
    AccessFailureLog: ["access_failure_log"],
    SubRegion: ["sub_region"],
    CooperationBody: ["cooperation_body"],
}
OTHER_ADMINS = ["mdl_admin", "vgr_admin"]
NEW_PASSWORD = "Kapat-losenord-2026!"


def _label(model: type[models.Model]) -> str:
    return model._meta.label


def snapshot() -> dict[str, list[dict[str, Any]]]:
    """Every row of every table the admin can reach, and the admin's own log."""
    tables = {*REGISTERED, User, Membership, FinancialMandate, TOTPDevice, LogEntry}
    return {
        _label(model): list(model._base_manager.order_by("pk").values())
        for model in sorted(tables, key=_label)
    }


def _url(model: type[models.Model], page: str, *args: Any) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{page}", args=args)


def _form_data(obj: models.Model) -> dict[str, Any]:
    """The object's own values, posted back as a form would (a plausible, valid change)."""
    data: dict[str, Any] = {}
    for name, value in model_to_dict(obj).items():
        if value is None:
            data[name] = ""
        elif isinstance(value, list):
            data[name] = [getattr(v, "pk", v) for v in value]
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = str(getattr(value, "pk", value))
    if isinstance(obj, User):
        data.update({"email": "kapad@mdl.example", "is_active": "on"})
        data.update(_empty_inline("memberships"))
    data["_save"] = "Spara"
    return data


def _empty_inline(prefix: str) -> dict[str, str]:
    return {
        f"{prefix}-TOTAL_FORMS": "0",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def _fk_sources(target: type[models.Model]) -> list[tuple[type[models.Model], str]]:
    """(registered model, field name) for every foreign key that points at ``target``."""
    return [
        (source, f.name)
        for source in REGISTERED
        for f in source._meta.get_fields()
        if getattr(f, "many_to_one", False)
        and f.concrete
        and f.remote_field.model._meta.concrete_model is target._meta.concrete_model
    ]


def test_every_registered_model_has_a_sample():
    missing = [_label(m) for m in REGISTERED if m not in MODEL_SAMPLES]

    assert not missing, (
        "Models registered in the admin without a sample object of another principal in "
        f"MODEL_SAMPLES (tests/organisations/test_admin_matrix.py): {missing}"
    )


def test_the_old_totp_device_pages_with_key_and_qr_code_are_gone():
    assert TOTPDevice not in admin.site._registry
    for name in ("admin:otp_totp_totpdevice_config", "admin:otp_totp_totpdevice_qrcode"):
        with pytest.raises(NoReverseMatch):
            reverse(name, kwargs={"pk": 1})


@pytest.mark.parametrize("admin_name", OTHER_ADMINS)
@pytest.mark.parametrize("model", REGISTERED, ids=_label)
def test_another_principals_administrator_reaches_nothing(client, world, model, admin_name):
    administrator = getattr(world, admin_name)
    client.force_login(administrator)
    model_admin = admin.site._registry[model]
    samples = [world.objects[key] for key in MODEL_SAMPLES.get(model, [])]
    assert samples, f"no sample for {_label(model)}"
    before = snapshot()

    for obj in samples:
        pk = quote(obj.pk)

        # The list, plain and searched: the object is not in it (or the list is a 404).
        for query in ("", f"?q={getattr(obj, 'email', '') or str(obj)[:30]}"):
            response = client.get(_url(model, "changelist") + query)
            assert response.status_code in (200, 404), (query, response.status_code)
            if response.status_code == 200:
                listed = {o.pk for o in response.context["cl"].result_list}
                assert obj.pk not in listed

        # Every address that names it: 404.
        change = _url(model, "change", pk)
        requests = [
            ("GET", change, None),
            ("POST", change, _form_data(obj)),
            ("POST", change, {**_form_data(obj), "_saveasnew": "Spara som ny"}),
            ("POST", change, {**_form_data(obj), "_continue": "1"}),
            ("GET", _url(model, "delete", pk), None),
            ("POST", _url(model, "delete", pk), {"post": "yes"}),
            ("GET", _url(model, "history", pk), None),
        ]
        if model is User:
            password = reverse("admin:auth_user_password_change", args=[pk])
            requests += [
                ("GET", password, None),
                (
                    "POST",
                    password,
                    {
                        "password1": NEW_PASSWORD,
                        "password2": NEW_PASSWORD,
                        "usable_password": "true",
                    },
                ),
            ]
        for method, url, data in requests:
            response = client.get(url) if method == "GET" else client.post(url, data)
            assert response.status_code == 404, (method, url, response.status_code)

        # The short address /admin/<app>/<model>/<pk>/ ends in the same 404.
        short = f"/admin/{model._meta.app_label}/{model._meta.model_name}/{pk}/"
        assert client.get(short, follow=True).status_code == 404

        # Bulk actions on the list, with the object's id smuggled in: nothing happens to it.
        for action in [
            "delete_selected",
            *(a for a in model_admin.actions or [] if isinstance(a, str)),
        ]:
            response = client.post(
                _url(model, "changelist"),
                {"action": action, "_selected_action": [obj.pk], "post": "yes"},
            )
            assert response.status_code in (200, 302, 404), (action, response.status_code)

        # Autocomplete (no admin declares autocomplete fields; if one does, it stays scoped).
        for source, field_name in _fk_sources(model):
            response = client.get(
                reverse("admin:autocomplete"),
                {
                    "app_label": source._meta.app_label,
                    "model_name": source._meta.model_name,
                    "field_name": field_name,
                    "term": "",
                },
            )
            assert response.status_code in (200, 403, 404)
            if response.status_code == 200:
                ids = {r["id"] for r in json.loads(response.content)["results"]}
                assert str(obj.pk) not in ids

    assert snapshot() == before
    assert not AuditEvent.objects.filter(action=AuditAction.UPDATE, user=administrator).exists()


# --- adding things that point into another principal -------------------------------------------


def _add_cases(world) -> list[tuple[type[models.Model], dict[str, Any]]]:
    gbg, mdl = world.goteborg, world.molndal
    return [
        (Unit, {"name": "Kapad enhet", "kind": "social_services", "principal": gbg.pk}),
        (
            Membership,
            {"user": world.gbg_caseworker.pk, "unit": world.mdl_social.pk, "role": "caseworker"},
        ),
        (
            Membership,
            {"user": world.gbg_unlinked.pk, "unit": world.mdl_social.pk, "role": "caseworker"},
        ),
        (
            Membership,
            {"user": world.gbg_signatory.pk, "unit": world.mdl_social.pk, "role": "manager"},
        ),
        (
            Membership,
            {"user": world.mdl_caseworker.pk, "unit": world.gbg_social.pk, "role": "caseworker"},
        ),
        (
            FinancialMandate,
            {"user": world.gbg_signatory.pk, "principal": mdl.pk, "valid_from": "2026-01-01"},
        ),
        (
            FinancialMandate,
            {"user": world.mdl_caseworker.pk, "principal": gbg.pk, "valid_from": "2026-01-01"},
        ),
        (
            Principal,
            {"name": "Kapad kommun", "kind": "municipality", "organisation_number": "212000-1355"},
        ),
        (
            AuthenticatorDevice,
            {"user": world.gbg_signatory.pk, "name": "Kapad", "key": GBG_TOTP_KEY},
        ),
        (
            User,
            {
                "email": "Hanna@GBG.example",
                "home_principal": gbg.pk,
                "usable_password": "true",
                "password1": NEW_PASSWORD,
                "password2": NEW_PASSWORD,
                **_empty_inline("memberships"),
            },
        ),
        (
            User,
            {
                "email": "ny@mdl.example",
                "usable_password": "true",
                "password1": NEW_PASSWORD,
                "password2": NEW_PASSWORD,
                "memberships-TOTAL_FORMS": "1",
                "memberships-INITIAL_FORMS": "0",
                "memberships-MIN_NUM_FORMS": "0",
                "memberships-MAX_NUM_FORMS": "1000",
                "memberships-0-unit": world.gbg_social.pk,
                "memberships-0-role": "administrator",
            },
        ),
    ]


@pytest.mark.parametrize("admin_name", OTHER_ADMINS)
def test_nothing_can_be_added_that_points_into_another_principal(client, world, admin_name):
    client.force_login(getattr(world, admin_name))
    before = snapshot()

    for model, data in _add_cases(world):
        response = client.post(_url(model, "add"), data)
        assert response.status_code in (200, 403), (model, data, response.status_code)

    assert snapshot() == before


# --- inline memberships: another principal's rows cannot be edited through one's own user ------


@pytest.mark.parametrize("delete", [False, True], ids=["change", "delete"])
def test_inline_cannot_take_over_another_principals_membership(client, world, delete):
    client.force_login(world.mdl_admin)
    own = world.mdl_caseworker
    foreign = world.objects["membership"]
    own_membership = Membership.objects.get(user=own)
    data = {
        **{k: v for k, v in _form_data(own).items() if not k.startswith("memberships-")},
        "email": own.email,
        "memberships-TOTAL_FORMS": "2",
        "memberships-INITIAL_FORMS": "2",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
        "memberships-0-id": own_membership.pk,
        "memberships-0-user": own.pk,
        "memberships-0-unit": own_membership.unit_id,
        "memberships-0-role": own_membership.role,
        "memberships-1-id": foreign.pk,
        "memberships-1-user": own.pk,
        "memberships-1-unit": world.mdl_social.pk,
        "memberships-1-role": "administrator",
    }
    if delete:
        data["memberships-1-DELETE"] = "on"
    before = snapshot()

    response = client.post(_url(User, "change", own.pk), data)

    # Django ignores a row id outside the inline's (scoped) queryset: the save of the user's
    # own data goes through (an admin log entry says so), the foreign membership is untouched.
    assert response.status_code in (200, 302)
    after = snapshot()
    del before["admin.LogEntry"], after["admin.LogEntry"]
    assert after == before


# --- the unlinked user, end to end -----------------------------------------------------------------


def test_unlinked_signatory_stays_goteborgs_and_molndal_cannot_take_it_over(client, world):
    signatory = world.gbg_signatory
    membership = Membership.objects.get(user=signatory)

    # Göteborg's administrator removes the signatory's last membership (the mandate stays valid).
    client.force_login(world.gbg_admin)
    data = {
        **{k: v for k, v in _form_data(signatory).items() if not k.startswith("memberships-")},
        "email": signatory.email,
        "memberships-TOTAL_FORMS": "1",
        "memberships-INITIAL_FORMS": "1",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
        "memberships-0-id": membership.pk,
        "memberships-0-user": signatory.pk,
        "memberships-0-unit": membership.unit_id,
        "memberships-0-role": membership.role,
        "memberships-0-DELETE": "on",
    }
    response = client.post(_url(User, "change", signatory.pk), data)
    assert response.status_code == 302, response.context and response.context.get("errors")
    signatory.refresh_from_db()
    assert not signatory.memberships.exists()
    assert signatory.home_principal == world.goteborg
    assert FinancialMandate.objects.valid_on(world.objects["mandate"].valid_from).filter(
        user=signatory
    )
    password_before = signatory.password

    # Mölndal's administrator: not in the list, not at any address, no membership, no password.
    client.force_login(world.mdl_admin)
    before = snapshot()
    listed = client.get(_url(User, "changelist"), {"q": signatory.email}).context["cl"].result_list
    assert signatory not in listed
    assert client.get(_url(User, "change", signatory.pk)).status_code == 404
    assert client.post(_url(User, "change", signatory.pk), _form_data(signatory)).status_code == 404
    password_url = reverse("admin:auth_user_password_change", args=[signatory.pk])
    assert client.get(password_url).status_code == 404
    response = client.post(
        password_url,
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 404
    response = client.post(
        _url(Membership, "add"),
        {"user": signatory.pk, "unit": world.mdl_social.pk, "role": Role.MANAGER},
    )
    assert response.status_code == 200
    assert "user" in response.context["adminform"].form.errors
    add_form = client.get(_url(Membership, "add")).context["adminform"].form
    assert signatory not in add_form.fields["user"].queryset
    device = world.objects["device"]
    assert client.get(_url(AuthenticatorDevice, "change", device.pk)).status_code == 404
    assert snapshot() == before
    signatory.refresh_from_db()
    assert signatory.password == password_before
    assert not signatory.check_password(NEW_PASSWORD)

    # Göteborg's administrator still has them.
    client.force_login(world.gbg_admin)
    assert client.get(_url(User, "change", signatory.pk)).status_code == 200


# --- the TOTP key is in no admin page, for no administrator ----------------------------------------


@pytest.mark.parametrize("admin_name", ["gbg_admin", "mdl_admin", "vgr_admin", "superuser"])
def test_totp_key_is_in_no_admin_page(client, world, admin_name):
    client.force_login(getattr(world, admin_name))
    secrets = key_forms(GBG_TOTP_KEY)
    pages = [reverse("admin:index")]
    for model in REGISTERED:
        pages.append(_url(model, "changelist"))
        pages.append(_url(model, "add"))
        for pk in model._base_manager.values_list("pk", flat=True):
            pages += [_url(model, page, quote(pk)) for page in ("change", "delete", "history")]
    device = world.objects["device"]
    pages.append(f"/admin/otp_totp/totpdevice/{device.pk}/config/")
    pages.append(f"/admin/otp_totp/totpdevice/{device.pk}/change/")

    seen_device_list = False
    for page in pages:
        response = client.get(page)
        body = response.content.decode(errors="replace")
        leaked = [s for s in secrets if s in body]
        assert not leaked, f"{page} shows the TOTP key"
        assert "otpauth://" not in body, page
        if page == _url(AuthenticatorDevice, "changelist") and response.status_code == 200:
            seen_device_list = True
            assert "qrcode" not in body.lower()
    assert seen_device_list


# --- the device list: Swedish, no key, reset with an audit row --------------------------------------


def test_device_list_is_in_swedish_and_shows_who_which_and_when(client, world):
    client.force_login(world.gbg_admin)

    response = client.get(_url(AuthenticatorDevice, "changelist"))

    body = response.content.decode()
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [world.objects["device"]]
    for swedish in (
        "Autentiseringsappar",
        "Användare",
        "Namn",
        "Bekräftad",
        "Skapad",
        "Senast använd",
    ):
        assert swedish in body, swedish
    for english in ("TOTP device", "Created at", "Last used at", "QR Code"):
        assert english not in body, english


def test_device_page_shows_times_in_swedish_time_and_a_dash_for_never(client, world):
    client.force_login(world.gbg_admin)
    device = world.objects["device"]

    response = client.get(_url(AuthenticatorDevice, "change", device.pk))

    fields = {
        f.field["name"]: f.contents()
        for fs in response.context["adminform"]
        for line in fs
        for f in line
    }
    assert fields["last_used"] == "–"
    assert "+00:00" not in fields["created"]
    assert "None" not in response.content.decode()


def test_device_cannot_be_added_or_changed_by_anyone(client, world):
    client.force_login(world.superuser)
    device = world.objects["device"]

    add = client.get(_url(AuthenticatorDevice, "add"))
    change = client.post(
        _url(AuthenticatorDevice, "change", device.pk), {"name": "Ny", "key": "00" * 20}
    )

    assert add.status_code == 403
    assert change.status_code == 403
    device.refresh_from_db()
    assert (device.name, device.key) == ("Telefon", GBG_TOTP_KEY)


def test_reset_deletes_the_device_and_writes_an_audit_row(client, world):
    client.force_login(world.gbg_admin)
    device = world.objects["device"]

    response = client.post(_url(AuthenticatorDevice, "delete", device.pk), {"post": "yes"})

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    event = AuditEvent.objects.get(user=world.gbg_admin, action=AuditAction.UPDATE)
    assert event.object_type == "organisations.user"
    assert event.object_id == str(world.gbg_signatory.pk)
    assert event.details["second_factor"] == "reset"
    assert event.details["device"]["name"] == "Telefon"
    assert GBG_TOTP_KEY not in json.dumps(event.details)


def test_reset_from_the_list_resets_only_devices_of_own_users(client, world):
    mdl_device = TOTPDevice.objects.create(user=world.mdl_caseworker, name="Mats telefon")
    client.force_login(world.mdl_admin)

    client.post(
        _url(AuthenticatorDevice, "changelist"),
        {
            "action": "reset_selected",
            "_selected_action": [mdl_device.pk, world.objects["device"].pk],
        },
    )

    assert not TOTPDevice.objects.filter(pk=mdl_device.pk).exists()
    assert TOTPDevice.objects.filter(pk=world.objects["device"].pk).exists()
    assert AuditEvent.objects.filter(user=world.mdl_admin, action=AuditAction.UPDATE).count() == 1


def test_admin_sign_in_uses_the_swedish_e_mail_message(client, world):
    response = client.post(
        reverse("admin:login"), {"username": world.gbg_admin.email, "password": "fel"}
    )

    assert "Ange en korrekt e-postadress" in response.content.decode()


def test_superuser_only_models_are_hidden_from_principal_administrators(client, world):
    client.force_login(world.gbg_admin)

    index = client.get(reverse("admin:index")).content.decode()

    assert client.get(_url(Group, "changelist")).status_code == 404
    assert client.get(_url(AccessAttempt, "changelist")).status_code == 404
    assert "/admin/auth/group/" not in index
    assert "/admin/axes/" not in index
    client.force_login(world.superuser)
    assert client.get(_url(Group, "changelist")).status_code == 200
    assert client.get(_url(AccessAttempt, "changelist")).status_code == 200


def test_principal_administrator_signs_in_to_the_admin_with_mixed_case(client, world):
    response = client.post(
        reverse("admin:login"),
        {"username": "  Admin@GBG.Example ", "password": TEST_PASSWORD, "next": "/admin/"},
    )

    assert response.status_code == 302
