"""Fixtures for the SIP tests: a Göteborg child with two guardians and a placement, a SIP
initiated by Göteborg's social services, the clock frozen on 15 May 2026, an audit-log watcher
and a signed-in test client."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from core.models import AuditEvent
from placements.models import RelatedPerson
from sip import services
from sip.models import Consent, Intervention, MeetingParticipant
from tests.placements.factories import ChildFactory, PlacementFactory, RelatedPersonFactory
from tests.sip.factories import NOTICED, TODAY, SipMeetingFactory

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """An aware datetime in Swedish time."""
    return datetime.combine(day, time(hour, minute), tzinfo=STOCKHOLM)


@pytest.fixture(autouse=True)
def frozen_today(time_machine):
    """Every date the services, the policy and the views take from the clock is 15 May 2026."""
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


MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


@pytest.fixture
def client_for(client, audit):
    """``client_for(user)``: the test client signed in as ``user``; the audit watcher's mark
    is moved past the sign-in, so a test sees only what its requests wrote."""

    def _client_for(user):
        client.force_login(user, backend=MODEL_BACKEND)
        audit.mark()
        return client

    return _client_for


@pytest.fixture
def child(goteborg, gbg_social):
    """A 12-year-old in Göteborg (a minor: her guardians consent, R-SIP-2)."""
    return ChildFactory(
        first_name="Alva",
        last_name="Göransson",
        birth_date=date(2014, 2, 1),
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
def guardians(mother, father):
    return [mother, father]


@pytest.fixture
def aunt(child):
    return RelatedPersonFactory(
        child=child, kind=RelatedPerson.Kind.CLOSE_PERSON, name="Lena Berg", relation="moster"
    )


@pytest.fixture
def placement(child, gbg_caseworker):
    return PlacementFactory(child=child, caseworker=gbg_caseworker)


@pytest.fixture
def sip(child, guardians, placement, gbg_caseworker, gbg_social):
    """A SIP for the child, initiated by Göteborg on 8 May 2026, linked to her placement."""
    return services.sip_create(
        user=gbg_caseworker,
        child=child,
        initiating_unit=gbg_social,
        need_noticed_on=NOTICED,
        need_description="Skolfrånvaro och oro; behöver samordning med BUP.",
        placements=[placement],
    )


@pytest.fixture
def give_consent(gbg_caseworker):
    """``give_consent(sip, guardian=None, **kw)``: a recorded consent (the young person's when
    no guardian is given), through the service."""

    def _give(sip, guardian=None, *, given_on=date(2026, 5, 10), scope_units=()):
        return services.consent_record(
            user=gbg_caseworker,
            sip=sip,
            given_by_kind=Consent.GivenBy.GUARDIAN if guardian else Consent.GivenBy.YOUNG_PERSON,
            guardian=guardian,
            form=Consent.Form.WRITTEN,
            given_on=given_on,
            scope="Socialtjänsten, skolan och BUP får utbyta uppgifter.",
            scope_units=list(scope_units),
        )

    return _give


@pytest.fixture
def consents(sip, guardians, give_consent):
    """Both guardians' written consent, given on 10 May 2026."""
    return [give_consent(sip, g) for g in guardians]


@pytest.fixture
def invite(gbg_caseworker, give_consent):
    """``invite(sip, *units)``: invitations sent today by the Göteborg caseworker. R-SIP-2: an
    invitation needs a valid consent, so when the SIP has none yet its guardians' (or the young
    person's) written consent is recorded first, given on the invitation day at the latest."""

    def _invite(sip, *units, invited_on=TODAY):
        if not all(services.sip_consent_valid(sip, on=day) for day in {invited_on, TODAY}):
            guardians = list(sip.child.related_persons.filter(kind=RelatedPerson.Kind.GUARDIAN))
            given_on = min(invited_on, date(2026, 5, 10))
            for guardian in guardians or [None]:
                give_consent(sip, guardian, given_on=given_on)
        return services.invitation_create(
            user=gbg_caseworker, sip=sip, units=list(units), external_name="", invited_on=invited_on
        )

    return _invite


@pytest.fixture
def bup_invitation(sip, bup, invite):
    [invitation] = invite(sip, bup)
    return invitation


@pytest.fixture
def meeting(sip, gbg_caseworker):
    """The initial meeting, today; the child and guardians were offered to take part on 11 May."""
    return SipMeetingFactory(sip=sip, created_by=gbg_caseworker)


@pytest.fixture
def held_kwargs(gbg_caseworker, gbg_social, bup, child, mother, father):
    """``held_kwargs(meeting, **overrides)``: the arguments of ``meeting_record_held`` for a
    complete meeting held on the meeting's date, 08:30–09:45, with a complete plan."""

    def _kwargs(meeting, **overrides: Any) -> dict[str, Any]:
        day = meeting.scheduled_on
        kwargs: dict[str, Any] = {
            "user": gbg_caseworker,
            "meeting": meeting,
            "started_at": at(day, 8, 30),
            "ended_at": at(day, 9, 45),
            "individual_offered_on": day - timedelta(days=4),
            "child_views": "Vill gå kvar i sin skola.",
            "participants": [
                services.ParticipantData(kind=MeetingParticipant.Kind.CHILD, name=child.full_name),
                services.ParticipantData(
                    kind=MeetingParticipant.Kind.GUARDIAN, name=mother.name, related_person=mother
                ),
                services.ParticipantData(
                    kind=MeetingParticipant.Kind.GUARDIAN, name=father.name, related_person=father
                ),
                services.ParticipantData(
                    kind=MeetingParticipant.Kind.STAFF, name="Hanna", unit=gbg_social
                ),
            ],
            "needs": "Stöd i skolan och bedömning av koncentrationssvårigheter.",
            "interventions": [
                services.InterventionData(
                    description="Neuropsykiatrisk utredning",
                    responsible_kind=Intervention.ResponsibleKind.UNIT,
                    responsible_unit=bup,
                    is_health_care=True,
                ),
                services.InterventionData(
                    description="Boende på HVB",
                    responsible_kind=Intervention.ResponsibleKind.UNIT,
                    responsible_unit=gbg_social,
                ),
            ],
            "overall_responsible_unit": gbg_social,
            "next_follow_up_on": day + timedelta(days=90),
            "care_contact_name": "",
            "care_contact_unit": None,
        }
        return kwargs | overrides

    return _kwargs
