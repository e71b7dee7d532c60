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


@pytest.mark.parametrize("number", [1, 2, 3])
def test_the_expected_page_comes_with_its_count_in_one_query(
    number, goteborg, gbg_social, gbg_caseworker, django_assert_num_queries
):
    """Told which page the request asks for, the count and that page's ids are one query
    (``COUNT(*) OVER ()``); the rows are the second. Page 2 is the short last page; page 3 is
    past the end (the count is then asked on its own)."""
    for i in range(30):
        child = ChildFactory(home_municipality=goteborg, responsible_unit=gbg_social)
        PlacementFactory(child=child, planned_start=date(2026, 3, 1) + timedelta(days=i % 7))
    whole = [p.pk for p in placement_list(user=gbg_caseworker)]
    source = placement_page_source(
        user=gbg_caseworker, expected=slice((number - 1) * 25, number * 25)
    )
    paginator = Paginator(source, 25)

    # Pages 1 and 2: the page's ids with the count, then the rows. Page 3: the empty window
    # query, then the count on its own.
    with django_assert_num_queries(2):
        if number == 3:
            assert paginator.count == 30 and paginator.num_pages == 2
            rows = []
        else:
            rows = [p.pk for p in paginator.page(number).object_list]

    assert rows == whole[(number - 1) * 25 : number * 25]


@pytest.mark.parametrize("page", ["²", "٣", "9" * 5000, "0", "-1", "last", "abc", "999999"])
def test_a_forged_page_number_is_a_404_or_a_page_never_an_error(
    page, goteborg, gbg_social, gbg_caseworker, client_for
):
    PlacementFactory(child=ChildFactory(home_municipality=goteborg, responsible_unit=gbg_social))

    response = client_for(gbg_caseworker).get(reverse("placements:placement_list"), {"page": page})

    assert response.status_code == (200 if page == "last" else 404)
