"""Writes for children and placements: one transaction each, with its audit row inside."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Model
from django.forms.models import model_to_dict
from django.utils import timezone

from core.audit import audit_record, changed_fields
from core.models import AuditAction
from domain import placements as rules
from domain.deadlines import add_months
from domain.errors import RuleViolation, Violations
from domain.i18n import gettext_noop as _
from domain.identity import mask_identity_number
from organisations.models import Principal, Unit

from . import hooks
from .models import Child, HealthExamination, Placement, PlacementFollowUp, RelatedPerson


def snapshot(obj: Model) -> dict[str, Any]:
    data = model_to_dict(obj)
    if "identity_number" in data and data["identity_number"]:
        # Never the whole personnummer in the audit log.
        data["identity_number"] = mask_identity_number(data["identity_number"])
    return data


def _next_reserve_number(on: date) -> str:
    prefix = f"RES-{on:%Y}-"
    count = Child.objects.filter(reserve_number__startswith=prefix).count()
    return f"{prefix}{count + 1:05d}"


class DuplicateChild(RuleViolation):  # noqa: N818
    pass


@transaction.atomic
def child_create(
    *, user: Any, unit: Any, child: Child, identity_number: str | None, on: date
) -> Child:
    """Register a child (0–20 years old on ``on``). One child per identity number in the
    deployment."""
    rules.check_child_in_target_group(
        birth_date=child.birth_date,
        on=on,
        field="identity_number_input" if identity_number else "birth_date",
    )
    child.identity_number = identity_number
    child.responsible_unit = unit
    child.created_by = user
    if identity_number is None:
        child.reserve_number = _next_reserve_number(on)
    if identity_number and Child.objects.filter(identity_number=identity_number).exists():
        raise DuplicateChild(
            "IDENTITY",
            _("A child with this personal identity number is already registered."),
            field="identity_number_input",
        )
    try:
        with transaction.atomic():
            child.save()
    except IntegrityError as exc:  # a concurrent registration of the same number
        raise DuplicateChild(
            "IDENTITY",
            _("A child with this personal identity number is already registered."),
            field="identity_number_input",
        ) from exc
    audit_record(
        action=AuditAction.CREATE, user=user, unit=unit, obj=child, details=snapshot(child)
    )
    return child


@transaction.atomic
def child_update(
    *, user: Any, child: Child, before: dict[str, Any], identity_number: str | None
) -> Child:
    number_change: list[str | None] = []
    rules.check_child_in_target_group(
        birth_date=child.birth_date,
        on=timezone.localdate(),
        field="identity_number_input" if identity_number else "birth_date",
        registering=False,
    )
    if identity_number is not None:
        if Child.objects.filter(identity_number=identity_number).exclude(pk=child.pk).exists():
            raise DuplicateChild(
                "IDENTITY",
                _("A child with this personal identity number is already registered."),
                field="identity_number_input",
            )
        stored = Child.objects.values_list("identity_number", flat=True).get(pk=child.pk)
        if stored != identity_number:
            # Masked, a change of the last four digits alone would look like no change.
            number_change = [
                stored and mask_identity_number(stored),
                mask_identity_number(identity_number),
            ]
        child.identity_number = identity_number
    child.save()
    details = changed_fields(before, snapshot(child))
    if number_change:
        details["identity_number"] = number_change
    audit_record(action=AuditAction.UPDATE, user=user, obj=child, details=details)
    return child


@transaction.atomic
def related_person_create(*, user: Any, child: Child, person: RelatedPerson) -> RelatedPerson:
    if person.kind == RelatedPerson.Kind.GUARDIAN:
        locked = Child.objects.select_for_update().get(pk=child.pk)
        rules.check_guardian_count(
            locked.related_persons.filter(kind=RelatedPerson.Kind.GUARDIAN).count()
        )
    person.child = child
    person.save()
    audit_record(action=AuditAction.CREATE, user=user, obj=person, details={"kind": person.kind})
    return person


@transaction.atomic
def related_person_update(
    *, user: Any, person: RelatedPerson, before: dict[str, Any]
) -> RelatedPerson:
    if person.kind == RelatedPerson.Kind.GUARDIAN and before.get("kind") != person.kind:
        rules.check_guardian_count(
            person.child.related_persons.filter(kind=RelatedPerson.Kind.GUARDIAN)
            .exclude(pk=person.pk)
            .count()
        )
    person.save()
    audit_record(
        action=AuditAction.UPDATE,
        user=user,
        obj=person,
        details=changed_fields(before, snapshot(person)),
    )
    return person


def _check_new_placement(placement: Placement) -> None:
    if placement.placing_unit.principal_id != placement.placing_principal_id:
        raise RuleViolation(
            "PLACING", _("The placing unit must belong to the placing principal."), field=None
        )
    _check_dates(placement)


def _check_dates(placement: Placement) -> None:
    """The target group 0–20 (domain.placements.check_age_at_start) on the planned and on the
    actual start, and a move-in day that has happened, all asked together so that every date
    error shows at once (each next to its field)."""
    found = Violations()
    birth = placement.child.birth_date
    found.check(
        rules.check_age_at_start,
        birth_date=birth,
        start=placement.planned_start,
        field="planned_start",
    )
    if placement.actual_start is not None:
        found.check(
            rules.check_age_at_start,
            birth_date=birth,
            start=placement.actual_start,
            field="actual_start",
        )
    found.check(
        rules.check_moved_in, actual_start=placement.actual_start, today=timezone.localdate()
    )
    found.check(rules.check_recorded_dates, _recorded_dates(placement), today=timezone.localdate())
    found.raise_if_any()


def _recorded_dates(placement: Placement) -> rules.RecordedDates:
    # The care contact's unit by its id: no query for the unit itself.
    ids = {"care_contact_unit": "care_contact_unit_id"}
    return rules.RecordedDates.from_fields(lambda name: getattr(placement, ids.get(name, name)))


@transaction.atomic
def placement_create(
    *, user: Any, child: Child, placement: Placement, previous: Placement | None = None
) -> Placement:
    placement.child = child
    placement.placing_principal = placement.placing_unit.principal
    placement.status = Placement.Status.PLANNED
    _check_new_placement(placement)
    if previous is not None:
        # A move: the new period continues the child's line of homes from ``previous``, which
        # can have only one next period (locked, so two moves registered at once cannot both
        # take it).
        locked = Placement.objects.select_for_update().get(pk=previous.pk)
        if locked.child_id != child.pk:
            raise RuleViolation("PLACING", _("The previous placement is another child's."))
        if Placement.objects.filter(previous=locked).exists():
            raise RuleViolation(
                "PLACING",
                _(
                    "A move from that placement is already registered. Register the next "
                    "move from the latest placement."
                ),
            )
        placement.previous = locked
    placement.save()
    audit_record(action=AuditAction.CREATE, user=user, obj=placement, details=snapshot(placement))
    return placement


@transaction.atomic
def placement_update(*, user: Any, placement: Placement, before: dict[str, Any]) -> Placement:
    placement.placing_principal = placement.placing_unit.principal
    if placement.status == Placement.Status.PLANNED:
        _check_dates(placement)  # new dates are checked as at registering
    else:
        found = Violations()
        found.check(
            rules.check_moved_in, actual_start=placement.actual_start, today=timezone.localdate()
        )
        found.check(
            rules.check_recorded_dates, _recorded_dates(placement), today=timezone.localdate()
        )
        found.raise_if_any()
    rules.check_update(placement.facts(), on=timezone.localdate())
    placement.save()
    audit_record(
        action=AuditAction.UPDATE,
        user=user,
        obj=placement,
        details=changed_fields(before, snapshot(placement)),
    )
    return placement


@transaction.atomic
def placement_transition(
    *,
    user: Any,
    placement: Placement,
    target: str,
    on: date,
    reason: str = "",
    follow_up_until: date | None = None,
    end_plan_meeting: Any = None,
    end_plan_no_meeting_reason: str = "",
) -> Placement:
    """Move a placement through its lifecycle (table in domain.placements). Ending it needs
    the joint plan for further interventions (R-PLAC-7, L25): a held SIP meeting of the
    child's SIP (``end_plan_meeting``) or the reason why there was none."""
    locked = Placement.objects.select_for_update().select_related("child").get(pk=placement.pk)
    old_status = locked.status
    end_plan = None
    if target == Placement.Status.ENDED:
        meeting = None
        if end_plan_meeting is not None:
            meeting = held_sip_meetings(locked.child).filter(pk=end_plan_meeting.pk).first()
            if meeting is None:
                raise RuleViolation(
                    "R-PLAC-7",
                    _("Choose a held SIP meeting of the child's SIP."),
                    field="end_plan_meeting",
                )
        end_plan = rules.EndPlan(
            sip_meeting_held_on=timezone.localdate(meeting.started_at) if meeting else None,
            no_meeting_reason="" if meeting else end_plan_no_meeting_reason,
        )
        locked.end_plan_meeting = meeting
    locked.move_to(
        target,
        on=on,
        agreement_signed=hooks.agreement_signed(locked),
        end_date=on if target == Placement.Status.ENDED else None,
        end_reason=reason,
        end_plan=end_plan,
    )
    if target == Placement.Status.ENDED and follow_up_until is not None:
        limit = add_months(
            on, locked.child.home_municipality.rule_set_on(on).post_placement_followup_months
        )
        rules.check_follow_up_period(ended_on=on, follow_up_until=follow_up_until, limit=limit)
        locked.follow_up_until = follow_up_until
    locked.save()
    if target in (Placement.Status.ENDED, Placement.Status.CANCELLED):
        hooks.placement_closed.send(sender=Placement, user=user, placement=locked, on=on)
    audit_record(
        action=AuditAction.TRANSITION,
        user=user,
        obj=locked,
        details={"status": [old_status, locked.status], "on": on.isoformat(), "reason": reason}
        | (
            {
                "follow_up_until": follow_up_until.isoformat() if follow_up_until else None,
                "end_plan_meeting": locked.end_plan_meeting_id,
                "end_plan_no_meeting_reason": locked.end_plan_no_meeting_reason,
            }
            if target == Placement.Status.ENDED
            else {}
        ),
    )
    return locked


