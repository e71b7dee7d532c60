"""Demo organisations and people for `manage.py seed_demo` (idempotent)."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils import timezone
from stdnum import luhn

from .models import (
    CooperationBody,
    CooperationMembership,
    FinancialMandate,
    Membership,
    Principal,
    Role,
    SubRegion,
    Unit,
    User,
)

DEMO_PASSWORD = "Demo-losen-2026!"

# The 13 municipalities of the Göteborg region (GR).
GR_MUNICIPALITIES = [
    "Ale",
    "Alingsås",
    "Göteborg",
    "Härryda",
    "Kungsbacka",
    "Kungälv",
    "Lerum",
    "Lilla Edet",
    "Mölndal",
    "Partille",
    "Stenungsund",
    "Tjörn",
    "Öckerö",
]


def demo_orgnr(serial: int, prefix: str = "212000") -> str:
    """A syntactically valid organisation number for demo data (not a real organisation's)."""
    body = f"{prefix}{serial:03d}"
    return f"{body[:6]}-{body[6:]}{luhn.calc_check_digit(body)}"


@dataclass(frozen=True)
class DemoUser:
    email: str
    first_name: str
    last_name: str
    unit: tuple[str, str]  # (principal name, unit name)
    role: str
    mandate_for: str | None = None
    is_staff: bool = False
    note: str = ""


REGION = "Västra Götalandsregionen"

# Västra Götaland's four sub-regional cooperation areas (delregioner); the demo's municipalities
# are Göteborgsregionen's, and one municipality of Fyrbodal shows that the areas are apart.
SUB_REGIONS = ["Göteborgsregionen", "Fyrbodal", "Skaraborg", "Södra Älvsborg"]
GOTEBORGSREGIONEN = "Göteborgsregionen"
FYRBODAL = "Fyrbodal"
FYRBODAL_MUNICIPALITY = "Uddevalla"
REGIONAL_BODY = "LiSA – Ledning i samverkan"


def body_name(sub_region: str) -> str:
    return f"Delregional vårdsamverkan {sub_region}"


@dataclass(frozen=True)
class DemoBodyMember:
    """A member of a cooperation body: acts for that level only, holds no unit membership."""

    email: str
    first_name: str
    last_name: str
    body: str
    home_principal: str
    note: str = ""


DEMO_BODY_MEMBERS = [
    DemoBodyMember(
        "lisa@demo.example",
        "Lisa",
        "Ledningsgrupp",
        REGIONAL_BODY,
        REGION,
        note="member of LiSA (regional level)",
    ),
    DemoBodyMember(
        "delregion.gr@demo.example",
        "Greta",
        "Delregion",
        body_name(GOTEBORGSREGIONEN),
        "Göteborg",
        note="member of Göteborgsregionen's sub-regional cooperation",
    ),
    DemoBodyMember(
        "delregion.fyrbodal@demo.example",
        "Fredrik",
        "Fyrbodal",
        body_name(FYRBODAL),
        FYRBODAL_MUNICIPALITY,
        note="member of Fyrbodal's sub-regional cooperation",
    ),
]

DEMO_USERS = [
    DemoUser(
        "handlaggare.goteborg@demo.example",
        "Hanna",
        "Handläggare",
        ("Göteborg", "Socialtjänsten Göteborg"),
        Role.CASEWORKER,
        note="caseworker, Göteborg",
    ),
    DemoUser(
        "handlaggare.molndal@demo.example",
        "Mats",
        "Mölndalsson",
        ("Mölndal", "Socialtjänsten Mölndal"),
        Role.CASEWORKER,
        note="caseworker, Mölndal",
    ),
    DemoUser(
        "chef.goteborg@demo.example",
        "Cecilia",
        "Chef",
        ("Göteborg", "Socialtjänsten Göteborg"),
        Role.MANAGER,
        note="manager, Göteborg",
    ),
    DemoUser(
        "chef.molndal@demo.example",
        "Maria",
        "Mölndalschef",
        ("Mölndal", "Socialtjänsten Mölndal"),
        Role.MANAGER,
        note="manager, Mölndal",
    ),
    DemoUser(
        "signatur.goteborg@demo.example",
        "Sven",
        "Signatär",
        ("Göteborg", "Socialtjänsten Göteborg"),
        Role.MANAGER,
        mandate_for="Göteborg",
        note="municipal signatory (financial mandate), Göteborg",
    ),
    DemoUser(
        "bup@demo.example",
        "Björn",
        "Barnpsykiater",
        (REGION, "BUP Göteborg"),
        Role.CLINICIAN,
        note="clinician, BUP Göteborg",
    ),
    DemoUser(
        "signatur.bup@demo.example",
        "Berit",
        "BUP-chef",
        (REGION, "BUP Göteborg"),
        Role.CLINICIAN,
        mandate_for=REGION,
        note="BUP signatory (financial mandate), Västra Götalandsregionen",
    ),
    DemoUser(
        "vardcentral@demo.example",
        "Vera",
        "Vårdcentral",
        (REGION, "Vårdcentralen Majorna"),
        Role.CLINICIAN,
        note="clinician, primary care",
    ),
    DemoUser(
        "admin.goteborg@demo.example",
        "Anders",
        "Administratör",
        ("Göteborg", "Socialtjänsten Göteborg"),
        Role.ADMINISTRATOR,
        is_staff=True,
        note="administrator, Göteborg",
    ),
    DemoUser(
        "admin.molndal@demo.example",
        "Agnes",
        "Admin",
        ("Mölndal", "Socialtjänsten Mölndal"),
        Role.ADMINISTRATOR,
        is_staff=True,
        note="administrator, Mölndal",
    ),
    DemoUser(
        "admin.vgr@demo.example",
        "Rolf",
        "Regionadmin",
        (REGION, "BUP Göteborg"),
        Role.ADMINISTRATOR,
        is_staff=True,
        note="administrator, Västra Götalandsregionen",
    ),
]

REGION_UNITS = [
    ("BUP Göteborg", Unit.Kind.BUP),
    ("BUP Mölndal/Härryda/Partille", Unit.Kind.BUP),
    ("BUP Kungsbacka", Unit.Kind.BUP),
    ("Vårdcentralen Majorna", Unit.Kind.PRIMARY_CARE),
    ("Vårdcentralen Mölndal", Unit.Kind.PRIMARY_CARE),
    ("Vårdcentralen Kungälv", Unit.Kind.PRIMARY_CARE),
    ("Habiliteringen Göteborg", Unit.Kind.HABILITATION),
    ("Folktandvården Göteborg", Unit.Kind.DENTAL_CARE),
]


# Known TOTP secrets for the demo signatories (20 bytes, hex), so a newcomer can sign with a
# phone app or `oathtool --totp -b SECRET_BASE32`. Demo only.
DEMO_TOTP_KEYS = {
    "signatur.goteborg@demo.example": "3132333435363738393031323334353637383930",
    "signatur.bup@demo.example": "3039383736353433323130393837363534333231",
}


def totp_base32(hex_key: str) -> str:
    return base64.b32encode(bytes.fromhex(hex_key)).decode()


def seed_totp_devices() -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    for email, key in DEMO_TOTP_KEYS.items():
        user = User.objects.get(email=email)
        TOTPDevice.objects.update_or_create(
            user=user, name="Demo", defaults={"key": key, "confirmed": True}
        )


DEMO_LOGINS: list[DemoUser | DemoBodyMember] = [*DEMO_USERS, *DEMO_BODY_MEMBERS]


def seed_organisations() -> list[DemoUser | DemoBodyMember]:
    region, _ = Principal.objects.update_or_create(
        name=REGION,
        defaults={
            "kind": Principal.Kind.REGION,
            "organisation_number": demo_orgnr(131, prefix="232100"),
            "rule_set_code": "VG",
        },
    )
    for name, kind in REGION_UNITS:
        Unit.objects.update_or_create(principal=region, name=name, defaults={"kind": kind})
    sub_regions = {}
    for name in SUB_REGIONS:
        sub_regions[name], _ = SubRegion.objects.get_or_create(region=region, name=name)
        CooperationBody.objects.update_or_create(
            sub_region=sub_regions[name],
            defaults={"region": region, "level": "sub_regional", "name": body_name(name)},
        )
    CooperationBody.objects.update_or_create(
        region=region, level="regional", defaults={"name": REGIONAL_BODY}
    )
    municipalities = [(name, GOTEBORGSREGIONEN) for name in GR_MUNICIPALITIES]
    municipalities.append((FYRBODAL_MUNICIPALITY, FYRBODAL))
    for serial, (name, sub_region) in enumerate(municipalities, start=1):
        municipality, _ = Principal.objects.update_or_create(
            name=name,
            defaults={
                "kind": Principal.Kind.MUNICIPALITY,
                "organisation_number": demo_orgnr(serial),
                "region": region,
                "sub_region": sub_regions[sub_region],
            },
        )
        Unit.objects.update_or_create(
            principal=municipality,
            name=f"Socialtjänsten {name}",
            defaults={"kind": Unit.Kind.SOCIAL_SERVICES},
        )
        Unit.objects.update_or_create(
            principal=municipality,
            name=f"Grundskolan {name}",
            defaults={"kind": Unit.Kind.SCHOOL},
        )

    for demo in DEMO_USERS:
        user, created = User.objects.get_or_create(
            email=demo.email,
            defaults={
                "first_name": demo.first_name,
                "last_name": demo.last_name,
                "is_staff": demo.is_staff,
            },
        )
        if created or not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            user.save()
        principal_name, unit_name = demo.unit
        unit = Unit.objects.get(principal__name=principal_name, name=unit_name)
        Membership.objects.get_or_create(user=user, unit=unit, role=demo.role)
        if demo.mandate_for:
            today = timezone.localdate()
            principal = Principal.objects.get(name=demo.mandate_for)
            if not FinancialMandate.objects.filter(user=user, principal=principal).exists():
                FinancialMandate.objects.create(
                    user=user,
                    principal=principal,
                    # Around the day the demo is loaded, so that the demo's cost meetings
                    # (up to 90 days back) fall inside the mandate (R-MEET-3).
                    valid_from=date(today.year - 1, 1, 1),
                    valid_until=date(today.year + 1, 12, 31),
                    annual_limit=Decimal("5000000.00"),
                )
    for member in DEMO_BODY_MEMBERS:
        user, created = User.objects.get_or_create(
            email=member.email,
            defaults={
                "first_name": member.first_name,
                "last_name": member.last_name,
                "home_principal": Principal.objects.get(name=member.home_principal),
            },
        )
        if created or not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            user.save()
        body = CooperationBody.objects.get(name=member.body)
        CooperationMembership.objects.get_or_create(body=body, user=user)
    seed_totp_devices()
    return DEMO_LOGINS
