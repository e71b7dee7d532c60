"""factory_boy factories shared by the whole suite."""

from __future__ import annotations

from datetime import date

import factory
from stdnum import luhn

from organisations.models import FinancialMandate, Membership, Principal, Role, Unit, User

TEST_PASSWORD = "Test-losenord-123!"


def _orgnr(n: int, prefix: str = "212000") -> str:
    body = f"{prefix}{n % 1000:03d}"
    return f"{body[:6]}-{body[6:]}{luhn.calc_check_digit(body)}"


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Principal
        django_get_or_create = ("name",)

    kind = Principal.Kind.REGION
    name = "Västra Götalandsregionen"
    organisation_number = _orgnr(131, prefix="232100")
    rule_set_code = "VG"


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Principal
        django_get_or_create = ("name",)

    kind = Principal.Kind.MUNICIPALITY
    name = factory.Sequence(lambda n: f"Kommun {n}")
    organisation_number = factory.Sequence(lambda n: _orgnr(500 + n))
    region = factory.SubFactory(RegionFactory)


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit
        django_get_or_create = ("principal", "name")

    principal = factory.SubFactory(MunicipalityFactory)
    name = factory.LazyAttribute(lambda o: f"Socialtjänsten {o.principal.name}")
    kind = Unit.Kind.SOCIAL_SERVICES


class RegionUnitFactory(UnitFactory):
    principal = factory.SubFactory(RegionFactory)
    name = factory.Sequence(lambda n: f"BUP {n}")
    kind = Unit.Kind.BUP


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@test.example")
    first_name = factory.Sequence(lambda n: f"Förnamn{n}")
    last_name = "Efternamn"
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    unit = factory.SubFactory(UnitFactory)
    role = Role.CASEWORKER


class FinancialMandateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FinancialMandate

    user = factory.SubFactory(UserFactory)
    principal = factory.SubFactory(MunicipalityFactory)
    valid_from = date(2026, 1, 1)
    valid_until = date(2026, 12, 31)
    annual_limit = None


def member(unit: Unit, role: str = Role.CASEWORKER, **user_kwargs: object) -> User:
    """A user holding ``role`` in ``unit``."""
    user = UserFactory(**user_kwargs)
    Membership.objects.create(user=user, unit=unit, role=role)
    return user
