"""R-MEET-3 and the step-up rule of domain.signing, without a database: who may sign or decline
a cost agreement for a principal, when, and in which order."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from domain.errors import RuleViolation
from domain.mandates import Mandate
from domain.signing import (
    STEP_UP_MAX_AGE,
    check_can_decline,
    check_can_sign,
    check_step_up,
    signing_order,
)

NOW = datetime(2026, 5, 20, 10, 0, tzinfo=ZoneInfo("Europe/Stockholm"))
TODAY = date(2026, 5, 20)
MUNICIPALITY, REGION, OTHER_MUNICIPALITY = 1, 2, 3
PARTIES = (MUNICIPALITY, REGION)
PLACING_FIRST = [MUNICIPALITY, REGION]
ANNUAL = Decimal("790166.67")


def mandate(
    principal_id: int = MUNICIPALITY,
    *,
    valid_from: date = date(2026, 1, 1),
    valid_until: date | None = date(2026, 12, 31),
    ended_on: date | None = None,
    annual_limit: Decimal | None = None,
) -> Mandate:
    return Mandate(
        principal_id=principal_id,
        valid_from=valid_from,
        valid_until=valid_until,
        ended_on=ended_on,
        annual_limit=annual_limit,
    )


def can_sign(**overrides: object) -> None:
    kwargs: dict[str, object] = {
        "principal_id": MUNICIPALITY,
        "party_ids": PARTIES,
        "mandates": [mandate()],
        "annual_amount": ANNUAL,
        "on": TODAY,
        "signed_principal_ids": [],
        "order": PLACING_FIRST,
    } | overrides
    check_can_sign(**kwargs)  # type: ignore[arg-type]


# Step-up: a second factor confirmed within the last five minutes.


def test_step_up_is_five_minutes():
    assert timedelta(minutes=5) == STEP_UP_MAX_AGE


def test_signing_without_a_second_factor_is_refused():
    with pytest.raises(RuleViolation) as refused:
        check_step_up(confirmed_at=None, now=NOW)

    assert refused.value.rule == "STEP-UP"
    assert refused.value.field == "token"
    assert "second factor" in refused.value.message


def test_a_second_factor_five_minutes_and_one_second_old_is_refused():
    with pytest.raises(RuleViolation, match="second factor"):
        check_step_up(confirmed_at=NOW - timedelta(minutes=5, seconds=1), now=NOW)


@pytest.mark.parametrize(
    "age", [timedelta(0), timedelta(seconds=1), timedelta(minutes=4, seconds=59), STEP_UP_MAX_AGE]
)
def test_a_second_factor_at_most_five_minutes_old_is_accepted(age):
    check_step_up(confirmed_at=NOW - age, now=NOW)


def test_a_second_factor_confirmed_in_the_future_is_refused():
    with pytest.raises(RuleViolation, match="second factor"):
        check_step_up(confirmed_at=NOW + timedelta(seconds=1), now=NOW)


# The order of signatures.


def test_by_default_the_placing_principal_signs_first_and_the_other_countersigns():
    assert signing_order(
        placing_principal_id=REGION, other_principal_id=MUNICIPALITY, order="placing_first"
    ) == [REGION, MUNICIPALITY]


def test_with_order_any_there_is_no_order():
    assert (
        signing_order(placing_principal_id=REGION, other_principal_id=MUNICIPALITY, order="any")
        == []
    )


# Who may sign (R-MEET-3).


def test_a_signatory_with_a_valid_mandate_may_sign_first_for_the_placing_principal():
    can_sign()


def test_a_mandate_valid_until_today_may_sign():
    can_sign(mandates=[mandate(valid_until=TODAY)])


def test_a_mandate_that_expired_yesterday_is_refused():
    with pytest.raises(RuleViolation) as refused:
        can_sign(mandates=[mandate(valid_until=TODAY - timedelta(days=1))])

    assert refused.value.rule == "R-MEET-3"
    assert refused.value.message == "You have no financial mandate for this principal valid today."


def test_a_mandate_ended_early_yesterday_is_refused():
    with pytest.raises(RuleViolation, match="no financial mandate"):
        can_sign(mandates=[mandate(ended_on=TODAY - timedelta(days=1))])


def test_a_mandate_starting_tomorrow_is_refused_and_one_starting_today_is_accepted():
    with pytest.raises(RuleViolation, match="no financial mandate"):
        can_sign(mandates=[mandate(valid_from=TODAY + timedelta(days=1))])
    can_sign(mandates=[mandate(valid_from=TODAY)])


def test_a_mandate_for_another_principal_is_refused():
    with pytest.raises(RuleViolation, match="no financial mandate"):
        can_sign(mandates=[mandate(OTHER_MUNICIPALITY), mandate(REGION)])


def test_signing_for_a_principal_that_is_not_a_party_is_refused():
    with pytest.raises(RuleViolation, match="not a party"):
        can_sign(principal_id=OTHER_MUNICIPALITY, mandates=[mandate(OTHER_MUNICIPALITY)])


def test_an_annual_amount_one_ore_over_the_mandates_limit_is_refused():
    with pytest.raises(RuleViolation) as refused:
        can_sign(mandates=[mandate(annual_limit=ANNUAL - Decimal("0.01"))])

    assert refused.value.message == (
        "The agreement's annual amount for the principal exceeds your mandate."
    )


def test_an_annual_amount_equal_to_the_mandates_limit_is_accepted():
    can_sign(mandates=[mandate(annual_limit=ANNUAL)])


def test_one_large_enough_valid_mandate_among_several_is_enough():
    can_sign(
        mandates=[
            mandate(annual_limit=Decimal("100000")),
            mandate(valid_until=TODAY - timedelta(days=1)),
            mandate(annual_limit=Decimal("1000000")),
        ]
    )


def test_an_expired_large_mandate_does_not_lift_a_valid_small_ones_limit():
    with pytest.raises(RuleViolation, match="exceeds your mandate"):
        can_sign(
            mandates=[
                mandate(annual_limit=Decimal("100000")),
                mandate(valid_until=TODAY - timedelta(days=1), annual_limit=None),
            ]
        )


def test_the_other_principal_signing_before_the_placing_principal_is_refused():
    with pytest.raises(RuleViolation) as refused:
        can_sign(principal_id=REGION, mandates=[mandate(REGION)])

    assert refused.value.message == (
        "The placing principal signs first; the other principal countersigns."
    )


def test_the_other_principal_countersigns_after_the_placing_principal():
    can_sign(principal_id=REGION, mandates=[mandate(REGION)], signed_principal_ids=[MUNICIPALITY])


def test_with_no_order_the_other_principal_may_sign_first():
    can_sign(principal_id=REGION, mandates=[mandate(REGION)], order=[])


def test_a_principal_signs_only_once():
    with pytest.raises(RuleViolation, match="already signed"):
        can_sign(signed_principal_ids=[MUNICIPALITY])


# Declining.


def test_a_signatory_with_a_valid_mandate_may_decline_with_a_reason():
    check_can_decline(
        principal_id=REGION,
        party_ids=PARTIES,
        mandates=[mandate(REGION)],
        on=TODAY,
        reason="Fel belopp för BUP.",
    )


@pytest.mark.parametrize("reason", ["", "   \n"])
def test_declining_without_a_reason_is_refused(reason):
    with pytest.raises(RuleViolation) as refused:
        check_can_decline(
            principal_id=REGION,
            party_ids=PARTIES,
            mandates=[mandate(REGION)],
            on=TODAY,
            reason=reason,
        )

    assert refused.value.field == "reason"
    assert refused.value.message == "Give a reason for declining."


def test_declining_without_a_valid_mandate_is_refused():
    with pytest.raises(RuleViolation, match="no financial mandate"):
        check_can_decline(
            principal_id=REGION,
            party_ids=PARTIES,
            mandates=[mandate(REGION, valid_until=TODAY - timedelta(days=1)), mandate()],
            on=TODAY,
            reason="Fel belopp.",
        )


def test_r_meet_3_declining_for_a_principal_that_is_not_a_party_is_refused_like_signing():
    """R-MEET-3: a valid mandate for a third principal gives no say over this agreement; the
    refusal is the very one signing gives."""
    with pytest.raises(RuleViolation) as declined:
        check_can_decline(
            principal_id=OTHER_MUNICIPALITY,
            party_ids=PARTIES,
            mandates=[mandate(OTHER_MUNICIPALITY)],
            on=TODAY,
            reason="Fel kommun.",
        )
    with pytest.raises(RuleViolation) as signed:
        can_sign(principal_id=OTHER_MUNICIPALITY, mandates=[mandate(OTHER_MUNICIPALITY)])

    assert declined.value.rule == signed.value.rule == "R-MEET-3"
    assert declined.value.message == signed.value.message
    assert declined.value.message == "The principal is not a party to the agreement."
