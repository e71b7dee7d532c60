"""Writes for SIPs: each one transaction with its audit row; the rules live in domain.sip."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from core.audit import audit_record
from core.models import AuditAction
from core.policy import actor_for
from domain import meetings as meeting_rules
from domain import sip as rules
from domain.errors import RuleViolation, Violations
from domain.i18n import gettext_noop as _
from domain.identity import age_on
from organisations.models import Principal, Unit
from placements.models import Child, HealthExamination, Placement, RelatedPerson

from .models import (
    Consent,
    ConsentRevocation,
    Intervention,
    Invitation,
    MeetingParticipant,
    PlanVersion,
    Sip,
    SipMeeting,
)


def consent_facts(sip: Sip) -> list[rules.ConsentFact]:
    facts = []
    for consent in sip.consents.select_related("revocation"):
        revocation = getattr(consent, "revocation", None)
        facts.append(
            rules.ConsentFact(
                given_by=consent.guardian_id if consent.guardian_id else rules.YOUNG_PERSON,
                given_on=consent.given_on,
                revoked_from=revocation.effective_from if revocation else None,
            )
        )
    return facts


def sip_consent_valid(sip: Sip, *, on: date) -> bool:
    """R-SIP-2, asked of the domain with the SIP's consents and the child's guardians."""
    child = sip.child
    if on < child.birth_date:
        return False  # no one consents before the child is born
    guardian_ids = child.related_persons.filter(kind=RelatedPerson.Kind.GUARDIAN).values_list(
        "pk", flat=True
    )
    return rules.consent_is_valid(
        consent_facts(sip),
        guardian_ids=guardian_ids,
        is_minor=age_on(child.birth_date, on=on) < rules.ADULT_AGE,
        on=on,
    )


def guardians_to_register(child: Child, *, on: date) -> bool:
    """R-SIP-2: the child is a minor without a registered guardian
    (``domain.sip.guardians_to_register``); reads the child's related persons (prefetched or
    one query)."""
    return rules.guardians_to_register(
        guardian_ids=[
            p.pk for p in child.related_persons.all() if p.kind == RelatedPerson.Kind.GUARDIAN
        ],
        is_minor=age_on(child.birth_date, on=on) < rules.ADULT_AGE,
    )


def consent_missing_from(sip: Sip, *, on: date) -> list[RelatedPerson | None]:
    """R-SIP-2: who has yet to consent for the SIP to go on (domain.sip.missing_consenters):
    the child's guardians in question, and None for the young person."""
    child = sip.child
    if on < child.birth_date:
        return []
    guardians = {
        p.pk: p for p in child.related_persons.all() if p.kind == RelatedPerson.Kind.GUARDIAN
    }
    missing = rules.missing_consenters(
        consent_facts(sip),
        guardian_ids=guardians,
        is_minor=age_on(child.birth_date, on=on) < rules.ADULT_AGE,
        on=on,
    )
    return [guardians[m] if isinstance(m, int) else None for m in sorted(missing, key=str)]


@transaction.atomic
def sip_create(
    *,
    user: Any,
    child: Child,
    initiating_unit: Unit,
    need_noticed_on: date,
    need_description: str,
    placements: list[Placement],
) -> Sip:
    """Initiate a SIP for the child, in the name of one of the user's own units."""
    from .policy import initiating_unit_ids

    found = Violations()
    if initiating_unit.pk not in initiating_unit_ids(actor_for(user)):
        found.add(
            "R-SIP-1",
            _("You can initiate a SIP only in the name of a unit you work in."),
            field="initiating_unit",
        )
    found.check(
        rules.check_need_noticed_on,
        need_noticed_on=need_noticed_on,
        birth_date=child.birth_date,
        today=timezone.localdate(),
    )
    found.raise_if_any()
    sip = Sip.objects.create(
        child=child,
        initiating_unit=initiating_unit,
        need_noticed_on=need_noticed_on,
        need_description=need_description,
        created_by=user,
    )
    sip.placements.set([p for p in placements if p.child_id == child.pk])
    audit_record(
        action=AuditAction.CREATE,
        user=user,
        obj=sip,
        details={"need_noticed_on": need_noticed_on.isoformat()},
    )
    return sip


