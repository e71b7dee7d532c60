"""The account page (/konto/): the signed-in user's own e-mail, units and roles, valid
financial mandates and authenticator status, with the links to change the password and
register the app; the header links to it from the user's name."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from organisations.models import Role
from tests.factories import FinancialMandateFactory, member

pytestmark = pytest.mark.django_db


def test_the_account_page_shows_the_users_own_units_roles_and_mandates(
    client, gbg_caseworker, gbg_social, goteborg, mdl_caseworker
):
    gbg_social.name = "Socialtjänsten Göteborg"
    gbg_social.save()
    FinancialMandateFactory(user=gbg_caseworker, principal=goteborg)
    client.force_login(gbg_caseworker)

    response = client.get(reverse("account"))

    assert response.status_code == 200
    assert [m.unit for m in response.context["memberships"]] == [gbg_social]
    assert [m.principal for m in response.context["mandates"]] == [goteborg]
    html = response.content.decode()
    assert gbg_caseworker.email in html and mdl_caseworker.email not in html
    assert reverse("password_change") in html and reverse("authenticator_enrol") in html
    assert response.context["authenticator"] is None


def test_an_ended_mandate_is_not_listed(client, gbg_caseworker, goteborg):
    today = timezone.localdate()
    FinancialMandateFactory(
        user=gbg_caseworker,
        principal=goteborg,
        valid_from=today - timedelta(days=60),
        valid_until=today - timedelta(days=1),
    )
    client.force_login(gbg_caseworker)

    assert list(client.get(reverse("account")).context["mandates"]) == []


def test_a_registered_authenticator_app_is_named(client, gbg_social):
    signatory = member(gbg_social, Role.MANAGER, email="signatar@gbg.example")
    TOTPDevice.objects.create(user=signatory, name="Telefon", confirmed=True)
    TOTPDevice.objects.create(user=signatory, name="Påbörjad", confirmed=False)
    client.force_login(signatory)

    response = client.get(reverse("account"))

    assert response.context["authenticator"].name == "Telefon"


def test_the_header_links_to_the_account_page_from_the_name(client, gbg_caseworker):
    client.force_login(gbg_caseworker)

    html = client.get(reverse("start")).content.decode()

    assert html.count(f'href="{reverse("account")}"') == 2  # the wide bar's and the menu's copy
    assert f'href="{reverse("password_change")}"' not in html  # on the account page now


def test_a_visitor_is_sent_to_sign_in(client):
    response = client.get(reverse("account"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_only_a_signatory_is_told_the_app_is_needed(client, gbg_caseworker, goteborg):
    """Found by an exploratory review: everyone was told they need the app to sign."""
    client.force_login(gbg_caseworker)
    without = client.get(reverse("account"), HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    FinancialMandateFactory(user=gbg_caseworker, principal=goteborg)
    with_mandate = client.get(reverse("account"), HTTP_ACCEPT_LANGUAGE="sv").content.decode()

    assert "du behöver en för att signera" not in without
    assert "behövs bara för den som signerar" in without
    assert "du behöver en för att signera" in with_mandate
