"""Writes for cost meetings and agreements. The rules are asked of domain.agreements."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from core.audit import audit_record
from core.models import AuditAction
from domain import agreements as rules
from domain import meetings as meeting_rules
from domain import placements as placement_rules
from domain.deadlines import agreement_review_due
from domain.errors import RuleViolation, Violations
from domain.i18n import gettext_noop as _
from domain.mandates import Mandate, mandate_is_valid_on
from organisations.models import FinancialMandate, Membership, Principal, User
from placements.models import Placement
from sip.models import Intervention, SipMeeting

from .models import (
    Agreement,
    AgreementLine,
    AgreementVersion,
    CostMeeting,
    CostMeetingParticipant,
    JointReview,
)


def principals_of(placement: Placement) -> tuple[Principal, Principal]:
    """The municipality and the region that share the placement's cost."""
    placing = placement.placing_principal
    if placing.kind == Principal.Kind.MUNICIPALITY:
        municipality = placing
    else:
        municipality = placement.child.home_municipality
    region = municipality.region
    if region is None:
        raise RuleViolation("PARTIES", _("The municipality has no region registered."))
    return municipality, region


@dataclass(frozen=True)
class ParticipantChoice:
    """A person chosen as participant: staff (a user) or a member of the family."""

    kind: str  # "staff", "child", "guardian", "close_person"
    user: User | None = None


def _principal_of_user(user: User, principal_ids: tuple[int, int]) -> int | None:
    return (
        Membership.objects.filter(user=user, unit__principal_id__in=principal_ids)
        .values_list("unit__principal_id", flat=True)
        .order_by("pk")
        .first()
    )


def _mandates_of(users: list[User], principal_ids: tuple[int, int]) -> dict[int, list[Mandate]]:
    """The financial mandates (R-MEET-3) these users hold for the two principals, by user."""
    held: dict[int, list[Mandate]] = {}
    for mandate in FinancialMandate.objects.filter(
        user__in=users, principal_id__in=principal_ids
    ).order_by("pk"):
        held.setdefault(mandate.user_id, []).append(mandate.as_rule())
    return held


def _acting_principal(
    user: User, principal_ids: tuple[int, int], mandates: tuple[Mandate, ...], *, on: date
) -> int | None:
    """The principal a participant acts for: the one they hold a financial mandate for on the
    meeting day (R-MEET-3), else the one they are a member of."""
    for mandate in mandates:
        if mandate_is_valid_on(mandate, on=on):
            return mandate.principal_id
    return _principal_of_user(user, principal_ids)


def _sip_meeting_ref(meeting: SipMeeting) -> rules.MeetingRef:
    return rules.MeetingRef(
        kind="sip", pk=meeting.pk, started_at=meeting.started_at, ended_at=meeting.ended_at
    )