def held_sip_meetings(child: Child) -> Any:
    """The held SIP meetings of the child's SIPs (R-PLAC-7, L25), latest first. Reached through
    the model field, since placements sits below the sip app and does not import it."""
    meeting_model = Placement._meta.get_field("end_plan_meeting").related_model
    return (
        meeting_model._default_manager.filter(sip__child=child, ended_at__isnull=False)
        .select_related("sip")
        .order_by("-started_at", "-pk")
    )


def _touch(placement: Placement) -> None:
    """Saving the placement refreshes its deadlines (dashboard.signals listens to it)."""
    placement.save(update_fields=["updated_at"])


@transaction.atomic
def placement_follow_up_record(
    *,
    user: Any,
    placement: Placement,
    follow_up: PlacementFollowUp,
    municipality_units: list[Unit],
    region_units: list[Unit],
    today: date,
) -> PlacementFollowUp:
    """R-PLAC-7 (L24): record a joint follow-up of the placement, with the next date. The
    units are checked to belong to a municipality and to a region; the domain checks that
    both principals took part."""
    locked = Placement.objects.select_for_update().get(pk=placement.pk)
    if locked.status not in (Placement.Status.ACTIVE, Placement.Status.ENDED):
        raise RuleViolation(
            "R-PLAC-7", _("Only a placement that has started is followed up."), field=None
        )
    municipal = [u for u in municipality_units if u.principal.kind == Principal.Kind.MUNICIPALITY]
    regional = [u for u in region_units if u.principal.kind == Principal.Kind.REGION]
    rules.check_joint_follow_up(
        held_on=follow_up.held_on,
        next_on=follow_up.next_follow_up_on,
        municipality_units=len(municipal),
        region_units=len(regional),
        today=today,
        placement_start=locked.actual_start,
    )
    follow_up.placement = locked
    follow_up.created_by = user
    follow_up.save()
    follow_up.municipality_units.set(municipal)
    follow_up.region_units.set(regional)
    audit_record(
        action=AuditAction.CREATE,
        user=user,
        obj=follow_up,
        details={
            "held_on": follow_up.held_on.isoformat(),
            "next_follow_up_on": follow_up.next_follow_up_on.isoformat(),
            "municipality_units": [u.pk for u in municipal],
            "region_units": [u.pk for u in regional],
        },
    )
    _touch(locked)
    return follow_up


