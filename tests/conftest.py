"""Fixtures shared by the whole suite: two municipalities (Göteborg, Mölndal), one region."""

from __future__ import annotations

import pytest

from organisations.models import Role, Unit
from tests.factories import MunicipalityFactory, RegionFactory, UnitFactory, member


@pytest.fixture
def region(db):
    return RegionFactory()


@pytest.fixture
def goteborg(region):
    return MunicipalityFactory(name="Göteborg", region=region)


@pytest.fixture
def molndal(region):
    return MunicipalityFactory(name="Mölndal", region=region)


@pytest.fixture
def gbg_social(goteborg):
    return UnitFactory(principal=goteborg, name="Socialtjänsten Göteborg")


@pytest.fixture
def mdl_social(molndal):
    return UnitFactory(principal=molndal, name="Socialtjänsten Mölndal")


@pytest.fixture
def bup(region):
    return UnitFactory(principal=region, name="BUP Göteborg", kind=Unit.Kind.BUP)


@pytest.fixture
def primary_care(region):
    return UnitFactory(principal=region, name="Vårdcentralen Majorna", kind=Unit.Kind.PRIMARY_CARE)


@pytest.fixture
def gbg_caseworker(gbg_social):
    return member(gbg_social, Role.CASEWORKER, email="hanna@gbg.example", first_name="Hanna")


@pytest.fixture
def mdl_caseworker(mdl_social):
    return member(mdl_social, Role.CASEWORKER, email="mats@mdl.example", first_name="Mats")


@pytest.fixture
def gbg_manager(gbg_social):
    return member(gbg_social, Role.MANAGER, email="chef@gbg.example")


@pytest.fixture
def mdl_manager(mdl_social):
    return member(mdl_social, Role.MANAGER, email="chef@mdl.example")


@pytest.fixture
def bup_clinician(bup):
    return member(bup, Role.CLINICIAN, email="bjorn@bup.example", first_name="Björn")


@pytest.fixture
def gbg_admin(gbg_social):
    return member(gbg_social, Role.ADMINISTRATOR, email="admin@gbg.example", is_staff=True)


@pytest.fixture
def mdl_admin(mdl_social):
    return member(mdl_social, Role.ADMINISTRATOR, email="admin@mdl.example", is_staff=True)
