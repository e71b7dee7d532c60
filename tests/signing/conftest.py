"""Fixtures for the signing tests (issue 6): one throwaway development PKI for the whole session,
a Göteborg child with a planned HVB placement, a held SIP meeting, a cost meeting with one
signatory of each principal and an agreement version sent for signature. The clock is frozen on
Wednesday 20 May 2026, 10:00 in Sweden."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings as django_settings
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from agreements import services as agreement_services
from agreements import signatures
from agreements.models import AgreementVersion
from agreements.signing.pki import PkiPaths, create_ca, create_principal_certificate
from core.models import AuditEvent
from organisations.models import Role
from sip.models import SipMeeting
from tests.factories import FinancialMandateFactory, MunicipalityFactory, _orgnr, member
from tests.placements.factories import ChildFactory, PlacementFactory
from tests.sip.factories import SipFactory

STOCKHOLM = ZoneInfo("Europe/Stockholm")
TODAY = date(2026, 5, 20)
NOW = datetime.combine(TODAY, time(10), tzinfo=STOCKHOLM)

# Göteborg's organisation number is fixed here (the shared factory's is a sequence), so the
# session's PKI can hold its certificate; the region's is the shared factory's constant.
GOTEBORG_ORGNR = _orgnr(155)
REGION_ORGNR = _orgnr(131, prefix="232100")
MOLNDAL_ORGNR = _orgnr(156)

MUNICIPAL_TOTP_KEY = "3132333435363738393031323334353637383930"
REGION_TOTP_KEY = "4142434445464748494a4b4c4d4e4f5051525354"


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """An aware datetime in Swedish time."""
    return datetime.combine(day, time(hour, minute), tzinfo=STOCKHOLM)


@pytest.fixture(scope="session")
def pki_dir(tmp_path_factory) -> Path:
    """A CA, a timestamping unit and a certificate for Göteborg and the region, made once (RSA
    key generation is slow). Valid from 31 Dec 2025, so both the frozen and the real clock
    accept them."""
    root = tmp_path_factory.mktemp("signing")
    paths = PkiPaths(root)
    issued = datetime(2026, 1, 1, tzinfo=STOCKHOLM)
    create_ca(paths, now=issued)
    for orgnr, name in ((GOTEBORG_ORGNR, "Göteborg"), (REGION_ORGNR, "Västra Götalandsregionen")):
        create_principal_certificate(
            paths,
            organisation_number=orgnr,
            name=name,
            passphrase=django_settings.SIGNING_KEY_PASSPHRASE.encode(),
            now=issued,
        )
    return root


@pytest.fixture(autouse=True)
def signing_keys(settings, pki_dir) -> PkiPaths:
    """Every test signs with the session's PKI, never with var/signing."""
    settings.SIGNING_KEY_DIR = pki_dir
    settings.SIGNING_TSA_URL = ""
    settings.SIGNING_ORDER = "placing_first"
    return PkiPaths(pki_dir)


@pytest.fixture
def frozen(time_machine):
    """The services, the policy and the views take 20 May 2026, 10:00 from the clock."""
    time_machine.move_to(NOW, tick=False)
    return time_machine


@pytest.fixture
def goteborg(region):
    return MunicipalityFactory(name="Göteborg", organisation_number=GOTEBORG_ORGNR, region=region)


@pytest.fixture
def molndal(region):
    return MunicipalityFactory(name="Mölndal", organisation_number=MOLNDAL_ORGNR, region=region)


@pytest.fixture
def municipal_signatory(gbg_social, goteborg):
    """Socialchef in Göteborg with a financial mandate for Göteborg in 2026, without limit."""
    user = member(
        gbg_social,
        Role.MANAGER,
        email="signatur@gbg.example",
        first_name="Sara",
        last_name="Signell",
    )
    FinancialMandateFactory(user=user, principal=goteborg)
    TOTPDevice.objects.create(user=user, name="telefon", key=MUNICIPAL_TOTP_KEY, confirmed=True)
    return user


@pytest.fixture
def region_signatory(bup, region):
    """Verksamhetschef at BUP with a financial mandate for the region in 2026, without limit."""
    user = member(
        bup, Role.MANAGER, email="signatur@bup.example", first_name="Rolf", last_name="Regnér"
    )
    FinancialMandateFactory(user=user, principal=region)
    TOTPDevice.objects.create(user=user, name="telefon", key=REGION_TOTP_KEY, confirmed=True)
    return user


def token_for(key: str) -> str:
    """The one-time code the user's authenticator app shows now."""
    return f"{totp(bytes.fromhex(key)):06d}"


