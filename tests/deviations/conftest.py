"""A small world for the deviation tests (R-DEV-1).

Västra Götaland with two sub-regional areas: Göteborgsregionen (Göteborg and Mölndal; its
routine gives 10 days for an answer) and Fyrbodal (Uddevalla; 21 days), each with its
cooperation body and one member, and LiSA (the regional body) with one member. Göteborg has
social services (a caseworker, a manager) and a school; the region has BUP Göteborg (a
clinician) and a primary-care unit (a clinician). A Göteborg child with a placement; a Mölndal
child with a placement, and a Göteborg child with protected identity. The clock is frozen on
Monday 2 March 2026, 10:00.
"""

from __future__ import annotations

from datetime import date, datetime, time
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from deviations import services
from organisations.models import CooperationBody, CooperationMembership, Role, SubRegion, Unit
from tests.factories import MunicipalityFactory, RegionFactory, UnitFactory, UserFactory, member
from tests.placements.factories import ChildFactory, PlacementFactory

TODAY = date(2026, 3, 2)
STOCKHOLM = ZoneInfo("Europe/Stockholm")


@pytest.fixture(autouse=True)
def frozen_today(time_machine):
    time_machine.move_to(datetime.combine(TODAY, time(10), tzinfo=STOCKHOLM), tick=False)


def body_member(body: CooperationBody, email: str):
    user = UserFactory(email=email)
    CooperationMembership.objects.create(body=body, user=user)
    return user


@pytest.fixture
def w(db):
    region = RegionFactory()
    gr = SubRegion.objects.create(
        region=region, name="Göteborgsregionen", deviation_feedback_days=10
    )
    fyrbodal = SubRegion.objects.create(region=region, name="Fyrbodal", deviation_feedback_days=21)
    goteborg = MunicipalityFactory(name="Göteborg", region=region, sub_region=gr)
    molndal = MunicipalityFactory(name="Mölndal", region=region, sub_region=gr)
    uddevalla = MunicipalityFactory(name="Uddevalla", region=region, sub_region=fyrbodal)
    lonely = MunicipalityFactory(name="Ensam", region=region)  # in no area
    w = SimpleNamespace(region=region, gr=gr, fyrbodal=fyrbodal)
    w.goteborg, w.molndal, w.uddevalla, w.lonely = goteborg, molndal, uddevalla, lonely
    w.gbg_social = UnitFactory(principal=goteborg, name="Socialtjänsten Göteborg")
    w.gbg_school = UnitFactory(
        principal=goteborg, name="Grundskolan Göteborg", kind=Unit.Kind.SCHOOL
    )
    w.mdl_social = UnitFactory(principal=molndal, name="Socialtjänsten Mölndal")
    w.udd_social = UnitFactory(principal=uddevalla, name="Socialtjänsten Uddevalla")
    w.lonely_social = UnitFactory(principal=lonely, name="Socialtjänsten Ensam")
    w.bup = UnitFactory(principal=region, name="BUP Göteborg", kind=Unit.Kind.BUP)
    w.primary_care = UnitFactory(
        principal=region, name="Vårdcentralen Majorna", kind=Unit.Kind.PRIMARY_CARE
    )
    w.caseworker = member(w.gbg_social, Role.CASEWORKER, email="hanna@gbg.example")
    w.manager = member(w.gbg_social, Role.MANAGER, email="chef@gbg.example")
    w.teacher = member(w.gbg_school, Role.CASEWORKER, email="larare@gbg.example")
    w.mdl_caseworker = member(w.mdl_social, Role.CASEWORKER, email="mats@mdl.example")
    w.udd_caseworker = member(w.udd_social, Role.CASEWORKER, email="ulla@udd.example")
    w.lonely_caseworker = member(w.lonely_social, Role.CASEWORKER, email="e@ensam.example")
    w.clinician = member(w.bup, Role.CLINICIAN, email="bjorn@bup.example")
    w.gp = member(w.primary_care, Role.CLINICIAN, email="vera@vc.example")
    w.region_manager = member(w.primary_care, Role.MANAGER, email="chef@vc.example")
    w.admin = member(w.gbg_social, Role.ADMINISTRATOR, email="admin@gbg.example")
    w.gr_body = CooperationBody.objects.create(
        region=region, level="sub_regional", sub_region=gr, name="Delregional GR"
    )
    w.fyrbodal_body = CooperationBody.objects.create(
        region=region, level="sub_regional", sub_region=fyrbodal, name="Delregional Fyrbodal"
    )
    w.lisa = CooperationBody.objects.create(region=region, level="regional", name="LiSA")
    w.gr_member = body_member(w.gr_body, "greta@gr.example")
    w.fyrbodal_member = body_member(w.fyrbodal_body, "fredrik@fyrbodal.example")
    w.lisa_member = body_member(w.lisa, "lisa@lisa.example")
    w.child = ChildFactory(
        first_name="Alva",
        last_name="Göransson",
        home_municipality=goteborg,
        responsible_unit=w.gbg_social,
    )
    w.placement = PlacementFactory(child=w.child, caseworker=w.caseworker)
    w.protected = ChildFactory(
        first_name="Sara",
        last_name="Skyddad",
        home_municipality=goteborg,
        responsible_unit=w.gbg_social,
        protected_identity=True,
    )
    w.mdl_child = ChildFactory(
        first_name="Mira",
        last_name="Mölndal",
        home_municipality=molndal,
        responsible_unit=w.mdl_social,
    )
    w.mdl_placement = PlacementFactory(child=w.mdl_child, caseworker=w.mdl_caseworker)
    return w


def data(**overrides) -> services.DeviationData:
    values = {
        "category": "sip_not_in_time",
        "occurred_on": date(2026, 2, 20),
        "agreed": "SIP-möte inom tre veckor enligt överenskommelsen.",
        "happened": "Regionen kom inte till mötet och hörde inte av sig.",
    }
    values.update(overrides)
    return services.DeviationData(**values)


def report(w, *, user=None, unit=None, **overrides):
    """A deviation reported by the Göteborg caseworker to the region's BUP unit."""
    overrides.setdefault("receiving_unit_id", w.bup.pk)
    return services.report_deviation(
        user=user or w.caseworker, unit=unit or w.gbg_social, data=data(**overrides)
    )


MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


@pytest.fixture
def client_for(client):
    def _client_for(user):
        client.force_login(user, backend=MODEL_BACKEND)
        return client

    return _client_for
