"""Data for the agreement and signing journeys, made through the services (not the browser):
the demo organisations and children, a SIP with both guardians' consent, BUP invited and a
held meeting with a plan of two interventions; then, for signing, the cost meeting and an
agreement sent for signature."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from agreements import services as agreement_services
from agreements.models import AgreementVersion
from organisations.demo import seed_organisations
from organisations.models import Unit, User
from placements.demo import seed_children
from placements.models import Child, Placement
from sip import services as sip_services
from sip.models import SipMeeting

CASEWORKER = "handlaggare.goteborg@demo.example"
MUNICIPAL_SIGNATORY = "signatur.goteborg@demo.example"
BUP_SIGNATORY = "signatur.bup@demo.example"


def at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


@dataclass
class HeldSip:
    placement: Placement
    meeting: SipMeeting
    caseworker: User
    bup: Unit


def guardians_consent(sip: Any, caseworker: Any, *, on: date) -> None:
    """Each guardian of the SIP's child consents in writing, for every invited party."""
    for guardian in sip.child.related_persons.filter(kind="guardian"):
        sip_services.consent_record(
            user=caseworker,
            sip=sip,
            given_by_kind="guardian",
            guardian=guardian,
            form="written",
            given_on=on,
            scope="Alla inbjudna parter.",
            scope_units=[],
        )


def held_sip() -> HeldSip:
    """The demo child Alva Andersson (acute HVB, active) with a SIP meeting held two days ago."""
    today = timezone.localdate()
    seed_organisations()
    seed_children(today=today)
    caseworker = User.objects.get(email=CASEWORKER)
    child = Child.objects.get(first_name="Alva", last_name="Andersson")
    placement = child.placements.get()
    unit = placement.placing_unit
    bup = Unit.objects.get(name="BUP Göteborg")
    held_on = today - timedelta(days=2)
    sip = sip_services.sip_create(
        user=caseworker,
        child=child,
        initiating_unit=unit,
        need_noticed_on=today - timedelta(days=10),
        need_description="Samordning av boende och psykiatri.",
        placements=[placement],
    )
    guardians_consent(sip, caseworker, on=today - timedelta(days=8))
    sip_services.invitation_create(
        user=caseworker,
        sip=sip,
        units=[bup],
        external_name="",
        invited_on=today - timedelta(days=8),
    )
    meeting = sip_services.meeting_schedule(
        user=caseworker,
        sip=sip,
        meeting=SipMeeting(
            kind=SipMeeting.Kind.INITIAL,
            scheduled_on=held_on,
            scheduled_time=time(10),
            place="Socialtjänsten Göteborg",
            individual_offered_on=today - timedelta(days=7),
        ),
    )
    sip_services.meeting_record_held(
        user=caseworker,
        meeting=meeting,
        started_at=at(held_on, 10),
        ended_at=at(held_on, 11),
        individual_offered_on=today - timedelta(days=7),
        child_views="Vill bo kvar.",
        participants=[
            sip_services.ParticipantData(kind="child", name=child.full_name),
            sip_services.ParticipantData(kind="staff", name=bup.name, unit=bup),
        ],
        needs="Stöd i skolan och behandling.",
        interventions=[
            sip_services.InterventionData(
                description="Behandlingssamtal på BUP",
                responsible_kind="unit",
                responsible_unit=bup,
                is_health_care=True,
            ),
            sip_services.InterventionData(
                description="Boende och stöd på HVB",
                responsible_kind="unit",
                responsible_unit=unit,
            ),
        ],
        overall_responsible_unit=unit,
        next_follow_up_on=today + timedelta(days=90),
    )
    meeting.refresh_from_db()
    return HeldSip(placement=placement, meeting=meeting, caseworker=caseworker, bup=bup)


def agreement_awaiting_signatures() -> AgreementVersion:
    """After the held SIP: the cost meeting yesterday with both signatories, an agreement with
    the standard split, sent for signature."""
    held = held_sip()
    placement = held.placement
    yesterday = timezone.localdate() - timedelta(days=1)
    participants = [
        agreement_services.ParticipantChoice(kind="staff", user=User.objects.get(email=email))
        for email in (MUNICIPAL_SIGNATORY, BUP_SIGNATORY)
    ]
    cost_meeting = agreement_services.cost_meeting_create(
        user=held.caseworker,
        placement=placement,
        sip_meeting=held.meeting,
        started_at=at(yesterday, 13),
        ended_at=at(yesterday, 14),
        place="Stadshuset",
        participants=participants,
    )
    municipality, region = agreement_services.principals_of(placement)
    lines: list[Any] = [
        agreement_services.LineData(
            description=i.description,
            responsible_principal=region if i.is_health_care else municipality,
            intervention_id=i.pk,
        )
        for i in held.meeting.plan.interventions.order_by("pk")
    ]
    version = agreement_services.agreement_draft_save(
        user=held.caseworker,
        placement=placement,
        data=agreement_services.VersionData(
            cost_meeting=cost_meeting,
            health_care_provision="BUP Göteborg ger behandlingen på mottagningen.",
            split_unclear=True,
            split_method="standard",
            region_percent=None,
            region_amount_per_month=None,
            applies_from_start=False,
        ),
        lines=lines,
    )
    return agreement_services.agreement_send_for_signature(user=held.caseworker, version=version)
