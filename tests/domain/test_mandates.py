"""R-MEET-3: a financial mandate is valid from its first to its last day and covers amounts up to
its annual limit. Pure domain: no database."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from domain.mandates import (
    Mandate,
    ended_mandates,
    last_valid_day,
    mandate_covers,
    mandate_is_valid_on,
    new_mandate_problems,
)

DAY = timedelta(days=1)
FIRST = date(2026, 1, 1)
LAST = date(2026, 12, 31)
GOTEBORG = 1
MOLNDAL = 2


def mandate(
    *,
    valid_until: date | None = LAST,
    ended_on: date | None = None,
    annual_limit: Decimal | None = None,
) -> Mandate:
    return Mandate(
        principal_id=GOTEBORG,
        valid_from=FIRST,
        valid_until=valid_until,
        ended_on=ended_on,
        annual_limit=annual_limit,
    )


@pytest.mark.parametrize(
    ("on", "valid"),
    [(FIRST - DAY, False), (FIRST, True), (FIRST + DAY, True)],
)
def test_mandate_is_valid_from_its_first_day(on, valid):
    assert mandate_is_valid_on(mandate(), on=on) is valid


@pytest.mark.parametrize(
    ("on", "valid"),
    [(LAST - DAY, True), (LAST, True), (LAST + DAY, False)],
)
def test_mandate_is_valid_up_to_and_including_its_last_day(on, valid):
    assert mandate_is_valid_on(mandate(), on=on) is valid


def test_mandate_without_last_day_is_valid_until_further_notice():
    assert mandate_is_valid_on(mandate(valid_until=None), on=date(2099, 1, 1))


@pytest.mark.parametrize(
    ("on", "valid"),
    [(date(2026, 6, 14), True), (date(2026, 6, 15), True), (date(2026, 6, 16), False)],
)
def test_ended_mandate_is_valid_up_to_and_including_the_day_it_ended(on, valid):
    ended = mandate(ended_on=date(2026, 6, 15))

    assert mandate_is_valid_on(ended, on=on) is valid


def test_mandate_that_expired_yesterday_is_not_valid_today():
    today = date(2026, 3, 2)
    expired = Mandate(
        principal_id=GOTEBORG,
        valid_from=date(2025, 3, 2),
        valid_until=today - DAY,
        ended_on=None,
        annual_limit=None,
    )

    assert not mandate_is_valid_on(expired, on=today)
    assert mandate_is_valid_on(expired, on=today - DAY)


def test_ending_after_the_registered_last_day_does_not_extend_the_mandate():
    ended_late = mandate(ended_on=LAST + 30 * DAY)

    assert last_valid_day(ended_late) == LAST
    assert not mandate_is_valid_on(ended_late, on=LAST + DAY)


def test_mandate_ended_before_its_first_day_is_never_valid():
    revoked = mandate(ended_on=FIRST - 10 * DAY)

    assert not any(mandate_is_valid_on(revoked, on=FIRST + n * DAY) for n in range(366))


@pytest.mark.parametrize(
    ("amount", "covered"),
    [
        (Decimal("999999.99"), True),
        (Decimal("1000000.00"), True),
        (Decimal("1000000.01"), False),
    ],
)
def test_mandate_covers_amounts_up_to_and_including_its_annual_limit(amount, covered):
    limited = mandate(annual_limit=Decimal("1000000.00"))

    assert mandate_covers(limited, principal_id=GOTEBORG, on=FIRST, annual_amount=amount) is covered


def test_mandate_without_limit_covers_any_amount():
    assert mandate_covers(
        mandate(), principal_id=GOTEBORG, on=FIRST, annual_amount=Decimal("999999999.99")
    )


def test_mandate_does_not_cover_another_principal():
    assert not mandate_covers(
        mandate(), principal_id=MOLNDAL, on=FIRST, annual_amount=Decimal("1.00")
    )


def test_mandate_does_not_cover_a_day_outside_its_validity():
    assert not mandate_covers(
        mandate(), principal_id=GOTEBORG, on=LAST + DAY, annual_amount=Decimal("1.00")
    )


# --- registering a new mandate ------------------------------------------------------------------


def test_r_meet_3_a_complete_new_mandate_has_no_problems():
    assert (
        new_mandate_problems(
            valid_from=date(2026, 1, 1),
            valid_until=date(2026, 12, 31),
            annual_limit=Decimal("0.01"),
            holder_works_for_principal=True,
        )
        == {}
    )


def test_r_meet_3_each_problem_of_a_new_mandate_is_named_by_its_field():
    problems = new_mandate_problems(
        valid_from=date(2026, 6, 1),
        valid_until=date(2026, 5, 31),
        annual_limit=Decimal("0"),
        holder_works_for_principal=False,
    )

    assert set(problems) == {"valid_until", "annual_limit", "user"}


def test_r_meet_3_a_mandate_of_a_single_day_is_allowed():
    assert not new_mandate_problems(
        valid_from=date(2026, 6, 1),
        valid_until=date(2026, 6, 1),
        annual_limit=None,
        holder_works_for_principal=True,
    )


# R-MEET-3 on the signing page: whose mandate for the agreement's principals has ended.

REGION = 3
PARTIES = (GOTEBORG, REGION)
ON = date(2026, 6, 15)


def held(principal_id: int, **dates: date | None) -> Mandate:
    values: dict[str, date | None] = {"valid_from": FIRST, "valid_until": LAST, "ended_on": None}
    values |= dates
    return Mandate(principal_id=principal_id, annual_limit=None, **values)  # type: ignore[arg-type]


def test_r_meet_3_a_mandate_ended_the_day_before_is_reported_with_its_last_day():
    ended = held(GOTEBORG, ended_on=ON - DAY)

    assert ended_mandates([ended], principal_ids=PARTIES, on=ON) == [ended]
    assert last_valid_day(ended) == ON - DAY


def test_r_meet_3_a_mandate_valid_on_the_day_is_not_ended():
    assert ended_mandates([held(GOTEBORG, ended_on=ON)], principal_ids=PARTIES, on=ON) == []


def test_r_meet_3_nothing_has_ended_while_another_mandate_for_a_party_is_valid():
    mandates = [held(GOTEBORG, valid_until=ON - DAY), held(REGION)]

    assert ended_mandates(mandates, principal_ids=PARTIES, on=ON) == []


def test_r_meet_3_mandates_for_other_principals_and_future_mandates_do_not_count():
    mandates = [held(MOLNDAL, ended_on=ON - DAY), held(GOTEBORG, valid_from=ON + DAY)]

    assert ended_mandates(mandates, principal_ids=PARTIES, on=ON) == []


def test_r_meet_3_ended_mandates_come_latest_end_first():
    older = held(REGION, valid_until=ON - 10 * DAY)
    newer = held(GOTEBORG, ended_on=ON - DAY)

    assert ended_mandates([older, newer], principal_ids=PARTIES, on=ON) == [newer, older]
