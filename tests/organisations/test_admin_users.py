"""Users in the scoped admin (issue 10): the home principal, who sees and who changes a user,
and e-mail addresses that ignore case."""

from __future__ import annotations

from datetime import date

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation

from organisations.models import Membership, Role, User
from organisations.selectors import (
    users_editable_by_administrator,
    users_visible_to_administrator,
)
from tests.factories import TEST_PASSWORD, FinancialMandateFactory, UserFactory, member

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Nytt-losenord-2026!"
USER_ADD = "admin:organisations_user_add"


def _add_user(client, email: str, **extra):
    data = {
        "email": email,
        "usable_password": "true",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
        **extra,
    }
    return client.post(reverse(USER_ADD), data)


def _change(pk: int) -> str:
    return reverse("admin:organisations_user_change", args=[pk])


# --- the home principal ---------------------------------------------------------------------------


def test_user_created_by_an_administrator_belongs_to_the_administrators_principal(
    client, mdl_admin, molndal
):
    client.force_login(mdl_admin)

    form = client.get(reverse(USER_ADD)).context["adminform"].form
    response = _add_user(client, "ny@mdl.example")

    assert "home_principal" not in form.fields
    assert response.status_code == 302
    created = User.objects.get(email="ny@mdl.example")
    assert created.home_principal == molndal
    assert client.get(_change(created.pk)).status_code == 200


def test_administrator_of_several_principals_must_choose_among_theirs(
    client, goteborg, molndal, gbg_social, mdl_social, region
):
    both = member(gbg_social, Role.ADMINISTRATOR, email="admin.bada@test.example", is_staff=True)
    Membership.objects.create(user=both, unit=mdl_social, role=Role.ADMINISTRATOR)
    client.force_login(both)

    form = client.get(reverse(USER_ADD)).context["adminform"].form
    with translation.override("sv"):
        missing = _add_user(client, "ny@test.example")
    foreign = _add_user(client, "ny@test.example", home_principal=region.pk)
    chosen = _add_user(client, "ny@test.example", home_principal=molndal.pk)

    assert set(form.fields["home_principal"].queryset) == {goteborg, molndal}
    assert missing.context["adminform"].form.errors["home_principal"] == [
        "Välj den huvudman som användaren hör till."
    ]
    assert "home_principal" in foreign.context["adminform"].form.errors
    assert chosen.status_code == 302
    assert User.objects.get(email="ny@test.example").home_principal == molndal


def test_home_principal_follows_the_latest_membership_and_survives_the_last_removal(
    goteborg, molndal, gbg_social, mdl_social
):
    user = UserFactory(email="flyttar@test.example")
    assert user.home_principal is None

    gbg = Membership.objects.create(user=user, unit=gbg_social, role=Role.CASEWORKER)
    assert User.objects.get(pk=user.pk).home_principal == goteborg
    mdl = Membership.objects.create(user=user, unit=mdl_social, role=Role.CASEWORKER)
    assert User.objects.get(pk=user.pk).home_principal == molndal
    mdl.delete()
    assert User.objects.get(pk=user.pk).home_principal == goteborg  # the one left
    gbg.delete()
    assert User.objects.get(pk=user.pk).home_principal == goteborg  # the last one: kept


def test_saving_a_user_object_after_a_membership_keeps_the_home_principal(goteborg, gbg_social):
    user = UserFactory(email="sparas@test.example")
    Membership.objects.create(user=user, unit=gbg_social, role=Role.CASEWORKER)

    user.first_name = "Ny"
    user.save()

    assert User.objects.get(pk=user.pk).home_principal == goteborg


# --- who sees, who changes ------------------------------------------------------------------------


@pytest.fixture
def dual_user(gbg_social, mdl_social):
    """Works for both Göteborg and Mölndal (linked by a superuser)."""
    user = member(gbg_social, Role.CASEWORKER, email="dubbel@test.example")
    Membership.objects.create(user=user, unit=mdl_social, role=Role.CASEWORKER)
    return user


