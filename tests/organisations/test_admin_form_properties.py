"""Property tests over the admin forms of organisations (issue 10): whatever is typed into the
user, membership, mandate and unit forms (overlong text, odd e-mail addresses, the first and
last day a date can have, forged ids), the admin never answers 500 and never stores a row that
fails its own ``full_clean()``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from organisations.models import FinancialMandate, Membership, Principal, Role, Unit, User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PROPERTIES = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

LONG = 5_000
CHARS = st.characters(codec="utf-8", exclude_characters="\x00")


@dataclass(frozen=True)
class Field:
    """What a field gets: a value the form should accept (often at an edge), or, when the
    example spoils this field, one it should refuse (or nothing at all)."""

    valid: st.SearchStrategy[Any]
    hostile: st.SearchStrategy[Any]


def mostly(valid: st.SearchStrategy[Any], hostile: st.SearchStrategy[Any]) -> Field:
    return Field(valid, hostile)


def text(max_length: int) -> Field:
    return mostly(
        st.one_of(
            st.text(CHARS, max_size=max_length),
            st.just("å" * max_length),
            st.just("İ" * max_length),
        ),
        st.sampled_from(["x" * (max_length + 1), "a" * LONG, "a\x00b", "\u202e" * 300]),
    )


def required_text(max_length: int) -> Field:
    return mostly(
        st.one_of(
            st.text(CHARS, min_size=1, max_size=max_length).filter(str.strip),
            st.just("Å" * max_length),
        ),
        st.sampled_from(["", " ", "x" * (max_length + 1), "a" * LONG, "a\x00b"]),
    )


EMAIL = mostly(
    st.one_of(
        st.emails().map(lambda e: e.upper() if len(e) % 2 else e),
        st.sampled_from(
            [
                "Vardcentral@Demo.Example",
                " Ny.Person@GBG.example ",
                "user+tag@x.se",
                "asa@exempel.SE",
                "asa@exempel.se",
                "åsa@exempel.se",
                '"quoted name"@x.se',
                "a@" + "İ" * 60 + ".se",
                "a" * 64 + "@" + "b" * 185 + ".se",
            ]
        ),
    ),
    st.one_of(
        st.sampled_from(
            [
                "",
                "   ",
                "HANNA@GBG.EXAMPLE",
                "a@b",
                "@x.se",
                "a@@x.se",
                "İ" * 60 + "@x.se",
                "a" * 65 + "@x.se",
                "x@" + "y" * LONG + ".se",
                "a\x00b@x.se",
            ]
        ),
        st.text(CHARS, max_size=80),
    ),
)
DATE = mostly(
    st.one_of(
        st.sampled_from(["0001-01-01", "9999-12-31", "2028-02-29"]),
        st.dates(date(1, 1, 1), date(9999, 12, 31)).map(date.isoformat),
    ),
    st.one_of(
        st.sampled_from(["10000-01-01", "2026-02-29", "2026-13-01", "0000-01-01", "", "9" * LONG]),
        st.text(CHARS, max_size=20),
    ),
)
AMOUNT = mostly(
    st.one_of(
        st.sampled_from(["", "1 500 000,50", "9999999999,99", "0,01", "1.234,50"]),
        st.decimals(min_value=1, max_value=10**9, places=2).map(str),
    ),
    st.one_of(
        st.sampled_from(["0", "-1", "1e400", "NaN", "Infinity", "9" * 40, "0,001"]),
        st.text(CHARS, max_size=20),
    ),
)
BOOL = mostly(st.sampled_from(["on", ""]), st.sampled_from(["true", "false", "x" * LONG]))
PASSWORD = mostly(st.just("Ett-bra-losenord-2026!"), st.text(CHARS, max_size=40))


def choice(values: list[str]) -> Field:
    return mostly(st.sampled_from(values), st.one_of(st.just(""), st.text(CHARS, max_size=30)))


def ids(*valid: int) -> Field:
    return mostly(
        st.sampled_from([str(v) for v in valid]),
        st.sampled_from(["", "0", "-1", str(2**63), str(10**25), "abc", "1.5"]),
    )


def form_data(spec: dict[str, Field]) -> st.SearchStrategy[dict[str, Any]]:
    """Up to two fields spoiled (a value to refuse, or left out of the request), the others
    valid: so that saves happen, with edge values in them, and refusals too."""

    def fill(spoiled: frozenset[str]) -> st.SearchStrategy[dict[str, Any]]:
        return st.fixed_dictionaries(
            {
                name: st.one_of(f.hostile, st.none()) if name in spoiled else f.valid
                for name, f in spec.items()
            }
        ).map(lambda d: {k: v for k, v in d.items() if v is not None})

    return st.frozensets(st.sampled_from(sorted(spec)), max_size=2).flatmap(fill)


def no_inline() -> dict[str, str]:
    return {
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }


def assert_every_row_is_valid() -> None:
    for model in (Principal, Unit, User, Membership, FinancialMandate):
        for obj in model._base_manager.all():
            obj.full_clean()


def post_and_check(client, url: str, data: dict[str, Any]) -> None:
    with transaction.atomic():
        response = client.post(url, data)
        assert response.status_code < 500
        assert response.status_code in (200, 302, 403), response.status_code
        assert_every_row_is_valid()
        transaction.set_rollback(True)


@pytest.fixture
def admins(gbg_admin, gbg_caseworker, gbg_social, goteborg, mdl_social, molndal):
    superuser = UserFactory(email="root@test.example", is_superuser=True, is_staff=True)
    for user in (gbg_admin, gbg_caseworker, superuser):
        user.full_clean()
    return {"gbg_admin": gbg_admin, "superuser": superuser}


@pytest.mark.parametrize("who", ["gbg_admin", "superuser"])
@PROPERTIES
@given(data=st.data())
def test_user_add_form(client, admins, goteborg, molndal, who, data):
    client.force_login(admins[who])
    values = data.draw(
        form_data(
            {
                "email": EMAIL,
                "home_principal": ids(goteborg.pk, molndal.pk),
                "usable_password": choice(["true", "false"]),
                "password1": PASSWORD,
                "password2": PASSWORD,
            }
        )
    )

    post_and_check(client, reverse("admin:organisations_user_add"), values | no_inline())


@PROPERTIES
@given(data=st.data())
def test_user_change_form(client, admins, gbg_caseworker, gbg_social, data):
    client.force_login(admins["gbg_admin"])
    membership = Membership.objects.get(user=gbg_caseworker)
    values = data.draw(
        form_data(
            {
                "email": EMAIL,
                "first_name": text(150),
                "last_name": text(150),
                "title": text(120),
                "phone": text(40),
                "is_active": BOOL,
                "is_staff": BOOL,
                "home_principal": ids(gbg_social.principal_id),
                "memberships-0-unit": ids(gbg_social.pk),
                "memberships-0-role": choice(Role.values),
                "memberships-1-unit": ids(gbg_social.pk),
                "memberships-1-role": choice(Role.values),
            }
        )
    )
    values |= {
        "memberships-TOTAL_FORMS": "2",
        "memberships-INITIAL_FORMS": "1",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
        "memberships-0-id": str(membership.pk),
        "memberships-0-user": str(gbg_caseworker.pk),
        "memberships-1-user": str(gbg_caseworker.pk),
    }

    post_and_check(
        client, reverse("admin:organisations_user_change", args=[gbg_caseworker.pk]), values
    )


@pytest.mark.parametrize("who", ["gbg_admin", "superuser"])
@PROPERTIES
@given(data=st.data())
def test_membership_add_form(client, admins, gbg_caseworker, gbg_social, mdl_social, who, data):
    client.force_login(admins[who])
    values = data.draw(
        form_data(
            {
                "user": ids(gbg_caseworker.pk, admins["gbg_admin"].pk),
                "unit": ids(gbg_social.pk, mdl_social.pk),
                "role": choice(Role.values),
            }
        )
    )

    post_and_check(client, reverse("admin:organisations_membership_add"), values)


@pytest.mark.parametrize("who", ["gbg_admin", "superuser"])
@PROPERTIES
@given(data=st.data())
def test_mandate_add_form(client, admins, gbg_caseworker, goteborg, molndal, who, data):
    client.force_login(admins[who])
    values = data.draw(
        form_data(
            {
                "user": ids(gbg_caseworker.pk),
                "principal": ids(goteborg.pk, molndal.pk),
                "valid_from": DATE,
                "valid_until": DATE,
                "annual_limit": AMOUNT,
            }
        )
    )

    post_and_check(client, reverse("admin:organisations_financialmandate_add"), values)


@pytest.mark.parametrize("page", ["add", "change"])
@PROPERTIES
@given(data=st.data())
def test_unit_form(client, admins, gbg_social, goteborg, molndal, page, data):
    client.force_login(admins["gbg_admin"])
    values = data.draw(
        form_data(
            {
                "name": required_text(200),
                "kind": choice(Unit.Kind.values),
                "email": EMAIL,
                "principal": ids(goteborg.pk, molndal.pk),
            }
        )
    )
    url = (
        reverse("admin:organisations_unit_add")
        if page == "add"
        else reverse("admin:organisations_unit_change", args=[gbg_social.pk])
    )

    post_and_check(client, url, values)
