"""The child's timeline (placements, moves and SIP entries on the child's page) and the text
search of the placement list: by name, number and home, protected identity and the scope."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from organisations.models import Role
from placements.models import Placement
from placements.selectors import child_timeline, placement_list
from sip.models import Invitation
from tests.factories import member
from tests.placements.factories import ChildFactory, PlacementFactory
from tests.sip.factories import InvitationFactory, SipFactory, SipMeetingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_today(time_machine):
    """Every date the views and the policy take from the clock is 15 May 2026."""
    time_machine.move_to(
        datetime(2026, 5, 15, 10, 0, tzinfo=ZoneInfo("Europe/Stockholm")), tick=False
    )


# --- the timeline -----------------------------------------------------------------------------


@pytest.fixture
def moved_child(goteborg, gbg_social, gbg_caseworker):
    """A Göteborg child first placed in an emergency foster home (January–March 2026), then
    moved to an HVB (a new placement linked to the first through ``previous``), with a SIP
    whose need was noticed in February and an initial meeting in April."""
    child = ChildFactory(
        first_name="Tove",
        last_name="Tidlund",
        home_municipality=goteborg,
        responsible_unit=gbg_social,
    )
    first = PlacementFactory(
        child=child,
        caseworker=gbg_caseworker,
        form=Placement.Form.EMERGENCY_FOSTER_HOME,
        provider_name="Jourhemmet Ekbacken",
        status=Placement.Status.ENDED,
        planned_start=date(2026, 1, 12),
        actual_start=date(2026, 1, 10),
        actual_end=date(2026, 3, 1),
        end_reason="Flytt till HVB",
    )
    second = PlacementFactory(
        child=child,
        caseworker=gbg_caseworker,
        previous=first,
        form=Placement.Form.HVB,
        provider_name="HVB Tallkronan",
        status=Placement.Status.ACTIVE,
        planned_start=date(2026, 3, 1),
        actual_start=date(2026, 3, 2),
    )
    sip = SipFactory(child=child, need_noticed_on=date(2026, 2, 5), created_by=gbg_caseworker)
    meeting = SipMeetingFactory(sip=sip, scheduled_on=date(2026, 4, 20), created_by=gbg_caseworker)
    return {"child": child, "first": first, "second": second, "sip": sip, "meeting": meeting}


def _expected_timeline(case) -> list[tuple[date, str, str]]:
    """Newest first: the HVB (2 March) after the move, the SIP meeting (20 April) and the SIP
    (5 February) between them, the emergency foster home (10 January) last."""
    sip_url = reverse("sip:sip_detail", args=[case["sip"].pk])
    return [
        (date(2026, 4, 20), "sip_meeting", sip_url),
        (
            date(2026, 3, 2),
            "placement",
            reverse("placements:placement_detail", args=[case["second"].pk]),
        ),
        (date(2026, 2, 5), "sip", sip_url),
        (
            date(2026, 1, 10),
            "placement",
            reverse("placements:placement_detail", args=[case["first"].pk]),
        ),
    ]


def test_timeline_lists_both_placements_and_the_sip_in_date_order(moved_child, gbg_caseworker):
    case = moved_child
    # Another child's placement and SIP never appear on this child's timeline.
    other = ChildFactory(home_municipality=case["child"].home_municipality)
    PlacementFactory(child=other, provider_name="HVB Annanstans", planned_start=date(2026, 2, 1))
    SipFactory(child=other, need_noticed_on=date(2026, 3, 15))

    timeline = child_timeline(child=case["child"], user=gbg_caseworker)

    assert [(e.on, e.kind, e.url) for e in timeline] == _expected_timeline(case)
    days = [e.on for e in timeline]
    assert days == sorted(days, reverse=True)
    titles = [e.title for e in timeline if e.kind == "placement"]
    assert titles == [str(case["second"]), str(case["first"])]
    assert "HVB Tallkronan" in titles[0] and "Jourhemmet Ekbacken" in titles[1]
    details = [e.detail for e in timeline if e.kind == "placement"]
    assert details == [
        case["second"].get_status_display(),
        case["first"].get_status_display(),
    ]
    assert case["second"].previous == case["first"]


def test_a_planned_placement_is_placed_on_the_timeline_at_its_planned_start(
    moved_child, gbg_caseworker
):
    """A placement that has not started yet counts from its planned start."""
    case = moved_child
    planned = PlacementFactory(
        child=case["child"],
        caseworker=gbg_caseworker,
        provider_name="Familjehemmet Lärk",
        form=Placement.Form.FOSTER_HOME,
        planned_start=date(2026, 6, 1),
    )

    timeline = child_timeline(child=case["child"], user=gbg_caseworker)

    assert (timeline[0].on, timeline[0].kind) == (date(2026, 6, 1), "placement")
    assert timeline[0].url == reverse("placements:placement_detail", args=[planned.pk])
    assert len(timeline) == 5


def test_child_page_shows_the_timeline_in_date_order(client_for, moved_child, gbg_caseworker):
    case = moved_child

    response = client_for(gbg_caseworker).get(
        reverse("placements:child_detail", args=[case["child"].pk])
    )

    assert response.status_code == 200
    expected = _expected_timeline(case)
    assert [(e.on, e.kind, e.url) for e in response.context["timeline"]] == expected
    content = response.content.decode()
    timeline_html = content[content.index('id="timeline-heading"') :]
    positions = [timeline_html.index(f"{on:%Y-%m-%d}") for on, _kind, _url in expected]
    assert positions == sorted(positions)
    for _on, _kind, url in expected:
        assert f'href="{url}"' in timeline_html
    assert "HVB Tallkronan" in timeline_html
    assert "Jourhemmet Ekbacken" in timeline_html


def test_a_user_of_another_organisation_gets_404_on_the_child_page(
    client_for, moved_child, mdl_caseworker
):
    case = moved_child

    response = client_for(mdl_caseworker).get(
        reverse("placements:child_detail", args=[case["child"].pk])
    )

    assert response.status_code == 404
    content = response.content.decode()
    assert "Tidlund" not in content
    assert "HVB Tallkronan" not in content


def test_an_uninvited_region_unit_gets_404_and_an_empty_timeline(
    client_for, moved_child, bup_clinician
):
    """A region unit with no invitation to the child's SIP sees nothing of the child: the page
    is a 404 and the timeline's providers give it no SIP entries."""
    case = moved_child

    response = client_for(bup_clinician).get(
        reverse("placements:child_detail", args=[case["child"].pk])
    )

    assert response.status_code == 404
    sip_entries = [
        e for e in child_timeline(child=case["child"], user=bup_clinician) if e.kind != "placement"
    ]
    assert sip_entries == []