@pytest.fixture
def child(goteborg, gbg_social):
    return ChildFactory(
        first_name="Alva",
        last_name="Göransson",
        birth_date=date(2012, 4, 2),
        home_municipality=goteborg,
        responsible_unit=gbg_social,
    )


@pytest.fixture
def placement(child, gbg_caseworker):
    """A planned SoL placement in an HVB from 1 June 2026, 3 200 kr a day."""
    return PlacementFactory(child=child, caseworker=gbg_caseworker, planned_start=date(2026, 6, 1))


@pytest.fixture
def sip_meeting(child, placement, gbg_caseworker, gbg_social):
    """The SIP meeting held on 12 May 2026, 09–10."""
    sip = SipFactory(child=child, initiating_unit=gbg_social, created_by=gbg_caseworker)
    sip.placements.set([placement])
    return SipMeeting.objects.create(
        sip=sip,
        kind=SipMeeting.Kind.INITIAL,
        scheduled_on=date(2026, 5, 12),
        scheduled_time=time(9),
        place="Socialkontoret",
        individual_offered_on=date(2026, 5, 5),
        started_at=at(date(2026, 5, 12), 9),
        ended_at=at(date(2026, 5, 12), 10),
        child_views="Vill bo nära skolan.",
        created_by=gbg_caseworker,
    )


@pytest.fixture
def make_draft(placement, sip_meeting, gbg_caseworker, municipal_signatory, region_signatory):
    """``make_draft(**version_overrides)``: the cost meeting (19 May) with both signatories and
    a first draft with the standard split and two lines, through the services."""

    def _make(**overrides: Any) -> AgreementVersion:
        cost_meeting = agreement_services.cost_meeting_create(
            user=gbg_caseworker,
            placement=placement,
            sip_meeting=sip_meeting,
            started_at=at(date(2026, 5, 19), 13),
            ended_at=at(date(2026, 5, 19), 14),
            place="Stadshuset",
            participants=[
                agreement_services.ParticipantChoice(kind="staff", user=municipal_signatory),
                agreement_services.ParticipantChoice(kind="staff", user=region_signatory),
            ],
        )
        municipality, region = agreement_services.principals_of(placement)
        data = {
            "cost_meeting": cost_meeting,
            "health_care_provision": "BUP Göteborg ger behandlingen på mottagningen.",
            "split_unclear": True,
            "split_method": "standard",
            "region_percent": None,
            "region_amount_per_month": None,
            "applies_from_start": False,
        } | overrides
        return agreement_services.agreement_draft_save(
            user=gbg_caseworker,
            placement=placement,
            data=agreement_services.VersionData(**data),
            lines=[
                agreement_services.LineData(
                    description="Boende och stöd på HVB",
                    responsible_principal=municipality,
                    kind="social",
                ),
                agreement_services.LineData(
                    description="Behandlingssamtal på BUP",
                    responsible_principal=region,
                    amount_per_month=Decimal("4500.00"),
                    kind="health_care",
                ),
            ],
        )

    return _make


@pytest.fixture
def draft(frozen, make_draft) -> AgreementVersion:
    return make_draft()


@pytest.fixture
def awaiting(draft, gbg_caseworker) -> AgreementVersion:
    """The first version, sent for signature (round 1)."""
    return agreement_services.agreement_send_for_signature(user=gbg_caseworker, version=draft)


@pytest.fixture
def sign(frozen) -> Callable[..., Any]:
    """``sign(user, version, principal, **kw)``: sign through the service with a second factor
    confirmed a minute ago."""

    def _sign(user, version, principal, **kwargs: Any):
        kwargs.setdefault("second_factor_at", timezone.now() - timedelta(minutes=1))
        return signatures.agreement_sign(user=user, version=version, principal=principal, **kwargs)

    return _sign


@pytest.fixture
def signed(awaiting, sign, municipal_signatory, region_signatory) -> AgreementVersion:
    """Both principals signed the first version: placing municipality first, region second."""
    agreement = awaiting.agreement
    sign(municipal_signatory, awaiting, agreement.municipality)
    sign(region_signatory, awaiting, agreement.region)
    awaiting.refresh_from_db()
    return awaiting


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
    """``client_for(user)``: the test client signed in as ``user``; the audit watcher's mark is
    moved past the sign-in, so a test sees only what its requests wrote."""

    def _client_for(user):
        client.force_login(user, backend=MODEL_BACKEND)
        audit.mark()
        return client

    return _client_for
