"""R-DEV-1 in the demo: every level has something to show, and the areas stay apart."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from core.policy import visible
from deviations.models import Deviation
from organisations.models import User


@pytest.fixture
def demo(db):
    call_command("seed_demo", quiet_logins=True, stdout=StringIO())
    call_command("seed_demo", quiet_logins=True, stdout=StringIO())  # idempotent


def seen(email):
    return visible(User.objects.get(email=email), Deviation)


def test_r_dev_1_the_demo_shows_every_level_and_keeps_the_areas_apart(demo):
    assert Deviation.objects.count() == 6
    assert set(seen("delregion.gr@demo.example").values_list("level", flat=True)) == {
        "sub_regional",
        "regional",
    }
    assert not seen("delregion.fyrbodal@demo.example").exists()
    assert list(seen("lisa@demo.example").values_list("level", flat=True)) == ["regional"]
    caseworker = seen("handlaggare.goteborg@demo.example")
    assert caseworker.filter(status="reported").exists()
    assert caseworker.filter(status="received").exists()  # to answer, from BUP
    assert seen("bup@demo.example").count() >= 3