@transaction.atomic
def consent_record(
    *,
    user: Any,
    sip: Sip,
    given_by_kind: str,
    guardian: RelatedPerson | None,
    form: str,
    given_on: date,
    scope: str,
    scope_units: list[Unit],
) -> Consent:
    """R-SIP-2: record one person's consent (a guardian of this child, or the young person),
    once given (not dated ahead of today)."""
    rules.check_consent_given_on(given_on=given_on, today=timezone.localdate())
    if given_by_kind == Consent.GivenBy.GUARDIAN:
        if guardian is None or guardian.child_id != sip.child_id or guardian.kind != "guardian":
            raise RuleViolation(
                "R-SIP-2", _("Choose one of the child's guardians."), field="guardian"
            )
    else:
        guardian = None
    consent = Consent.objects.create(
        sip=sip,
        given_by_kind=given_by_kind,
        guardian=guardian,
        form=form,
        given_on=given_on,
        scope=scope,
        recorded_by=user,
    )
    consent.scope_units.set(scope_units)
    audit_record(
        action=AuditAction.CREATE,
        user=user,
        obj=consent,
        details={"given_by": given_by_kind, "form": form, "given_on": given_on.isoformat()},
    )
    return consent


@transaction.atomic
def consent_revoke(
    *,
    user: Any,
    consent: Consent,
    revoked_on: date,
    revoked_by_name: str,
    effective_from: date,
) -> ConsentRevocation:
    """R-SIP-2: a revoked consent stops further sharing. The parties it concerns (those the
    consent covered, or every invited unit when it named none) lose access from
    ``effective_from``. The consent row itself is never changed."""
    locked = Consent.objects.select_for_update().get(pk=consent.pk)
    if ConsentRevocation.objects.filter(consent=locked).exists():
        raise RuleViolation("R-SIP-2", _("The consent has already been revoked."))
    if effective_from < locked.given_on:
        raise RuleViolation(
            "R-SIP-2",
            _("A revocation cannot take effect before the consent was given."),
            field="effective_from",
        )
    units = list(locked.scope_units.all()) or [
        inv.unit for inv in locked.sip.invitations.exclude(unit=None).select_related("unit")
    ]
    revocation = ConsentRevocation.objects.create(
        consent=locked,
        revoked_on=revoked_on,
        revoked_by_name=revoked_by_name,
        effective_from=effective_from,
        recorded_by=user,
    )
    revocation.units.set(units)
    audit_record(
        action=AuditAction.UPDATE,
        user=user,
        obj=locked,
        details={
            "revoked_on": revoked_on.isoformat(),
            "effective_from": effective_from.isoformat(),
            "units": [u.pk for u in units],
        },
    )
    return revocation


@transaction.atomic
def invitation_create(
    *,
    user: Any,
    sip: Sip,
    units: list[Unit],
    external_name: str,
    invited_on: date,
) -> list[Invitation]:
    """R-SIP-4: invite units (school, social services, the region's units …) and others.
    R-SIP-2: only with a valid consent, on the invitation day and today (an invitation shares
    the child's information)."""
    for day in {invited_on, timezone.localdate()}:
        rules.check_consent_for_sharing(
            consent_valid=sip_consent_valid(sip, on=day), action="invite"
        )
    created = []
    already = set(
        sip.invitations.filter(response__in=["pending", "accepted"]).values_list(
            "unit_id", flat=True
        )
    )
    for unit in units:
        if unit.pk in already:
            continue
        created.append(
            Invitation.objects.create(sip=sip, unit=unit, invited_on=invited_on, invited_by=user)
        )
    if external_name.strip():
        created.append(
            Invitation.objects.create(
                sip=sip, external_name=external_name.strip(), invited_on=invited_on, invited_by=user
            )
        )
    if not created:
        raise RuleViolation(
            "R-SIP-4",
            _("Choose at least one unit or participant not already invited."),
            field="units",
        )
    for invitation in created:
        audit_record(
            action=AuditAction.CREATE,
            user=user,
            obj=invitation,
            details={"unit": invitation.unit_id, "external": invitation.external_name},
        )
    return created


