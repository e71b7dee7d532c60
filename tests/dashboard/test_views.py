"""The managers' dashboard, "my deadlines" and the start page (issue 7): who sees what, the
filters, the CSV export, pagination, and a bounded number of queries whatever the number of
deadlines. The clock is frozen on 15 May 2026 (tests/dashboard/conftest.py)."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta

import pytest
from django.urls import reverse

from core.models import AuditAction, AuditEvent
from dashboard.models import Deadline, ReminderPreference
from domain.deadlines import DeadlineKind
from organisations.models import Membership, Role
from placements.models import Placement
from tests.dashboard.conftest import TODAY
from tests.factories import UnitFactory, member
from tests.placements.factories import ChildFactory, PlacementFactory, personnummer
from tests.sip.factories import SipFactory

pytestmark = pytest.mark.django_db

OVERVIEW = reverse("dashboard:overview")
LIST = reverse("dashboard:deadline_list")  # the drill-down: the list, its filters and the CSV
MY_DEADLINES = reverse("dashboard:my_deadlines")
START = reverse("start")

# One bound for every size: the pages count and page in the database.
OVERVIEW_QUERIES = 13
LIST_QUERIES = 13
MY_DEADLINES_QUERIES = 9
START_QUERIES = 10


def overdue_sip(child, user):
    """A SIP whose need was noticed on 1 April: its first meeting was due 22 April, overdue."""
    return SipFactory(child=child, created_by=user, need_noticed_on=date(2026, 4, 1))


@pytest.fixture
def gbg_child(goteborg, gbg_social):
    return ChildFactory(
        first_name="Alva",
        last_name="Göransson",
        birth_date=date(2014, 2, 1),
        identity_number=personnummer(date(2014, 2, 1), 987),
        home_municipality=goteborg,
        responsible_unit=gbg_social,
    )


@pytest.fixture
def mdl_child(molndal, mdl_social):
    return ChildFactory(
        first_name="Omar",
        last_name="Hassan",
        home_municipality=molndal,
        responsible_unit=mdl_social,
    )


@pytest.fixture
def two_municipalities(gbg_child, mdl_child, gbg_caseworker, mdl_caseworker):
    """An overdue SIP and an acute placement (split due soon) in each municipality."""
    for child, user in ((gbg_child, gbg_caseworker), (mdl_child, mdl_caseworker)):
        overdue_sip(child, user)
        PlacementFactory(
            child=child,
            caseworker=user,
            is_acute=True,
            status=Placement.Status.ACTIVE,
            planned_start=date(2026, 4, 20),
            actual_start=date(2026, 4, 20),  # split due 20 May: due soon
        )


def unit_ids_on(response) -> set[int]:
    return {d.unit_id for d in response.context["page_obj"].object_list}


def count_total(response) -> int:
    return sum(row.total for row in response.context["counts"])


def csv_rows(response) -> list[list[str]]:
    text = response.getvalue().decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))[1:]


# --- who sees the overview ---------------------------------------------------------------------


def test_the_overview_is_not_found_for_a_caseworker(client_for, gbg_caseworker):
    assert client_for(gbg_caseworker).get(OVERVIEW).status_code == 404


def test_the_overview_is_not_found_for_region_staff(client_for, bup_clinician):
    assert client_for(bup_clinician).get(OVERVIEW).status_code == 404


def test_the_overview_requires_signing_in(client):
    response = client.get(OVERVIEW)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_goteborg_manager_sees_goteborgs_deadlines(
    client_for, gbg_manager, gbg_social, two_municipalities
):
    client = client_for(gbg_manager)
    response = client.get(OVERVIEW)
    listed = client.get(LIST)

    assert response.status_code == 200
    assert unit_ids_on(listed) == {gbg_social.pk}
    assert count_total(response) == Deadline.objects.filter(unit=gbg_social).count()


def test_a_molndal_manager_sees_none_of_goteborgs_deadlines(
    client_for, mdl_manager, mdl_social, gbg_social, two_municipalities
):
    client = client_for(mdl_manager)
    response = client.get(OVERVIEW)
    listed = client.get(LIST)

    assert response.status_code == 200
    assert unit_ids_on(listed) == {mdl_social.pk}
    gbg_urls = set(Deadline.objects.filter(unit=gbg_social).values_list("url", flat=True))
    assert not any(url in listed.content.decode() for url in gbg_urls)
    counts = {row.kind: row.counts for row in response.context["counts"]}
    assert count_total(response) == Deadline.objects.filter(unit=mdl_social).count()
    assert counts[DeadlineKind.SIP_FIRST_MEETING]["overdue"] == 1
    assert counts[DeadlineKind.ACUTE_SETTLEMENT]["due_soon"] == 1


def test_a_molndal_managers_csv_has_none_of_goteborgs_deadlines(
    client_for, mdl_manager, mdl_social, gbg_social, two_municipalities
):
    response = client_for(mdl_manager).get(LIST, {"format": "csv"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    links = {row[-1] for row in csv_rows(response)}
    assert links == set(
        Deadline.objects.filter(unit=mdl_social, met_on__isnull=True).values_list("url", flat=True)
    )
    assert not links & set(Deadline.objects.filter(unit=gbg_social).values_list("url", flat=True))


def test_the_overview_ignores_a_unit_filter_outside_the_managers_units(
    client_for, mdl_manager, gbg_social, two_municipalities
):
    response = client_for(mdl_manager).get(LIST, {"unit": gbg_social.pk})

    assert gbg_social.pk not in unit_ids_on(response)


def test_a_manager_sees_only_the_units_they_manage(
    client_for, gbg_social, gbg_child, gbg_caseworker
):
    """A caseworker in Göteborg who manages another unit sees that unit only."""

    other = UnitFactory(principal=gbg_social.principal, name="Familjehemsenheten Göteborg")
    Membership.objects.create(user=gbg_caseworker, unit=other, role=Role.MANAGER)
    overdue_sip(gbg_child, gbg_caseworker)

    response = client_for(gbg_caseworker).get(OVERVIEW)

    assert response.status_code == 200
    assert count_total(response) == 0


# --- the list: filters, sort, pagination, links, CSV ---------------------------------------------


def test_the_list_holds_overdue_and_due_soon_only(client_for, gbg_manager, bulk_deadlines):
    overdue = bulk_deadlines(1, due_on=TODAY - timedelta(days=1))
    soon = bulk_deadlines(1, due_on=TODAY + timedelta(days=7))
    bulk_deadlines(1, due_on=TODAY + timedelta(days=8))  # open
    bulk_deadlines(1, due_on=TODAY - timedelta(days=9), met_on=TODAY - timedelta(days=10))

    client = client_for(gbg_manager)
    response = client.get(OVERVIEW)
    listed = client.get(LIST)

    shown = {d.pk: d.status for d in listed.context["page_obj"].object_list}
    assert shown == {overdue[0].pk: "overdue", soon[0].pk: "due_soon"}
    assert count_total(response) == 4


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"kind": "sip_first_meeting"}, {"sip-overdue"}),
        ({"kind": "acute_settlement"}, {"acute-soon"}),
        ({"status": "overdue"}, {"sip-overdue", "exam-overdue"}),
        ({"status": "due_soon"}, {"acute-soon"}),
        ({"kind": "health_exam_offer", "status": "overdue"}, {"exam-overdue"}),
    ],
)
def test_the_list_filters_by_kind_and_status(
    client_for, gbg_manager, bulk_deadlines, params, expected
):
    named = {
        "sip-overdue": bulk_deadlines(1, kind="sip_first_meeting", due_on=TODAY - timedelta(1)),
        "acute-soon": bulk_deadlines(1, kind="acute_settlement", due_on=TODAY + timedelta(2)),
        "exam-overdue": bulk_deadlines(1, kind="health_exam_offer", due_on=TODAY - timedelta(3)),
    }
    by_pk = {rows[0].pk: name for name, rows in named.items()}

    response = client_for(gbg_manager).get(LIST, params)

    assert {by_pk[d.pk] for d in response.context["page_obj"].object_list} == expected


def test_the_list_filters_by_unit_and_caseworker(
    client_for, gbg_manager, gbg_caseworker, gbg_social, bulk_deadlines
):

    family = UnitFactory(principal=gbg_social.principal, name="Familjehemsenheten Göteborg")
    Membership.objects.create(user=gbg_manager, unit=family, role=Role.MANAGER)
    colleague = member(gbg_social, Role.CASEWORKER, email="kollega@gbg.example")
    mine = bulk_deadlines(2, responsible=gbg_caseworker)
    theirs = bulk_deadlines(3, responsible=colleague)
    family_rows = bulk_deadlines(4, unit=family, responsible=None)
    client = client_for(gbg_manager)

    def shown(params):
        page = client.get(LIST, params).context["page_obj"]
        return {d.pk for d in page.object_list}

    assert shown({}) == {d.pk for d in mine + theirs + family_rows}
    assert shown({"unit": family.pk}) == {d.pk for d in family_rows}
    assert shown({"responsible": colleague.pk}) == {d.pk for d in theirs}
    assert shown({"unit": gbg_social.pk, "responsible": gbg_caseworker.pk}) == {d.pk for d in mine}


@pytest.mark.parametrize(
    ("sort", "expected"),
    [("due_on", ["a", "b", "c"]), ("-due_on", ["c", "b", "a"])],
)
def test_the_list_sorts_by_due_date(client_for, gbg_manager, bulk_deadlines, sort, expected):
    named = {
        "a": bulk_deadlines(1, due_on=TODAY - timedelta(days=20))[0],
        "c": bulk_deadlines(1, due_on=TODAY + timedelta(days=3))[0],
        "b": bulk_deadlines(1, due_on=TODAY - timedelta(days=2))[0],
    }
    by_pk = {row.pk: name for name, row in named.items()}

    response = client_for(gbg_manager).get(LIST, {"sort": sort})

    assert [by_pk[d.pk] for d in response.context["page_obj"].object_list] == expected


def test_the_list_has_pages_of_25(client_for, gbg_manager, bulk_deadlines):
    bulk_deadlines(30)
    client = client_for(gbg_manager)

    first = client.get(LIST)
    second = client.get(LIST, {"page": 2})

    assert len(first.context["page_obj"].object_list) == 25
    assert len(second.context["page_obj"].object_list) == 5
    assert first.context["page_obj"].paginator.num_pages == 2


def test_the_page_links_and_the_csv_link_keep_the_filters(client_for, gbg_manager, bulk_deadlines):
    bulk_deadlines(30, kind="care_contact")

    response = client_for(gbg_manager).get(LIST, {"kind": "care_contact"})

    html = response.content.decode()
    assert 'href="?kind=care_contact&amp;page=2"' in html
    assert 'href="?kind=care_contact&amp;format=csv"' in html


def test_each_item_links_to_its_object(client_for, gbg_manager, gbg_child, gbg_caseworker):
    sip = overdue_sip(gbg_child, gbg_caseworker)

    response = client_for(gbg_manager).get(LIST, {"kind": "sip_first_meeting"})

    assert f'href="{reverse("sip:sip_detail", args=[sip.pk])}"' in response.content.decode()


def test_the_csv_follows_the_filters_and_is_audited(client_for, gbg_manager, bulk_deadlines):
    bulk_deadlines(3, kind="sip_first_meeting")
    bulk_deadlines(2, kind="care_contact")

    response = client_for(gbg_manager).get(LIST, {"kind": "care_contact", "format": "csv"})

    rows = csv_rows(response)
    assert len(rows) == 2
    assert all(row[1] < TODAY.isoformat() for row in rows)  # the due dates, ISO
    assert AuditEvent.objects.filter(
        action=AuditAction.EXPORT, object_type="dashboard.deadline", user=gbg_manager
    ).exists()


def test_the_csv_has_initials_only_and_nothing_for_a_protected_identity(
    client_for, gbg_manager, gbg_caseworker, gbg_child, goteborg, gbg_social
):
    protected = ChildFactory(
        first_name="Ella",
        last_name="Gustafsson",
        home_municipality=goteborg,
        responsible_unit=gbg_social,
        protected_identity=True,
    )
    overdue_sip(gbg_child, gbg_caseworker)
    overdue_sip(protected, gbg_caseworker)

    response = client_for(gbg_manager).get(LIST, {"format": "csv"})

    body = response.getvalue().decode("utf-8-sig")  # a stream: read once
    rows = list(csv.reader(io.StringIO(body), delimiter=";"))[1:]
    assert sorted(row[5] for row in rows) == ["", "AG"]
    for secret in (
        "Alva",
        "Göransson",
        "Ella",
        "Gustafsson",
        gbg_child.identity_number,
        gbg_child.identity_number[2:],
        protected.identity_number,
        protected.identity_number[2:],
    ):
        assert secret not in body


def test_the_compliance_charts_count_in_the_database(client_for, gbg_manager, bulk_deadlines):
    """April 2026: two SIP meetings on time, one late, one never held (overdue): 50 %."""
    april = date(2026, 4, 10)
    bulk_deadlines(2, kind="sip_first_meeting", due_on=april, met_on=april)
    bulk_deadlines(1, kind="sip_first_meeting", due_on=april, met_on=april + timedelta(1))
    bulk_deadlines(1, kind="sip_first_meeting", due_on=april)
    bulk_deadlines(1, kind="sip_first_meeting", due_on=TODAY + timedelta(days=30))  # not due

    response = client_for(gbg_manager).get(OVERVIEW)

    charts = {series.kind: (series, svg) for series, svg in response.context["charts"]}
    assert set(charts) == {"sip_first_meeting", "acute_settlement", "health_exam_offer"}
    series, svg = charts["sip_first_meeting"]
    assert len(series.months) == 12
    assert series.months[-1].month == date(2026, 5, 1)
    by_month = {m.month: m for m in series.months}
    assert (by_month[date(2026, 4, 1)].on_time, by_month[date(2026, 4, 1)].counted) == (2, 4)
    assert by_month[date(2026, 4, 1)].percent == 50
    assert by_month[date(2026, 3, 1)].percent is None
    assert 'role="img"' in svg
    scripts = re.findall(r'<script[^>]*src="([^"]+)"', response.content.decode())
    assert all(src.startswith("/static/") for src in scripts)  # no chart library from a CDN


# --- my deadlines and the start page ---------------------------------------------------------------


def test_my_deadlines_are_mine_and_my_units_unassigned_ones(
    client_for, gbg_caseworker, gbg_social, bulk_deadlines, mdl_social
):

    colleague = member(gbg_social, Role.CASEWORKER, email="kollega@gbg.example")
    mine = bulk_deadlines(2)
    unassigned = bulk_deadlines(1, responsible=None)
    bulk_deadlines(2, responsible=colleague)
    bulk_deadlines(1, responsible=None, unit=mdl_social)
    bulk_deadlines(1, due_on=TODAY - timedelta(days=5), met_on=TODAY - timedelta(days=6))

    response = client_for(gbg_caseworker).get(MY_DEADLINES)

    assert response.status_code == 200
    assert {d.pk for d in response.context["deadlines"]} == {d.pk for d in mine + unassigned}


def test_the_start_page_shows_my_deadlines(client_for, gbg_caseworker, gbg_child):
    sip = overdue_sip(gbg_child, gbg_caseworker)

    response = client_for(gbg_caseworker).get(START)

    assert [d.key for d in response.context["my_deadlines"]] == [f"sip:{sip.pk}:first"]
    assert reverse("sip:sip_detail", args=[sip.pk]) in response.content.decode()


def test_saving_reminder_preferences_stores_the_kinds_switched_off(client_for, gbg_caseworker):
    kept = [k.value for k in DeadlineKind if k is not DeadlineKind.SIP_FOLLOW_UP]

    response = client_for(gbg_caseworker).post(
        reverse("dashboard:reminder_preferences"), {"kinds": kept}
    )

    assert response.status_code == 302
    pref = ReminderPreference.objects.get(user=gbg_caseworker)
    assert pref.disabled_kinds == ["sip_follow_up"]
    page = client_for(gbg_caseworker).get(MY_DEADLINES)
    assert set(page.context["preference_form"].initial["kinds"]) == set(kept)


# --- a bounded number of queries ----------------------------------------------------------------


@pytest.fixture
def many_deadlines(bulk_deadlines, goteborg, gbg_social, gbg_caseworker):
    """``many_deadlines(n)``: ``n`` rows of every kind spread over five children, half of them
    unassigned, due from two months ago to a month ahead, some met."""

    def _many(n: int) -> None:
        children = [
            ChildFactory(home_municipality=goteborg, responsible_unit=gbg_social) for _ in range(5)
        ]
        for i in range(n):
            due_on = TODAY + timedelta(days=30 - i % 90)
            met_on = due_on if i % 7 == 0 else None
            bulk_deadlines(
                1,
                child=children[i % 5],
                due_on=due_on,
                met_on=met_on,
                kind=list(DeadlineKind)[i % len(DeadlineKind)],
                responsible=gbg_caseworker if i % 2 else None,
            )

    return _many


@pytest.mark.parametrize("n", [10, 200])
def test_the_overview_makes_the_same_number_of_queries_for_10_and_200_deadlines(
    client_for, gbg_manager, many_deadlines, django_assert_max_num_queries, n
):
    many_deadlines(n)
    client = client_for(gbg_manager)

    with django_assert_max_num_queries(OVERVIEW_QUERIES):
        response = client.get(OVERVIEW)
    with django_assert_max_num_queries(LIST_QUERIES):
        client.get(LIST)
    with django_assert_max_num_queries(LIST_QUERIES):
        client.get(LIST, {"format": "csv", "status": "overdue"})

    assert response.status_code == 200
    assert count_total(response) == n


@pytest.mark.parametrize("n", [10, 200])
def test_my_deadlines_make_the_same_number_of_queries_for_10_and_200_deadlines(
    client_for, gbg_caseworker, many_deadlines, django_assert_max_num_queries, n
):
    many_deadlines(n)
    client = client_for(gbg_caseworker)

    with django_assert_max_num_queries(MY_DEADLINES_QUERIES):
        response = client.get(MY_DEADLINES)

    assert len(response.context["deadlines"]) == Deadline.objects.filter(met_on=None).count()


@pytest.mark.parametrize("n", [10, 200])
def test_the_start_page_makes_the_same_number_of_queries_for_10_and_200_deadlines(
    client_for, gbg_caseworker, many_deadlines, django_assert_max_num_queries, n
):
    many_deadlines(n)
    client = client_for(gbg_caseworker)

    with django_assert_max_num_queries(START_QUERIES):
        response = client.get(START)

    assert len(response.context["my_deadlines"]) == min(
        10, Deadline.objects.filter(met_on=None).count()
    )
