"""R-MEET-3 / R-COST-2: the annual amount a signatory's mandate limit (FinancialMandate.
annual_limit) is checked against, for each kind of split, with the numbers worked out by hand.

The placement costs 3 200 kr a day: 3 200 × 365 = 1 168 000,00 kr a year. The draft has two
lines: the municipality's HVB (no amount) and the region's treatment at BUP, 4 500 kr a month
= 54 000,00 kr a year, which counts for the region only."""

from __future__ import annotations

from decimal import Decimal

import pytest

from agreements import services as agreement_services
from domain.errors import RuleViolation
from organisations.models import Role
from tests.factories import FinancialMandateFactory, member

pytestmark = pytest.mark.django_db

ORE = Decimal("0.01")

# split overrides, municipality's annual amount, region's annual amount
SPLITS = {
    # R-COST-3: region a third, 389 333,33 (rounded half-up) + 54 000; municipality the rest.
    "standard": ({}, Decimal("778666.67"), Decimal("443333.33")),
    # R-COST-2 in percent: region 33,333 % = 389 329,44 + 54 000; municipality 778 670,56.
    "percent": (
        {"split_method": "percent", "split_unclear": False, "region_percent": Decimal("33.333")},
        Decimal("778670.56"),
        Decimal("443329.44"),
    ),
    # R-COST-2 in kronor: region 20 000 a month = 240 000 + 54 000; municipality 928 000.
    "kronor": (
        {
            "split_method": "amount",
            "split_unclear": False,
            "region_amount_per_month": Decimal("20000.00"),
        },
        Decimal("928000.00"),
        Decimal("294000.00"),
    ),
}


@pytest.fixture(params=list(SPLITS))
def split(request):
    return request.param


@pytest.fixture
def awaiting_split(make_draft, gbg_caseworker, frozen, split):
    overrides, _municipal, _region = SPLITS[split]
    draft = make_draft(**overrides)
    return agreement_services.agreement_send_for_signature(user=gbg_caseworker, version=draft)


def test_r_meet_3_the_annual_amount_of_each_principal_is_worked_out_per_split(
    awaiting_split, split, goteborg, region
):
    _overrides, municipal, regional = SPLITS[split]
    rule_set = goteborg.rule_set

    assert agreement_services.annual_amount(awaiting_split, goteborg, rule_set=rule_set) == (
        municipal
    )
    assert agreement_services.annual_amount(awaiting_split, region, rule_set=rule_set) == regional


@pytest.mark.parametrize("room", [Decimal(0), -ORE], ids=["limit-equals-amount", "one-ore-short"])
def test_r_meet_3_the_mandate_limit_is_checked_against_the_principals_annual_amount(
    awaiting_split, split, sign, gbg_social, bup, goteborg, region, municipal_signatory, room
):
    """Each principal's signatory with a limit equal to the hand-worked amount signs; one öre
    less is refused, whatever the split."""
    _overrides, municipal, regional = SPLITS[split]
    gbg = member(gbg_social, Role.MANAGER, email="begransad@gbg.example")
    FinancialMandateFactory(user=gbg, principal=goteborg, annual_limit=municipal + room)
    vgr = member(bup, Role.MANAGER, email="begransad@bup.example")
    FinancialMandateFactory(user=vgr, principal=region, annual_limit=regional + room)

    if room:
        with pytest.raises(RuleViolation, match="exceeds your mandate"):
            sign(gbg, awaiting_split, goteborg)
        sign(municipal_signatory, awaiting_split, goteborg)  # the region's turn comes
        with pytest.raises(RuleViolation, match="exceeds your mandate"):
            sign(vgr, awaiting_split, region)
    else:
        sign(gbg, awaiting_split, goteborg)
        sign(vgr, awaiting_split, region)
        awaiting_split.refresh_from_db()
        assert awaiting_split.status == "signed"
