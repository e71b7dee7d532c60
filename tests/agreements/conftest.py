"""Fixtures for the agreements tests.

A Göteborg child (12, two guardians and an aunt) with a planned HVB placement; a SIP with both
guardians' consent, BUP Göteborg invited, and its initial meeting held on Tuesday 12 May 2026,
08:30–09:45 (two interventions: BUP's assessment, Göteborg's HVB). The cost meeting is the same
afternoon, 13:00–14:00, with the Göteborg caseworker, the BUP clinician and a signatory with a
financial mandate for each principal (R-MEET-3). The clock is frozen
on Friday 15 May 2026, 10:00.

Signing is another issue: ``sign(version, ...)`` sets the fields the signing services would.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from agreements import services
from agreements.models import AgreementVersion
from core.models import AuditEvent
from organisations.models import Role
from placements.models import Placement, RelatedPerson
from sip import services as sip_services
from sip.models import Consent, Intervention, MeetingParticipant, SipMeeting
from tests.factories import FinancialMandateFactory, member
from tests.placements.factories import (
    ChildFactory,
    PlacementFactory,
    RelatedPersonFactory,
    personnummer,
)

STOCKHOLM = ZoneInfo("Europe/Stockholm")
TODAY = date(2026, 5, 15)
HELD_ON = date(2026, 5, 12)
NOTICED = date(2026, 5, 5)
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """An aware datetime in Swedish time."""
    return datetime.combine(day, time(hour, minute), tzinfo=STOCKHOLM)


SIP_STARTED = at(HELD_ON, 8, 30)
SIP_ENDED = at(HELD_ON, 9, 45)


@pytest.fixture(autouse=True)
def frozen_today(time_machine):
    time_machine.move_to(at(TODAY, 10), tick=False)


class AuditWatch:
    """The audit rows written since the last ``mark``."""

    def __init__(self) -> None:
        self.mark()

    def mark(self) -> None:
        self.last_pk = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    def new(self) -> list[AuditEvent]:
        return list(AuditEvent.objects.filter(pk__gt=self.last_pk).order_by("pk"))


@pytest.fixture
def audit(db) -> AuditWatch:
    return AuditWatch()


@pytest.fixture
def client_for(client, audit):
    """``client_for(user)``: the test client signed in as ``user``; the audit watcher's mark is
    moved past the sign-in."""

    def _client_for(user):
        client.force_login(user, backend=MODEL_BACKEND)
        audit.mark()
        return client

    return _client_for


# --- the child and the placement ----------------------------------------------------------------


@pytest.fixture
def child(goteborg, gbg_social):
    return ChildFactory(
        first_name="Alva",
        last_name="Göransson",
        birth_date=date(2014, 2, 1),
        identity_number=personnummer(date(2014, 2, 1), 238),
        home_municipality=goteborg,
        responsible_unit=gbg_social,
    )


@pytest.fixture
def mother(child):
    return RelatedPersonFactory(child=child, name="Eva Göransson", relation="mamma")


@pytest.fixture
def father(child):
    return RelatedPersonFactory(child=child, name="Per Göransson", relation="pappa")


@pytest.fixture
def aunt(child):
    return RelatedPersonFactory(
        child=child, kind=RelatedPerson.Kind.CLOSE_PERSON, name="Lena Berg", relation="moster"
    )


@pytest.fixture
def placement(child, gbg_caseworker):
    """A planned HVB placement (SoL) from 1 June 2026 at 3 200 kr a day, placed by Göteborg."""
    return PlacementFactory(child=child, caseworker=gbg_caseworker, planned_start=date(2026, 6, 1))


# --- the SIP and its held meeting -----------------------------------------------------------------


@pytest.fixture
def sip(child, mother, father, aunt, placement, gbg_caseworker, gbg_social, bup):
    sip = sip_services.sip_create(
        user=gbg_caseworker,
        child=child,
        initiating_unit=gbg_social,
        need_noticed_on=NOTICED,
        need_description="Skolfrånvaro och oro; behöver samordning med BUP.",
        placements=[placement],
    )
    for guardian in (mother, father):
        sip_services.consent_record(
            user=gbg_caseworker,
            sip=sip,
            given_by_kind=Consent.GivenBy.GUARDIAN,
            guardian=guardian,
            form=Consent.Form.WRITTEN,
            given_on=date(2026, 5, 6),
            scope="Socialtjänsten och BUP får utbyta uppgifter.",
            scope_units=[],
        )
    sip_services.invitation_create(
        user=gbg_caseworker, sip=sip, units=[bup], external_name="", invited_on=date(2026, 5, 6)
    )
    return sip


def hold_sip_meeting(
    sip,
    *,
    user,
    units: tuple[Any, Any],
    started_at: datetime = SIP_STARTED,
    ended_at: datetime = SIP_ENDED,
    kind: str = SipMeeting.Kind.INITIAL,
    pk: int | None = None,
) -> SipMeeting:
    """A SIP meeting scheduled and recorded as held through the services, with a plan of two
    interventions: the region unit's assessment (health care) and the municipal unit's HVB."""
    municipal_unit, region_unit = units
    day = started_at.date()
    meeting = SipMeeting(
        kind=kind,
        scheduled_on=day,
        scheduled_time=started_at.time(),
        place="Socialkontoret, rum 3",
        individual_offered_on=day - timedelta(days=5),
    )
    if pk is not None:
        meeting.pk = pk
    meeting = sip_services.meeting_schedule(user=user, sip=sip, meeting=meeting)
    sip_services.meeting_record_held(
        user=user,
        meeting=meeting,
        started_at=started_at,
        ended_at=ended_at,
        individual_offered_on=day - timedelta(days=5),
        child_views="Vill gå kvar i sin skola.",
        participants=[
            sip_services.ParticipantData(kind=MeetingParticipant.Kind.CHILD, name="Barnet"),
            sip_services.ParticipantData(
                kind=MeetingParticipant.Kind.STAFF, name="Handläggaren", unit=municipal_unit
            ),
        ],
        needs="Stöd i skolan och bedömning av koncentrationssvårigheter.",
        interventions=[
            sip_services.InterventionData(
                description="Neuropsykiatrisk utredning",
                responsible_kind=Intervention.ResponsibleKind.UNIT,
                responsible_unit=region_unit,
                is_health_care=True,
            ),
            sip_services.InterventionData(
                description="Boende på HVB",
                responsible_kind=Intervention.ResponsibleKind.UNIT,
                responsible_unit=municipal_unit,
            ),
        ],
        overall_responsible_unit=municipal_unit,
        next_follow_up_on=day + timedelta(days=90),
    )
    meeting.refresh_from_db()
    return meeting


@pytest.fixture
def sip_meeting(sip, gbg_caseworker, gbg_social, bup):
    """The initial SIP meeting, held on 12 May 2026, 08:30–09:45."""
    return hold_sip_meeting(sip, user=gbg_caseworker, units=(gbg_social, bup))


# --- the cost meeting and the agreement -----------------------------------------------------------


def staff(*users) -> list[services.ParticipantChoice]:
    return [services.ParticipantChoice(kind="staff", user=u) for u in users]


@pytest.fixture
def gbg_signatory(gbg_social, goteborg):
    """Socialchef in Göteborg with a financial mandate for Göteborg in 2026 (R-MEET-3)."""
    user = member(gbg_social, Role.MANAGER, email="signatur@gbg.example", first_name="Sara")
    FinancialMandateFactory(user=user, principal=goteborg)
    return user


@pytest.fixture
def bup_signatory(bup, region):
    """Verksamhetschef at BUP with a financial mandate for the region in 2026 (R-MEET-3)."""
    user = member(bup, Role.MANAGER, email="signatur@bup.example", first_name="Rolf")
    FinancialMandateFactory(user=user, principal=region)
    return user


@pytest.fixture
def cost_meeting(
    placement, sip_meeting, gbg_caseworker, bup_clinician, gbg_signatory, bup_signatory
):
    """The cost meeting the same afternoon, 13:00–14:00, with staff of both principals, among
    them a signatory with a financial mandate for each (R-MEET-3)."""
    return services.cost_meeting_create(
        user=gbg_caseworker,
        placement=placement,
        sip_meeting=sip_meeting,
        started_at=at(HELD_ON, 13),
        ended_at=at(HELD_ON, 14),
        place="Stadshuset",
        participants=staff(gbg_caseworker, bup_clinician, gbg_signatory, bup_signatory),
    )


def version_data(cost_meeting, **changes: Any) -> services.VersionData:
    base: dict[str, Any] = {
        "cost_meeting": cost_meeting,
        "health_care_provision": "BUP Göteborg gör utredningen på mottagningen.",
        "split_unclear": True,
        "split_method": "standard",
        "region_percent": None,
        "region_amount_per_month": None,
        "applies_from_start": False,
    }
    return services.VersionData(**(base | changes))


def lines_for(municipality, region) -> list[services.LineData]:
    return [
        services.LineData(
            description="Neuropsykiatrisk utredning",
            responsible_principal=region,
            amount_per_month=Decimal("4500.00"),
            kind="health_care",
        ),
        services.LineData(
            description="Boende på HVB", responsible_principal=municipality, kind="social"
        ),
    ]


@pytest.fixture
def draft(placement, cost_meeting, gbg_caseworker, goteborg, region) -> AgreementVersion:
    """Version 1, a draft with the standard split (an HVB with an unclear split, R-COST-3)."""
    return services.agreement_draft_save(
        user=gbg_caseworker,
        placement=placement,
        data=version_data(cost_meeting),
        lines=lines_for(goteborg, region),
    )


@pytest.fixture
def agreement(draft):
    return draft.agreement


def sign(
    version: AgreementVersion,
    *,
    effective_from: date,
    signed_on: date | None = None,
    effective_until: date | None = None,
    status: str = "signed",
) -> AgreementVersion:
    """Simulate the signing issue: the version signed by both principals."""
    version.status = status
    version.effective_from = effective_from
    version.effective_until = effective_until
    version.signed_at = at(signed_on or effective_from, 15)
    version.save()
    return version


def activate(placement: Placement, *, actual_start: date, **changes: Any) -> Placement:
    """Set the placement running from ``actual_start`` (directly, for the statements)."""
    placement.status = Placement.Status.ACTIVE
    placement.actual_start = actual_start
    for name, value in changes.items():
        setattr(placement, name, value)
    placement.save()
    return placement


def signed_agreement(
    placement: Placement,
    *,
    user,
    effective_from: date,
    signed_on: date | None = None,
    split_method: str = "standard",
    region_percent: Decimal | None = None,
    region_amount_per_month: Decimal | None = None,
) -> AgreementVersion:
    """A first version for ``placement``, made by the service on a held SIP meeting and a cost
    meeting after it, then marked signed (the signing issue's part)."""
    from agreements.models import CostMeeting
    from tests.sip.factories import SipFactory, SipMeetingFactory

    held = SipMeetingFactory(
        sip=SipFactory(child=placement.child, initiating_unit=placement.placing_unit),
        scheduled_on=HELD_ON,
        started_at=SIP_STARTED,
        ended_at=SIP_ENDED,
    )
    meeting = CostMeeting.objects.create(
        placement=placement,
        sip_meeting=held,
        started_at=at(HELD_ON, 13),
        ended_at=at(HELD_ON, 14),
        created_by=user,
    )
    municipality, region = services.principals_of(placement)
    version = services.agreement_draft_save(
        user=user,
        placement=placement,
        data=version_data(
            meeting,
            split_method=split_method,
            region_percent=region_percent,
            region_amount_per_month=region_amount_per_month,
        ),
        lines=lines_for(municipality, region),
    )
    return sign(version, effective_from=effective_from, signed_on=signed_on)
