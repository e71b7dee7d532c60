"""Writes for deviations (R-DEV-1): report, receive, answer, comment, escalate, close; the area
report's texts and its submission. Each step is one transaction with a ``DeviationEvent`` and an
audit row; a step the rule does not allow is a ``RuleViolation`` with R-DEV-1.

``report_deviation(*, user, unit, data)`` takes plain values (``DeviationData``), so that the
REST API can call it as the form does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from agreements.models import Agreement
from core.audit import audit_record
from core.models import AuditAction
from core.policy import visible
from domain import deviations as rules
from domain.errors import RuleViolation, Violations
from domain.i18n import gettext_noop as _
from domain.levels import Level
from organisations.models import Principal, SubRegion, Unit
from placements.models import Child, Placement

from .models import AreaReport, Deviation, DeviationCategory, DeviationEvent
from .policy import CASE_ROLES, parties_of

RULE = rules.RULE
TEXT_MAX = 4000


@dataclass(frozen=True)
class DeviationData:
    """What the reporter states. Ids are plain integers (a form's or the API's)."""

    category: str
    occurred_on: date
    agreed: str
    happened: str
    receiving_principal_id: int | None = None  # required when a region unit reports
    receiving_unit_id: int | None = None  # required when the region receives
    child_id: int | None = None
    placement_id: int | None = None
    agreement_id: int | None = None


def _ref(principal: Principal) -> rules.PrincipalRef:
    return rules.PrincipalRef(pk=principal.pk, kind=principal.kind, region_id=principal.region_id)


def _municipality_of(reporting: Principal, receiving: Principal) -> Principal:
    return reporting if reporting.kind == Principal.Kind.MUNICIPALITY else receiving


def _receiving_principal(unit: Unit, data: DeviationData) -> Principal | None:
    """The other principal: for a municipal unit its region; for a region unit the
    municipality chosen (one of the region's)."""
    if unit.principal.kind == Principal.Kind.MUNICIPALITY:
        return unit.principal.region
    if data.receiving_principal_id is None:
        return None
    return Principal.objects.filter(pk=data.receiving_principal_id).first()


def _check_text(found: Violations, name: str, value: str, *, required: bool = True) -> None:
    if required and not value.strip():
        messages = {
            "agreed": _("Write what was agreed."),
            "happened": _("Write what happened."),
            "text": _("Write the text."),
        }
        found.add(RULE, messages.get(name, _("Write the text.")), field=name)
    elif len(value) > TEXT_MAX:
        found.add(RULE, _("The text can be at most 4000 characters long."), field=name)
    elif "\x00" in value:  # the API sends what it is given; PostgreSQL stores no NUL
        found.add(RULE, _("Null characters are not allowed."), field=name)


def _check_case_links(
    found: Violations,
    *,
    user: Any,
    data: DeviationData,
    municipality: Principal,
    region: Principal,
) -> tuple[Child | None, Placement | None, Agreement | None]:
    """The optional child, placement and agreement must be ones the reporter may see (the
    placements' and agreements' own policies) and belong to the two principals concerned."""
    child = placement = agreement = None
    wrong = _(
        "Choose a child, placement or agreement of the principals concerned that you can see."
    )
    if data.child_id is not None:
        child = visible(user, Child).filter(pk=data.child_id).first()
        if child is None or child.home_municipality_id != municipality.pk:
            found.add(RULE, wrong, field="child")
            child = None
    if data.placement_id is not None:
        placement = (
            visible(user, Placement)
            .filter(pk=data.placement_id)
            .select_related("child", "placing_unit__principal")
            .first()
        )
        if placement is None or placement.child.home_municipality_id != municipality.pk:
            found.add(RULE, wrong, field="placement")
            placement = None
        elif data.child_id is not None and placement.child_id != data.child_id:
            found.add(RULE, _("The placement is not the chosen child's."), field="placement")
            placement = None
    if data.agreement_id is not None:
        agreement = (
            visible(user, Agreement)
            .filter(pk=data.agreement_id)
            .select_related("placement")
            .first()
        )
        if agreement is None or (agreement.municipality_id, agreement.region_id) != (
            municipality.pk,
            region.pk,
        ):
            found.add(RULE, wrong, field="agreement")
            agreement = None
        elif data.placement_id is not None and agreement.placement_id != data.placement_id:
            found.add(RULE, _("The agreement is not the chosen placement's."), field="agreement")
            agreement = None
        elif data.child_id is not None and agreement.placement.child_id != data.child_id:
            found.add(RULE, _("The agreement is not the chosen child's."), field="agreement")
            agreement = None
    # Personal data only where needed: the child is named once, through the most precise link.
    if child is None and placement is not None:
        child = placement.child
    if child is None and agreement is not None:
        child = agreement.placement.child
    if placement is None and agreement is not None:
        placement = agreement.placement
    return child, placement, agreement


def _area_days(sub_region: SubRegion | None) -> int | None:
    return sub_region.deviation_feedback_days if sub_region is not None else None


@transaction.atomic
def report_deviation(
    *, user: Any, unit: Unit, data: DeviationData, today: date | None = None
) -> Deviation:
    """R-DEV-1: a unit of either principal (or a school) reports a deviation to the other
    principal. The reporter must be a member (caseworker, clinician or manager) of ``unit``;
    the answer is due within the days of the municipality's sub-regional area."""
    today = today or timezone.localdate()
    if unit is None or unit.pk not in _reporting_unit_ids(user):
        raise RuleViolation(RULE, _("You can report only for a unit you work in."), field="unit")
    unit = Unit.objects.select_related("principal__region", "principal__sub_region").get(pk=unit.pk)
    reporting = unit.principal
    found = Violations()
    if data.category not in DeviationCategory.values:
        found.add(RULE, _("Choose a category."), field="category")
    if data.occurred_on > today:
        found.add(
            RULE, _("The date of the deviation cannot be in the future."), field="occurred_on"
        )
    _check_text(found, "agreed", data.agreed)
    _check_text(found, "happened", data.happened)
    receiving = _receiving_principal(unit, data)
    try:
        rules.check_principals(
            reporting=_ref(reporting), receiving=_ref(receiving) if receiving else None
        )
    except RuleViolation as violation:
        found.add(violation.rule, violation.message, field=violation.field)
        found.raise_if_any()
    assert receiving is not None
    receiving_unit = None
    if data.receiving_unit_id is not None:
        receiving_unit = Unit.objects.filter(
            pk=data.receiving_unit_id, principal_id=receiving.pk
        ).first()
        if receiving_unit is None:
            found.add(
                RULE,
                _("Choose a unit of the principal the deviation concerns."),
                field="receiving_unit",
            )
    elif receiving.kind == Principal.Kind.REGION:
        found.add(
            RULE,
            _("Choose the region's unit the deviation concerns (for example BUP)."),
            field="receiving_unit",
        )
    municipality = _municipality_of(reporting, receiving)
    region = receiving if receiving.kind == Principal.Kind.REGION else reporting
    child, placement, agreement = _check_case_links(
        found, user=user, data=data, municipality=municipality, region=region
    )
    found.raise_if_any()
    sub_region = (
        SubRegion.objects.filter(pk=municipality.sub_region_id).first()
        if municipality.sub_region_id
        else None
    )
    deviation = Deviation.objects.create(
        reporting_unit=unit,
        reporting_principal=reporting,
        receiving_principal=receiving,
        receiving_unit=receiving_unit,
        sub_region=sub_region,
        category=data.category,
        occurred_on=data.occurred_on,
        agreed=data.agreed.strip(),
        happened=data.happened.strip(),
        child=child,
        placement=placement,
        agreement=agreement,
        status=rules.Status.REPORTED.value,
        level=Level.LOCAL.value,
        answer_due_on=rules.answer_due_on(reported_on=today, area_days=_area_days(sub_region)),
        reported_by=user,
        reported_on=today,
    )
    DeviationEvent.objects.create(
        deviation=deviation,
        kind=DeviationEvent.Kind.REPORTED,
        level=deviation.level,
        by=user,
        on=today,
    )
    audit_record(
        action=AuditAction.CREATE,
        user=user,
        unit=unit,
        obj=deviation,
        details={
            "category": deviation.category,
            "receiving_principal": receiving.pk,
            "answer_due_on": deviation.answer_due_on,
        },
    )
    return deviation


def _reporting_unit_ids(user: Any) -> set[int]:
    from core.policy import actor_for

    return actor_for(user).unit_ids(*CASE_ROLES)


def reporting_units(user: Any) -> Any:
    """The units a person may report for: those they work in as caseworker, clinician or
    manager."""
    return Unit.objects.filter(pk__in=_reporting_unit_ids(user)).select_related("principal__region")


EVENT_KIND = {
    rules.Action.RECEIVE: DeviationEvent.Kind.RECEIVED,
    rules.Action.ANSWER: DeviationEvent.Kind.ANSWERED,
    rules.Action.ESCALATE: DeviationEvent.Kind.ESCALATED,
    rules.Action.CLOSE: DeviationEvent.Kind.CLOSED,
    rules.Action.COMMENT: DeviationEvent.Kind.COMMENT,
}


@transaction.atomic
def deviation_step(
    *,
    user: Any,
    deviation: Deviation,
    action: rules.Action | str,
    text: str = "",
    today: date | None = None,
) -> Deviation:
    """R-DEV-1: one step on a deviation, if the status, the level and the person allow it.
    Passing it on raises the level one step (to the regional level straight away when the
    municipality belongs to no area) and sets a new answer deadline for the body there."""
    today = today or timezone.localdate()
    action = rules.Action(action)
    # Two people acting at once: the second sees the first one's step.
    deviation = Deviation.objects.select_for_update().get(pk=deviation.pk)
    status, level = rules.Status(deviation.status), Level(deviation.level)
    has_area = deviation.sub_region_id is not None
    found = Violations()
    _check_text(found, "text", text, required=False)
    found.raise_if_any()
    rules.check_action(
        action,
        status=status,
        level=level,
        parties=parties_of(user, deviation),
        text=text,
        has_area=has_area,
    )
    before = {"status": deviation.status, "level": deviation.level}
    target = rules.TARGET[action]
    if target is not None:
        rules.check_move(status, target)
        deviation.status = target.value
    if action == rules.Action.ESCALATE:
        new_level = rules.escalation_target(level, has_area=has_area)
        assert new_level is not None  # check_action refused the top level
        deviation.level = new_level.value
        area_days = (
            SubRegion.objects.filter(pk=deviation.sub_region_id)
            .values_list("deviation_feedback_days", flat=True)
            .first()
            if deviation.sub_region_id is not None
            else None
        )
        deviation.answer_due_on = rules.answer_due_on(reported_on=today, area_days=area_days)
    if action == rules.Action.CLOSE:
        deviation.outcome = text.strip()
        deviation.closed_on = today
    deviation.save()
    DeviationEvent.objects.create(
        deviation=deviation,
        kind=EVENT_KIND[action],
        level=deviation.level,
        text=text.strip(),
        by=user,
        on=today,
    )
    audit_record(
        action=AuditAction.UPDATE if action == rules.Action.COMMENT else AuditAction.TRANSITION,
        user=user,
        obj=deviation,
        details={
            "step": action.value,
            "from": before,
            "to": {"status": deviation.status, "level": deviation.level},
        },
    )
    return deviation


# --- the area report ----------------------------------------------------------------------------


@dataclass(frozen=True)
class AreaReportTexts:
    system_deficiencies: str = ""
    measures_taken: str = ""
    proposals: str = ""


def _is_area_body_member(user: Any, sub_region: SubRegion) -> bool:
    return SubRegion.objects.filter(pk=sub_region.pk, body__memberships__user=user).exists()


@transaction.atomic
def area_report_save(
    *,
    user: Any,
    sub_region: SubRegion,
    period: rules.Period,
    texts: AreaReportTexts,
    submit: bool = False,
) -> AreaReport:
    """R-DEV-1 (003 §4.2): the members of the area's cooperation body write the report's three
    texts (system deficiencies, measures taken, proposals for the regional level) and submit it
    to the regional level; a submitted report is not changed any more. No personal data: the
    counts are computed, the texts are the body's."""
    rules.check_period(period)
    if not _is_area_body_member(user, sub_region):
        raise RuleViolation(RULE, _("Only the members of the area's body write its report."))
    found = Violations()
    for name in ("system_deficiencies", "measures_taken", "proposals"):
        _check_text(found, name, getattr(texts, name), required=False)
    found.raise_if_any()
    report, created = AreaReport.objects.select_for_update().get_or_create(
        sub_region=sub_region, period_start=period.start, period_end=period.end
    )
    if report.submitted_at is not None:
        raise RuleViolation(RULE, _("The report has been submitted and can no longer be changed."))
    before = {
        "system_deficiencies": report.system_deficiencies,
        "measures_taken": report.measures_taken,
        "proposals": report.proposals,
    }
    report.system_deficiencies = texts.system_deficiencies.strip()
    report.measures_taken = texts.measures_taken.strip()
    report.proposals = texts.proposals.strip()
    if submit:
        report.submitted_at = timezone.now()
        report.submitted_by = user
    report.save()
    audit_record(
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        user=user,
        obj=report,
        details={
            "submitted": submit,
            "changed": sorted(k for k, v in before.items() if v != getattr(report, k)),
        },
    )
    return report


__all__ = [
    "AreaReportTexts",
    "DeviationData",
    "area_report_save",
    "deviation_step",
    "report_deviation",
    "reporting_units",
]
