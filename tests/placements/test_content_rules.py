"""Issue 11, "Half-enforced content rules", placements: R-PLAC-1 (each principal's
responsibility, L12–L13), R-PLAC-6 (SiS youth homes), R-PLAC-4 (the examining unit) and the
target group 0–20, through the services and the forms. Each test fails when its rule is broken."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from domain.errors import RuleViolation
from organisations.models import Unit
from placements import services
from placements.models import HealthExamination, Placement
from tests.factories import UnitFactory
from tests.placements.factories import ChildFactory, PlacementFactory, personnummer

TODAY = date(2026, 5, 15)
TURNS_21_TOMORROW = date(2005, 5, 16)


@pytest.fixture(autouse=True)
def frozen_today(time_machine):
    time_machine.move_to(
        datetime.combine(TODAY, time(10), tzinfo=ZoneInfo("Europe/Stockholm")), tick=False
    )


@pytest.fixture
def dental(region):
    return UnitFactory(principal=region, name="Folktandvården Majorna", kind=Unit.Kind.DENTAL_CARE)


@pytest.fixture
def young_adult(goteborg, gbg_social):
    """20 years old today, 21 tomorrow."""
    return ChildFactory(
        birth_date=TURNS_21_TOMORROW,
        identity_number=personnummer(TURNS_21_TOMORROW, 321),
        home_municipality=goteborg,
        responsible_unit=gbg_social,
    )


def _form_data(unit, caseworker, **changes) -> dict[str, object]:
    return {
        "placing_unit": unit.pk,
        "caseworker": caseworker.pk,
        "form": Placement.Form.HVB,
        "legal_basis": Placement.LegalBasis.SOL,
        "is_acute": "on",
        "provider_name": "HVB Solglimten",
        "planned_start": "2026-05-15",
        "cost_per_day": "3200",
        "goal": "Trygg vardag.",
        "wishes": "Nära skolan.",
        "schooling": "Samma skola.",
        "responsibilities": "Kommunen: boende. Regionen: BUP.",
        "municipality_provision": Placement.Provision.OTHER_PARTY,
        "region_provision": Placement.Provision.ITSELF,
    } | changes


# --- R-PLAC-1: each principal's responsibility, and who performs the interventions (L12–L13) ---


@pytest.mark.parametrize(
    "missing", ["responsibilities", "municipality_provision", "region_provision"]
)
def test_a_placement_without_the_principals_responsibilities_does_not_start(
    gbg_child, gbg_caseworker, missing
):
    """R-PLAC-1 (L12, L13): the move to active is refused until each principal's and party's
    responsibility, and for each principal whether it acts itself or through another party,
    are stated."""
    placement = PlacementFactory(
        child=gbg_child, caseworker=gbg_caseworker, is_acute=True, **{missing: ""}
    )

    with pytest.raises(RuleViolation) as excinfo:
        services.placement_transition(
            user=gbg_caseworker, placement=placement, target="active", on=TODAY
        )

    assert (excinfo.value.rule, excinfo.value.field) == ("R-PLAC-1", missing)
    placement.refresh_from_db()
    assert placement.status == Placement.Status.PLANNED


def test_a_complete_acute_placement_starts(gbg_child, gbg_caseworker):
    placement = PlacementFactory(child=gbg_child, caseworker=gbg_caseworker, is_acute=True)
    started = services.placement_transition(
        user=gbg_caseworker, placement=placement, target="active", on=TODAY
    )
    assert started.status == Placement.Status.ACTIVE


def test_the_edit_form_shows_the_missing_provision_next_to_its_field(
    client_for, gbg_child, gbg_caseworker
):
    """R-PLAC-1: an active placement cannot be edited into not saying who performs the
    region's interventions; the message stands next to the field."""
    placement = PlacementFactory(child=gbg_child, caseworker=gbg_caseworker, is_acute=True)
    Placement.objects.filter(pk=placement.pk).update(
        status=Placement.Status.ACTIVE, actual_start=date(2026, 5, 1)
    )
    data = _form_data(
        placement.placing_unit, gbg_caseworker, actual_start="2026-05-01", region_provision=""
    )

    response = client_for(gbg_caseworker).post(
        reverse("placements:placement_update", args=[placement.pk]), data
    )

    assert response.status_code == 200
    [message] = response.context["form"].errors["region_provision"]
    assert "själv eller genom annan part" in message
    placement.refresh_from_db()
    assert placement.region_provision == Placement.Provision.ITSELF


