"""Fixtures for the admin tests: Göteborg, Mölndal and the region, each with an administrator;
Göteborg with a signatory (mandate and TOTP device) and a user who has no membership left."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth.models import Group
from django_otp.plugins.otp_totp.models import TOTPDevice

from organisations.models import AuthenticatorDevice, Membership, Principal, Role, Unit, User
from tests.factories import FinancialMandateFactory, UserFactory, member

GBG_TOTP_KEY = "6162636465666768696a6b6c6d6e6f7071727374"


def key_forms(hex_key: str) -> list[str]:
    """The ways a TOTP key can show up in a page: hex, base32 (as in an otpauth:// URL)."""
    b32 = base64.b32encode(bytes.fromhex(hex_key)).decode()
    return [hex_key, hex_key.upper(), b32, b32.rstrip("=")]


@dataclass
class World:
    goteborg: Principal
    molndal: Principal
    region: Principal
    gbg_social: Unit
    mdl_social: Unit
    bup: Unit
    gbg_admin: User
    mdl_admin: User
    vgr_admin: User
    superuser: User
    gbg_caseworker: User
    mdl_caseworker: User
    gbg_signatory: User
    gbg_unlinked: User
    objects: dict[str, Any] = field(default_factory=dict)


def _other_regions_cooperation() -> dict[str, Any]:
    from organisations.models import CooperationBody, SubRegion
    from tests.factories import RegionFactory, _orgnr

    other = RegionFactory(
        name="Region Östergötland",
        rule_set_code="OG",
        organisation_number=_orgnr(222, prefix="232200"),
    )
    sub_region = SubRegion.objects.create(region=other, name="Östra")
    body = CooperationBody.objects.create(
        level="sub_regional", name="Närsamverkan Östra", region=other, sub_region=sub_region
    )
    return {"sub_region": sub_region, "cooperation_body": body}


@pytest.fixture
def world(
    region,
    goteborg,
    molndal,
    gbg_social,
    mdl_social,
    bup,
    gbg_admin,
    mdl_admin,
    gbg_caseworker,
    mdl_caseworker,
) -> World:
    vgr_admin = member(bup, Role.ADMINISTRATOR, email="admin@vgr.example", is_staff=True)
    superuser = UserFactory(email="root@test.example", is_superuser=True, is_staff=True)
    gbg_signatory = member(gbg_social, Role.MANAGER, email="signatar@gbg.example")
    mandate = FinancialMandateFactory(
        user=gbg_signatory,
        principal=goteborg,
        valid_from=date(2020, 1, 1),
        valid_until=None,
        registered_by=gbg_admin,
    )
    device = TOTPDevice.objects.create(
        user=gbg_signatory, name="Telefon", key=GBG_TOTP_KEY, confirmed=True
    )
    # A Göteborg user whose last membership was removed: home stays Göteborg.
    gbg_unlinked = member(gbg_social, Role.CASEWORKER, email="utan.medlemskap@gbg.example")
    Membership.objects.filter(user=gbg_unlinked).delete()
    gbg_unlinked.refresh_from_db()
    assert gbg_unlinked.home_principal == goteborg

    group = Group.objects.create(name="Gruppen")
    axes_fields = {
        "user_agent": "pytest",
        "ip_address": "10.0.0.1",
        "username": "hanna@gbg.example",
        "http_accept": "*/*",
        "path_info": "/konto/logga-in/",
    }
    objects = {
        "principal": goteborg,
        "unit": gbg_social,
        "membership": Membership.objects.get(user=gbg_caseworker),
        "user": gbg_caseworker,
        "unlinked_user": gbg_unlinked,
        "signatory": gbg_signatory,
        "mandate": mandate,
        "device": AuthenticatorDevice.objects.get(pk=device.pk),
        "group": group,
        "access_attempt": AccessAttempt.objects.create(
            **axes_fields, get_data="", post_data="", failures_since_start=1
        ),
        "access_log": AccessLog.objects.create(**axes_fields),
        "access_failure_log": AccessFailureLog.objects.create(**axes_fields),
        # Another region's sub-region and cooperation body (issue 14): neither Mölndal's nor
        # this region's administrator reaches them.
        **_other_regions_cooperation(),
    }
    return World(
        goteborg=goteborg,
        molndal=molndal,
        region=region,
        gbg_social=gbg_social,
        mdl_social=mdl_social,
        bup=bup,
        gbg_admin=gbg_admin,
        mdl_admin=mdl_admin,
        vgr_admin=vgr_admin,
        superuser=superuser,
        gbg_caseworker=gbg_caseworker,
        mdl_caseworker=mdl_caseworker,
        gbg_signatory=gbg_signatory,
        gbg_unlinked=gbg_unlinked,
        objects=objects,
    )
