"""The admin is scoped: a principal's administrator sees and manages only its own units, members
and mandates (issue 2, section 4). A superuser sees everything."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from organisations.models import FinancialMandate, Membership, Principal, Role, Unit, User
from tests.factories import TEST_PASSWORD, FinancialMandateFactory, UserFactory, member

pytestmark = pytest.mark.django_db

SWEDISH_CATALOGUE = Path(__file__).resolve().parents[2] / "locale/sv/LC_MESSAGES/django.po"


@pytest.fixture
def two_municipalities(
    goteborg, molndal, gbg_social, mdl_social, gbg_caseworker, mdl_caseworker, gbg_admin, mdl_admin
):
    """Göteborg and Mölndal, each with a caseworker, an administrator and a signatory."""
    gbg_signatory = member(gbg_social, Role.MANAGER, email="signatar@gbg.example")
    mdl_signatory = member(mdl_social, Role.MANAGER, email="signatar@mdl.example")
    return {
        "gbg_mandate": FinancialMandateFactory(user=gbg_signatory, principal=goteborg),
        "mdl_mandate": FinancialMandateFactory(user=mdl_signatory, principal=molndal),
    }


@pytest.fixture
def mdl_admin_client(client, mdl_admin, two_municipalities):
    client.force_login(mdl_admin)
    return client


def _listed(client, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    return set(response.context["cl"].result_list)


def test_molndal_administrator_signs_in_to_the_admin(client, mdl_admin):
    response = client.post(
        reverse("admin:login"),
        {"username": mdl_admin.email, "password": TEST_PASSWORD, "next": reverse("admin:index")},
        follow=True,
    )

    assert response.status_code == 200
    assert response.request["PATH_INFO"] == reverse("admin:index")
    assert response.context["user"] == mdl_admin


def test_administrator_sees_only_own_members(mdl_admin_client, mdl_social):
    listed = _listed(mdl_admin_client, "admin:organisations_membership_changelist")

    assert listed == set(Membership.objects.filter(unit=mdl_social))
    assert not any(m.unit.principal.name == "Göteborg" for m in listed)


def test_administrator_sees_only_own_users(
    mdl_admin_client, mdl_caseworker, mdl_admin, gbg_caseworker, gbg_admin
):
    listed = _listed(mdl_admin_client, "admin:organisations_user_changelist")

    assert {mdl_caseworker, mdl_admin} <= listed
    assert gbg_caseworker not in listed
    assert gbg_admin not in listed
    assert User.objects.get(email="signatar@gbg.example") not in listed


def test_administrator_sees_only_own_units(mdl_admin_client, mdl_social, gbg_social):
    listed = _listed(mdl_admin_client, "admin:organisations_unit_changelist")

    assert listed == {mdl_social}


def test_administrator_sees_only_own_principal(mdl_admin_client, molndal):
    listed = _listed(mdl_admin_client, "admin:organisations_principal_changelist")

    assert listed == {molndal}


def test_administrator_sees_only_own_mandates(mdl_admin_client, two_municipalities):
    listed = _listed(mdl_admin_client, "admin:organisations_financialmandate_changelist")

    assert listed == {two_municipalities["mdl_mandate"]}


def test_administrator_cannot_open_a_user_of_another_principal(mdl_admin_client, gbg_caseworker):
    response = mdl_admin_client.get(
        reverse("admin:organisations_user_change", args=[gbg_caseworker.pk])
    )

    assert response.status_code in (302, 404)


def test_administrator_can_open_a_user_of_own_principal(mdl_admin_client, mdl_caseworker):
    response = mdl_admin_client.get(
        reverse("admin:organisations_user_change", args=[mdl_caseworker.pk])
    )

    assert response.status_code == 200


@pytest.mark.parametrize(
    ("url_name", "get_object"),
    [
        ("admin:organisations_unit_change", lambda: Unit.objects.get(name__endswith="Göteborg")),
        (
            "admin:organisations_membership_change",
            lambda: Membership.objects.filter(unit__principal__name="Göteborg").first(),
        ),
        (
            "admin:organisations_financialmandate_change",
            lambda: FinancialMandate.objects.get(principal__name="Göteborg"),
        ),
        ("admin:organisations_principal_change", lambda: Principal.objects.get(name="Göteborg")),
    ],
    ids=["unit", "membership", "mandate", "principal"],
)
def test_administrator_cannot_open_objects_of_another_principal(
    mdl_admin_client, url_name, get_object
):
    response = mdl_admin_client.get(reverse(url_name, args=[get_object().pk]))

    assert response.status_code in (302, 404)


def test_administrator_cannot_change_another_principals_user_by_posting(
    mdl_admin_client, gbg_caseworker
):
    response = mdl_admin_client.post(
        reverse("admin:organisations_user_change", args=[gbg_caseworker.pk]),
        {"email": "kapad@mdl.example", "first_name": "Kapad", "is_active": "on"},
    )

    assert response.status_code in (302, 404)
    gbg_caseworker.refresh_from_db()
    assert gbg_caseworker.email == "hanna@gbg.example"


def test_administrator_cannot_delete_a_mandate(mdl_admin_client, two_municipalities):
    mandate = two_municipalities["mdl_mandate"]
    url = reverse("admin:organisations_financialmandate_delete", args=[mandate.pk])

    get_response = mdl_admin_client.get(url)
    post_response = mdl_admin_client.post(url, {"post": "yes"})

    assert get_response.status_code == 403
    assert post_response.status_code == 403
    assert FinancialMandate.objects.filter(pk=mandate.pk).exists()


def test_mandate_list_offers_ending_but_not_deleting(mdl_admin_client, two_municipalities):
    response = mdl_admin_client.get(reverse("admin:organisations_financialmandate_changelist"))

    actions = [name for name, _label in response.context["action_form"].fields["action"].choices]
    assert "end_today" in actions
    assert "delete_selected" not in actions


def test_administrator_ends_own_mandate_from_the_list(mdl_admin_client, two_municipalities):
    mandate = two_municipalities["mdl_mandate"]

    mdl_admin_client.post(
        reverse("admin:organisations_financialmandate_changelist"),
        {"action": "end_today", "_selected_action": [mandate.pk]},
    )

    mandate.refresh_from_db()
    assert mandate.ended_on is not None
    assert FinancialMandate.objects.filter(pk=mandate.pk).exists()


def test_caseworker_gets_not_found_in_the_admin(client, gbg_caseworker):
    """Not the admin's sign-in page: a signed-in user without admin rights is not told the admin
    exists (core.admin_site; more in tests/core/test_admin_site.py)."""
    client.force_login(gbg_caseworker)

    response = client.get(reverse("admin:organisations_user_changelist"))

    assert response.status_code == 404


def test_superuser_sees_everyone_and_every_mandate(client, two_municipalities):
    superuser = UserFactory(email="root@test.example", is_superuser=True, is_staff=True)
    client.force_login(superuser)

    users = _listed(client, "admin:organisations_user_changelist")
    mandates = _listed(client, "admin:organisations_financialmandate_changelist")

    assert set(User.objects.all()) == users
    assert set(FinancialMandate.objects.all()) == mandates


# --- organisation numbers ----------------------------------------------------------------------


def test_invalid_organisation_number_is_refused(region):
    principal = Principal(name="Felkommun", kind=Principal.Kind.MUNICIPALITY, region=region)
    principal.organisation_number = "212000-0000"

    with pytest.raises(ValidationError) as excinfo:
        principal.full_clean()

    assert "organisation_number" in excinfo.value.message_dict


def test_valid_organisation_number_is_stored_in_the_standard_format(region):
    principal = Principal(name="Rättkommun", kind=Principal.Kind.MUNICIPALITY, region=region)
    principal.organisation_number = "2120001355"

    principal.full_clean()

    assert principal.organisation_number == "212000-1355"


def test_invalid_organisation_number_in_the_admin_is_shown_next_to_the_field(client, region):
    client.force_login(UserFactory(email="root@test.example", is_superuser=True, is_staff=True))

    response = client.post(
        reverse("admin:organisations_principal_add"),
        {"name": "Felkommun", "kind": "municipality", "organisation_number": "12345"},
    )

    assert response.status_code == 200
    assert "organisation_number" in response.context["adminform"].form.errors
    assert not Principal.objects.filter(name="Felkommun").exists()


@pytest.mark.skipif(
    not SWEDISH_CATALOGUE.exists(), reason="no Swedish catalogue (locale/sv) in the project yet"
)
def test_invalid_organisation_number_gives_a_swedish_message(region):
    principal = Principal(name="Felkommun", kind=Principal.Kind.MUNICIPALITY, region=region)
    principal.organisation_number = "212000-0000"

    with translation.override("sv"), pytest.raises(ValidationError) as excinfo:
        principal.full_clean()

    with translation.override("sv"):
        message = " ".join(excinfo.value.message_dict["organisation_number"])
    assert "organisationsnummer" in message.lower()


# --- registering a mandate in the admin: errors next to the fields, never a 500 ---------------


def _add_mandate(client, **data):
    return client.post(reverse("admin:organisations_financialmandate_add"), data)


def test_admin_registers_a_mandate_with_a_limit_written_the_swedish_way(
    mdl_admin_client, molndal, mdl_caseworker
):
    response = _add_mandate(
        mdl_admin_client,
        user=mdl_caseworker.pk,
        principal=molndal.pk,
        valid_from="2026-01-01",
        annual_limit="1 500 000,50",
    )

    assert response.status_code == 302
    stored = FinancialMandate.objects.get(user=mdl_caseworker)
    assert str(stored.annual_limit) == "1500000.50"
    assert stored.registered_by.email.startswith("admin")


def test_admin_mandate_form_shows_a_backwards_period_next_to_the_field(
    mdl_admin_client, molndal, mdl_caseworker
):
    with translation.override("sv"):
        response = _add_mandate(
            mdl_admin_client,
            user=mdl_caseworker.pk,
            principal=molndal.pk,
            valid_from="2026-06-01",
            valid_until="2026-05-31",
            annual_limit="0",
        )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "valid_until" in errors and "annual_limit" in errors
    assert not FinancialMandate.objects.filter(user=mdl_caseworker).exists()


def test_superuser_cannot_give_a_mandate_to_someone_outside_the_principal(
    client, two_municipalities, goteborg, mdl_caseworker
):
    """R-MEET-3: a mandate lets its holder sign for the principal, so the holder must work
    there. The superuser's form offers every user; the service refuses, the form shows it."""
    client.force_login(UserFactory(email="root@test.example", is_superuser=True, is_staff=True))

    response = _add_mandate(
        client, user=mdl_caseworker.pk, principal=goteborg.pk, valid_from="2026-01-01"
    )

    assert response.status_code == 200
    assert "user" in response.context["adminform"].form.errors
    assert not FinancialMandate.objects.filter(user=mdl_caseworker).exists()
