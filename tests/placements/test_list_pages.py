"""The placement list is paginated in two steps (issue 13, ``selectors.DeferredJoin``): the
page's ids from the scoped query, then the rows for those ids. Every page must hold exactly the
rows, in the order, of the one-query list, and never a row outside the user's scope."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.paginator import Paginator
from django.urls import reverse

from placements.selectors import placement_list, placement_page_source
from tests.placements.factories import ChildFactory, PlacementFactory

pytestmark = pytest.mark.django_db


def test_each_page_equals_the_one_query_list_and_stays_in_scope(
    goteborg, gbg_social, gbg_caseworker, mdl_social, client_for
):
    for i in range(30):
        child = ChildFactory(home_municipality=goteborg, responsible_unit=gbg_social)
        # Same start date for some rows: the id breaks the tie, as in the one-query list.
        PlacementFactory(child=child, planned_start=date(2026, 3, 1) + timedelta(days=i % 7))
    outside = PlacementFactory(child=ChildFactory(responsible_unit=mdl_social))

    whole = list(placement_list(user=gbg_caseworker))
    pages = Paginator(placement_page_source(user=gbg_caseworker), 25)
    paged = [p for n in pages.page_range for p in pages.page(n).object_list]

    assert pages.count == 30 and pages.num_pages == 2
    assert [p.pk for p in paged] == [p.pk for p in whole]
    assert outside.pk not in {p.pk for p in paged}
    # The rows carry the list's columns (related names and the computed agreement status).
    first = pages.page(1).object_list[0]
    assert first.child.responsible_unit_id == gbg_social.pk
    assert hasattr(first, "agreement_status") and hasattr(first, "next_deadline_due_on")

    response = client_for(gbg_caseworker).get(reverse("placements:placement_list"), {"page": 2})
    assert [p.pk for p in response.context["placements"]] == [p.pk for p in whole[25:]]