@transaction.atomic
def invitation_respond(
    *,
    user: Any,
    invitation: Invitation,
    response: str,
    note: str = "",
    forward_to: Unit | None = None,
) -> Invitation:
    """R-SIP-4: each invited party attends or finds the right unit (forward with a note)."""
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if locked.response != Invitation.Response.PENDING:
        raise RuleViolation("R-SIP-4", _("The invitation has already been answered."))
    if response == Invitation.Response.FORWARDED:
        if forward_to is None:
            raise RuleViolation(
                "R-SIP-4", _("Choose the unit to forward the invitation to."), field="forward_to"
            )
        if forward_to.pk == locked.unit_id:
            raise RuleViolation(
                "R-SIP-4",
                _("Forward the invitation to another unit than the one invited."),
                field="forward_to",
            )
        if not note.strip():
            raise RuleViolation(
                "R-SIP-4", _("Write a note to the unit you forward to."), field="note"
            )
    locked.response = response
    locked.response_note = note
    locked.responded_at = timezone.now()
    locked.responded_by = user
    locked.save()
    if response == Invitation.Response.FORWARDED and forward_to is not None:
        Invitation.objects.create(
            sip=locked.sip,
            unit=forward_to,
            invited_on=timezone.localdate(),
            invited_by=user,
            forwarded_from=locked,
        )
    audit_record(
        action=AuditAction.UPDATE,
        user=user,
        obj=locked,
        details={"response": response, "forward_to": forward_to.pk if forward_to else None},
    )
    return locked


@transaction.atomic
def meeting_schedule(*, user: Any, sip: Sip, meeting: SipMeeting) -> SipMeeting:
    """Book a SIP meeting: R-SIP-2, only with a valid consent on the day of booking and on the
    day of the meeting; R-SIP-3, an offer to take part recorded once made and before the
    meeting."""
    today = timezone.localdate()
    rules.check_offer_date(
        individual_offered_on=meeting.individual_offered_on,
        meeting_on=meeting.scheduled_on,
        today=today,
    )
    rules.check_consent_for_sharing(consent_valid=sip_consent_valid(sip, on=today), action="book")
    if meeting.scheduled_on != today:
        rules.check_consent_for_sharing(
            consent_valid=sip_consent_valid(sip, on=meeting.scheduled_on),
            action="book",
            meeting_day=True,
        )
    meeting.sip = sip
    meeting.created_by = user
    meeting.save()
    audit_record(
        action=AuditAction.CREATE,
        user=user,
        obj=meeting,
        details={"kind": meeting.kind, "scheduled_on": meeting.scheduled_on.isoformat()},
    )
    return meeting


@dataclass(frozen=True)
class ParticipantData:
    kind: str
    name: str
    unit: Unit | None = None
    related_person: RelatedPerson | None = None
    attended: bool = True


@dataclass(frozen=True)
class InterventionData:
    description: str
    responsible_kind: str
    responsible_unit: Unit | None
    responsible_name: str = ""
    is_health_care: bool = False


