"""R-PLAC-5: the placement form's "permanent care contact in the region" lists the region's
units only (it listed schools and social services: found by an exploratory review); a unit
stored before stays choosable so that an edit does not fail on it."""

from __future__ import annotations

import pytest

from placements.forms import PlacementForm
from tests.placements.factories import ChildFactory, PlacementFactory

pytestmark = pytest.mark.django_db


def _choices(form) -> set[int]:
    return set(form.fields["care_contact_unit"].queryset.values_list("pk", flat=True))


def test_only_region_units_are_offered(goteborg, gbg_social, bup, gbg_caseworker):
    placement = PlacementFactory(
        child=ChildFactory(home_municipality=goteborg, responsible_unit=gbg_social),
        caseworker=gbg_caseworker,
    )
    form = PlacementForm(instance=placement, **_kwargs(placement))

    assert bup.pk in _choices(form) and gbg_social.pk not in _choices(form)

    placement.care_contact_unit = gbg_social
    placement.save()
    assert gbg_social.pk in _choices(PlacementForm(instance=placement, **_kwargs(placement)))


def _kwargs(placement):
    from organisations.models import Unit, User

    return {"units": Unit.objects.all(), "caseworkers": User.objects.all()}
