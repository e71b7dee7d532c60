"""placements.services: each write is one transaction with its audit row inside it."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest

from core.models import AuditAction, AuditEvent
from domain.deadlines import add_months
from domain.errors import RuleViolation
from domain.identity import birth_date_of, format_identity_number, mask_identity_number
from domain.rulesets import VASTRA_GOTALAND
from placements import hooks, services
from placements.models import Child, HealthExamination, Placement, RelatedPerson
from tests.placements.factories import (
    ChildFactory,
    PlacementFactory,
    RelatedPersonFactory,
    personnummer,
)

pytestmark = pytest.mark.django_db

ON = date(2026, 5, 15)
ONE_DAY = timedelta(days=1)
NUMBER = personnummer(date(2015, 3, 12), 238)
OTHER_NUMBER = personnummer(date(2015, 3, 12), 457)


def _all_audit_text() -> str:
    return json.dumps([e.details for e in AuditEvent.objects.all()], ensure_ascii=False)


def _assert_number_not_in_audit(number12: str) -> None:
    text = _all_audit_text()
    for form in (number12, number12[2:], format_identity_number(number12)):
        assert form not in text
    assert format_identity_number(number12)[2:] not in text  # YYMMDD-NNNN


def _new_child(goteborg, **kwargs) -> Child:
    fields = {
        "first_name": "Alva",
        "last_name": "Göransson",
        "birth_date": birth_date_of(NUMBER),
        "home_municipality": goteborg,
    } | kwargs
    return Child(**fields)


# --- children ---------------------------------------------------------------------------------


def test_child_create_writes_one_create_row_with_the_number_masked(
    goteborg, gbg_social, gbg_caseworker, audit
):
    child = services.child_create(
        user=gbg_caseworker,
        unit=gbg_social,
        child=_new_child(goteborg),
        identity_number=NUMBER,
        on=ON,
    )

    [event] = audit.new()
    assert event.action == AuditAction.CREATE
    assert (event.object_type, event.object_id) == ("placements.child", str(child.pk))
    assert event.child_id == child.pk
    assert (event.user, event.unit) == (gbg_caseworker, gbg_social)
    assert event.details["identity_number"] == mask_identity_number(NUMBER)
    assert event.details["first_name"] == "Alva"
    _assert_number_not_in_audit(NUMBER)
    child.refresh_from_db()
    assert child.identity_number == NUMBER
    assert child.responsible_unit == gbg_social
    assert child.created_by == gbg_caseworker


def test_child_create_without_a_number_gets_a_reserve_number(
    goteborg, gbg_social, gbg_caseworker, audit
):
    child = services.child_create(
        user=gbg_caseworker,
        unit=gbg_social,
        child=_new_child(goteborg, birth_date=date(2016, 1, 2)),
        identity_number=None,
        on=ON,
    )

    assert child.identity_number is None
    assert child.reserve_number == "RES-2026-00001"
    assert [e.action for e in audit.new()] == [AuditAction.CREATE]


def test_child_create_and_its_audit_row_are_one_transaction(
    goteborg, gbg_social, gbg_caseworker, monkeypatch
):
    def failing_audit(**kwargs):
        raise RuntimeError("the audit log is unavailable")

    monkeypatch.setattr(services, "audit_record", failing_audit)

    with pytest.raises(RuntimeError):
        services.child_create(
            user=gbg_caseworker,
            unit=gbg_social,
            child=_new_child(goteborg),
            identity_number=NUMBER,
            on=ON,
        )

    assert not Child.objects.exists()


def test_duplicate_identity_number_is_refused_and_nothing_is_written(
    goteborg, gbg_social, mdl_social, mdl_caseworker, audit
):
    ChildFactory(identity_number=NUMBER, responsible_unit=gbg_social)
    audit.mark()

    with pytest.raises(services.DuplicateChild) as excinfo:
        services.child_create(
            user=mdl_caseworker,
            unit=mdl_social,
            child=_new_child(goteborg, first_name="Annan"),
            identity_number=NUMBER,
            on=ON,
        )

    assert excinfo.value.field == "identity_number_input"
    assert Child.objects.count() == 1
    assert audit.new() == []


def test_child_update_to_another_childs_number_is_refused(gbg_child, gbg_caseworker, audit):
    ChildFactory(identity_number=OTHER_NUMBER)
    before = services.snapshot(gbg_child)
    audit.mark()

    with pytest.raises(services.DuplicateChild):
        services.child_update(
            user=gbg_caseworker, child=gbg_child, before=before, identity_number=OTHER_NUMBER
        )

    gbg_child.refresh_from_db()
    assert gbg_child.identity_number != OTHER_NUMBER
    assert audit.new() == []


def test_child_update_writes_the_changed_fields_old_and_new_with_numbers_masked(
    gbg_child, gbg_caseworker, audit
):
    old_number = gbg_child.identity_number
    new_number = personnummer(date(2016, 7, 1), 123)
    before = services.snapshot(gbg_child)
    gbg_child.first_name = "Alvina"
    gbg_child.protected_identity = True

    services.child_update(
        user=gbg_caseworker, child=gbg_child, before=before, identity_number=new_number
    )

    [event] = audit.new()
    assert event.action == AuditAction.UPDATE
    assert event.object_id == str(gbg_child.pk)
    assert event.details == {
        "first_name": ["Alva", "Alvina"],
        "protected_identity": [False, True],
        "identity_number": [mask_identity_number(old_number), mask_identity_number(new_number)],
    }
    _assert_number_not_in_audit(old_number)
    _assert_number_not_in_audit(new_number)


def test_correcting_only_the_last_four_digits_is_still_recorded(gbg_child, gbg_caseworker, audit):
    """A typo in the last four digits is the usual correction: the masked forms are equal, but
    the row still says the number changed (masked on both sides)."""
    old_number = gbg_child.identity_number
    new_number = personnummer(birth_date_of(old_number), int(old_number[8:11]) + 1)
    before = services.snapshot(gbg_child)

    services.child_update(
        user=gbg_caseworker, child=gbg_child, before=before, identity_number=new_number
    )

    [event] = audit.new()
    assert event.details == {
        "identity_number": [mask_identity_number(old_number), mask_identity_number(new_number)]
    }
    _assert_number_not_in_audit(old_number)
    _assert_number_not_in_audit(new_number)


def test_child_update_without_changes_records_no_changed_fields(gbg_child, gbg_caseworker, audit):
    before = services.snapshot(gbg_child)

    services.child_update(user=gbg_caseworker, child=gbg_child, before=before, identity_number=None)

    [event] = audit.new()
    assert event.details == {}


# --- guardians and close persons --------------------------------------------------------------


def test_related_person_create_writes_one_create_row(gbg_child, gbg_caseworker, audit):
    person = services.related_person_create(
        user=gbg_caseworker,
        child=gbg_child,
        person=RelatedPerson(kind=RelatedPerson.Kind.GUARDIAN, name="Eva Göransson"),
    )

    [event] = audit.new()
    assert event.action == AuditAction.CREATE
    assert (event.object_type, event.object_id) == ("placements.relatedperson", str(person.pk))
    assert event.child_id == gbg_child.pk
    assert event.details == {"kind": "guardian"}


def test_a_third_guardian_is_refused(gbg_child, gbg_caseworker, audit):
    """GUARDIANS: a child has 0, 1 or 2 guardians."""
    RelatedPersonFactory.create_batch(2, child=gbg_child, kind=RelatedPerson.Kind.GUARDIAN)
    audit.mark()

    with pytest.raises(RuleViolation) as excinfo:
        services.related_person_create(
            user=gbg_caseworker,
            child=gbg_child,
            person=RelatedPerson(kind=RelatedPerson.Kind.GUARDIAN, name="Tredje"),
        )

    assert excinfo.value.rule == "GUARDIANS"
    assert gbg_child.related_persons.count() == 2
    assert audit.new() == []


def test_a_close_person_may_be_added_beside_two_guardians(gbg_child, gbg_caseworker):
    RelatedPersonFactory.create_batch(2, child=gbg_child, kind=RelatedPerson.Kind.GUARDIAN)

    services.related_person_create(
        user=gbg_caseworker,
        child=gbg_child,
        person=RelatedPerson(kind=RelatedPerson.Kind.CLOSE_PERSON, name="Mormor"),
    )

    assert gbg_child.related_persons.count() == 3


def test_turning_a_close_person_into_a_third_guardian_is_refused(gbg_child, gbg_caseworker):
    """GUARDIANS: the limit also holds when an existing close person becomes a guardian."""
    RelatedPersonFactory.create_batch(2, child=gbg_child, kind=RelatedPerson.Kind.GUARDIAN)
    grandmother = RelatedPersonFactory(child=gbg_child, kind=RelatedPerson.Kind.CLOSE_PERSON)
    before = services.snapshot(grandmother)
    grandmother.kind = RelatedPerson.Kind.GUARDIAN

    with pytest.raises(RuleViolation) as excinfo:
        services.related_person_update(user=gbg_caseworker, person=grandmother, before=before)

    assert excinfo.value.rule == "GUARDIANS"
    grandmother.refresh_from_db()
    assert grandmother.kind == RelatedPerson.Kind.CLOSE_PERSON


def test_related_person_update_writes_the_changed_fields(gbg_guardian, gbg_caseworker, audit):
    before = services.snapshot(gbg_guardian)
    gbg_guardian.phone = "070-000 00 00"

    services.related_person_update(user=gbg_caseworker, person=gbg_guardian, before=before)

    [event] = audit.new()
    assert event.action == AuditAction.UPDATE
    assert event.details == {"phone": ["031-123 45 67", "070-000 00 00"]}


# --- placements -------------------------------------------------------------------------------


def _new_placement(unit, caseworker, **kwargs) -> Placement:
    fields = {
        "placing_unit": unit,
        "caseworker": caseworker,
        "form": Placement.Form.HVB,
        "legal_basis": Placement.LegalBasis.SOL,
        "provider_name": "HVB Solglimten",
        "planned_start": date(2026, 6, 1),
        "cost_per_day": Decimal("3200.00"),
        "goal": "Trygg vardag.",
        "wishes": "Nära skolan.",
        "schooling": "Samma skola.",
        "responsibilities": "Kommunen: boende på HVB. Regionen: BUP-kontakt.",
        "municipality_provision": Placement.Provision.OTHER_PARTY,
        "region_provision": Placement.Provision.ITSELF,
    } | kwargs
    return Placement(**fields)


def test_placement_create_writes_one_create_row_and_starts_planned(
    gbg_child, gbg_social, gbg_caseworker, audit
):
    placement = services.placement_create(
        user=gbg_caseworker,
        child=gbg_child,
        placement=_new_placement(gbg_social, gbg_caseworker, status=Placement.Status.ACTIVE),
    )

    placement.refresh_from_db()
    assert placement.status == Placement.Status.PLANNED
    assert placement.placing_principal == gbg_social.principal
    [event] = audit.new()
    assert event.action == AuditAction.CREATE
    assert (event.object_type, event.object_id) == ("placements.placement", str(placement.pk))
    assert event.child_id == gbg_child.pk
    assert event.details["provider_name"] == "HVB Solglimten"
    assert event.details["planned_start"] == "2026-06-01"  # dates and amounts stored as text
    assert event.details["cost_per_day"] == "3200.00"
    _assert_number_not_in_audit(gbg_child.identity_number)


def test_a_move_is_a_new_placement_linked_to_the_previous(gbg_placement, gbg_caseworker):
    new = services.placement_create(
        user=gbg_caseworker,
        child=gbg_placement.child,
        placement=_new_placement(gbg_placement.placing_unit, gbg_caseworker),
        previous=gbg_placement,
    )

    assert new.previous == gbg_placement
    assert gbg_placement.next_placement == new


def test_placement_update_writes_the_changed_fields_old_and_new(
    gbg_placement, gbg_caseworker, audit
):
    before = services.snapshot(gbg_placement)
    gbg_placement.cost_per_day = Decimal("3500.00")
    gbg_placement.provider_name = "HVB Månskenet"

    services.placement_update(user=gbg_caseworker, placement=gbg_placement, before=before)

    [event] = audit.new()
    assert event.action == AuditAction.UPDATE
    assert event.details == {
        "cost_per_day": ["3200.00", "3500.00"],
        "provider_name": [before["provider_name"], "HVB Månskenet"],
    }


# --- the lifecycle ----------------------------------------------------------------------------


def test_planned_placement_activation_is_refused_and_nothing_changes(
    gbg_placement, gbg_caseworker, audit
):
    """R-PLAC-2: the agreements side says "not signed", so a planned placement stays planned."""
    with pytest.raises(RuleViolation) as excinfo:
        services.placement_transition(
            user=gbg_caseworker, placement=gbg_placement, target="active", on=ON
        )

    assert excinfo.value.rule == "R-PLAC-2"
    gbg_placement.refresh_from_db()
    assert gbg_placement.status == Placement.Status.PLANNED
    assert gbg_placement.actual_start is None
    assert audit.new() == []


def test_planned_placement_activation_asks_the_agreements_side(
    gbg_placement, gbg_caseworker, monkeypatch
):
    """R-PLAC-2: once the agreements side reports the agreement signed, the placement starts."""
    monkeypatch.setattr(hooks, "_agreement_signed", lambda placement: True)

    services.placement_transition(
        user=gbg_caseworker, placement=gbg_placement, target="active", on=ON
    )

    gbg_placement.refresh_from_db()
    assert gbg_placement.status == Placement.Status.ACTIVE


def test_acute_placement_activation_sets_the_actual_start_and_writes_a_transition_row(
    gbg_child, gbg_caseworker, audit
):
    """R-PLAC-3: an acute placement may be active without an agreement; its clock starts at the
    actual start."""
    placement = PlacementFactory(child=gbg_child, is_acute=True, caseworker=gbg_caseworker)
    audit.mark()

    services.placement_transition(user=gbg_caseworker, placement=placement, target="active", on=ON)

    placement.refresh_from_db()
    assert placement.status == Placement.Status.ACTIVE
    assert placement.actual_start == ON
    [event] = audit.new()
    assert event.action == AuditAction.TRANSITION
    assert event.object_id == str(placement.pk)
    assert event.details == {"status": ["planned", "active"], "on": "2026-05-15", "reason": ""}


def test_lvu_minor_acute_hvb_placement_without_power_of_attorney_stays_planned(
    gbg_child, gbg_caseworker
):
    """R-PLAC-6: the power of attorney is required before such a placement becomes active."""
    placement = PlacementFactory(
        child=gbg_child, is_acute=True, legal_basis=Placement.LegalBasis.LVU
    )

    with pytest.raises(RuleViolation) as excinfo:
        services.placement_transition(
            user=gbg_caseworker, placement=placement, target="active", on=ON
        )

    assert excinfo.value.rule == "R-PLAC-6"
    placement.refresh_from_db()
    assert placement.status == Placement.Status.PLANNED


@pytest.fixture
def active_placement(gbg_child, gbg_caseworker):
    return PlacementFactory(
        child=gbg_child,
        caseworker=gbg_caseworker,
        is_acute=True,
        status=Placement.Status.ACTIVE,
        actual_start=date(2026, 3, 1),
    )


def test_ending_sets_the_end_reason_and_that_a_next_step_sip_is_needed(
    active_placement, gbg_caseworker, audit
):
    """R-PLAC-7: ending records the end and shows that a SIP for the next step is needed."""
    services.placement_transition(
        user=gbg_caseworker,
        placement=active_placement,
        target="ended",
        on=ON,
        reason="Flyttar hem till mamma.",
        end_plan_no_meeting_reason="Inga fortsatta insatser från regionen.",
    )

    active_placement.refresh_from_db()
    assert active_placement.status == Placement.Status.ENDED
    assert active_placement.actual_end == ON
    assert active_placement.end_reason == "Flyttar hem till mamma."
    assert active_placement.next_step_sip_needed is True
    assert active_placement.follow_up_until is None
    [event] = audit.new()
    assert event.details["status"] == ["active", "ended"]
    assert event.details["reason"] == "Flyttar hem till mamma."


def test_ending_without_a_reason_is_refused(active_placement, gbg_caseworker):
    with pytest.raises(RuleViolation) as excinfo:
        services.placement_transition(
            user=gbg_caseworker, placement=active_placement, target="ended", on=ON, reason=""
        )

    assert excinfo.value.rule == "LIFECYCLE"
    active_placement.refresh_from_db()
    assert active_placement.status == Placement.Status.ACTIVE


def test_follow_up_until_exactly_two_months_after_the_end_is_kept(active_placement, gbg_caseworker):
    """R-PLAC-7: the follow-up after the placement may last until the 2-month limit."""
    limit = add_months(ON, VASTRA_GOTALAND.post_placement_followup_months)

    services.placement_transition(
        user=gbg_caseworker,
        placement=active_placement,
        target="ended",
        on=ON,
        reason="Flyttar hem.",
        follow_up_until=limit,
        end_plan_no_meeting_reason="Inga fortsatta insatser.",
    )

    active_placement.refresh_from_db()
    assert active_placement.follow_up_until == limit == date(2026, 7, 15)
    ending = AuditEvent.objects.filter(action=AuditAction.TRANSITION).latest("pk")
    assert ending.details["follow_up_until"] == "2026-07-15"


def test_follow_up_one_day_beyond_two_months_is_refused_and_nothing_changes(
    active_placement, gbg_caseworker, audit
):
    """R-PLAC-7: a follow-up after the placement must end within 2 months of the end."""
    limit = add_months(ON, VASTRA_GOTALAND.post_placement_followup_months)
    audit.mark()

    with pytest.raises(RuleViolation) as excinfo:
        services.placement_transition(
            user=gbg_caseworker,
            placement=active_placement,
            target="ended",
            on=ON,
            reason="Flyttar hem.",
            follow_up_until=limit + ONE_DAY,
            end_plan_no_meeting_reason="Inga fortsatta insatser.",
        )

    assert excinfo.value.rule == "R-PLAC-7"
    active_placement.refresh_from_db()
    assert active_placement.status == Placement.Status.ACTIVE
    assert active_placement.actual_end is None
    assert active_placement.end_reason == ""
    assert active_placement.follow_up_until is None
    assert audit.new() == []


def test_cancelling_a_planned_placement_keeps_the_reason(gbg_placement, gbg_caseworker, audit):
    services.placement_transition(
        user=gbg_caseworker,
        placement=gbg_placement,
        target="cancelled",
        on=ON,
        reason="Barnet stannar hemma.",
    )

    gbg_placement.refresh_from_db()
    assert gbg_placement.status == Placement.Status.CANCELLED
    assert gbg_placement.end_reason == "Barnet stannar hemma."
    assert gbg_placement.actual_start is None
    assert [e.details["status"] for e in audit.new()] == [["planned", "cancelled"]]


def test_an_ended_placement_cannot_move_again(active_placement, gbg_caseworker):
    """LIFECYCLE: ended is final."""
    services.placement_transition(
        user=gbg_caseworker,
        placement=active_placement,
        target="ended",
        on=ON,
        reason="Klart.",
        end_plan_no_meeting_reason="Inga fortsatta insatser.",
    )

    with pytest.raises(RuleViolation) as excinfo:
        services.placement_transition(
            user=gbg_caseworker, placement=active_placement, target="active", on=ON
        )

    assert excinfo.value.rule == "LIFECYCLE"


# --- health examinations ----------------------------------------------------------------------


def test_health_exam_save_writes_a_create_then_an_update_row(gbg_placement, gbg_caseworker, audit):
    """R-PLAC-4: each recorded step of the examination is audited."""
    exam = services.health_exam_save(
        user=gbg_caseworker,
        placement=gbg_placement,
        exam=HealthExamination(kind=HealthExamination.Kind.ORAL, initiated_on=ON),
        before=None,
    )
    before = services.snapshot(exam)
    exam.offered_on = ON + timedelta(days=20)
    services.health_exam_save(
        user=gbg_caseworker, placement=gbg_placement, exam=exam, before=before
    )

    create, update = audit.new()
    assert create.action == AuditAction.CREATE
    assert create.child_id == gbg_placement.child_id
    assert create.details["initiated_on"] == [None, "2026-05-15"]
    assert update.action == AuditAction.UPDATE
    assert update.details == {"offered_on": [None, "2026-06-04"]}


def test_health_exam_done_before_it_was_offered_is_refused(gbg_exam, gbg_caseworker, audit):
    """R-PLAC-4: done needs an appointment offered before it."""
    before = services.snapshot(gbg_exam)
    gbg_exam.done_on = gbg_exam.initiated_on + ONE_DAY

    with pytest.raises(RuleViolation) as excinfo:
        services.health_exam_save(
            user=gbg_caseworker, placement=gbg_exam.placement, exam=gbg_exam, before=before
        )

    assert excinfo.value.rule == "R-PLAC-4"
    gbg_exam.refresh_from_db()
    assert gbg_exam.done_on is None
    assert audit.new() == []


def test_no_new_health_exam_for_a_cancelled_placement_but_a_recorded_one_can_be_corrected(
    gbg_exam, gbg_caseworker, audit
):
    """LIFECYCLE: a cancelled placement never took place (found in an exploratory review: the
    page offered "Initiate" and it succeeded)."""
    placement = gbg_exam.placement
    Placement.objects.filter(pk=placement.pk).update(status=Placement.Status.CANCELLED)
    placement.refresh_from_db()
    audit.mark()

    with pytest.raises(RuleViolation) as excinfo:
        services.health_exam_save(
            user=gbg_caseworker,
            placement=placement,
            exam=HealthExamination(kind=HealthExamination.Kind.ORAL, initiated_on=ON),
            before=None,
        )
    assert excinfo.value.rule == "LIFECYCLE"
    assert placement.health_examinations.count() == 1
    assert audit.new() == []

    before = services.snapshot(gbg_exam)
    gbg_exam.offered_on = gbg_exam.initiated_on + ONE_DAY
    services.health_exam_save(
        user=gbg_caseworker, placement=placement, exam=gbg_exam, before=before
    )
    gbg_exam.refresh_from_db()
    assert gbg_exam.offered_on == gbg_exam.initiated_on + ONE_DAY


def test_no_audit_row_ever_holds_a_whole_personnummer(goteborg, gbg_social, gbg_caseworker, audit):
    """Issue 3, "Audit": never the whole personnummer in the audit log, whatever was done."""
    child = services.child_create(
        user=gbg_caseworker,
        unit=gbg_social,
        child=_new_child(goteborg),
        identity_number=NUMBER,
        on=ON,
    )
    before = services.snapshot(child)
    services.child_update(
        user=gbg_caseworker, child=child, before=before, identity_number=OTHER_NUMBER
    )
    placement = services.placement_create(
        user=gbg_caseworker,
        child=child,
        placement=_new_placement(gbg_social, gbg_caseworker, is_acute=True),
    )
    services.placement_transition(user=gbg_caseworker, placement=placement, target="active", on=ON)

    assert len(audit.new()) == 4
    _assert_number_not_in_audit(NUMBER)
    _assert_number_not_in_audit(OTHER_NUMBER)


def test_without_a_registered_agreement_check_a_planned_placement_does_not_start(
    gbg_placement, gbg_caseworker, monkeypatch
):
    """R-PLAC-2: the placement layer refuses to guess when no app answers the question."""
    from django.core.exceptions import ImproperlyConfigured

    monkeypatch.setattr(hooks, "_agreement_signed", None)

    with pytest.raises(ImproperlyConfigured):
        services.placement_transition(
            user=gbg_caseworker, placement=gbg_placement, target="active", on=ON
        )

    gbg_placement.refresh_from_db()
    assert gbg_placement.status != Placement.Status.ACTIVE