def test_the_detail_page_shows_who_performs_the_interventions(
    client_for, gbg_child, gbg_caseworker
):
    placement = PlacementFactory(child=gbg_child, caseworker=gbg_caseworker)
    response = client_for(gbg_caseworker).get(
        reverse("placements:placement_detail", args=[placement.pk])
    )
    content = response.content.decode()
    assert "Genom annan part" in content  # the municipality, through the HVB
    assert "Själv" in content  # the region


# --- R-PLAC-6: the power of attorney at a SiS youth home ---------------------------------------


def test_an_lvu_minor_at_a_sis_home_does_not_start_without_a_power_of_attorney(
    gbg_child, gbg_caseworker
):
    """R-PLAC-6: 002 §3.4.7 names SiS ("HVB, inkl. SIS"): the power of attorney is needed
    there as for a foster home or an HVB."""
    placement = PlacementFactory(
        child=gbg_child,
        caseworker=gbg_caseworker,
        form=Placement.Form.SIS,
        legal_basis=Placement.LegalBasis.LVU,
        is_acute=True,
    )

    with pytest.raises(RuleViolation) as excinfo:
        services.placement_transition(
            user=gbg_caseworker, placement=placement, target="active", on=TODAY
        )
    assert (excinfo.value.rule, excinfo.value.field) == ("R-PLAC-6", "power_of_attorney_issued_on")

    placement.power_of_attorney_issued_on = TODAY
    placement.power_of_attorney_scope = "Får påkalla vård och närvara vid vårdbesök."
    placement.save()
    started = services.placement_transition(
        user=gbg_caseworker, placement=placement, target="active", on=TODAY
    )
    assert started.status == Placement.Status.ACTIVE


# --- R-PLAC-4: the examining unit fits the examination ------------------------------------------


def test_an_oral_examination_by_a_vardcentral_is_refused(
    gbg_placement, gbg_caseworker, primary_care
):
    """R-PLAC-4: an oral examination is done by Folktandvården (002 §3.4.3.2)."""
    with pytest.raises(RuleViolation) as excinfo:
        services.health_exam_save(
            user=gbg_caseworker,
            placement=gbg_placement,
            exam=HealthExamination(
                kind=HealthExamination.Kind.ORAL, initiated_on=TODAY, unit=primary_care
            ),
            before=None,
        )
    assert (excinfo.value.rule, excinfo.value.field) == ("R-PLAC-4", "unit")
    assert not gbg_placement.health_examinations.exists()


def test_a_physical_and_mental_examination_by_folktandvarden_is_refused(
    gbg_placement, gbg_caseworker, dental
):
    """R-PLAC-4: a physical and mental examination is done by the vårdcentral (002 §3.4.3.1)."""
    with pytest.raises(RuleViolation) as excinfo:
        services.health_exam_save(
            user=gbg_caseworker,
            placement=gbg_placement,
            exam=HealthExamination(
                kind=HealthExamination.Kind.PHYSICAL_MENTAL, initiated_on=TODAY, unit=dental
            ),
            before=None,
        )
    assert (excinfo.value.rule, excinfo.value.field) == ("R-PLAC-4", "unit")