@transaction.atomic
def meeting_record_held(
    *,
    user: Any,
    meeting: SipMeeting,
    started_at: datetime,
    ended_at: datetime,
    individual_offered_on: date | None,
    child_views: str,
    participants: list[ParticipantData],
    needs: str,
    interventions: list[InterventionData],
    overall_responsible_unit: Unit | None,
    next_follow_up_on: date | None,
    care_contact_name: str = "",
    care_contact_unit: Unit | None = None,
) -> PlanVersion:
    """Record a SIP meeting as held and the plan version it produced (R-SIP-2, -3, -5, -6;
    R-PLAC-5: a care contact appointed here shows on the linked placements)."""
    locked = SipMeeting.objects.select_for_update().select_related("sip__child").get(pk=meeting.pk)
    if locked.is_held:
        raise RuleViolation("SIP", _("The meeting has already been recorded as held."))
    held_on = timezone.localdate(started_at)
    sip = locked.sip
    # Every independent rule of the submission at once (issue 12): time, consent, offer, plan.
    found = Violations()
    found.check(
        meeting_rules.check_ends_after_start, started_at=started_at, ended_at=ended_at, rule="SIP"
    )
    found.check(
        rules.check_meeting_can_be_held,
        consent_valid=sip_consent_valid(sip, on=held_on),
        individual_offered_on=individual_offered_on,
        held_on=held_on,
    )
    # R-SIP-1: held ahead of time, it would meet the first meeting's deadline by accident.
    found.check(
        meeting_rules.check_has_taken_place,
        started_at=started_at,
        ended_at=ended_at,
        now=timezone.now(),
        rule="R-SIP-1",
    )
    found.check(
        rules.check_plan,
        needs=needs,
        interventions=[
            rules.InterventionFact(
                description=i.description,
                responsible_kind=i.responsible_kind,
                has_unit=i.responsible_unit is not None,
                responsible_name=i.responsible_name,
            )
            for i in interventions
        ],
        has_overall_responsible=overall_responsible_unit is not None,
        next_follow_up_on=next_follow_up_on,
        held_on=held_on,
    )
    found.raise_if_any()
    locked.started_at = started_at
    locked.ended_at = ended_at
    locked.individual_offered_on = individual_offered_on
    locked.child_views = child_views
    locked.save()
    for p in participants:
        MeetingParticipant.objects.create(
            meeting=locked,
            kind=p.kind,
            name=p.name,
            unit=p.unit,
            related_person=p.related_person,
            attended=p.attended,
        )
    number = (sip.plan_versions.aggregate(n=Max("number"))["n"] or 0) + 1
    plan = PlanVersion.objects.create(
        sip=sip,
        meeting=locked,
        number=number,
        needs=needs,
        overall_responsible_unit=overall_responsible_unit,
        next_follow_up_on=next_follow_up_on,
        care_contact_name=care_contact_name,
        care_contact_unit=care_contact_unit,
        created_by=user,
    )
    for i in interventions:
        Intervention.objects.create(
            plan=plan,
            description=i.description,
            responsible_kind=i.responsible_kind,
            responsible_unit=i.responsible_unit if i.responsible_kind == "unit" else None,
            responsible_name=i.responsible_name,
            is_health_care=i.is_health_care,
        )
    if locked.kind == SipMeeting.Kind.CLOSING:
        sip.closed_on = held_on
        sip.save(update_fields=["closed_on"])
    audit_record(
        action=AuditAction.UPDATE,
        user=user,
        obj=locked,
        details={"held": True, "plan_version": number, "participants": len(participants)},
    )
    if care_contact_name:
        for placement in sip.placements.all():
            before = {
                "care_contact_name": placement.care_contact_name or None,
                "care_contact_unit": placement.care_contact_unit_id,
                "care_contact_appointed_on": (
                    placement.care_contact_appointed_on.isoformat()
                    if placement.care_contact_appointed_on
                    else None
                ),
            }
            placement.care_contact_name = care_contact_name
            placement.care_contact_unit = care_contact_unit
            placement.care_contact_appointed_on = held_on
            placement.save(
                update_fields=[
                    "care_contact_name",
                    "care_contact_unit",
                    "care_contact_appointed_on",
                ]
            )
            audit_record(
                action=AuditAction.UPDATE,
                user=user,
                obj=placement,
                details={
                    "care_contact_name": [before["care_contact_name"], care_contact_name],
                    "care_contact_unit": [
                        before["care_contact_unit"],
                        care_contact_unit.pk if care_contact_unit else None,
                    ],
                    "care_contact_appointed_on": [
                        before["care_contact_appointed_on"],
                        held_on.isoformat(),
                    ],
                    "via": "SIP",
                },
            )
    return plan


