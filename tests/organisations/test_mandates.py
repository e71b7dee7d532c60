"""R-MEET-3: financial mandates are registered and ended by an administrator of the principal,
never edited away or deleted: the history stays."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.models import AuditAction, AuditEvent
from domain.mandates import mandate_is_valid_on
from organisations import services
from organisations.models import FinancialMandate, Role
from tests.factories import FinancialMandateFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)


@pytest.fixture
def signatory(gbg_social):
    user = UserFactory(email="signatar@gbg.example")
    MembershipFactory(user=user, unit=gbg_social, role=Role.MANAGER)
    return user


@pytest.fixture
def mandate(goteborg, signatory):
    return FinancialMandateFactory(
        user=signatory,
        principal=goteborg,
        valid_from=date(2026, 1, 1),
        valid_until=date(2026, 12, 31),
    )


def _audit_rows_for(mandate, action):
    return AuditEvent.objects.filter(
        action=action,
        object_type="organisations.financialmandate",
        object_id=str(mandate.pk),
    )


# --- registering -------------------------------------------------------------------------------


def test_administrator_registers_a_mandate_for_their_principal(gbg_admin, goteborg, signatory):
    mandate = services.mandate_register(
        registered_by=gbg_admin,
        user=signatory,
        principal=goteborg,
        valid_from=date(2026, 1, 1),
        valid_until=date(2026, 12, 31),
        annual_limit=Decimal("2000000.00"),
    )

    stored = FinancialMandate.objects.get(pk=mandate.pk)
    assert stored.registered_by == gbg_admin
    assert stored.annual_limit == Decimal("2000000.00")
    assert _audit_rows_for(stored, AuditAction.CREATE).get().user == gbg_admin


def test_administrator_of_another_principal_may_not_register_a_mandate(
    mdl_admin, goteborg, signatory
):
    with pytest.raises(PermissionDenied):
        services.mandate_register(
            registered_by=mdl_admin,
            user=signatory,
            principal=goteborg,
            valid_from=date(2026, 1, 1),
        )

    assert not FinancialMandate.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditAction.CREATE).exists()


def test_caseworker_may_not_register_a_mandate(gbg_caseworker, goteborg, signatory):
    with pytest.raises(PermissionDenied):
        services.mandate_register(
            registered_by=gbg_caseworker,
            user=signatory,
            principal=goteborg,
            valid_from=date(2026, 1, 1),
        )

    assert not FinancialMandate.objects.exists()


def test_mandate_cannot_end_before_it_starts(gbg_admin, goteborg, signatory):
    with pytest.raises(ValidationError) as excinfo:
        services.mandate_register(
            registered_by=gbg_admin,
            user=signatory,
            principal=goteborg,
            valid_from=date(2026, 6, 1),
            valid_until=date(2026, 5, 31),
        )

    assert "valid_until" in excinfo.value.message_dict
    assert not FinancialMandate.objects.exists()


def test_a_mandate_is_only_for_a_member_of_the_principal(gbg_admin, goteborg, mdl_caseworker):
    """A Mölndal caseworker cannot be given a mandate to sign for Göteborg."""
    with pytest.raises(ValidationError) as excinfo:
        services.mandate_register(
            registered_by=gbg_admin,
            user=mdl_caseworker,
            principal=goteborg,
            valid_from=date(2026, 1, 1),
        )

    assert "user" in excinfo.value.message_dict
    assert not FinancialMandate.objects.exists()


@pytest.mark.parametrize("limit", [Decimal("0"), Decimal("-1.00")])
def test_an_annual_limit_must_be_positive(gbg_admin, goteborg, signatory, limit):
    with pytest.raises(ValidationError) as excinfo:
        services.mandate_register(
            registered_by=gbg_admin,
            user=signatory,
            principal=goteborg,
            valid_from=date(2026, 1, 1),
            annual_limit=limit,
        )

    assert "annual_limit" in excinfo.value.message_dict
    assert not FinancialMandate.objects.exists()


# --- ending: the history stays -----------------------------------------------------------------


def test_ending_a_mandate_keeps_the_row_and_records_who_and_when(mandate, gbg_admin):
    services.mandate_end(
        mandate=mandate, ended_by=gbg_admin, on=date(2026, 6, 15), reason="Byter tjänst"
    )

    stored = FinancialMandate.objects.get(pk=mandate.pk)
    assert stored.ended_on == date(2026, 6, 15)
    assert stored.ended_by == gbg_admin
    assert stored.ended_at is not None
    assert stored.end_reason == "Byter tjänst"
    assert stored.valid_from == date(2026, 1, 1)
    assert stored.valid_until == date(2026, 12, 31)


def test_ending_a_mandate_writes_an_audit_row(mandate, gbg_admin):
    services.mandate_end(mandate=mandate, ended_by=gbg_admin, on=date(2026, 6, 15), reason="x")

    row = _audit_rows_for(mandate, AuditAction.UPDATE).get()
    assert row.user == gbg_admin
    assert row.details["ended_on"] == [None, "2026-06-15"]


def test_ended_mandate_is_valid_on_its_last_day_and_not_the_day_after(mandate, gbg_admin):
    services.mandate_end(mandate=mandate, ended_by=gbg_admin, on=date(2026, 6, 15), reason="x")

    mandate.refresh_from_db()
    assert mandate.is_valid_on(date(2026, 6, 15))
    assert not mandate.is_valid_on(date(2026, 6, 16))


def test_mandate_ended_before_its_first_day_is_never_valid(gbg_admin, goteborg, signatory):
    future = FinancialMandateFactory(
        user=signatory, principal=goteborg, valid_from=date(2026, 9, 1), valid_until=None
    )

    services.mandate_end(mandate=future, ended_by=gbg_admin, on=date(2026, 8, 20), reason="x")

    future.refresh_from_db()
    assert not future.is_valid_on(date(2026, 9, 1))
    assert not FinancialMandate.objects.valid_on(date(2026, 9, 1)).filter(pk=future.pk).exists()


def test_mandate_cannot_be_ended_twice(mandate, gbg_admin):
    services.mandate_end(mandate=mandate, ended_by=gbg_admin, on=date(2026, 6, 15), reason="x")

    with pytest.raises(ValidationError):
        services.mandate_end(mandate=mandate, ended_by=gbg_admin, on=date(2026, 7, 1), reason="y")

    assert FinancialMandate.objects.get(pk=mandate.pk).ended_on == date(2026, 6, 15)


def test_administrator_of_another_principal_may_not_end_a_mandate(mandate, mdl_admin):
    with pytest.raises(PermissionDenied):
        services.mandate_end(mandate=mandate, ended_by=mdl_admin, on=date(2026, 6, 15), reason="x")

    stored = FinancialMandate.objects.get(pk=mandate.pk)
    assert stored.ended_on is None
    assert not _audit_rows_for(mandate, AuditAction.UPDATE).exists()


def test_caseworker_may_not_end_a_mandate(mandate, gbg_caseworker):
    with pytest.raises(PermissionDenied):
        services.mandate_end(
            mandate=mandate, ended_by=gbg_caseworker, on=date(2026, 6, 15), reason="x"
        )

    assert FinancialMandate.objects.get(pk=mandate.pk).ended_on is None


def test_superuser_may_end_any_mandate(mandate):
    superuser = UserFactory(is_superuser=True, is_staff=True)

    services.mandate_end(mandate=mandate, ended_by=superuser, on=date(2026, 6, 15), reason="x")

    assert FinancialMandate.objects.get(pk=mandate.pk).ended_on == date(2026, 6, 15)


# --- never deleted, never updated in bulk ------------------------------------------------------


def test_deleting_a_mandate_is_refused(mandate):
    with pytest.raises(TypeError):
        mandate.delete()

    assert FinancialMandate.objects.filter(pk=mandate.pk).exists()


def test_deleting_mandates_in_bulk_is_refused(mandate):
    with pytest.raises(TypeError):
        FinancialMandate.objects.all().delete()

    assert FinancialMandate.objects.filter(pk=mandate.pk).exists()


def test_updating_mandates_in_bulk_is_refused(mandate):
    with pytest.raises(TypeError):
        FinancialMandate.objects.filter(pk=mandate.pk).update(valid_until=None)

    assert FinancialMandate.objects.get(pk=mandate.pk).valid_until == date(2026, 12, 31)


# --- validity in the database agrees with the domain rule --------------------------------------


def test_mandate_that_expired_yesterday_is_not_valid_today(goteborg, signatory):
    today = date(2026, 3, 2)
    expired = FinancialMandateFactory(
        user=signatory, principal=goteborg, valid_from=date(2025, 3, 2), valid_until=today - DAY
    )

    assert not expired.is_valid_on(today)
    assert not FinancialMandate.objects.valid_on(today).filter(pk=expired.pk).exists()
    assert FinancialMandate.objects.valid_on(today - DAY).filter(pk=expired.pk).exists()


MANDATE_SHAPES = {
    "until further notice": {"valid_until": None, "ended_on": None},
    "fixed period": {"valid_until": date(2026, 12, 31), "ended_on": None},
    "ended early": {"valid_until": date(2026, 12, 31), "ended_on": date(2026, 6, 15)},
    "ended without last day": {"valid_until": None, "ended_on": date(2026, 6, 15)},
    "ended after last day": {"valid_until": date(2026, 6, 15), "ended_on": date(2026, 12, 31)},
    "ended before first day": {"valid_until": None, "ended_on": date(2025, 12, 20)},
}


@pytest.mark.parametrize("shape", MANDATE_SHAPES.values(), ids=MANDATE_SHAPES.keys())
def test_valid_on_query_agrees_with_the_domain_rule_one_day_either_side_of_each_limit(
    goteborg, signatory, shape
):
    mandate = FinancialMandateFactory(
        user=signatory, principal=goteborg, valid_from=date(2026, 1, 1), **shape
    )
    limits = [d for d in (mandate.valid_from, shape["valid_until"], shape["ended_on"]) if d]
    days = sorted({limit + offset * DAY for limit in limits for offset in (-1, 0, 1)})

    disagreements = [
        day
        for day in days
        if FinancialMandate.objects.valid_on(day).filter(pk=mandate.pk).exists()
        != mandate_is_valid_on(mandate.as_rule(), on=day)
    ]

    assert not disagreements, f"valid_on and the domain rule disagree on {disagreements}"


@pytest.mark.parametrize("field", ["valid_from", "valid_until", "ended_on"])
@pytest.mark.parametrize("day", [date(1899, 12, 31), date(9999, 12, 31)])
def test_a_mandate_date_outside_the_plausible_range_is_refused(
    gbg_caseworker, goteborg, field, day
):
    """Issue 10: the model holds mandate dates to 1900-01-01 – 2100-12-31, as every other date."""

    mandate = FinancialMandateFactory.build(user=gbg_caseworker, principal=goteborg)
    setattr(mandate, field, day)

    with pytest.raises(ValidationError) as refused:
        mandate.full_clean()

    assert field in refused.value.message_dict