@transaction.atomic
def cost_meeting_create(
    *,
    user: User,
    placement: Placement,
    sip_meeting: SipMeeting,
    started_at: datetime,
    ended_at: datetime | None,
    place: str,
    participants: list[ParticipantChoice],
) -> CostMeeting:
    """R-MEET-1: a meeting of its own, after the held SIP meeting; R-MEET-2: staff of the two
    principals only, never the child, guardians or close persons; R-MEET-3: for each principal
    a participant with a financial mandate valid on the meeting day."""
    municipality, region = principals_of(placement)
    principal_ids = (municipality.pk, region.pk)
    # Independent rules are asked together, so that one submission shows every error at once
    # (issue 12): the time of the meeting and who takes part.
    found = Violations()
    found.check(placement_rules.check_open_for_work, placement.status)
    if sip_meeting.sip.child_id != placement.child_id:
        found.add("R-MEET-1", _("The SIP meeting must be one of the child's."), field="sip_meeting")
    else:
        found.check(
            rules.check_two_meetings,
            sip_meeting=_sip_meeting_ref(sip_meeting),
            cost_meeting=rules.MeetingRef(
                kind="cost", pk=0, started_at=started_at, ended_at=ended_at
            ),
        )
    found.check(
        meeting_rules.check_ends_after_start,
        started_at=started_at,
        ended_at=ended_at,
        rule="R-MEET-1",
    )
    # R-MEET-1: the agreement rests on a cost meeting that has taken place.
    found.check(
        meeting_rules.check_has_taken_place,
        started_at=started_at,
        ended_at=ended_at,
        now=timezone.now(),
        rule="R-MEET-1",
    )
    meeting_day = timezone.localdate(started_at)
    users = [c.user for c in participants if c.kind == "staff" and c.user is not None]
    mandates = _mandates_of(users, principal_ids)
    facts = []
    staff: list[tuple[User, int]] = []
    for choice in participants:
        own = tuple(mandates.get(choice.user.pk, ())) if choice.user is not None else ()
        principal_id = (
            _acting_principal(choice.user, principal_ids, own, on=meeting_day)
            if choice.user is not None
            else None
        )
        facts.append(
            rules.CostParticipant(kind=choice.kind, principal_id=principal_id, mandates=own)
        )
        if (
            choice.kind == "staff"
            and choice.user is not None
            and principal_id is not None
            and all(u.pk != choice.user.pk for u, _p in staff)  # a repeated person counts once
        ):
            staff.append((choice.user, principal_id))
    before = len(found.items)
    found.check(rules.check_cost_meeting_participants, facts, principal_ids=principal_ids)
    if len(found.items) == before:
        # Who holds a mandate is asked of a valid set of participants only.
        found.check(
            rules.check_cost_meeting_mandates, facts, principal_ids=principal_ids, on=meeting_day
        )
    found.raise_if_any()
    meeting = CostMeeting.objects.create(
        placement=placement,
        sip_meeting=sip_meeting,
        started_at=started_at,
        ended_at=ended_at,
        place=place,
        created_by=user,
    )
    for person, principal_id in staff:
        CostMeetingParticipant.objects.create(
            meeting=meeting, user=person, principal_id=principal_id
        )
    audit_record(
        action=AuditAction.CREATE,
        user=user,
        obj=meeting,
        details={
            "sip_meeting": sip_meeting.pk,
            "participants": [u.pk for u, _p in staff],
            "started_at": started_at.isoformat(),
        },
    )
    return meeting


@dataclass(frozen=True)
class LineData:
    description: str
    responsible_principal: Principal
    amount_per_month: Decimal | None = None
    intervention_id: int | None = None
    kind: str | None = None  # domain.agreements.InterventionKind; None: the linked intervention's
    deviation_reason: str = ""


class LineRuleViolation(RuleViolation):
    """A rule broken by one line of the agreement: ``index`` is its place among the lines."""

    def __init__(self, violation: RuleViolation, *, index: int) -> None:
        super().__init__(violation.rule, violation.message, field=violation.field)
        self.index = index


def intervention_kind(item: Intervention) -> str:
    """The kind of a SIP intervention: health care, a school unit's, else social services."""
    if item.is_health_care:
        return rules.InterventionKind.HEALTH_CARE
    unit = item.responsible_unit
    if unit is not None and unit.kind == "school":
        return rules.InterventionKind.SCHOOL
    return rules.InterventionKind.SOCIAL


def _line_kinds(placement: Placement, lines: list[LineData]) -> list[rules.InterventionKind]:
    """Each line's kind: the one stated, else that of the child's SIP intervention it links."""
    linked = {
        item.pk: intervention_kind(item)
        for item in Intervention.objects.filter(
            pk__in=[line.intervention_id for line in lines if line.intervention_id],
            plan__sip__child_id=placement.child_id,
        ).select_related("responsible_unit")
    }
    kinds = []
    for index, line in enumerate(lines):
        kind = line.kind or linked.get(line.intervention_id or 0)
        if kind not in set(rules.InterventionKind):
            raise LineRuleViolation(
                RuleViolation(
                    "R-COST-1",
                    _("State whether the intervention is health care, social services or school."),
                    field="kind",
                ),
                index=index,
            )
        kinds.append(rules.InterventionKind(kind))
    return kinds


def _check_lines(lines: list[tuple[rules.InterventionKind, int, str]], *, region_id: int) -> None:
    """R-COST-1: each line's principal by the main rule, or a stated reason."""
    for index, (kind, principal_id, reason) in enumerate(lines):
        try:
            rules.check_line_principal(
                kind=kind,
                responsible="region" if principal_id == region_id else "municipality",
                reason=reason,
            )
        except RuleViolation as violation:
            raise LineRuleViolation(violation, index=index) from None


@dataclass(frozen=True)
class VersionData:
    cost_meeting: CostMeeting
    health_care_provision: str
    split_unclear: bool
    split_method: str
    region_percent: Decimal | None
    region_amount_per_month: Decimal | None
    applies_from_start: bool
    effective_from: date | None = None


