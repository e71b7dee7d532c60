"""factory_boy factories for children, guardians, placements and health examinations."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import factory
from stdnum import luhn

from placements.models import Child, HealthExamination, Placement, RelatedPerson
from tests.factories import MunicipalityFactory, UnitFactory, UserFactory


def personnummer(birth: date, serial: int) -> str:
    """A valid personnummer as 12 digits: ``YYYYMMDD`` + a three-digit serial + the Luhn check
    digit computed over ``YYMMDDNNN``."""
    nine = f"{birth:%y%m%d}{serial % 1000:03d}"
    return f"{birth:%Y}{nine[2:]}{luhn.calc_check_digit(nine)}"


def samordningsnummer(birth: date, serial: int) -> str:
    """A valid samordningsnummer (day of birth + 60) as 12 digits."""
    nine = f"{birth:%y%m}{birth.day + 60:02d}{serial % 1000:03d}"
    return f"{birth:%Y}{nine[2:]}{luhn.calc_check_digit(nine)}"


def _birth_date(n: int) -> date:
    """Children born between 2010 and about 2019: one a day, so every number is different."""
    return date(2010, 1, 1) + timedelta(days=n % 3500)


class ChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Child

    first_name = factory.Sequence(lambda n: f"Alva{n}")
    last_name = "Andersson"
    birth_date = factory.Sequence(_birth_date)
    identity_number = factory.LazyAttributeSequence(
        lambda o, n: personnummer(o.birth_date, 100 + n % 800)
    )
    home_municipality = factory.SubFactory(MunicipalityFactory)
    responsible_unit = factory.SubFactory(
        UnitFactory, principal=factory.SelfAttribute("..home_municipality")
    )
    protected_identity = False
    address = "Storgatan 1, 411 01 Göteborg"
    own_views = "Vill bo nära sin skola."


class RelatedPersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RelatedPerson

    child = factory.SubFactory(ChildFactory)
    kind = RelatedPerson.Kind.GUARDIAN
    name = factory.Sequence(lambda n: f"Vårdnadshavare {n}")
    relation = "förälder"
    phone = "031-123 45 67"
    email = factory.Sequence(lambda n: f"foralder{n}@test.example")


class PlacementFactory(factory.django.DjangoModelFactory):
    """A planned SoL placement in an HVB, placed by the child's responsible unit, with the
    R-PLAC-1 record complete."""

    class Meta:
        model = Placement

    child = factory.SubFactory(ChildFactory)
    placing_unit = factory.SelfAttribute("child.responsible_unit")
    placing_principal = factory.SelfAttribute("placing_unit.principal")
    caseworker = factory.SubFactory(UserFactory)
    form = Placement.Form.HVB
    legal_basis = Placement.LegalBasis.SOL
    is_acute = False
    status = Placement.Status.PLANNED
    provider_name = factory.Sequence(lambda n: f"HVB Solglimten {n}")
    planned_start = date(2026, 3, 1)
    cost_per_day = Decimal("3200.00")
    goal = "Trygg vardag och stabil skolgång."
    wishes = "Vill träffa sin syster varje vecka."
    schooling = "Fortsätter i sin skola med skolskjuts."
    responsibilities = "Kommunen: boende. Regionen: BUP-kontakt."
    municipality_provision = Placement.Provision.OTHER_PARTY  # the HVB
    region_provision = Placement.Provision.ITSELF


class HealthExaminationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HealthExamination

    placement = factory.SubFactory(PlacementFactory)
    kind = HealthExamination.Kind.PHYSICAL_MENTAL
    initiated_on = date(2026, 3, 2)
