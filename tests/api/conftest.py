"""The API tests' world: the hostile tests' Göteborg and Mölndal cases (tests/hostile/conftest),
with a system account and an API key for each municipality and a signed PDF on the signed
agreement and a deviation of each municipality (Göteborg's linked to a placement). The clock is frozen on Friday 15 May 2026, 10:00."""

from __future__ import annotations

import hashlib
from types import SimpleNamespace

import pytest
import time_machine
from django.core.cache import cache
from django.db import transaction
from rest_framework.test import APIClient

from agreements.models import SignedDocument
from api import services
from deviations.services import DeviationData, report_deviation
from organisations.models import Role
from tests.agreements.conftest import TODAY, at
from tests.factories import member
from tests.hostile.conftest import _build_world

PDF = b"%PDF-1.7\n% a signed agreement stands in here\n%%EOF\n"


@pytest.fixture(autouse=True)
def frozen_today(time_machine):
    time_machine.move_to(at(TODAY, 10), tick=False)


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """The rate limit counts in the cache: every test starts from zero."""
    cache.clear()
    yield
    cache.clear()


def build_api_world() -> SimpleNamespace:
    w = _build_world()
    w.gbg_admin = member(w.gbg_social, Role.ADMINISTRATOR, email="admin@gbg.example")
    w.mdl_admin = member(w.mdl_social, Role.ADMINISTRATOR, email="admin@mdl.example")
    w.gbg_account = services.system_account_create(
        user=w.gbg_admin, principal=w.goteborg, name="Göteborgs verksamhetssystem"
    )
    w.gbg_token_row, w.gbg_token = services.token_create(
        user=w.gbg_admin, account=w.gbg_account, name="Produktion"
    )
    w.mdl_account = services.system_account_create(
        user=w.mdl_admin, principal=w.molndal, name="Mölndals verksamhetssystem"
    )
    w.mdl_token_row, w.mdl_token = services.token_create(
        user=w.mdl_admin, account=w.mdl_account, name="Produktion"
    )
    w.region_account = services.system_account_create(
        user=None, principal=w.region, name="Regionens journalsystem", units=[w.bup]
    )
    w.region_token_row, w.region_token = services.token_create(
        user=None, account=w.region_account, name="Journal"
    )
    w.document = SignedDocument.objects.create(
        version=w.signed,
        revision=3,
        signing_round=1,
        pdf=PDF,
        sha256=hashlib.sha256(PDF).hexdigest(),
        is_final=True,
    )
    # R-DEV-1: a deviation of each municipality to the region (BUP); Göteborg's names a case.
    w.gbg_deviation = report_deviation(
        user=w.caseworker,
        unit=w.gbg_social,
        data=DeviationData(
            category="sip_not_in_time",
            occurred_on=TODAY,
            agreed="SIP inom fyra veckor enligt rutinen.",
            happened="Ingen kallelse från BUP.",
            receiving_unit_id=w.bup.pk,
            placement_id=w.placement.pk,
        ),
        today=TODAY,
    )
    w.mdl_deviation = report_deviation(
        user=w.mdl_caseworker,
        unit=w.mdl_social,
        data=DeviationData(
            category="information_not_shared",
            occurred_on=TODAY,
            agreed="Epikris inom en vecka.",
            happened="Ingen epikris.",
            receiving_unit_id=w.bup.pk,
        ),
        today=TODAY,
    )
    return w


@pytest.fixture(scope="module")
def api_world(django_db_setup, django_db_blocker):
    with (
        django_db_blocker.unblock(),
        time_machine.travel(at(TODAY, 10), tick=False),
        transaction.atomic(),
    ):
        yield build_api_world()
        transaction.set_rollback(True)


@pytest.fixture
def w(api_world, db):
    return api_world


@pytest.fixture
def api():
    def _client(token: str | None) -> APIClient:
        client = APIClient()
        if token is not None:
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        return client

    return _client
