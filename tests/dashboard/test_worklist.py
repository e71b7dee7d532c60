"""The lists of work on the start page and "my deadlines" (issue 12): deadlines grouped per
child with the child's name where the user may see it (protected identity keeps its rule), each
deadline's action once with its due date and "om 3 dagar" / "i dag" / "5 dagar sen", and a
bounded number of queries. The clock is frozen on Friday 15 May 2026 (conftest)."""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import translation

from dashboard.worklist import ACTION_LABELS, due_phrase, group_by_child, urgency
from domain.deadlines import DeadlineKind
from organisations.models import Role, Unit
from tests.dashboard.conftest import TODAY
from tests.factories import UnitFactory, member
from tests.placements.factories import ChildFactory, HealthExaminationFactory, personnummer

MY_DEADLINES = reverse("dashboard:my_deadlines")
START = reverse("start")
NBSP = "\u00a0"


# --- the wording: pure, no database ---------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "swedish", "english"),
    [
        (3, "om 3 dagar", "in 3 days"),
        (1, "om 1 dag", "in 1 day"),
        (0, "i dag", "today"),
        (-1, "1 dag sen", "1 day late"),
        (-5, "5 dagar sen", "5 days late"),
    ],
)
def test_the_days_left_or_late_are_said_in_words(days, swedish, english):
    with translation.override("sv"):
        assert due_phrase(days) == swedish
    with translation.override("en"):
        assert due_phrase(days) == english


@pytest.mark.parametrize(
    ("days", "expected"),
    [(-1, "overdue"), (0, "due_soon"), (7, "due_soon"), (8, "open")],
)
def test_the_urgency_has_the_databases_boundaries(days, expected):
    assert urgency(days, due_soon_days=7) == expected


def test_every_kind_of_deadline_has_an_action():
    assert set(ACTION_LABELS) == set(DeadlineKind)


def _row(child_id: int, kind: str, due_on: date, key: str = ""):
    child = SimpleNamespace(pk=child_id, identifier_masked=f"20140201-XXX{child_id}")
    return SimpleNamespace(
        child_id=child_id, child=child, kind=kind, due_on=due_on, url=f"/case/{child_id}/", key=key
    )


def test_deadlines_are_grouped_per_child_in_the_order_of_their_first_deadline():
    rows = [
        _row(2, "sip_first_meeting", TODAY - timedelta(days=5)),
        _row(1, "care_contact", TODAY),
        _row(2, "health_exam_offer", TODAY + timedelta(days=3)),
    ]

    with translation.override("sv"):
        groups = group_by_child(rows, today=TODAY, names={2: "Alva Göransson"}, due_soon_days=7)

    assert [(g.child_id, g.name) for g in groups] == [(2, "Alva Göransson"), (1, None)]
    assert [(i.deadline.kind, i.phrase, i.urgency) for i in groups[0].items] == [
        ("sip_first_meeting", "5 dagar sen", "overdue"),
        ("health_exam_offer", "om 3 dagar", "due_soon"),
    ]
    assert groups[0].overdue == 1
    assert groups[1].items[0].phrase == "i dag"
    assert groups[1].items[0].action == "Utse en fast vårdkontakt"


def test_two_examinations_of_one_child_are_told_apart_by_their_kind():
    rows = [
        _row(1, "health_exam_offer", TODAY, key="placement:7:exam:physical_mental"),
        _row(1, "health_exam_offer", TODAY, key="placement:7:exam:oral"),
    ]

    with translation.override("sv"):
        [group] = group_by_child(rows, today=TODAY, names={}, due_soon_days=7)
        actions = [item.action for item in group.items]

    assert actions == [
        "Erbjud hälsoundersökningen: fysisk och psykisk hälsa",
        "Erbjud hälsoundersökningen: munhälsa (Folktandvården)",
    ]


# --- the pages -------------------------------------------------------------------------------


@pytest.fixture
def protected_child(goteborg, gbg_social):
    return ChildFactory(
        first_name="Ella",
        last_name="Gustafsson",
        birth_date=date(2013, 3, 3),
        identity_number=personnummer(date(2013, 3, 3), 123),
        home_municipality=goteborg,
        responsible_unit=gbg_social,
        protected_identity=True,
    )


