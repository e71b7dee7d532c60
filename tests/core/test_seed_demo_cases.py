"""What ``manage.py seed_demo`` puts in the cases (placements.demo and agreements.demo):
children and placements in every state, acute and planned, one protected identity, SIPs and
agreements awaiting signatures; and a second run (even on a later day) creates nothing new."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from agreements.models import Agreement, AgreementVersion, CostMeeting
from core.policy import visible
from dashboard.models import Deadline
from domain.identity import birth_date_of
from organisations.models import Unit, User
from placements.demo import DEMO_CHILDREN
from placements.models import Child, HealthExamination, Placement, RelatedPerson
from sip.models import Consent, Invitation, PlanVersion, Sip, SipMeeting

pytestmark = pytest.mark.django_db

# What placements.demo.seed_children gives each demo child:
# last name -> (status, form, legal basis, acute, municipality)
EXPECTED_PLACEMENTS = {
    "Andersson": ("active", "hvb", "sol", True, "Göteborg"),
    "Berg": ("active", "foster_home", "lvu", True, "Göteborg"),
    "Carlsson": ("planned", "hvb", "sol", False, "Göteborg"),
    "Dahl": ("planned", "foster_home", "sol", False, "Göteborg"),
    "Ek": ("ended", "emergency_foster_home", "lvu", True, "Göteborg"),
    "Forsberg": ("cancelled", "supported_housing", "sol", False, "Göteborg"),
    "Gustafsson": ("active", "hvb", "lvu", True, "Göteborg"),
    "Hassan": ("active", "hvb", "sol", True, "Mölndal"),
    "Isaksson": ("planned", "sis", "lvu", False, "Mölndal"),
    "Jansson": ("ended", "foster_home", "sol", True, "Mölndal"),
}

CASE_MODELS = [
    Child,
    RelatedPerson,
    Placement,
    HealthExamination,
    Sip,
    Consent,
    Invitation,
    SipMeeting,
    PlanVersion,
    CostMeeting,
    Agreement,
    AgreementVersion,
    Deadline,
]


@pytest.fixture(autouse=True)
def frozen_now(time_machine):
    """The demo's dates are relative to today: hold the clock still so a run near midnight
    does not straddle two days."""
    time_machine.move_to(timezone.now(), tick=False)


def _seed() -> None:
    call_command("seed_demo", "--quiet-logins")


def _counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in CASE_MODELS}


def test_seed_demo_creates_the_demo_children():
    _seed()

    children = Child.objects.select_related("home_municipality", "responsible_unit")
    assert children.count() == len(DEMO_CHILDREN) == 10
    assert {(c.first_name, c.last_name) for c in children} == {
        (d.first_name, d.last_name) for d in DEMO_CHILDREN
    }
    for child in children:
        municipality = EXPECTED_PLACEMENTS[child.last_name][4]
        assert child.home_municipality.name == municipality
        assert child.responsible_unit.name == f"Socialtjänsten {municipality}"
        assert child.responsible_unit.kind == Unit.Kind.SOCIAL_SERVICES
        assert len(child.identity_number) == 12
        assert birth_date_of(child.identity_number) == child.birth_date
        assert child.related_persons.filter(kind=RelatedPerson.Kind.GUARDIAN).count() == 2
    by_municipality = dict(
        children.values_list("home_municipality__name").annotate(n=Count("pk")).order_by()
    )
    assert by_municipality == {"Göteborg": 7, "Mölndal": 3}


def test_seed_demo_creates_one_placement_per_child_in_the_planned_states():
    _seed()

    placements = Placement.objects.select_related("child", "placing_unit", "caseworker")
    assert placements.count() == 10
    actual = {
        p.child.last_name: (
            p.status,
            p.form,
            p.legal_basis,
            p.is_acute,
            p.placing_unit.principal.name,
        )
        for p in placements
    }
    assert actual == EXPECTED_PLACEMENTS
    for p in placements:
        assert p.placing_unit == p.child.responsible_unit
        assert p.caseworker.memberships.filter(unit=p.placing_unit, role="caseworker").exists()
        assert p.goal and p.wishes and p.schooling  # the R-PLAC-1 record is complete


def test_seed_demo_covers_every_status_and_both_acute_and_planned():
    _seed()

    statuses = dict(Placement.objects.values_list("status").annotate(n=Count("pk")).order_by())
    assert statuses == {"active": 4, "planned": 3, "ended": 2, "cancelled": 1}
    assert set(statuses) == set(Placement.Status.values)
    assert Placement.objects.filter(is_acute=True).count() == 6
    assert Placement.objects.filter(is_acute=False).count() == 4
    # acute placements that have started and planned ones that have not yet
    assert Placement.objects.filter(is_acute=True, status="active").exists()
    assert Placement.objects.filter(is_acute=False, status="planned").exists()


def test_seed_demo_dates_fit_each_status():
    _seed()
    today = timezone.localdate()

    for p in Placement.objects.all():
        if p.status == "active":
            assert p.actual_start is not None and p.actual_start <= today
            assert p.actual_end is None
        elif p.status == "planned":
            assert p.actual_start is None and p.planned_start > today
        elif p.status == "ended":
            assert p.actual_start < p.actual_end <= today
            assert p.end_reason and p.next_step_sip_needed
        else:
            assert p.status == "cancelled"
            assert p.actual_start is None and p.end_reason


def test_seed_demo_has_one_child_with_protected_identity():
    _seed()

    protected = Child.objects.get(protected_identity=True)
    assert (protected.first_name, protected.last_name) == ("Ella", "Gustafsson")
    assert protected.address == ""
    assert not Child.objects.filter(protected_identity=False, address="").exists()
    assert protected.placements.get().status == "active"
    goteborg = User.objects.get(email="handlaggare.goteborg@demo.example")
    molndal = User.objects.get(email="handlaggare.molndal@demo.example")
    assert visible(goteborg, Child).filter(pk=protected.pk).exists()
    assert not visible(molndal, Child).filter(pk=protected.pk).exists()


def test_seed_demo_starts_health_examinations_for_the_active_placements():
    _seed()

    exams = HealthExamination.objects.select_related("placement", "unit")
    assert {e.placement.status for e in exams} == {"active"}
    for placement in Placement.objects.filter(status="active"):
        kinds = set(placement.health_examinations.values_list("kind", flat=True))
        assert kinds == {"physical_mental", "oral"}
    assert exams.count() == 8
    assert {e.unit.name for e in exams} == {"Vårdcentralen Majorna", "Folktandvården Göteborg"}


def test_seed_demo_gives_four_goteborg_children_a_sip_and_two_an_agreement():
    _seed()

    sips = Sip.objects.select_related("child__home_municipality")
    assert sips.count() == 4
    assert {s.child.home_municipality.name for s in sips} == {"Göteborg"}
    assert {s.child.last_name for s in sips} == {"Andersson", "Berg", "Carlsson", "Dahl"}
    bup = Unit.objects.get(name="BUP Göteborg")
    for sip in sips:
        assert sip.consents.count() == 2  # both guardians
        assert sip.invitations.get(unit=bup).response == Invitation.Response.ACCEPTED
    held = SipMeeting.objects.filter(ended_at__isnull=False)
    assert held.count() == 2 == PlanVersion.objects.count()
    versions = AgreementVersion.objects.select_related("agreement__placement__child")
    assert {v.status for v in versions} == {AgreementVersion.Status.AWAITING_SIGNATURES}
    assert {v.agreement.placement.child.last_name for v in versions} == {"Andersson", "Dahl"}
    assert CostMeeting.objects.count() == Agreement.objects.count() == 2
    assert Deadline.objects.exists()


def test_seed_demo_twice_creates_no_duplicates():
    _seed()
    first = _counts()
    pks = {
        model._meta.label: set(model._default_manager.values_list("pk", flat=True))
        for model in CASE_MODELS[:-1]
    }

    _seed()

    assert _counts() == first
    for model in CASE_MODELS[:-1]:  # the deadline table is rebuilt, the cases are kept
        assert set(model._default_manager.values_list("pk", flat=True)) == pks[model._meta.label]
    assert first["placements.Child"] == 10
    assert first["placements.Placement"] == 10


def test_seed_demo_on_a_later_day_creates_no_duplicates(time_machine):
    """Dates are relative to today, but what exists is looked up by identity: a run a month
    later adds no child, placement, SIP or agreement."""
    _seed()
    first = _counts()
    placement_starts = dict(Placement.objects.values_list("pk", "planned_start"))

    time_machine.move_to(timezone.now() + timedelta(days=31), tick=False)
    _seed()

    after = _counts()
    after.pop("dashboard.Deadline")
    first.pop("dashboard.Deadline")
    assert after == first
    assert dict(Placement.objects.values_list("pk", "planned_start")) == placement_starts