def _check_version(
    placement: Placement, data: VersionData, lines: list[LineData], found: Violations
) -> list[rules.InterventionKind]:
    """The version's rules, each violation collected in ``found`` (issue 12: every error of
    one submission at once); returns each line's kind of intervention."""
    municipality, region = principals_of(placement)
    if data.cost_meeting.placement_id != placement.pk:
        found.add(
            "R-MEET-1",
            _("The cost meeting must be one held for this placement."),
            field="cost_meeting",
        )
    else:
        found.check(
            rules.check_two_meetings,
            sip_meeting=_sip_meeting_ref(data.cost_meeting.sip_meeting),
            cost_meeting=rules.MeetingRef(
                kind="cost",
                pk=data.cost_meeting.pk,
                started_at=data.cost_meeting.started_at,
                ended_at=data.cost_meeting.ended_at,
            ),
        )
    found.check(
        rules.check_split,
        method=rules.SplitMethod(data.split_method),
        region_percent=data.region_percent,
        region_amount_per_month=data.region_amount_per_month,
        standard_allowed=rules.standard_split_offered(
            is_hvb=placement.form == Placement.Form.HVB, split_unclear=data.split_unclear
        ),
    )
    if any(line.responsible_principal.pk not in (municipality.pk, region.pk) for line in lines):
        found.add(
            "R-COST-1",
            _("Each intervention's responsible principal is one of the two principals."),
        )
        return []
    try:
        kinds = _line_kinds(placement, lines)
    except RuleViolation as violation:
        found.items.append(violation)
        return []
    found.check(
        _check_lines,
        [
            (kind, line.responsible_principal.pk, line.deviation_reason)
            for kind, line in zip(kinds, lines, strict=True)
        ],
        region_id=region.pk,
    )
    return kinds


def _acute_effective_from(placement: Placement, data: VersionData) -> date:
    """R-PLAC-3: the day the acute split applies from, by default the cost meeting's day, in
    the range from the placement start to today (it is signed today at the earliest)."""
    start = placement.actual_start or placement.planned_start
    effective = rules.acute_effective_from(
        placement_start=start,
        agreed_on=timezone.localdate(data.cost_meeting.started_at),
        stated_from=data.effective_from,
        applies_from_start=data.applies_from_start,
    )
    rules.check_acute_effective_from(
        effective_from=effective, placement_start=start, latest=timezone.localdate()
    )
    return effective


def _write_version(
    version: AgreementVersion,
    data: VersionData,
    lines: list[LineData],
    kinds: list[rules.InterventionKind],
) -> None:
    version.cost_meeting = data.cost_meeting
    version.sip_meeting = data.cost_meeting.sip_meeting
    version.health_care_provision = data.health_care_provision
    version.split_unclear = data.split_unclear
    version.split_method = data.split_method
    version.region_percent = (
        data.region_percent if data.split_method == rules.SplitMethod.PERCENT else None
    )
    version.region_amount_per_month = (
        data.region_amount_per_month if data.split_method == rules.SplitMethod.AMOUNT else None
    )
    version.applies_from_start = data.applies_from_start
    version.effective_from = data.effective_from
    version.save()
    version.lines.all().delete()
    # A line links only an intervention of this child's SIP plans (the id comes from the form).
    known = set(
        Intervention.objects.filter(
            pk__in=[line.intervention_id for line in lines if line.intervention_id],
            plan__sip__child_id=version.agreement.placement.child_id,
        ).values_list("pk", flat=True)
    )
    for line, kind in zip(lines, kinds, strict=True):
        AgreementLine.objects.create(
            version=version,
            description=line.description,
            responsible_principal=line.responsible_principal,
            amount_per_month=line.amount_per_month,
            intervention_id=line.intervention_id if line.intervention_id in known else None,
            kind=kind,
            deviation_reason=line.deviation_reason.strip(),
        )


