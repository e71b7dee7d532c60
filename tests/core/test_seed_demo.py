"""`manage.py seed_demo` is idempotent, and every demo login it prints works (issue 2, section 5)."""

from __future__ import annotations

import re
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.management import call_command
from django.urls import reverse

from core.models import AuditEvent
from organisations.demo import (
    DEMO_LOGINS,
    DEMO_PASSWORD,
    GOTEBORGSREGIONEN,
    GR_MUNICIPALITIES,
    SUB_REGIONS,
)
from organisations.models import CooperationBody, FinancialMandate, Principal, SubRegion, User

pytestmark = pytest.mark.django_db

PROJECT_DIR = Path(settings.BASE_DIR).resolve()


def _project_models():
    """Every model of the project's own apps, except the append-only audit log."""
    return [
        model
        for config in apps.get_app_configs()
        if Path(config.path).resolve().is_relative_to(PROJECT_DIR)
        for model in config.get_models()
        if model is not AuditEvent
    ]


def _row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in _project_models()}


def _seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_seed_demo_loads_the_goteborg_region_and_the_region():
    _seed()

    assert set(GR_MUNICIPALITIES) <= set(Principal.objects.values_list("name", flat=True))
    # GR's 13 and one municipality of Fyrbodal, to show that the sub-regions are apart.
    assert Principal.objects.filter(kind=Principal.Kind.MUNICIPALITY).count() == 14
    assert Principal.objects.filter(kind=Principal.Kind.REGION).count() == 1
    gr = set(
        Principal.objects.filter(sub_region__name=GOTEBORGSREGIONEN).values_list("name", flat=True)
    )
    assert gr == set(GR_MUNICIPALITIES)
    assert set(SubRegion.objects.values_list("name", flat=True)) == set(SUB_REGIONS)
    # LiSA and one cooperation body per sub-region.
    assert CooperationBody.objects.filter(level="regional").count() == 1
    assert CooperationBody.objects.filter(level="sub_regional").count() == len(SUB_REGIONS)


def test_seed_demo_gives_the_municipal_and_bup_signatories_mandates():
    _seed()

    holders = set(FinancialMandate.objects.values_list("user__email", flat=True))
    assert {"signatur.goteborg@demo.example", "signatur.bup@demo.example"} <= holders


def test_seed_demo_run_twice_creates_no_duplicates():
    _seed()
    after_first = _row_counts()

    _seed()

    assert _row_counts() == after_first
    assert after_first["organisations.User"] == len(DEMO_LOGINS)


def test_seed_demo_prints_every_demo_login():
    output = _seed()

    printed = set(re.findall(r"^\s+(\S+@\S+)\s", output, flags=re.MULTILINE))
    assert printed == {demo.email for demo in DEMO_LOGINS}
    assert DEMO_PASSWORD in output


@pytest.mark.parametrize("email", [demo.email for demo in DEMO_LOGINS])
def test_every_demo_login_can_sign_in(client, email):
    _seed()

    response = client.post(reverse("login"), {"username": email, "password": DEMO_PASSWORD})

    assert response.status_code == 302, f"{email} could not sign in"
    assert response["Location"] == reverse("start")
    assert int(client.session[SESSION_KEY]) == User.objects.get(email=email).pk
    assert client.get(reverse("start")).status_code == 200
