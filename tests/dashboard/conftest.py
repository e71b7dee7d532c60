"""Fixtures for the deadline tests (issue 7): a Göteborg child, builders that make the records a
deadline is derived from (placements, examinations, SIPs, meetings, plans, agreement versions),
the clock frozen on Friday 15 May 2026 and a signed-in test client."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from agreements.models import Agreement, AgreementVersion, CostMeeting
from dashboard.models import Deadline
from domain.deadlines import RULE_OF, DeadlineKind
from placements.models import Placement
from sip.models import PlanVersion, SipMeeting
from tests.placements.factories import ChildFactory, PlacementFactory, personnummer
from tests.sip.factories import SipFactory

STOCKHOLM = ZoneInfo("Europe/Stockholm")
TODAY = date(2026, 5, 15)
DUE_SOON_DAYS = 7
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    """An aware datetime in Swedish time."""
    return datetime.combine(day, time(hour, minute), tzinfo=STOCKHOLM)


def status_on(key: str, today: date, due_soon_days: int = DUE_SOON_DAYS) -> str:
    """The status the database computes for the row with this key on ``today``."""
    return (
        Deadline.objects.with_status(today=today, due_soon_days=due_soon_days)
        .values_list("status", flat=True)
        .get(key=key)
    )


@pytest.fixture(autouse=True)
def frozen_today(time_machine):
    """The views, the feed and the policy take the date from the clock: 15 May 2026, 10:00."""
    time_machine.move_to(at(TODAY), tick=False)


@pytest.fixture
def client_for(client):
    """``client_for(user)``: the test client signed in as ``user``."""

    def _client_for(user):
        client.force_login(user, backend=MODEL_BACKEND)
        return client

    return _client_for


@pytest.fixture
def child(goteborg, gbg_social):
    """Alva Göransson, 12, in Göteborg: a minor, so an LVU placement needs a power of attorney."""
    return ChildFactory(
        first_name="Alva",
        last_name="Göransson",
        birth_date=date(2014, 2, 1),
        identity_number=personnummer(date(2014, 2, 1), 987),
        home_municipality=goteborg,
        responsible_unit=gbg_social,
    )


@pytest.fixture
def make_placement(child, gbg_caseworker):
    """``make_placement(**fields)``: a placement of the Göteborg child (planned SoL HVB unless
    told otherwise), saved, so its deadline rows exist."""

    def _make(**fields: Any) -> Placement:
        fields.setdefault("child", child)
        fields.setdefault("caseworker", gbg_caseworker)
        return PlacementFactory(**fields)

    return _make


@pytest.fixture
def make_sip(child, gbg_caseworker):
    def _make(**fields: Any):
        fields.setdefault("child", child)
        fields.setdefault("created_by", gbg_caseworker)
        return SipFactory(**fields)

    return _make


@pytest.fixture
def held_meeting(gbg_caseworker):
    """``held_meeting(sip, day)``: a SIP meeting held on ``day``, 09:00–10:00 Swedish time."""

    def _held(sip, day: date, kind: str = SipMeeting.Kind.INITIAL) -> SipMeeting:
        return SipMeeting.objects.create(
            sip=sip,
            kind=kind,
            scheduled_on=day,
            started_at=at(day, 9),
            ended_at=at(day, 10),
            individual_offered_on=day - timedelta(days=3),
            created_by=gbg_caseworker,
        )

    return _held


@pytest.fixture
def plan(gbg_caseworker, gbg_social, held_meeting):
    """``plan(sip, held_on, follow_up_on)``: a plan drawn up at a meeting held on ``held_on``
    that sets its follow-up on ``follow_up_on`` (R-SIP-6)."""

    def _plan(
        sip,
        held_on: date,
        follow_up_on: date,
        number: int = 1,
        kind: str = SipMeeting.Kind.INITIAL,
    ) -> PlanVersion:
        meeting = held_meeting(sip, held_on, kind=kind)
        return PlanVersion.objects.create(
            sip=sip,
            meeting=meeting,
            number=number,
            needs="Stöd i skolan.",
            overall_responsible_unit=gbg_social,
            next_follow_up_on=follow_up_on,
            created_by=gbg_caseworker,
        )

    return _plan


@pytest.fixture
def agreement_version(region, gbg_caseworker, make_sip, held_meeting):
    """``agreement_version(placement, number=1, status=..., signed_on=None, review_on=None)``:
    an agreement version made directly (the signing service is tested elsewhere), based on a
    held SIP meeting and a cost meeting the day after."""

    def _version(
        placement: Placement,
        *,
        number: int = 1,
        status: str = AgreementVersion.Status.AWAITING_SIGNATURES,
        signed_on: date | None = None,
        review_on: date | None = None,
    ) -> AgreementVersion:
        agreement, _ = Agreement.objects.get_or_create(
            placement=placement,
            defaults={"municipality": placement.child.home_municipality, "region": region},
        )
        sip = make_sip(child=placement.child, need_noticed_on=placement.planned_start)
        meeting = held_meeting(sip, placement.planned_start - timedelta(days=10))
        cost_meeting = CostMeeting.objects.create(
            placement=placement,
            sip_meeting=meeting,
            started_at=at(placement.planned_start - timedelta(days=9), 13),
            ended_at=at(placement.planned_start - timedelta(days=9), 14),
            created_by=gbg_caseworker,
        )
        return AgreementVersion.objects.create(
            agreement=agreement,
            number=number,
            status=status,
            sip_meeting=meeting,
            cost_meeting=cost_meeting,
            health_care_provision="BUP ger behandling på HVB-hemmet.",
            split_method=AgreementVersion.SplitMethod.STANDARD,
            signed_at=at(signed_on, 15) if signed_on else None,
            effective_from=signed_on,
            review_on=review_on,
            created_by=gbg_caseworker,
        )

    return _version


@pytest.fixture
def bulk_deadlines(gbg_social, gbg_caseworker):
    """``bulk_deadlines(n, unit=..., child=..., **fields)``: ``n`` deadline rows made in one
    query (valid foreign keys, distinct keys, the kinds in turn), due 1–60 days before TODAY
    (so overdue) unless told otherwise."""

    counter = iter(range(1_000_000))

    def _bulk(n: int, *, unit=None, child=None, **fields: Any) -> list[Deadline]:
        unit = unit or gbg_social
        child = child or ChildFactory(
            home_municipality=unit.principal, responsible_unit=unit, first_name="Bo"
        )
        fields.setdefault("responsible", gbg_caseworker)
        kinds = list(DeadlineKind)
        rows = []
        for i in range(n):
            seq = next(counter)
            kind = fields.get("kind", kinds[i % len(kinds)])
            rows.append(
                Deadline(
                    key=f"test:{unit.pk}:{seq}",
                    kind=kind,
                    due_on=fields.get("due_on", TODAY - timedelta(days=1 + i % 60)),
                    child=child,
                    unit=unit,
                    rule=RULE_OF[DeadlineKind(kind)],
                    url=f"/test/{seq}/",
                    **{k: v for k, v in fields.items() if k not in ("due_on", "kind")},
                )
            )
        return Deadline.objects.bulk_create(rows)

    return _bulk
