"""A small world for the hostile-input tests (issue 10): one of every object a form acts on.

Göteborg: a child with guardians and a planned HVB placement (a health examination, a SIP with
consent, a pending invitation to BUP, a scheduled and a held SIP meeting, a cost meeting and a
draft agreement); a second child with an active placement and a signed agreement (joint review,
ending); a third with an agreement awaiting signatures. Mölndal has a child and a placement of
its own, whose ids the tests forge. The clock is frozen on Friday 15 May 2026, 10:00.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from agreements import services as agreement_services
from organisations.models import Role, Unit
from placements.models import Placement
from sip import services as sip_services
from sip.models import Consent, SipMeeting
from tests.agreements.conftest import (
    HELD_ON,
    NOTICED,
    TODAY,
    activate,
    at,
    hold_sip_meeting,
    lines_for,
    signed_agreement,
    version_data,
)
from tests.factories import (
    FinancialMandateFactory,
    MunicipalityFactory,
    RegionFactory,
    UnitFactory,
    member,
)
from tests.placements.factories import (
    ChildFactory,
    HealthExaminationFactory,
    PlacementFactory,
    RelatedPersonFactory,
)

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


@pytest.fixture(autouse=True)
def frozen_today(time_machine):
    time_machine.move_to(at(TODAY, 10), tick=False)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module, in a transaction rolled back after it; each test runs in a
    savepoint inside it (pytest-django's ``db``), each example in one more."""
    with (
        django_db_blocker.unblock(),
        time_machine.travel(at(TODAY, 10), tick=False),
        transaction.atomic(),
    ):
        yield _build_world()
        transaction.set_rollback(True)


@pytest.fixture
def w(world, db):
    return world