@pytest.mark.parametrize(
    ("kind", "unit_fixture"),
    [
        (HealthExamination.Kind.ORAL, "dental"),
        (HealthExamination.Kind.PHYSICAL_MENTAL, "primary_care"),
        (HealthExamination.Kind.PHYSICAL_MENTAL, "bup"),
    ],
)
def test_an_examination_by_the_fitting_unit_is_saved(
    gbg_placement, gbg_caseworker, request, kind, unit_fixture
):
    unit = request.getfixturevalue(unit_fixture)
    exam = services.health_exam_save(
        user=gbg_caseworker,
        placement=gbg_placement,
        exam=HealthExamination(kind=kind, initiated_on=TODAY, unit=unit),
        before=None,
    )
    assert exam.pk is not None


def test_the_exam_form_shows_the_wrong_unit_next_to_the_field(
    client_for, gbg_placement, gbg_caseworker, primary_care
):
    """R-PLAC-4: the message stands next to the unit."""
    response = client_for(gbg_caseworker).post(
        reverse("placements:health_exam_create", args=[gbg_placement.pk]),
        {
            "kind": HealthExamination.Kind.ORAL,
            "initiated_on": "2026-05-15",
            "unit": primary_care.pk,
        },
    )

    assert response.status_code == 200
    [message] = response.context["form"].errors["unit"]
    assert "Folktandvården" in message
    assert not gbg_placement.health_examinations.exists()


# --- The target group: 0–20 years (002 §1.4) ---------------------------------------------------


def test_registering_a_placement_that_starts_on_the_21st_birthday_is_refused(
    young_adult, gbg_social, gbg_caseworker
):
    """TARGET-GROUP (002 §1.4): children and young people up to and including 20 years."""
    with pytest.raises(RuleViolation) as excinfo:
        services.placement_create(
            user=gbg_caseworker,
            child=young_adult,
            placement=Placement(
                placing_unit=gbg_social,
                caseworker=gbg_caseworker,
                form=Placement.Form.SUPPORTED_HOUSING,
                legal_basis=Placement.LegalBasis.SOL,
                provider_name="Stödboendet",
                planned_start=TURNS_21_TOMORROW.replace(year=2026),
                cost_per_day=Decimal("900"),
            ),
        )
    assert (excinfo.value.rule, excinfo.value.field) == ("TARGET-GROUP", "planned_start")
    assert not young_adult.placements.exists()


def test_the_placement_form_shows_the_age_next_to_the_planned_start(
    client_for, young_adult, gbg_social, gbg_caseworker
):
    """TARGET-GROUP: the refusal stands next to the planned start; the day before the 21st
    birthday is accepted."""
    client = client_for(gbg_caseworker)
    url = reverse("placements:placement_create", args=[young_adult.pk])

    refused = client.post(url, _form_data(gbg_social, gbg_caseworker, planned_start="2026-05-16"))
    accepted = client.post(url, _form_data(gbg_social, gbg_caseworker, planned_start="2026-05-15"))

    assert refused.status_code == 200
    [message] = refused.context["form"].errors["planned_start"]
    assert "20 år" in message
    assert accepted.status_code == 302
    assert young_adult.placements.count() == 1


def test_a_registered_placement_does_not_start_after_the_21st_birthday(young_adult, gbg_caseworker):
    """TARGET-GROUP: a planned placement of a 20-year-old cannot be started on the day they
    turn 21."""
    placement = PlacementFactory(
        child=young_adult, caseworker=gbg_caseworker, is_acute=True, planned_start=TODAY
    )

    with pytest.raises(RuleViolation) as excinfo:
        services.placement_transition(
            user=gbg_caseworker,
            placement=placement,
            target="active",
            on=TURNS_21_TOMORROW.replace(year=2026),
        )
    assert excinfo.value.rule == "TARGET-GROUP"
    placement.refresh_from_db()
    assert placement.status == Placement.Status.PLANNED


def test_the_provision_choices_mirror_the_domain():
    """R-PLAC-1 (L13): the model's choices are the domain's values."""
    from domain import placements as rules

    assert set(Placement.Provision.values) == {p.value for p in rules.Provision}