@transaction.atomic
def agreement_draft_save(
    *,
    user: User,
    placement: Placement,
    data: VersionData,
    lines: list[LineData],
    version: AgreementVersion | None = None,
) -> AgreementVersion:
    """Create the first draft, or change a draft. Nothing signed is ever edited (R-COST-4)."""
    found = Violations()
    kinds = _check_version(placement, data, lines, found)
    municipality, region = principals_of(placement)
    agreement, _created = Agreement.objects.get_or_create(
        placement=placement, defaults={"municipality": municipality, "region": region}
    )
    if version is None:
        if agreement.versions.exists():
            raise RuleViolation(
                "R-COST-4",
                _("The agreement already has a version: change it through a new version."),
            )
        version = AgreementVersion(agreement=agreement, number=1, created_by=user)
        action = AuditAction.CREATE
    else:
        version = AgreementVersion.objects.select_for_update().get(pk=version.pk)
        if not version.is_editable:
            raise RuleViolation("R-COST-4", _("Only a draft can be changed."))
        action = AuditAction.UPDATE
    # The effective date is a rule of its own, reported with the version's other errors.
    if version.number > 1:
        previous = agreement.versions.filter(status="signed").order_by("-number").first()
        found.check(
            rules.check_new_version_date,
            previous_from=previous.effective_from if previous else None,
            stated_from=data.effective_from,
        )
    elif placement.is_acute:
        if data.cost_meeting.placement_id == placement.pk:
            try:
                data = replace(data, effective_from=_acute_effective_from(placement, data))
            except RuleViolation as violation:
                found.items.append(violation)
    else:
        data = replace(data, effective_from=None)  # a planned placement: set when sent
    found.raise_if_any()
    _write_version(version, data, lines, kinds)
    audit_record(
        action=action,
        user=user,
        obj=version,
        details={"split_method": data.split_method, "lines": len(lines)},
    )
    return version