def _build_world() -> SimpleNamespace:
    region = RegionFactory()
    goteborg = MunicipalityFactory(name="Göteborg", region=region)
    molndal = MunicipalityFactory(name="Mölndal", region=region)
    gbg_social = UnitFactory(principal=goteborg, name="Socialtjänsten Göteborg")
    mdl_social = UnitFactory(principal=molndal, name="Socialtjänsten Mölndal")
    bup = UnitFactory(principal=region, name="BUP Göteborg", kind=Unit.Kind.BUP)
    primary_care = UnitFactory(
        principal=region, name="Vårdcentralen Majorna", kind=Unit.Kind.PRIMARY_CARE
    )
    w = SimpleNamespace(goteborg=goteborg, molndal=molndal, region=region)
    w.gbg_social, w.mdl_social, w.bup, w.primary_care = gbg_social, mdl_social, bup, primary_care
    w.caseworker = member(gbg_social, Role.CASEWORKER, email="hanna@gbg.example")
    w.manager = member(gbg_social, Role.MANAGER, email="chef@gbg.example")
    w.clinician = member(bup, Role.CLINICIAN, email="bjorn@bup.example")
    w.signatory = member(gbg_social, Role.MANAGER, email="signatur@gbg.example")
    FinancialMandateFactory(user=w.signatory, principal=goteborg)
    w.region_signatory = member(bup, Role.MANAGER, email="signatur@bup.example")
    FinancialMandateFactory(user=w.region_signatory, principal=region)
    w.mdl_caseworker = member(mdl_social, Role.CASEWORKER, email="mats@mdl.example")

    # The first child: a planned placement, a SIP and a draft agreement.
    w.child = ChildFactory(
        first_name="Alva",
        last_name="Göransson",
        birth_date=date(2014, 2, 1),
        home_municipality=goteborg,
        responsible_unit=gbg_social,
        created_by=w.caseworker,
    )
    w.mother = RelatedPersonFactory(child=w.child, name="Eva Göransson", relation="mamma")
    w.father = RelatedPersonFactory(child=w.child, name="Per Göransson", relation="pappa")
    w.placement = PlacementFactory(
        child=w.child, caseworker=w.caseworker, planned_start=date(2026, 6, 1)
    )
    w.exam = HealthExaminationFactory(placement=w.placement)
    w.sip = sip_services.sip_create(
        user=w.caseworker,
        child=w.child,
        initiating_unit=gbg_social,
        need_noticed_on=NOTICED,
        need_description="Skolfrånvaro och oro.",
        placements=[w.placement],
    )
    w.consent = sip_services.consent_record(
        user=w.caseworker,
        sip=w.sip,
        given_by_kind=Consent.GivenBy.GUARDIAN,
        guardian=w.mother,
        form=Consent.Form.WRITTEN,
        given_on=date(2026, 5, 6),
        scope="Socialtjänsten och BUP får utbyta uppgifter.",
        scope_units=[],
    )
    sip_services.consent_record(
        user=w.caseworker,
        sip=w.sip,
        given_by_kind=Consent.GivenBy.GUARDIAN,
        guardian=w.father,
        form=Consent.Form.WRITTEN,
        given_on=date(2026, 5, 6),
        scope="Socialtjänsten och BUP får utbyta uppgifter.",
        scope_units=[],
    )
    [w.invitation] = sip_services.invitation_create(
        user=w.caseworker, sip=w.sip, units=[bup], external_name="", invited_on=date(2026, 5, 6)
    )
    w.sip_meeting = hold_sip_meeting(w.sip, user=w.caseworker, units=(gbg_social, bup))
    w.scheduled = sip_services.meeting_schedule(
        user=w.caseworker,
        sip=w.sip,
        meeting=SipMeeting(
            kind=SipMeeting.Kind.FOLLOW_UP,
            scheduled_on=TODAY + timedelta(days=30),
            place="Socialkontoret",
            individual_offered_on=TODAY,
        ),
    )
    w.cost_meeting = agreement_services.cost_meeting_create(
        user=w.caseworker,
        placement=w.placement,
        sip_meeting=w.sip_meeting,
        started_at=at(HELD_ON, 13),
        ended_at=at(HELD_ON, 14),
        place="Stadshuset",
        participants=[
            agreement_services.ParticipantChoice(kind="staff", user=w.caseworker),
            agreement_services.ParticipantChoice(kind="staff", user=w.clinician),
            # R-MEET-3: a financial mandate for each principal.
            agreement_services.ParticipantChoice(kind="staff", user=w.signatory),
            agreement_services.ParticipantChoice(kind="staff", user=w.region_signatory),
        ],
    )
    w.draft = agreement_services.agreement_draft_save(
        user=w.caseworker,
        placement=w.placement,
        data=version_data(w.cost_meeting),
        lines=lines_for(goteborg, region),
    )

    # The second child: an active placement with a signed agreement.
    w.child2 = ChildFactory(
        home_municipality=goteborg, responsible_unit=gbg_social, created_by=w.caseworker
    )
    w.active = PlacementFactory(
        child=w.child2, caseworker=w.caseworker, planned_start=date(2026, 3, 1)
    )
    w.signed = signed_agreement(
        w.active, user=w.caseworker, effective_from=date(2026, 3, 1), signed_on=date(2026, 2, 20)
    )
    w.signed.review_on = date(2027, 3, 1)
    w.signed.save()
    activate(w.active, actual_start=date(2026, 3, 1))

    # The third child: an agreement awaiting signatures.
    w.child3 = ChildFactory(
        home_municipality=goteborg, responsible_unit=gbg_social, created_by=w.caseworker
    )
    w.placement3 = PlacementFactory(
        child=w.child3, caseworker=w.caseworker, planned_start=date(2026, 7, 1)
    )
    third = signed_agreement(
        w.placement3, user=w.caseworker, effective_from=date(2026, 7, 1), signed_on=TODAY
    )
    third.status, third.signed_at, third.effective_from = "draft", None, None
    third.save()
    w.awaiting = agreement_services.agreement_send_for_signature(user=w.caseworker, version=third)

    # The fourth child: an acute placement, planned (it may start before any agreement).
    w.child4 = ChildFactory(
        home_municipality=goteborg, responsible_unit=gbg_social, created_by=w.caseworker
    )
    w.acute = PlacementFactory(
        child=w.child4, caseworker=w.caseworker, is_acute=True, planned_start=TODAY
    )

    # The fifth child: an active placement with a signed agreement and an open dispute about it
    # (R-DISP-1), at the local level, with its temporary split.
    from agreements import disputes as dispute_services

    w.child5 = ChildFactory(
        home_municipality=goteborg, responsible_unit=gbg_social, created_by=w.caseworker
    )
    w.disputed = PlacementFactory(
        child=w.child5, caseworker=w.caseworker, planned_start=date(2026, 3, 1)
    )
    disputed = signed_agreement(
        w.disputed, user=w.caseworker, effective_from=date(2026, 3, 1), signed_on=date(2026, 2, 20)
    )
    activate(w.disputed, actual_start=date(2026, 3, 1))
    w.dispute = dispute_services.dispute_open(
        user=w.caseworker,
        agreement=disputed.agreement,
        data=dispute_services.OpeningData(
            subject="cost",
            question="Olika läsning.",
            raised_by_principal_id=goteborg.pk,
            sip_meeting=disputed.sip_meeting,
            effective_from=TODAY,
            region_percent=Decimal(40),
            region_amount_per_month=None,
        ),
    )

    # Mölndal's own child and placement: ids to forge.
    w.mdl_child = ChildFactory(
        home_municipality=molndal, responsible_unit=mdl_social, created_by=w.mdl_caseworker
    )
    w.mdl_placement = PlacementFactory(child=w.mdl_child, caseworker=w.mdl_caseworker)
    w.mdl_guardian = RelatedPersonFactory(child=w.mdl_child)
    assert w.placement.status == Placement.Status.PLANNED
    assert timezone.localdate() == TODAY
    return w


@pytest.fixture
def client_for(client):
    def _client_for(user):
        client.force_login(user, backend=MODEL_BACKEND)
        return client

    return _client_for
