"""Demo SIPs, meetings, plans, cost meetings and agreements (idempotent), so that a
newcomer's start page, SIP pages and dashboard show every state."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from organisations.models import Unit, User
from placements.models import Child
from sip import services as sip_services
from sip.models import Sip, SipMeeting

from . import services

TZ = ZoneInfo("Europe/Stockholm")


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=TZ)


def seed_cases(*, today: date) -> None:
    caseworker = User.objects.get(email="handlaggare.goteborg@demo.example")
    bup_user = User.objects.get(email="bup@demo.example")
    bup = Unit.objects.get(name="BUP Göteborg")
    school = Unit.objects.get(name="Grundskolan Göteborg")
    social = Unit.objects.get(name="Socialtjänsten Göteborg")
    children = list(Child.objects.filter(home_municipality__name="Göteborg").order_by("pk")[:4])
    # (days since the need was noticed, meeting held days after noticing or None)
    plans = [(40, 12), (30, None), (16, None), (90, 25)]
    for child, (noticed_ago, held_after) in zip(children, plans, strict=False):
        if Sip.objects.filter(child=child).exists():
            continue
        noticed = today - timedelta(days=noticed_ago)
        sip = sip_services.sip_create(
            user=caseworker,
            child=child,
            initiating_unit=social,
            need_noticed_on=noticed,
            need_description="Behov av samordnade insatser från skola, socialtjänst och BUP.",
            placements=list(child.placements.all()),
        )
        for guardian in child.related_persons.filter(kind="guardian"):
            sip_services.consent_record(
                user=caseworker,
                sip=sip,
                given_by_kind="guardian",
                guardian=guardian,
                form="written",
                given_on=noticed,
                scope="Skola, socialtjänst och BUP får dela information inom SIP:en.",
                scope_units=[],
            )
        invitations = sip_services.invitation_create(
            user=caseworker, sip=sip, units=[bup, school], external_name="", invited_on=noticed
        )
        bup_invitation = next(i for i in invitations if i.unit_id == bup.pk)
        sip_services.invitation_respond(
            user=bup_user, invitation=bup_invitation, response="accepted"
        )
        if held_after is None:
            continue
        held_on = noticed + timedelta(days=held_after)
        meeting = sip_services.meeting_schedule(
            user=caseworker,
            sip=sip,
            meeting=SipMeeting(
                kind="initial",
                scheduled_on=held_on,
                place="Socialkontoret",
                individual_offered_on=noticed + timedelta(days=2),
            ),
        )
        plan = sip_services.meeting_record_held(
            user=caseworker,
            meeting=meeting,
            started_at=_at(held_on, 9),
            ended_at=_at(held_on, 10),
            individual_offered_on=noticed + timedelta(days=2),
            child_views="Vill gå kvar i samma skola och träffa sina syskon.",
            participants=[
                sip_services.ParticipantData(kind="child", name=child.full_name),
                *[
                    sip_services.ParticipantData(kind="guardian", name=g.name, related_person=g)
                    for g in child.related_persons.filter(kind="guardian")
                ],
                sip_services.ParticipantData(kind="staff", name=bup.name, unit=bup),
            ],
            needs="Stöd i skolan, behandling för ångest, trygg boendesituation.",
            interventions=[
                sip_services.InterventionData(
                    "Behandlingskontakt på BUP", "unit", bup, is_health_care=True
                ),
                sip_services.InterventionData("Särskilt stöd i skolan", "unit", school),
                sip_services.InterventionData("Boende och stöd på HVB", "unit", social),
            ],
            overall_responsible_unit=social,
            next_follow_up_on=held_on + timedelta(days=60 if noticed_ago < 60 else 40),
            care_contact_name="Dr Berit Berg",
            care_contact_unit=bup,
        )
        placement = child.placements.first()
        if placement is None or placement.status == "cancelled":
            continue
        signatory = User.objects.get(email="signatur.goteborg@demo.example")
        region_signatory = User.objects.get(email="signatur.bup@demo.example")
        cost_meeting = services.cost_meeting_create(
            user=caseworker,
            placement=placement,
            sip_meeting=plan.meeting,
            started_at=_at(held_on, 13),
            ended_at=_at(held_on, 14),
            place="Rum 3, socialkontoret",
            participants=[
                services.ParticipantChoice(kind="staff", user=signatory),
                services.ParticipantChoice(kind="staff", user=region_signatory),
            ],
        )
        municipality, region = services.principals_of(placement)
        version = services.agreement_draft_save(
            user=caseworker,
            placement=placement,
            data=services.VersionData(
                cost_meeting=cost_meeting,
                health_care_provision="BUP ger behandling på HVB-hemmet varannan vecka.",
                split_unclear=placement.form == "hvb",
                split_method="standard" if placement.form == "hvb" else "percent",
                region_percent=None if placement.form == "hvb" else Decimal(25),
                region_amount_per_month=None,
                applies_from_start=placement.is_acute,
            ),
            lines=[
                services.LineData("Behandlingskontakt på BUP", region, kind="health_care"),
                services.LineData("Särskilt stöd i skolan", municipality, kind="school"),
            ],
        )
        services.agreement_send_for_signature(user=caseworker, version=version)
    seed_disputes(today=today)


def seed_disputes(*, today: date) -> None:
    """R-DISP-1 in the demo: one dispute about the cost of a running Göteborg placement, opened
    five days ago with a temporary split agreed at the child's SIP meeting and passed to
    Göteborgsregionen's sub-regional cooperation two days later (its 30 days are running), so
    that the caseworker, the BUP clinician and delregion.gr@demo.example see it."""
    from domain import disputes as rules

    from . import disputes
    from .models import Agreement, Dispute

    if Dispute.objects.exists():
        return
    caseworker = User.objects.get(email="handlaggare.goteborg@demo.example")
    for agreement in Agreement.objects.filter(
        municipality__name="Göteborg", placement__actual_start__isnull=False
    ).order_by("pk"):
        meeting = (
            SipMeeting.objects.filter(
                sip__child_id=agreement.placement.child_id, started_at__isnull=False
            )
            .order_by("started_at")
            .first()
        )
        opened = today - timedelta(days=5)
        start = agreement.placement.actual_start
        if meeting is None or meeting.started_at is None or start is None:
            continue
        if meeting.started_at.date() > opened:
            continue
        dispute = disputes.dispute_open(
            user=caseworker,
            agreement=agreement,
            data=disputes.OpeningData(
                subject=Dispute.Subject.COST,
                question=(
                    "Kommunen anser att behandlingen på HVB-hemmet är hälso- och sjukvård som "
                    "regionen ska bära en större del av; regionen anser att standardfördelningen "
                    "gäller."
                ),
                raised_by_principal_id=agreement.municipality_id,
                sip_meeting=meeting,
                effective_from=max(opened, start),
                region_percent=Decimal(50),
                region_amount_per_month=None,
            ),
            today=opened,
        )
        disputes.dispute_escalate(
            user=caseworker,
            dispute=dispute,
            how=rules.Escalation.BY_PARTY,
            text="Närmaste chefer kunde inte enas.",
            today=opened + timedelta(days=2),
        )
        return