@transaction.atomic
def agreement_new_version(*, user: User, agreement: Agreement) -> AgreementVersion:
    """R-COST-4: changing a signed agreement starts a new draft version, copied from the
    version in force; the signed one stays as it is."""
    Agreement.objects.select_for_update().get(pk=agreement.pk)
    if agreement.versions.filter(status__in=["draft", "awaiting_signatures"]).exists():
        raise RuleViolation("R-COST-4", _("A new version is already being prepared."))
    current = agreement.versions.filter(status="signed").order_by("-number").first()
    if current is None:
        raise RuleViolation("R-COST-4", _("Only a signed agreement gets a new version."))
    number = (agreement.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = AgreementVersion.objects.create(
        agreement=agreement,
        number=number,
        sip_meeting=current.sip_meeting,
        cost_meeting=current.cost_meeting,
        health_care_provision=current.health_care_provision,
        split_unclear=current.split_unclear,
        split_method=current.split_method,
        region_percent=current.region_percent,
        region_amount_per_month=current.region_amount_per_month,
        applies_from_start=False,
        effective_from=None,
        created_by=user,
    )
    for line in current.lines.all():
        AgreementLine.objects.create(
            version=version,
            description=line.description,
            responsible_principal=line.responsible_principal,
            amount_per_month=line.amount_per_month,
            intervention=line.intervention,
            kind=line.kind,
            deviation_reason=line.deviation_reason,
        )
    audit_record(
        action=AuditAction.CREATE, user=user, obj=version, details={"from": current.number}
    )
    return version


@transaction.atomic
def agreement_send_for_signature(*, user: User, version: AgreementVersion) -> AgreementVersion:
    locked = AgreementVersion.objects.select_for_update().get(pk=version.pk)
    rules.check_move(
        rules.AgreementStatus(locked.status), rules.AgreementStatus.AWAITING_SIGNATURES
    )
    lines = list(locked.lines.all())
    rules.check_agreement_content(
        health_care_provision=locked.health_care_provision, line_count=len(lines)
    )
    _check_lines(
        [
            (
                rules.InterventionKind(line.kind),
                line.responsible_principal_id,
                line.deviation_reason,
            )
            for line in lines
        ],
        region_id=locked.agreement.region_id,
    )
    if locked.number > 1 and locked.effective_from is None:
        raise RuleViolation(
            "R-COST-4", _("State from which date the new version applies."), field="effective_from"
        )
    placement = locked.agreement.placement
    start = placement.actual_start or placement.planned_start
    if locked.number == 1 and not placement.is_acute:
        # Known before signing, so the signed document states it (R-PLAC-2, R-COST-4).
        locked.effective_from = start
    elif locked.number == 1:
        # R-PLAC-3: the acute split applies from the day the version states (by default the
        # cost meeting's), checked again now: the placement start may have moved, and the
        # agreement is signed today at the earliest.
        locked.effective_from = rules.acute_effective_from(
            placement_start=start,
            agreed_on=timezone.localdate(locked.cost_meeting.started_at),
            stated_from=locked.effective_from,
            applies_from_start=locked.applies_from_start,
        )
        rules.check_acute_effective_from(
            effective_from=locked.effective_from,
            placement_start=start,
            latest=timezone.localdate(),
        )
    locked.status = rules.AgreementStatus.AWAITING_SIGNATURES
    locked.sent_at = timezone.now()
    locked.signing_round += 1
    locked.save(update_fields=["status", "sent_at", "signing_round", "effective_from"])
    audit_record(
        action=AuditAction.TRANSITION,
        user=user,
        obj=locked,
        details={"status": ["draft", locked.status]},
    )
    return locked


def annual_amount(version: AgreementVersion, principal: Principal, *, rule_set: Any) -> Decimal:
    """The principal's yearly amount under the version, checked against its signatory's
    mandate limit (R-MEET-3); the rule is domain.agreements.annual_amounts."""
    placement = version.agreement.placement
    lines = list(version.lines.all())
    amounts = rules.annual_amounts(
        cost_per_day=placement.cost_per_day,
        method=rules.SplitMethod(version.split_method),
        region_percent=version.region_percent,
        region_amount_per_month=version.region_amount_per_month,
        standard_share=rule_set.standard_region_share,
        municipality_lines_per_month=[
            line.amount_per_month
            for line in lines
            if line.amount_per_month is not None
            and line.responsible_principal_id == version.agreement.municipality_id
        ],
        region_lines_per_month=[
            line.amount_per_month
            for line in lines
            if line.amount_per_month is not None
            and line.responsible_principal_id == version.agreement.region_id
        ],
    )
    if principal.pk == version.agreement.region_id:
        return amounts.region
    if principal.pk == version.agreement.municipality_id:
        return amounts.municipality
    return Decimal("0.00")  # not a party: it bears nothing under this agreement


def review_on_for(version: AgreementVersion, *, effective: date, rule_set: Any) -> date:
    plan = getattr(version.sip_meeting, "plan", None)
    return agreement_review_due(
        effective_from=effective,
        rule_set=rule_set,
        sip_follow_up_on=plan.next_follow_up_on if plan else None,
    )


def agreement_end_with_placement(*, user: User, placement: Placement, on: date) -> None:
    """R-COST-4 lifecycle: when the placement ends (or is cancelled before it starts), the
    version in force ends with it
    ("signed" → "ended", in force up to and including the last day). Its review date no
    longer applies; its days up to the end still count in the monthly statements. A draft
    or a version awaiting signatures stays as it is: an acute placement's split may still
    have to be settled for the time it ran. Runs inside the caller's transaction."""
    for version in AgreementVersion.objects.select_for_update().filter(
        agreement__placement=placement, status=rules.AgreementStatus.SIGNED
    ):
        rules.check_move(rules.AgreementStatus.SIGNED, rules.AgreementStatus.ENDED)
        old_until = version.effective_until
        version.status = rules.AgreementStatus.ENDED
        in_force_by_then = version.effective_from is not None and version.effective_from <= on
        if in_force_by_then and (version.effective_until is None or version.effective_until > on):
            version.effective_until = on
        version.save(update_fields=["status", "effective_until"])
        audit_record(
            action=AuditAction.TRANSITION,
            user=user,
            obj=version,
            details={
                "status": ["signed", "ended"],
                "effective_until": [
                    old_until.isoformat() if old_until else None,
                    version.effective_until.isoformat() if version.effective_until else None,
                ],
                "reason": "placement ended",
            },
        )


@transaction.atomic
def agreement_review_record(
    *,
    user: User,
    version: AgreementVersion,
    held_on: date,
    next_review_on: date | None,
    note: str = "",
) -> JointReview:
    """R-COST-5: record a joint review that left the split as it is; the next review date
    comes from it. (A review that changes the split is a new version, R-COST-4.)"""
    locked = AgreementVersion.objects.select_for_update().get(pk=version.pk)
    rules.check_joint_review(
        status=rules.AgreementStatus(locked.status),
        held_on=held_on,
        next_review_on=next_review_on,
        today=timezone.localdate(),
    )
    review = JointReview.objects.create(
        version=locked,
        held_on=held_on,
        next_review_on=next_review_on,
        note=note,
        recorded_by=user,
    )
    audit_record(
        action=AuditAction.CREATE,
        user=user,
        obj=review,
        details={
            "version": locked.number,
            "held_on": held_on.isoformat(),
            "next_review_on": str(next_review_on),
        },
    )
    return review