@pytest.mark.parametrize("admin_fixture", ["gbg_admin", "mdl_admin"])
def test_a_person_of_two_principals_is_seen_by_both_and_changed_by_neither(
    client, request, dual_user, admin_fixture
):
    administrator = request.getfixturevalue(admin_fixture)
    client.force_login(administrator)
    # The membership in the administrator's own principal (the other one is a 404).
    membership = Membership.objects.get(
        user=dual_user, unit__principal__units__memberships__user=administrator
    )
    password_url = reverse("admin:auth_user_password_change", args=[dual_user.pk])

    page = client.get(_change(dual_user.pk))
    post = client.post(_change(dual_user.pk), {"email": "kapad@test.example"})
    password = client.post(password_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    membership_post = client.post(
        reverse("admin:organisations_membership_change", args=[membership.pk]),
        {"user": dual_user.pk, "unit": membership.unit_id, "role": Role.ADMINISTRATOR},
    )
    membership_delete = client.post(
        reverse("admin:organisations_membership_delete", args=[membership.pk]), {"post": "yes"}
    )

    assert page.status_code == 200
    assert not page.context["has_change_permission"]
    assert all(not formset.has_add_permission for formset in page.context["inline_admin_formsets"])
    assert (post.status_code, password.status_code) == (403, 403)
    assert (membership_post.status_code, membership_delete.status_code) == (403, 403)
    dual_user.refresh_from_db()
    assert dual_user.email == "dubbel@test.example"
    assert dual_user.check_password(TEST_PASSWORD)
    assert Membership.objects.filter(user=dual_user).count() == 2


def test_superuser_links_a_person_to_a_second_principal(client, gbg_caseworker, mdl_social):
    client.force_login(UserFactory(email="root@test.example", is_superuser=True, is_staff=True))

    response = client.post(
        reverse("admin:organisations_membership_add"),
        {"user": gbg_caseworker.pk, "unit": mdl_social.pk, "role": Role.CASEWORKER},
    )

    assert response.status_code == 302
    assert gbg_caseworker.memberships.count() == 2


def test_a_still_valid_mandate_of_another_principal_blocks_changes_until_it_is_over(
    mdl_admin, mdl_caseworker, goteborg
):
    mandate = FinancialMandateFactory(
        user=mdl_caseworker, principal=goteborg, valid_from=date(2026, 1, 1), valid_until=None
    )
    assert mdl_caseworker in users_visible_to_administrator(mdl_admin)

    assert not users_editable_by_administrator(mdl_admin, on=date(2026, 6, 1)).filter(
        pk=mdl_caseworker.pk
    )
    assert not users_editable_by_administrator(mdl_admin, on=date(2025, 6, 1)).filter(
        pk=mdl_caseworker.pk
    ), "a mandate that starts later is still valid"
    mandate.ended_on = date(2026, 3, 31)
    mandate.save()
    assert not users_editable_by_administrator(mdl_admin, on=date(2026, 3, 31)).filter(
        pk=mdl_caseworker.pk
    )
    assert users_editable_by_administrator(mdl_admin, on=date(2026, 4, 1)).filter(
        pk=mdl_caseworker.pk
    )


def test_a_superuser_who_is_a_member_is_not_changed_by_the_principals_administrator(
    client, gbg_admin, gbg_social
):
    root = member(gbg_social, Role.MANAGER, email="root@gbg.example", is_superuser=True)
    client.force_login(gbg_admin)

    response = client.post(
        reverse("admin:auth_user_password_change", args=[root.pk]),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 403
    root.refresh_from_db()
    assert root.check_password(TEST_PASSWORD)


def test_administrator_changes_own_user_and_their_memberships(
    client, gbg_admin, gbg_caseworker, gbg_social
):
    client.force_login(gbg_admin)
    membership = Membership.objects.get(user=gbg_caseworker)

    response = client.post(
        _change(gbg_caseworker.pk),
        {
            "email": " Hanna.Ny@GBG.example",
            "first_name": "Hanna",
            "last_name": "Efternamn",
            "is_active": "on",
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "1",
            "memberships-MIN_NUM_FORMS": "0",
            "memberships-MAX_NUM_FORMS": "1000",
            "memberships-0-id": membership.pk,
            "memberships-0-user": gbg_caseworker.pk,
            "memberships-0-unit": gbg_social.pk,
            "memberships-0-role": Role.MANAGER,
        },
    )

    assert response.status_code == 302
    gbg_caseworker.refresh_from_db()
    assert gbg_caseworker.email == "hanna.ny@gbg.example"
    assert Membership.objects.get(pk=membership.pk).role == Role.MANAGER


def test_user_change_form_never_offers_the_password_hash_as_a_text_field(
    client, gbg_admin, gbg_caseworker
):
    client.force_login(gbg_admin)

    form = client.get(_change(gbg_caseworker.pk)).context["adminform"].form

    assert form.fields["password"].disabled
    assert "is_superuser" not in form.fields
    assert "groups" not in form.fields


def test_principal_administrator_sees_but_does_not_change_the_principal(
    client, gbg_admin, goteborg
):
    client.force_login(gbg_admin)
    url = reverse("admin:organisations_principal_change", args=[goteborg.pk])

    page = client.get(url)
    post = client.post(url, {"name": "Kapad", "kind": "municipality"})

    assert page.status_code == 200
    assert post.status_code == 403
    goteborg.refresh_from_db()
    assert goteborg.name == "Göteborg"


# --- e-mail addresses ignore case -------------------------------------------------------------------


def test_sign_in_with_a_mixed_case_address_works(client, primary_care):
    user = member(primary_care, Role.CLINICIAN, email="vardcentral@demo.example")

    response = client.post(
        reverse("login"), {"username": "Vardcentral@Demo.Example", "password": TEST_PASSWORD}
    )

    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(user.pk)


def test_addresses_are_stored_lowercased_and_stripped(gbg_social):
    user = UserFactory(email=" Anna.Andersson@GBG.Example ")
    created = User.objects.create_user(email="BO@GBG.example", password=TEST_PASSWORD)

    assert User.objects.get(pk=user.pk).email == "anna.andersson@gbg.example"
    assert created.email == "bo@gbg.example"


def test_second_user_differing_only_in_case_is_refused_in_swedish(
    client, gbg_admin, gbg_caseworker
):
    client.force_login(gbg_admin)

    with translation.override("sv"):
        response = _add_user(client, "HANNA@gbg.example")

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["email"] == [
        "Det finns redan en användare med den här e-postadressen."
    ]
    assert User.objects.filter(email__iexact="hanna@gbg.example").count() == 1


def test_changing_an_address_to_anothers_in_other_case_is_refused(gbg_caseworker, mdl_caseworker):
    mdl_caseworker.email = "Hanna@GBG.Example"

    with pytest.raises(ValidationError) as excinfo:
        mdl_caseworker.full_clean()

    assert list(excinfo.value.message_dict) == ["email"]


def test_the_database_refuses_addresses_differing_only_in_case(gbg_caseworker):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.bulk_create([User(email="HANNA@gbg.example")])


def test_lockout_counts_every_spelling_of_an_address_together(client, gbg_caseworker):
    spellings = [
        "Hanna@GBG.example",
        "hanna@gbg.example",
        " HANNA@gbg.EXAMPLE",
        "hAnNa@gbg.example",
    ]
    for i in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            reverse("login"), {"username": spellings[i % len(spellings)], "password": "fel-losen"}
        )

    response = client.post(
        reverse("login"), {"username": gbg_caseworker.email, "password": TEST_PASSWORD}
    )

    assert response.status_code == 429
    assert SESSION_KEY not in client.session


def test_wrong_password_message_is_grammatical_swedish(client, gbg_caseworker):
    response = client.post(
        reverse("login"), {"username": gbg_caseworker.email, "password": "fel-losen"}
    )

    errors = " ".join(response.context["form"].non_field_errors())
    assert errors.startswith("Ange en korrekt e-postadress och ett korrekt lösenord.")
    assert "Ange ett korrekt" not in response.content.decode()