def family_has_region_care_contact(sip: Sip) -> bool:
    """R-SIP-4: an ongoing care contact in the region: a region unit named as the care contact
    of one of the child's planned or active placements, or a region unit that has accepted an
    invitation to this SIP."""
    ongoing = [Placement.Status.PLANNED, Placement.Status.ACTIVE]
    return (
        sip.child.placements.filter(
            status__in=ongoing, care_contact_unit__principal__kind=Principal.Kind.REGION
        ).exists()
        or sip.invitations.filter(
            unit__principal__kind=Principal.Kind.REGION, response=Invitation.Response.ACCEPTED
        ).exists()
    )


def _own_primary_care_ids(sip: Sip) -> Any:
    """The child's own vårdcentral: known from the health examinations of its placements."""
    return HealthExamination.objects.filter(
        placement__child=sip.child,
        unit__kind=Unit.Kind.PRIMARY_CARE,
        unit__principal__kind=Principal.Kind.REGION,
    ).values_list("unit_id", flat=True)


def primary_care_to_tick(sip: Sip) -> list[int]:
    """R-SIP-4: the vårdcentral ids the invitation form ticks in advance (domain.sip decides)."""
    invited = sip.invitations.filter(
        response__in=[Invitation.Response.PENDING, Invitation.Response.ACCEPTED],
        unit__isnull=False,
    ).values_list("unit_id", flat=True)
    return rules.primary_care_to_tick(
        has_region_care_contact=family_has_region_care_contact(sip),
        childs_primary_care=_own_primary_care_ids(sip),
        invited=invited,
    )


def primary_care_still_to_invite(sip: Sip) -> bool:
    """R-SIP-4: whether the SIP page asks to invite primary care (domain.sip decides); reads
    the SIP's prefetched invitations with their units where the page loaded them."""
    invited = any(
        inv.unit_id is not None
        and inv.unit.kind == Unit.Kind.PRIMARY_CARE
        and inv.response in (Invitation.Response.PENDING, Invitation.Response.ACCEPTED)
        for inv in sip.invitations.all()
    )
    return rules.primary_care_still_to_invite(
        has_region_care_contact=family_has_region_care_contact(sip),
        primary_care_invited=invited,
    )


def proposed_primary_care_units(sip: Sip) -> list[Unit]:
    """R-SIP-4: the vårdcentral units to propose among the invited (domain.sip decides): the
    child's own vårdcentral, known from the health examinations of the child's placements, or
    else every vårdcentral of the region the child's home municipality lies in."""
    child = sip.child
    own = _own_primary_care_ids(sip)
    region_units = Unit.objects.filter(
        kind=Unit.Kind.PRIMARY_CARE, principal__kind=Principal.Kind.REGION
    )
    region_id = child.home_municipality.region_id
    if region_id is not None:
        region_units = region_units.filter(principal_id=region_id)
    ids = rules.primary_care_to_propose(
        has_region_care_contact=family_has_region_care_contact(sip),
        childs_primary_care=own,
        region_primary_care=region_units.values_list("pk", flat=True),
    )
    return list(Unit.objects.filter(pk__in=ids).select_related("principal").order_by("name"))


def sip_progress(sip: Sip, *, today: date) -> rules.SipProgress:
    meetings = list(sip.meetings.all())
    held = [m for m in meetings if m.is_held]
    return rules.SipProgress(
        need_noticed=bool(sip.need_noticed_on),
        consent_valid=sip_consent_valid(sip, on=today),
        individual_offered=any(m.individual_offered_on for m in meetings),
        invited=sip.invitations.exists(),
        plan_drawn_up=bool(held),
        followed_up=any(m.kind == SipMeeting.Kind.FOLLOW_UP for m in held),
        closed=sip.closed_on is not None,
    )
