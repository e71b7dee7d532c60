"""Demo children and placements for `manage.py seed_demo` (idempotent, dates relative to today)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from stdnum import luhn

from organisations.models import Principal, Unit, User

from .models import Child, HealthExamination, Placement, PlacementFollowUp, RelatedPerson


def demo_personnummer(birth: date, serial: int) -> str:
    """A valid 12-digit personnummer for a demo child (check digit by Luhn)."""
    body = f"{birth:%y%m%d}{serial:03d}"
    return f"{birth:%Y}{body[2:]}{luhn.calc_check_digit(body)}"


@dataclass(frozen=True)
class DemoChild:
    first_name: str
    last_name: str
    birth: date
    serial: int
    municipality: str
    protected: bool = False


DEMO_CHILDREN = [
    DemoChild("Alva", "Andersson", date(2012, 3, 14), 123, "Göteborg"),
    DemoChild("Elias", "Berg", date(2010, 7, 2), 234, "Göteborg"),
    DemoChild("Maja", "Carlsson", date(2014, 11, 21), 345, "Göteborg"),
    DemoChild("Noah", "Dahl", date(2009, 1, 30), 456, "Göteborg"),
    DemoChild("Selma", "Ek", date(2016, 5, 9), 567, "Göteborg"),
    DemoChild("Leo", "Forsberg", date(2011, 9, 17), 678, "Göteborg"),
    DemoChild("Ella", "Gustafsson", date(2013, 12, 1), 789, "Göteborg", protected=True),
    DemoChild("Omar", "Hassan", date(2008, 4, 25), 891, "Mölndal"),
    DemoChild("Wilma", "Isaksson", date(2015, 8, 8), 912, "Mölndal"),
    DemoChild("Hugo", "Jansson", date(2010, 2, 19), 135, "Mölndal"),
]


def seed_children(*, today: date) -> None:
    region = Principal.objects.get(kind=Principal.Kind.REGION, name="Västra Götalandsregionen")
    vc = Unit.objects.get(principal=region, name="Vårdcentralen Majorna")
    ftv = Unit.objects.get(principal=region, name="Folktandvården Göteborg")
    # (status, form, legal basis, acute, start offset in days, reason category: R-FOLLOW-1)
    plans = [
        ("active", "hvb", "sol", True, -12, "psychiatric"),
        ("active", "foster_home", "lvu", True, -45, "neglect_abuse"),
        ("planned", "hvb", "sol", False, 20, "substance_use"),
        ("planned", "foster_home", "sol", False, 40, "neglect_abuse"),
        ("ended", "emergency_foster_home", "lvu", True, -120, "neglect_abuse"),
        ("cancelled", "supported_housing", "sol", False, -10, "other"),
        ("active", "hvb", "lvu", True, -25, "behaviour"),
        ("active", "hvb", "sol", True, -5, "psychiatric"),
        ("planned", "sis", "lvu", False, 10, "behaviour"),
        ("ended", "foster_home", "sol", True, -200, "honour"),
    ]
    for demo, (status, form, basis, acute, offset, reason) in zip(
        DEMO_CHILDREN, plans, strict=True
    ):
        municipality = Principal.objects.get(name=demo.municipality)
        unit = Unit.objects.get(principal=municipality, kind=Unit.Kind.SOCIAL_SERVICES)
        caseworker = User.objects.filter(
            memberships__unit=unit, memberships__role="caseworker"
        ).first()
        number = demo_personnummer(demo.birth, demo.serial)
        child, created = Child.objects.get_or_create(
            identity_number=number,
            defaults={
                "first_name": demo.first_name,
                "last_name": demo.last_name,
                "birth_date": demo.birth,
                "home_municipality": municipality,
                "responsible_unit": unit,
                "protected_identity": demo.protected,
                "address": ""
                if demo.protected
                else f"{demo.last_name}gatan 1, {municipality.name}",
                "own_views": "Vill gå kvar i samma skola.",
            },
        )
        if not created:
            continue
        RelatedPerson.objects.create(
            child=child,
            kind="guardian",
            name=f"Förälder 1 {demo.last_name}",
            relation="mamma",
            phone="070-000 00 01",
        )
        RelatedPerson.objects.create(
            child=child,
            kind="guardian",
            name=f"Förälder 2 {demo.last_name}",
            relation="pappa",
            phone="070-000 00 02",
        )
        start = today + timedelta(days=offset)
        placement = Placement.objects.create(
            child=child,
            placing_principal=municipality,
            placing_unit=unit,
            caseworker=caseworker,
            form=form,
            legal_basis=basis,
            reason_category=reason,
            is_acute=acute,
            status=status,
            provider_name={"hvb": "HVB Solgläntan", "sis": "SiS Nereby"}.get(
                form, "Familjehemmet Lind"
            ),
            planned_start=start,
            actual_start=start if status in ("active", "ended") else None,
            actual_end=start + timedelta(days=60) if status == "ended" else None,
            end_reason="Flytt hem"
            if status == "ended"
            else ("Behovet upphörde" if status == "cancelled" else ""),
            next_step_sip_needed=status == "ended",
            # R-PLAC-7 (L25): the joint plan before the end, here without a SIP meeting.
            end_plan_no_meeting_reason="Ingen fortsatt insats från regionen; planerat med BUP "
            "per telefon."
            if status == "ended"
            else "",
            cost_per_day=Decimal("3850.00") if form in ("hvb", "sis") else Decimal("1250.00"),
            goal="Trygg vardag och fungerande skolgång.",
            wishes="Vill ha kontakt med sina syskon.",
            schooling="Går kvar i ordinarie skola med skolskjuts.",
            responsibilities="Socialtjänsten: boende och stöd. Regionen: BUP-behandling.",
            municipality_provision=Placement.Provision.OTHER_PARTY,  # the home
            region_provision=Placement.Provision.ITSELF,
            power_of_attorney_scope="Får följa med till och besluta om vårdbesök."
            if basis == "lvu"
            else "",
            power_of_attorney_issued_on=start if basis == "lvu" and offset < -20 else None,
        )
        if status == "active":
            HealthExamination.objects.create(
                placement=placement,
                kind="physical_mental",
                initiated_on=start,
                unit=vc,
                offered_on=start + timedelta(days=10) if offset < -30 else None,
            )
            HealthExamination.objects.create(
                placement=placement,
                kind="oral",
                initiated_on=start,
                unit=ftv,
            )
            if offset < -30:
                # R-PLAC-7 (L24): a joint follow-up three weeks in, with the next one set.
                follow_up = PlacementFollowUp.objects.create(
                    placement=placement,
                    held_on=start + timedelta(days=21),
                    participants="Handläggare (socialtjänsten), sjuksköterska (vårdcentralen)",
                    notes="Placeringen fungerar; skolgången följs upp nästa gång.",
                    next_follow_up_on=start + timedelta(days=111),
                    created_by=caseworker,
                )
                follow_up.municipality_units.set([unit])
                follow_up.region_units.set([vc])