@pytest.mark.django_db
def test_my_deadlines_are_grouped_per_child_with_name_date_and_days_late(
    client_for, gbg_caseworker, child, bulk_deadlines
):
    bulk_deadlines(1, child=child, kind="sip_first_meeting", due_on=TODAY - timedelta(days=5))
    bulk_deadlines(1, child=child, kind="care_contact", due_on=TODAY + timedelta(days=3))

    with translation.override("sv"):
        response = client_for(gbg_caseworker).get(MY_DEADLINES, HTTP_ACCEPT_LANGUAGE="sv")

    [group] = response.context["worklist"]
    assert group.name == "Alva Göransson"
    html = response.content.decode()
    assert html.count("Alva Göransson") == 1  # the child once, its deadlines under it
    assert "Håll det första SIP-mötet" in html
    assert "senast 2026-05-10" in html
    assert "5 dagar sen" in html
    assert "om 3 dagar" in html
    assert html.count('href="/test/') == 2  # one link per deadline


@pytest.mark.django_db
def test_the_caseworker_of_the_responsible_unit_sees_the_protected_childs_name(
    client_for, gbg_caseworker, protected_child, bulk_deadlines
):
    bulk_deadlines(1, child=protected_child, due_on=TODAY - timedelta(days=2))

    response = client_for(gbg_caseworker).get(MY_DEADLINES)

    [group] = response.context["worklist"]
    assert group.name == "Ella Gustafsson"


@pytest.mark.django_db
def test_region_staff_see_protected_identity_and_the_masked_number_not_the_name(
    client_for, protected_child, gbg_caseworker, bulk_deadlines, region
):
    """The dental unit examining the child sees its deadline (as the partner unit) but not the
    name of a child with protected identity: "Skyddade personuppgifter" and the masked number."""
    from tests.placements.factories import PlacementFactory

    dental = UnitFactory(
        principal=region, name="Folktandvården Majorna", kind=Unit.Kind.DENTAL_CARE
    )
    dentist = member(dental, Role.CLINICIAN, email="tandlakare@vgr.example")
    placement = PlacementFactory(
        child=protected_child,
        caseworker=gbg_caseworker,
        status="active",
        actual_start=date(2026, 4, 20),
    )
    HealthExaminationFactory(
        placement=placement, kind="oral", initiated_on=date(2026, 5, 1), unit=dental
    )

    with translation.override("sv"):
        response = client_for(dentist).get(MY_DEADLINES, HTTP_ACCEPT_LANGUAGE="sv")

    [group] = response.context["worklist"]
    assert group.name is None
    html = response.content.decode()
    for secret in ("Ella", "Gustafsson", protected_child.identity_number[2:]):
        assert secret not in html
    assert "Skyddade personuppgifter" in html
    assert protected_child.identifier_masked in html


@pytest.mark.django_db
def test_a_managers_start_page_shows_the_overdue_deadlines_of_the_managed_units(
    client_for, gbg_manager, bulk_deadlines
):
    """Issue 12: "Inget att göra just nu." while the unit had 8 overdue deadlines."""
    bulk_deadlines(8, due_on=TODAY - timedelta(days=3))  # the caseworker's, not the manager's

    with translation.override("sv"):
        response = client_for(gbg_manager).get(START, HTTP_ACCEPT_LANGUAGE="sv")

    assert response.context["managed_overdue"] == 8
    html = response.content.decode()
    assert "8 försenade tidsfrister" in html
    assert f'href="{reverse("dashboard:deadline_list")}?status=overdue"' in html


@pytest.mark.django_db
def test_a_caseworkers_start_page_has_no_managers_count(client_for, gbg_caseworker):
    response = client_for(gbg_caseworker).get(START)

    assert response.context["managed_overdue"] is None


@pytest.fixture
def many(bulk_deadlines, goteborg, gbg_social, gbg_caseworker):
    """``many(n)``: ``n`` open deadlines of the caseworker over ten children, one in three of
    them with protected identity."""

    def _many(n: int) -> None:
        children = [
            ChildFactory(
                home_municipality=goteborg,
                responsible_unit=gbg_social,
                protected_identity=i % 3 == 0,
            )
            for i in range(10)
        ]
        for i in range(n):
            bulk_deadlines(1, child=children[i % 10], due_on=TODAY + timedelta(days=10 - i % 20))

    return _many


@pytest.mark.django_db
@pytest.mark.parametrize("n", [10, 150])
def test_the_work_lists_make_a_bounded_number_of_queries(
    client_for, gbg_caseworker, many, django_assert_max_num_queries, n
):
    many(n)
    client = client_for(gbg_caseworker)

    with django_assert_max_num_queries(10):
        mine = client.get(MY_DEADLINES)
    with django_assert_max_num_queries(11):
        start = client.get(START)

    assert sum(len(g.items) for g in mine.context["worklist"]) == n
    assert sum(len(g.items) for g in start.context["my_worklist"]) == 10
