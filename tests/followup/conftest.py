"""A small world for the annual follow-up (R-FOLLOW-1), with hand-computed figures for 2025.

Västra Götaland with two sub-regions: Göteborgsregionen (Göteborg, Mölndal) and Fyrbodal
(Uddevalla). The figures each test expects are written next to the records that make them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from agreements.models import Agreement, AgreementLine, AgreementVersion, CostMeeting
from deviations.models import Deviation
from organisations.models import CooperationBody, CooperationMembership, Role, SubRegion, Unit
from placements.models import Placement
from sip.models import SipMeeting
from tests.factories import MunicipalityFactory, UnitFactory, UserFactory, member
from tests.placements.factories import ChildFactory, PlacementFactory
from tests.sip.factories import SipFactory

STOCKHOLM = ZoneInfo("Europe/Stockholm")
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
TODAY = date(2026, 2, 10)
SIP_NOTICED = date(2020, 1, 1)


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=STOCKHOLM)


@pytest.fixture(autouse=True)
def frozen_today(time_machine):
    time_machine.move_to(at(TODAY), tick=False)


@dataclass
class World:
    region: Any
    gr: Any
    fyrbodal: Any
    goteborg: Any
    molndal: Any
    uddevalla: Any
    gbg_social: Any
    mdl_social: Any
    udd_social: Any
    bup: Any
    user: Any
    children: dict[str, Any] = field(default_factory=dict)

    # --- builders -------------------------------------------------------------------------------

    def child(self, municipality: Any) -> Any:
        unit = {
            self.goteborg.pk: self.gbg_social,
            self.molndal.pk: self.mdl_social,
            self.uddevalla.pk: self.udd_social,
        }[municipality.pk]
        return ChildFactory(home_municipality=municipality, responsible_unit=unit)

    def sip(self, municipality: Any, noticed: date, held: date | None) -> Any:
        """A SIP whose need was noticed on ``noticed``; its first meeting held on ``held``
        (the deadline engine makes the R-SIP-1 row: due three weeks after ``noticed``)."""
        sip = SipFactory(child=self.child(municipality), need_noticed_on=noticed)
        if held is not None:
            SipMeeting.objects.create(
                sip=sip,
                kind=SipMeeting.Kind.INITIAL,
                scheduled_on=held,
                started_at=at(held, 9),
                ended_at=at(held, 10),
                created_by=self.user,
            )
        return sip

    def placement(
        self,
        municipality: Any,
        *,
        start: date | None,
        end: date | None = None,
        cost: str = "1000.00",
        form: str = Placement.Form.HVB,
        basis: str = Placement.LegalBasis.SOL,
        reason: str = "",
        placed_by_region: bool = False,
    ) -> Placement:
        child = self.child(municipality)
        status = "planned" if start is None else ("ended" if end else "active")
        placing_unit = self.bup if placed_by_region else child.responsible_unit
        return PlacementFactory(
            child=child,
            placing_unit=placing_unit,
            placing_principal=placing_unit.principal,
            caseworker=self.user,
            form=form,
            legal_basis=basis,
            reason_category=reason,
            status=status,
            planned_start=start or date(2026, 6, 1),
            actual_start=start,
            actual_end=end,
            cost_per_day=Decimal(cost),
        )

    def version(
        self,
        placement: Placement,
        *,
        number: int = 1,
        method: str = "standard",
        percent: str | None = None,
        amount: str | None = None,
        start: date,
        until: date | None = None,
        status: str = "signed",
        lines: tuple[tuple[str, str], ...] = (),
    ) -> AgreementVersion:
        """A signed version of the placement's agreement; ``lines`` as (kind, "municipality" or
        "region")."""
        agreement, _created = Agreement.objects.get_or_create(
            placement=placement,
            defaults={"municipality": placement.child.home_municipality, "region": self.region},
        )
        # The SIP behind the agreement lies in 2020, outside every period the tests count.
        meeting = SipMeeting.objects.filter(sip__child=placement.child).first()
        if meeting is None:
            sip = SipFactory(child=placement.child, need_noticed_on=SIP_NOTICED)
            meeting = SipMeeting.objects.create(
                sip=sip,
                kind=SipMeeting.Kind.INITIAL,
                scheduled_on=SIP_NOTICED + timedelta(days=7),
                started_at=at(SIP_NOTICED + timedelta(days=7), 9),
                ended_at=at(SIP_NOTICED + timedelta(days=7), 10),
                created_by=self.user,
            )
        cost_meeting = CostMeeting.objects.create(
            placement=placement,
            sip_meeting=meeting,
            started_at=at(start - timedelta(days=10), 13),
            created_by=self.user,
        )
        version = AgreementVersion.objects.create(
            agreement=agreement,
            number=number,
            status=status,
            sip_meeting=meeting,
            cost_meeting=cost_meeting,
            health_care_provision="BUP på mottagningen.",
            split_method=method,
            region_percent=Decimal(percent) if percent else None,
            region_amount_per_month=Decimal(amount) if amount else None,
            effective_from=start,
            effective_until=until,
            created_by=self.user,
        )
        for kind, who in lines:
            AgreementLine.objects.create(
                version=version,
                description=f"Insats {kind}",
                kind=kind,
                responsible_principal=self.region
                if who == "region"
                else placement.child.home_municipality,
            )
        return version

    def deviation(
        self,
        reporter: Any,
        receiver: Any,
        sub_region: Any,
        *,
        category: str,
        reported: date,
        level: str = "local",
        status: str = "reported",
        outcome: str = "",
    ) -> Deviation:
        unit = Unit.objects.filter(principal=reporter).first()
        return Deviation.objects.create(
            reporting_unit=unit,
            reporting_principal=reporter,
            receiving_principal=receiver,
            sub_region=sub_region,
            category=category,
            occurred_on=reported - timedelta(days=3),
            agreed="Det som var överenskommet.",
            happened="Det som hände.",
            status=status,
            level=level,
            answer_due_on=reported + timedelta(days=14),
            outcome=outcome,
            reported_by=self.user,
            reported_on=reported,
        )


@pytest.fixture
def world(region) -> World:
    gr = SubRegion.objects.create(region=region, name="Göteborgsregionen")
    fyrbodal = SubRegion.objects.create(region=region, name="Fyrbodal")
    goteborg = MunicipalityFactory(name="Göteborg", region=region, sub_region=gr)
    molndal = MunicipalityFactory(name="Mölndal", region=region, sub_region=gr)
    uddevalla = MunicipalityFactory(name="Uddevalla", region=region, sub_region=fyrbodal)
    return World(
        region=region,
        gr=gr,
        fyrbodal=fyrbodal,
        goteborg=goteborg,
        molndal=molndal,
        uddevalla=uddevalla,
        gbg_social=UnitFactory(principal=goteborg, name="Socialtjänsten Göteborg"),
        mdl_social=UnitFactory(principal=molndal, name="Socialtjänsten Mölndal"),
        udd_social=UnitFactory(principal=uddevalla, name="Socialtjänsten Uddevalla"),
        bup=UnitFactory(principal=region, name="BUP Göteborg", kind=Unit.Kind.BUP),
        user=UserFactory(email="registrerare@test.example"),
    )


@pytest.fixture
def data_2025(world: World) -> World:
    """The records behind the hand-computed figures of 2025 (see test_report_counts)."""
    w = world
    # SIPs (R-SIP-1, three weeks = 21 days)
    w.sip(w.goteborg, date(2025, 3, 1), date(2025, 3, 20))  # due 03-22: in time
    w.sip(w.goteborg, date(2025, 6, 1), date(2025, 6, 30))  # due 06-22: late
    w.sip(w.goteborg, date(2025, 11, 20), None)  # not held
    w.sip(w.goteborg, date(2024, 12, 30), date(2025, 1, 10))  # 2024's SIP, held in time
    w.sip(w.molndal, date(2025, 5, 5), date(2025, 5, 26))  # due 05-26: in time (last day)
    w.sip(w.uddevalla, date(2025, 2, 2), date(2025, 2, 3))  # in time
    # Deviations (R-DEV-1)
    w.deviation(
        w.goteborg,
        w.region,
        w.gr,
        category="sip_not_in_time",
        reported=date(2025, 2, 1),
        status="closed",
        outcome="Rutinen förtydligad.",
    )
    w.deviation(
        w.region,
        w.goteborg,
        w.gr,
        category="cost_not_paid",
        reported=date(2025, 4, 1),
        level="sub_regional",
        status="escalated",
    )
    w.deviation(
        w.uddevalla, w.region, w.fyrbodal, category="sip_not_in_time", reported=date(2025, 5, 1)
    )
    w.deviation(w.goteborg, w.region, w.gr, category="other", reported=date(2024, 12, 31))
    # HVB placements
    p1 = w.placement(
        w.goteborg,
        start=date(2024, 11, 1),
        cost="3000.00",
        basis="lvu",
        reason="behaviour",
    )  # 365 days in 2025: 1 095 000 kr, the region a third: 365 000
    w.version(
        p1,
        start=date(2024, 11, 15),
        lines=(("social", "municipality"), ("health_care", "region"), ("health_care", "region")),
    )
    w.placement(
        w.goteborg,
        start=date(2025, 3, 10),
        end=date(2025, 3, 19),
        cost="2000.00",
        reason="psychiatric",
    )  # 10 days: 20 000 kr, no agreement: all the municipality's
    p3 = w.placement(w.molndal, start=date(2025, 12, 25), cost="1000.00")
    # 7 days: 7 000 kr; 3 days at 50 % (1 500) and 4 days at 20 % (800): the region 2 300
    w.version(
        p3,
        method="percent",
        percent="50",
        start=date(2025, 12, 25),
        until=date(2025, 12, 27),
        status="superseded",
        lines=(("school", "municipality"),),
    )
    w.version(
        p3,
        number=2,
        method="percent",
        percent="20",
        start=date(2025, 12, 28),
        lines=(("school", "municipality"), ("health_care", "region")),
    )
    w.placement(w.goteborg, start=date(2025, 1, 1), form="foster_home", reason="neglect_abuse")
    w.placement(w.uddevalla, start=date(2024, 1, 1), end=date(2024, 12, 31), reason="other")
    w.placement(w.goteborg, start=None, basis="lvu", reason="neglect_abuse")
    w.placement(
        w.uddevalla,
        start=date(2025, 6, 1),
        end=date(2025, 6, 30),
        cost="1500.00",
        reason="substance_use",
        placed_by_region=True,
    )  # 30 days: 45 000 kr, placed by the region without agreement: all the region's
    return w


# --- people ---------------------------------------------------------------------------------------


@pytest.fixture
def people(world: World) -> dict[str, Any]:
    w = world
    lisa = CooperationBody.objects.create(
        level="regional", name="LiSA", region=w.region, sub_region=None
    )
    gr_body = CooperationBody.objects.create(
        level="sub_regional", name="Delregional GR", region=w.region, sub_region=w.gr
    )
    fyr_body = CooperationBody.objects.create(
        level="sub_regional", name="Delregional Fyrbodal", region=w.region, sub_region=w.fyrbodal
    )
    result = {
        "gbg manager": member(w.gbg_social, Role.MANAGER, email="chef@gbg.example"),
        "mdl manager": member(w.mdl_social, Role.MANAGER, email="chef@mdl.example"),
        "region manager": member(w.bup, Role.MANAGER, email="chef@bup.example"),
        "gbg caseworker": member(w.gbg_social, Role.CASEWORKER, email="hanna@gbg.example"),
        "bup clinician": member(w.bup, Role.CLINICIAN, email="bjorn@bup.example"),
        "lisa": UserFactory(email="lisa@test.example"),
        "gr member": UserFactory(email="gr@test.example"),
        "fyrbodal member": UserFactory(email="fyrbodal@test.example"),
    }
    CooperationMembership.objects.create(body=lisa, user=result["lisa"])
    CooperationMembership.objects.create(body=gr_body, user=result["gr member"])
    CooperationMembership.objects.create(body=fyr_body, user=result["fyrbodal member"])
    return result


@pytest.fixture
def client_for(client):
    def _client_for(user):
        client.force_login(user, backend=MODEL_BACKEND)
        return client

    return _client_for
