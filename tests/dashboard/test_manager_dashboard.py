"""The manager's dashboard (issue 12): headline figures, the figures per unit and per
caseworker (most overdue first), each count a link to the drill-down list, which is scoped by
the same policy; trends labelled with year and month. The figures are hand-computed from a small
fixture; the clock is frozen on Friday 15 May 2026 (conftest), so the last 12 months are
2025-06-01 – 2026-05-15."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import translation

from dashboard.selectors import Figures
from organisations.models import Membership, Role
from tests.dashboard import aggregates
from tests.dashboard.conftest import TODAY
from tests.factories import UnitFactory, member
from tests.placements.factories import ChildFactory

pytestmark = pytest.mark.django_db

OVERVIEW = reverse("dashboard:overview")
LIST = reverse("dashboard:deadline_list")
NBSP = "\u00a0"


def days(n: int) -> date:
    return TODAY + timedelta(days=n)


@pytest.fixture
def family(gbg_social, gbg_manager):
    """A second unit the Göteborg manager manages."""
    unit = UnitFactory(principal=gbg_social.principal, name="Familjehemsenheten Göteborg")
    Membership.objects.create(user=gbg_manager, unit=unit, role=Role.MANAGER)
    return unit


@pytest.fixture
def colleague(family):
    return member(family, Role.CASEWORKER, email="kim@gbg.example", first_name="Kim")


@pytest.fixture
def fixture_rows(bulk_deadlines, gbg_social, gbg_caseworker, family, colleague, mdl_social):
    """Socialtjänsten (Hanna's): 1 overdue, 2 due soon, 1 open; in the window 2 met on time and
    1 met late; 1 met on time before the window.
    Familjehemsenheten: 3 overdue (Kim 2, nobody 1; one 40 days late, still in the window),
    1 due today (Kim); in the window 2 met on time (Kim).
    Mölndal: 5 overdue, none of Göteborg's business."""
    hanna = {"unit": gbg_social, "responsible": gbg_caseworker}
    bulk_deadlines(1, due_on=days(-3), **hanna)
    bulk_deadlines(1, due_on=days(2), **hanna)
    bulk_deadlines(1, due_on=days(7), **hanna)
    bulk_deadlines(1, due_on=days(20), **hanna)
    bulk_deadlines(2, due_on=date(2026, 4, 10), met_on=date(2026, 4, 9), **hanna)
    bulk_deadlines(1, due_on=date(2026, 3, 10), met_on=date(2026, 3, 12), **hanna)
    bulk_deadlines(1, due_on=date(2025, 5, 20), met_on=date(2025, 5, 20), **hanna)
    kim = {"unit": family, "responsible": colleague}
    bulk_deadlines(1, due_on=days(-1), **kim)
    bulk_deadlines(1, due_on=days(-40), **kim)
    bulk_deadlines(1, due_on=days(-10), unit=family, responsible=None)
    bulk_deadlines(1, due_on=days(0), **kim)
    bulk_deadlines(2, due_on=date(2026, 1, 15), met_on=date(2026, 1, 15), **kim)
    bulk_deadlines(5, unit=mdl_social, responsible=None)


def test_the_headline_figures(client_for, gbg_manager, fixture_rows):
    """Overdue 1 + 3; due within 7 days 2 + 1; open 4 + 4; met on time 4 of the 9 that fell
    due in the window (4 on time, 1 late, 4 overdue): 44 %."""
    with translation.override("sv"):
        response = client_for(gbg_manager).get(OVERVIEW, HTTP_ACCEPT_LANGUAGE="sv")

    figures = response.context["figures"]
    assert figures == Figures(overdue=4, due_soon=3, open=8, on_time=4, counted=9)
    assert figures.percent == 44
    html = response.content.decode()
    assert f"44{NBSP}%" in html
    assert "Uppfyllda i tid, 2025-06 – 2026-05" in html
    assert f'href="{LIST}?status=overdue">4</a>' in html


def test_the_figures_per_unit_put_the_unit_with_most_overdue_first(
    client_for, gbg_manager, fixture_rows, family, gbg_social
):
    response = client_for(gbg_manager).get(OVERVIEW)

    rows = [(r.key, r.label, r.figures) for r in response.context["by_unit"]]
    assert rows == [
        (str(family.pk), family.name, Figures(3, 1, 4, 2, 5)),
        (str(gbg_social.pk), gbg_social.name, Figures(1, 2, 4, 2, 4)),
    ]
    assert [r.figures.percent for r in response.context["by_unit"]] == [40, 50]
    assert f'href="{LIST}?unit={family.pk}&amp;status=overdue">3</a>' in response.content.decode()


def test_the_figures_per_caseworker_include_the_unassigned(
    client_for, gbg_manager, fixture_rows, colleague, gbg_caseworker
):
    with translation.override("sv"):
        response = client_for(gbg_manager).get(OVERVIEW, HTTP_ACCEPT_LANGUAGE="sv")

    rows = [(r.key, r.label, r.figures) for r in response.context["by_responsible"]]
    assert rows == [
        (str(colleague.pk), "Kim Efternamn", Figures(2, 1, 3, 2, 4)),
        (str(gbg_caseworker.pk), str(gbg_caseworker), Figures(1, 2, 4, 2, 4)),
        ("none", "Ingen utsedd", Figures(1, 0, 1, 0, 1)),
    ]
    assert f'href="{LIST}?responsible=none&amp;status=overdue">1</a>' in response.content.decode()


def test_each_count_leads_to_the_same_number_of_deadlines(
    client_for, gbg_manager, fixture_rows, family, colleague
):
    client = client_for(gbg_manager)

    def listed(params):
        return client.get(LIST, params).context["paginator"].count

    assert listed({"status": "overdue"}) == 4
    assert listed({"status": "due_soon"}) == 3
    assert listed({"unit": family.pk, "status": "overdue"}) == 3
    assert listed({"unit": family.pk, "status": "unmet"}) == 4
    assert listed({"responsible": colleague.pk, "status": "overdue"}) == 2
    assert listed({"responsible": "none", "status": "overdue"}) == 1


def test_the_drill_down_shows_the_childs_name_and_the_days_late(
    client_for, gbg_manager, bulk_deadlines, child
):
    bulk_deadlines(1, child=child, kind="sip_first_meeting", due_on=days(-5))

    with translation.override("sv"):
        response = client_for(gbg_manager).get(
            LIST, {"status": "overdue"}, HTTP_ACCEPT_LANGUAGE="sv"
        )

    html = response.content.decode()
    assert "Alva Göransson" in html
    assert "5 dagar sen" in html
    assert "2026-05-10" in html
    assert 'role="region"' in html and 'tabindex="0"' in html


def test_another_organisations_manager_gets_an_empty_list_for_a_forged_unit_or_person(
    client_for, mdl_manager, fixture_rows, family, colleague, gbg_social
):
    client = client_for(mdl_manager)

    for params in (
        {"unit": family.pk, "status": "overdue"},
        {"unit": gbg_social.pk},
        {"responsible": colleague.pk},
    ):
        response = client.get(LIST, params)
        assert response.status_code == 200
        assert response.context["paginator"].count == 0
        assert response.context["form"].errors
        assert family.name not in response.content.decode()
    csv = client.get(LIST, {"unit": family.pk, "format": "csv"})
    assert csv.getvalue().decode("utf-8-sig").count("\n") == 1  # the header only


def test_another_organisations_manager_counts_only_their_own(
    client_for, mdl_manager, fixture_rows, mdl_social
):
    response = client_for(mdl_manager).get(OVERVIEW)

    assert response.context["figures"].overdue == 5
    assert [r.label for r in response.context["by_unit"]] == [mdl_social.name]


def test_the_drill_down_is_not_found_for_a_caseworker(client_for, gbg_caseworker):
    assert client_for(gbg_caseworker).get(LIST).status_code == 404


def test_the_csv_keeps_its_old_address(client_for, gbg_manager, fixture_rows):
    response = client_for(gbg_manager).get(OVERVIEW, {"format": "csv", "status": "overdue"})

    assert response["Content-Type"].startswith("text/csv")
    assert response.getvalue().decode("utf-8-sig").count("\n") == 1 + 4


def test_the_trends_name_year_and_month(client_for, gbg_manager, fixture_rows):
    with translation.override("sv"):
        response = client_for(gbg_manager).get(OVERVIEW, HTTP_ACCEPT_LANGUAGE="sv")

    series, svg = response.context["charts"][0]
    assert 'viewBox="0 0 ' in svg and 'width="100%"' in svg
    assert ">jun</text>" in svg and ">2025</text>" in svg
    assert ">maj</text>" in svg and ">2026</text>" in svg
    html = response.content.decode()
    assert '<th scope="row">2025-06</th>' in html
    assert '<th scope="row">2026-05</th>' in html


@pytest.fixture
def spread(bulk_deadlines, goteborg, gbg_social, family, colleague, gbg_caseworker):
    def _spread(n: int) -> None:
        children = [
            ChildFactory(
                home_municipality=goteborg,
                responsible_unit=gbg_social,
                protected_identity=i == 0,
            )
            for i in range(4)
        ]
        for i in range(n):
            due_on = days(20 - i % 400)
            bulk_deadlines(
                1,
                unit=family if i % 2 else gbg_social,
                child=children[i % 4],
                due_on=due_on,
                met_on=due_on if i % 5 == 0 else None,
                responsible=[gbg_caseworker, colleague, None][i % 3],
            )

    return _spread


@pytest.mark.parametrize("n", [10, 200])
def test_the_dashboard_and_the_drill_down_make_a_bounded_number_of_queries(
    client_for, gbg_manager, spread, django_assert_max_num_queries, n
):
    spread(n)
    client = client_for(gbg_manager)

    with django_assert_max_num_queries(12):
        response = client.get(OVERVIEW)
    with django_assert_max_num_queries(13):
        listed = client.get(LIST, {"status": "unmet"})

    assert response.status_code == listed.status_code == 200
    assert (
        sum(r.figures.open for r in response.context["by_unit"])
        == listed.context["paginator"].count
    )


def test_the_counts_per_kind_lead_to_their_deadlines(client_for, gbg_manager, bulk_deadlines):
    bulk_deadlines(2, kind="care_contact", due_on=days(-2))
    bulk_deadlines(1, kind="care_contact", due_on=days(-9), met_on=days(-10))
    client = client_for(gbg_manager)

    html = client.get(OVERVIEW).content.decode()

    assert f'href="{LIST}?kind=care_contact&amp;status=overdue">2</a>' in html
    assert f'href="{LIST}?kind=care_contact&amp;status=met_on_time">1</a>' in html
    assert f'href="{LIST}?kind=care_contact&amp;status=all">3</a>' in html
    for status, expected in (("overdue", 2), ("met_on_time", 1), ("all", 3)):
        response = client.get(LIST, {"kind": "care_contact", "status": status})
        assert response.context["paginator"].count == expected
    with translation.override("sv"):
        [met] = client.get(LIST, {"status": "met_on_time"}, HTTP_ACCEPT_LANGUAGE="sv").context[
            "items"
        ]
    assert (met.phrase, met.urgency) == ("Klar i tid", "met")


def test_the_headline_is_the_sum_of_the_unit_rows_and_equals_one_aggregate(
    client_for, gbg_manager, fixture_rows
):
    """Issue 13: the headline is summed from the per-unit rows (one query less); it must be
    exactly what one aggregate over all the manager's deadlines gives."""
    from django.utils import timezone

    from dashboard import selectors

    response = client_for(gbg_manager).get(OVERVIEW)

    base = selectors.deadlines_for(gbg_manager, today=timezone.localdate(), managed_only=True)
    assert response.context["figures"] == aggregates.headline(base, today=timezone.localdate())
    assert response.context["figures"].overdue == sum(
        row.figures.overdue for row in response.context["by_unit"]
    )


def test_the_one_query_overview_equals_the_separate_aggregates(
    client_for, gbg_manager, fixture_rows, django_assert_max_num_queries
):
    """Issue 13: the dashboard counts its deadlines once, grouped, and sums the groups in
    Python; every figure must equal what the separate aggregates (one query each) count."""
    from django.utils import timezone

    from dashboard import selectors

    today = timezone.localdate()
    base = selectors.deadlines_for(gbg_manager, today=today, managed_only=True)
    with django_assert_max_num_queries(4):  # the grants, the groups, unit and person names
        overview = selectors.overview(base, today=today)

    assert overview.figures == aggregates.headline(base, today=today)
    by_unit = aggregates.figures_by_unit(base, today=today)
    assert [(r.key, r.label, r.figures) for r in overview.by_unit] == [
        (r.key, r.label, r.figures) for r in by_unit
    ]
    by_person = aggregates.figures_by_responsible(base, today=today)
    assert {r.key: (r.label, r.figures) for r in overview.by_responsible} == {
        r.key: (r.label, r.figures) for r in by_person
    }
    # Most overdue first, then due soon, then open (names only break ties).
    ranks = [(-r.figures.overdue, -r.figures.due_soon, -r.figures.open) for r in by_person]
    assert [
        (-r.figures.overdue, -r.figures.due_soon, -r.figures.open) for r in overview.by_responsible
    ] == sorted(ranks)
    assert overview.counts == aggregates.counts_by_kind(base)
    assert overview.compliance == aggregates.compliance(base, today=today)
    # The fixture's numbers, so that the comparison is not between two empty results.
    assert overview.figures.overdue == 4 and overview.figures.counted >= 6


def test_ties_in_the_overview_are_ordered_as_in_a_swedish_dictionary():
    """Issue 13: the one-query overview sorts in Python; rows with equal figures come in
    Swedish alphabetical order (Å, Ä, Ö after Z), whatever the letter case."""
    from dashboard.selectors import _swedish

    names = ["Östra enheten", "ängen", "Åsa", "zeta", "Alfa"]
    assert sorted(names, key=_swedish) == ["Alfa", "zeta", "Åsa", "ängen", "Östra enheten"]