def test_an_invited_region_unit_sees_the_child_and_the_sip_on_the_timeline(
    client_for, moved_child, bup, bup_clinician, gbg_caseworker
):
    case = moved_child
    InvitationFactory(
        sip=case["sip"],
        unit=bup,
        invited_by=gbg_caseworker,
        response=Invitation.Response.ACCEPTED,
    )

    response = client_for(bup_clinician).get(
        reverse("placements:child_detail", args=[case["child"].pk])
    )

    assert response.status_code == 200
    kinds = [e.kind for e in response.context["timeline"]]
    assert kinds == ["sip_meeting", "placement", "sip", "placement"]


# --- the placement list's text search ---------------------------------------------------------


def _search(client, q: str, **params):
    return client.get(reverse("placements:placement_list"), {"q": q, **params})


def _found(response) -> list[int]:
    assert response.status_code == 200
    return [p.pk for p in response.context["placements"]]


@pytest.fixture
def gbg_cases(goteborg, gbg_social, gbg_caseworker):
    """Two Göteborg children with one placement each."""
    alva = ChildFactory(
        first_name="Alva",
        last_name="Göransson",
        home_municipality=goteborg,
        responsible_unit=gbg_social,
    )
    bruno = ChildFactory(
        first_name="Bruno",
        last_name="Berglund",
        home_municipality=goteborg,
        responsible_unit=gbg_social,
    )
    return {
        "alva": PlacementFactory(
            child=alva, caseworker=gbg_caseworker, provider_name="HVB Solglimten"
        ),
        "bruno": PlacementFactory(
            child=bruno, caseworker=gbg_caseworker, provider_name="Familjehemmet Ek"
        ),
    }


@pytest.mark.parametrize("q", ["Göransson", "göransson", "Alva", "ALVA", "öransso"])
def test_search_by_the_childs_name_finds_the_placement(client_for, gbg_cases, gbg_caseworker, q):
    response = _search(client_for(gbg_caseworker), q)

    assert _found(response) == [gbg_cases["alva"].pk]
    assert "Alva Göransson" in response.content.decode()
    assert "Bruno Berglund" not in response.content.decode()


def test_search_by_home_or_number_finds_the_placement(client_for, gbg_cases, gbg_caseworker):
    client = client_for(gbg_caseworker)
    number = gbg_cases["bruno"].child.identity_number

    assert _found(_search(client, "solglimten")) == [gbg_cases["alva"].pk]
    assert _found(_search(client, number)) == [gbg_cases["bruno"].pk]
    assert _found(_search(client, f"{number[2:8]}-{number[8:]}")) == [gbg_cases["bruno"].pk]


def test_search_that_matches_nothing_lists_nothing(client_for, gbg_cases, gbg_caseworker):
    response = _search(client_for(gbg_caseworker), "Zackarias")

    assert _found(response) == []
    assert response.context["paginator"].count == 0


def test_search_combines_with_the_status_filter(client_for, gbg_cases, gbg_caseworker):
    client = client_for(gbg_caseworker)

    assert _found(_search(client, "Alva", status=Placement.Status.PLANNED)) == [
        gbg_cases["alva"].pk
    ]
    assert _found(_search(client, "Alva", status=Placement.Status.ACTIVE)) == []


