"""API keys (issue 15): created by an administrator of the principal, shown once, stored only
as a hash, revoked for good, with the last use recorded; people's sessions never open the API."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.contrib.auth.backends import ModelBackend
from django.urls import reverse
from django.utils import timezone

from api import services
from api.models import ApiToken, SystemAccount
from api.tokens import parse_prefix
from core.models import AuditAction, AuditEvent
from domain.errors import RuleViolation
from organisations.models import User

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
CHILDREN = "/api/v1/children/"


def test_only_the_hash_of_a_token_is_stored(w):
    row, token = services.token_create(user=w.gbg_admin, account=w.gbg_account, name="Test")

    stored = ApiToken.objects.values().get(pk=row.pk)
    assert token.startswith(f"plc_{row.prefix}_")
    assert stored["secret_hash"] == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(stored)
    assert token.split("_", 2)[2] not in str(stored)
    assert parse_prefix(token) == row.prefix


def test_two_tokens_differ_and_each_authenticates(w, api):
    _row, other = services.token_create(user=w.gbg_admin, account=w.gbg_account, name="Test")

    assert other != w.gbg_token
    assert api(other).get(CHILDREN).status_code == 200
    assert api(w.gbg_token).get(CHILDREN).status_code == 200


def test_creating_a_token_is_audited_without_the_token(w):
    row, token = services.token_create(user=w.gbg_admin, account=w.gbg_account, name="Test")

    event = AuditEvent.objects.get(object_type="api.apitoken", object_id=str(row.pk))
    assert event.action == AuditAction.CREATE
    assert event.user == w.gbg_admin
    assert token not in str(event.details)


@pytest.mark.parametrize(
    "header",
    [
        None,
        "Bearer",
        "Bearer plc_nonsense",
        "Bearer plc_0123456789ab_wrong-secret",
        "Token x",
        "Bearer a b",
    ],
)
def test_a_request_without_a_valid_token_is_401(w, client, header):
    extra = {} if header is None else {"HTTP_AUTHORIZATION": header}

    response = client.get(CHILDREN, **extra)

    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"]


def test_a_right_prefix_with_a_wrong_secret_is_401(w, api):
    forged = f"plc_{w.gbg_token_row.prefix}_{'x' * 43}"

    assert api(forged).get(CHILDREN).status_code == 401


def test_a_signed_in_person_does_not_reach_the_api(w, client):
    client.force_login(w.caseworker, backend=MODEL_BACKEND)

    response = client.get(CHILDREN)

    assert response.status_code == 401


def test_the_message_is_swedish_by_default_and_english_on_request(w, client):
    assert client.get(CHILDREN).json()["detail"] == "Autentiseringsuppgifter ej tillhandahållna."
    english = client.get(CHILDREN, HTTP_ACCEPT_LANGUAGE="en")
    assert english.json()["detail"] == "Authentication credentials were not provided."


def test_a_revoked_token_is_refused_at_once(w, api):
    assert api(w.gbg_token).get(CHILDREN).status_code == 200

    services.token_revoke(user=w.gbg_admin, token=w.gbg_token_row)

    assert api(w.gbg_token).get(CHILDREN).status_code == 401
    assert ApiToken.objects.get(pk=w.gbg_token_row.pk).revoked_by == w.gbg_admin


def test_a_token_is_revoked_once(w):
    services.token_revoke(user=w.gbg_admin, token=w.gbg_token_row)

    with pytest.raises(RuleViolation):
        services.token_revoke(user=w.gbg_admin, token=w.gbg_token_row)


def test_the_last_use_is_recorded_at_most_once_a_minute(w, api, time_machine):
    assert ApiToken.objects.get(pk=w.gbg_token_row.pk).last_used_at is None

    api(w.gbg_token).get(CHILDREN)
    first = ApiToken.objects.get(pk=w.gbg_token_row.pk).last_used_at
    time_machine.shift(timedelta(seconds=30))
    api(w.gbg_token).get(CHILDREN)
    assert ApiToken.objects.get(pk=w.gbg_token_row.pk).last_used_at == first
    time_machine.shift(timedelta(seconds=31))
    api(w.gbg_token).get(CHILDREN)

    assert first == timezone.now() - timedelta(seconds=61)
    assert ApiToken.objects.get(pk=w.gbg_token_row.pk).last_used_at == timezone.now()


def test_the_account_user_can_never_sign_in(w):
    user = w.gbg_account.user
    assert not user.has_usable_password()
    user.set_password("Ett-losenord-2026!")  # even if someone gave it one: inactive
    user.save()

    assert not user.is_active
    assert user.home_principal is None
    assert not user.memberships.exists()
    assert (
        ModelBackend().authenticate(None, username=user.email, password="Ett-losenord-2026!")
        is None
    )


def test_an_account_takes_units_of_its_own_principal_only(w):
    with pytest.raises(RuleViolation) as error:
        services.system_account_create(
            user=w.gbg_admin, principal=w.goteborg, name="Fel", units=[w.mdl_social]
        )

    assert error.value.field == "units"


def test_two_accounts_of_a_principal_have_different_names(w):
    with pytest.raises(RuleViolation) as error:
        services.system_account_create(
            user=w.gbg_admin, principal=w.goteborg, name=w.gbg_account.name
        )

    assert error.value.field == "name"


# --- the pages ---------------------------------------------------------------------------------


def test_an_administrator_creates_an_account_and_a_token_shown_once(w, client):
    client.force_login(w.gbg_admin, backend=MODEL_BACKEND)

    response = client.post(
        reverse("api:account_create"),
        {"name": "Skolsystemet", "principal": w.goteborg.pk, "units": [w.gbg_social.pk]},
    )
    account = SystemAccount.objects.get(name="Skolsystemet")
    assert response.status_code == 302
    assert response["Location"] == reverse("api:account_detail", args=[account.pk])
    assert list(account.units.all()) == [w.gbg_social]

    created = client.post(reverse("api:account_detail", args=[account.pk]), {"name": "Prod"})
    row = ApiToken.objects.get(account=account)
    token = created.context["secret"]
    assert token.startswith(f"plc_{row.prefix}_")
    assert token in created.content.decode()
    assert "Kopiera nyckeln nu" in created.content.decode()

    again = client.get(reverse("api:account_detail", args=[account.pk]))
    assert token not in again.content.decode()
    assert f"plc_{row.prefix}_…" in again.content.decode()
    assert "Aldrig" in again.content.decode()


def test_the_token_list_shows_the_last_use(w, client, api):
    api(w.gbg_token).get(CHILDREN)
    client.force_login(w.gbg_admin, backend=MODEL_BACKEND)

    page = client.get(reverse("api:account_detail", args=[w.gbg_account.pk])).content.decode()

    assert timezone.localtime().strftime("%Y-%m-%d %H:%M") in page


def test_an_administrator_revokes_a_token_on_the_page(w, client, api):
    client.force_login(w.gbg_admin, backend=MODEL_BACKEND)
    url = reverse("api:token_revoke", args=[w.gbg_token_row.pk])

    assert client.get(url).status_code == 200
    response = client.post(url)

    assert response.status_code == 302
    assert not ApiToken.objects.get(pk=w.gbg_token_row.pk).is_active
    assert api(w.gbg_token).get(CHILDREN).status_code == 401


@pytest.mark.parametrize("who", ["mdl_admin", "caseworker", "manager"])
def test_others_get_404_for_a_principals_accounts_and_tokens(w, client, who):
    client.force_login(getattr(w, who), backend=MODEL_BACKEND)

    for url in (
        reverse("api:account_detail", args=[w.gbg_account.pk]),
        reverse("api:token_revoke", args=[w.gbg_token_row.pk]),
    ):
        assert client.get(url).status_code == 404
        assert client.post(url, {"name": "x"}).status_code == 404
    assert ApiToken.objects.get(pk=w.gbg_token_row.pk).is_active
    assert not ApiToken.objects.filter(account=w.gbg_account).exclude(pk=w.gbg_token_row.pk)
    assert AuditEvent.objects.filter(
        action=AuditAction.DENIED, object_type="api.systemaccount", user=getattr(w, who)
    ).exists()


@pytest.mark.parametrize("who", ["caseworker", "manager", "clinician"])
def test_only_administrators_reach_the_token_pages(w, client, who):
    client.force_login(getattr(w, who), backend=MODEL_BACKEND)

    assert client.get(reverse("api:account_list")).status_code == 404
    assert client.get(reverse("api:account_create")).status_code == 404


def test_an_administrator_sees_only_the_accounts_of_their_principal(w, client):
    client.force_login(w.mdl_admin, backend=MODEL_BACKEND)

    page = client.get(reverse("api:account_list")).content.decode()

    assert w.mdl_account.name in page
    assert w.gbg_account.name not in page


def test_the_account_form_offers_only_the_administrators_principal(w, client):
    client.force_login(w.mdl_admin, backend=MODEL_BACKEND)

    response = client.post(
        reverse("api:account_create"), {"name": "Intrång", "principal": w.goteborg.pk}
    )

    assert response.status_code == 200
    assert not SystemAccount.objects.filter(name="Intrång").exists()
    assert not User.objects.filter(last_name="Intrång").exists()


def test_a_taken_name_is_shown_next_to_the_field_in_swedish(w, client):
    client.force_login(w.gbg_admin, backend=MODEL_BACKEND)

    response = client.post(
        reverse("api:account_create"), {"name": w.gbg_account.name, "principal": w.goteborg.pk}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["name"] == [
        "Huvudmannen har redan ett systemkonto med det här namnet."
    ]
    assert SystemAccount.objects.filter(principal=w.goteborg).count() == 1