@transaction.atomic
def post_placement_follow_up_done(
    *, user: Any, placement: Placement, done_on: date, notes: str, today: date
) -> Placement:
    """R-PLAC-7 (002 §3.5.2): record that the follow-up after the placement has ended; this
    meets its deadline (2 months after the end)."""
    locked = Placement.objects.select_for_update().get(pk=placement.pk)
    if locked.status != Placement.Status.ENDED or locked.actual_end is None:
        raise RuleViolation(
            "R-PLAC-7", _("Only an ended placement has a follow-up after it."), field=None
        )
    rules.check_follow_up_done(
        ended_on=locked.actual_end,
        follow_up_until=locked.follow_up_until,
        done_on=done_on,
        today=today,
    )
    before = {
        "follow_up_ended_on": locked.follow_up_ended_on,
        "follow_up_notes": locked.follow_up_notes,
    }
    locked.follow_up_ended_on = done_on
    locked.follow_up_notes = notes
    locked.save(update_fields=["follow_up_ended_on", "follow_up_notes", "updated_at"])
    audit_record(
        action=AuditAction.UPDATE,
        user=user,
        obj=locked,
        details=changed_fields(
            before,
            {
                "follow_up_ended_on": locked.follow_up_ended_on,
                "follow_up_notes": locked.follow_up_notes,
            },
        ),
    )
    return locked


@transaction.atomic
def health_exam_save(
    *, user: Any, placement: Placement, exam: HealthExamination, before: dict[str, Any] | None
) -> HealthExamination:
    """R-PLAC-4: record an examination step, by a unit fitting its kind (checked in
    domain.placements)."""
    unit = exam.unit
    if before is None:  # a new examination; one recorded before the cancellation can be corrected
        rules.check_open_for_work(placement.status)
    rules.check_health_exam(
        initiated_on=exam.initiated_on,
        offered_on=exam.offered_on,
        done_on=exam.done_on,
        unnecessary_reason=exam.unnecessary_reason,
        kind=rules.ExamKind(exam.kind),
        unit_kind=unit.kind if unit is not None else None,
        unit_in_region=unit is not None and unit.principal.kind == Principal.Kind.REGION,
        today=timezone.localdate(),
    )
    exam.placement = placement
    exam.save()
    audit_record(
        action=AuditAction.CREATE if before is None else AuditAction.UPDATE,
        user=user,
        obj=exam,
        details=changed_fields(before or {}, snapshot(exam)),
    )
    return exam