# --- protected identity: names are not searchable ---------------------------------------------


@pytest.fixture
def protected_case(goteborg, gbg_social, gbg_caseworker, bup):
    """A protected Göteborg child with an HVB placement and a SIP to which BUP is invited, so
    BUP's clinicians see the case (through ``sip.policy``) without being a responsible or
    placing unit."""
    child = ChildFactory(
        first_name="Hemliga",
        last_name="Skyddsdal",
        address="Gömdvägen 7",
        protected_identity=True,
        home_municipality=goteborg,
        responsible_unit=gbg_social,
    )
    placement = PlacementFactory(
        child=child, caseworker=gbg_caseworker, provider_name="HVB Fristaden"
    )
    sip = SipFactory(child=child, created_by=gbg_caseworker)
    InvitationFactory(sip=sip, unit=bup, invited_by=gbg_caseworker)
    return placement


def test_an_invited_unit_sees_the_protected_placement_but_cannot_find_it_by_name(
    client_for, protected_case, bup_clinician
):
    client = client_for(bup_clinician)

    everything = _search(client, "")
    assert _found(everything) == [protected_case.pk]  # the case is in BUP's scope
    assert "Skyddsdal" not in everything.content.decode()

    for q in ("Hemliga", "Skyddsdal", "skyddsdal", "emlig"):
        response = _search(client, q)
        assert _found(response) == [], f"{q!r} found a protected child by name"
        assert "HVB Fristaden" not in response.content.decode()
    # The home is no secret of the child: a search by it still lists the row, nameless.
    by_home = _search(client, "Fristaden")
    assert _found(by_home) == [protected_case.pk]
    assert "Hemliga" not in by_home.content.decode()


def test_protected_names_are_not_searchable_even_for_the_responsible_unit(
    client_for, protected_case, gbg_caseworker
):
    """The rule in ``placements.selectors.placement_list`` (README: "Names of protected
    children are not searchable in lists") holds for everyone, the responsible unit too; it
    finds the case by number or home, and then sees the name."""
    client = client_for(gbg_caseworker)
    number = protected_case.child.identity_number

    assert _found(_search(client, "Skyddsdal")) == []
    assert _found(_search(client, "Hemliga")) == []
    by_number = _search(client, number)
    assert _found(by_number) == [protected_case.pk]
    assert "Hemliga Skyddsdal" in by_number.content.decode()
    assert _found(_search(client, "Fristaden")) == [protected_case.pk]


def test_selector_drops_only_the_protected_child_from_a_name_search(
    goteborg, gbg_social, gbg_caseworker
):
    """Two children with the same surname: the unprotected one is found by it, the protected
    one is not."""
    open_child = ChildFactory(
        last_name="Lindqvist", home_municipality=goteborg, responsible_unit=gbg_social
    )
    hidden_child = ChildFactory(
        last_name="Lindqvist",
        protected_identity=True,
        home_municipality=goteborg,
        responsible_unit=gbg_social,
    )
    found = PlacementFactory(child=open_child, caseworker=gbg_caseworker)
    PlacementFactory(child=hidden_child, caseworker=gbg_caseworker)

    assert list(placement_list(user=gbg_caseworker, q="lindqvist")) == [found]
    assert placement_list(user=gbg_caseworker).count() == 2


# --- the scope: never another organisation's placements ---------------------------------------


def test_search_never_lists_another_organisations_placements(
    client_for, gbg_cases, molndal, mdl_social, mdl_caseworker
):
    """Mölndal's caseworker searching by a Göteborg child's name, number or home finds
    nothing of Göteborg's; a home both use lists only Mölndal's placement."""
    mdl_child = ChildFactory(
        first_name="Alva",
        last_name="Mölnström",
        home_municipality=molndal,
        responsible_unit=mdl_social,
    )
    mine = PlacementFactory(
        child=mdl_child, caseworker=mdl_caseworker, provider_name="HVB Solglimten"
    )
    gbg = gbg_cases["alva"]
    client = client_for(mdl_caseworker)

    assert _found(_search(client, "Göransson")) == []
    assert _found(_search(client, gbg.child.identity_number)) == []
    assert _found(_search(client, "Alva")) == [mine.pk]
    by_home = _search(client, "Solglimten")
    assert _found(by_home) == [mine.pk]
    assert "Göransson" not in by_home.content.decode()
    assert _found(_search(client, "")) == [mine.pk]


def test_a_region_unit_without_any_party_role_finds_nothing(
    client_for, gbg_cases, protected_case, primary_care
):
    """Primary care is invited to nothing: every search, and the bare list, is empty."""
    nurse = member(primary_care, Role.CLINICIAN, email="vera@vc.example")
    client = client_for(nurse)

    for q in ("", "Alva", "Solglimten", "Fristaden", gbg_cases["alva"].child.identity_number):
        assert _found(_search(client, q)) == [], q
