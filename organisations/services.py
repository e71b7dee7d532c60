"""Writes for organisations: each service one transaction with its audit row."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.models import AuditAction
from core.policy import administered_principal_ids
from domain import mandates as mandate_rules

from .models import FinancialMandate, Membership, Principal, User


def _require_administrator(user: Any, principal: Principal) -> None:
    ids = administered_principal_ids(user)
    if ids is not None and principal.pk not in ids:
        raise PermissionDenied(_("Only an administrator of the principal may do this."))


def mandate_check(
    *,
    user: User,
    principal: Principal,
    valid_from: date,
    valid_until: date | None,
    annual_limit: Decimal | None,
) -> None:
    """R-MEET-3 (rule in domain.mandates): raises ValidationError per field, in the
    user's language. The admin form asks this before saving, and mandate_register again."""
    problems = mandate_rules.new_mandate_problems(
        valid_from=valid_from,
        valid_until=valid_until,
        annual_limit=annual_limit,
        holder_works_for_principal=Membership.objects.filter(
            user=user, unit__principal=principal
        ).exists(),
    )
    if problems:
        raise ValidationError({field: _(message) for field, message in problems.items()})


@transaction.atomic
def mandate_register(
    *,
    registered_by: User,
    user: User,
    principal: Principal,
    valid_from: date,
    valid_until: date | None = None,
    annual_limit: Decimal | None = None,
    instance: FinancialMandate | None = None,
) -> FinancialMandate:
    """R-MEET-3: register a financial mandate. Only an administrator of the principal may."""
    _require_administrator(registered_by, principal)
    mandate_check(
        user=user,
        principal=principal,
        valid_from=valid_from,
        valid_until=valid_until,
        annual_limit=annual_limit,
    )
    mandate = instance or FinancialMandate()
    mandate.user = user
    mandate.principal = principal
    mandate.valid_from = valid_from
    mandate.valid_until = valid_until
    mandate.annual_limit = annual_limit
    mandate.registered_by = registered_by
    mandate.save()
    audit_record(
        action=AuditAction.CREATE,
        user=registered_by,
        obj=mandate,
        details={
            "principal": principal.pk,
            "user": user.pk,
            "valid_from": valid_from.isoformat(),
            "valid_until": valid_until.isoformat() if valid_until else None,
            "annual_limit": str(annual_limit) if annual_limit is not None else None,
        },
    )
    return mandate


@transaction.atomic
def mandate_end(*, mandate: FinancialMandate, ended_by: User, on: date, reason: str) -> None:
    """End a mandate: ``on`` is its last valid day. The row and its history stay."""
    _require_administrator(ended_by, mandate.principal)
    locked = FinancialMandate.objects.select_for_update().get(pk=mandate.pk)
    if locked.ended_on is not None:
        raise ValidationError(_("The mandate has already been ended."))
    # Ending before the first day revokes the mandate entirely: ``on`` is kept as given (earlier
    # than valid_from), so the mandate is valid on no day at all.
    locked.ended_on = on
    locked.ended_by = ended_by
    locked.ended_at = timezone.now()
    locked.end_reason = reason
    locked.save(update_fields=["ended_on", "ended_by", "ended_at", "end_reason"])
    audit_record(
        action=AuditAction.UPDATE,
        user=ended_by,
        obj=locked,
        details={"ended_on": [None, on.isoformat()], "reason": reason},
    )
    mandate.refresh_from_db()


@transaction.atomic
def second_factor_reset(*, device: Any, reset_by: User, request: Any = None) -> None:
    """Delete a user's TOTP device so that they enrol again; only an administrator who may
    change the user (organisations.selectors) may. The audit row names the user and the
    device, never its key."""
    from .selectors import administrator_may_change_user

    holder = device.user
    if not administrator_may_change_user(reset_by, holder):
        raise PermissionDenied(_("Only an administrator of the user's principal may do this."))
    audit_record(
        action=AuditAction.UPDATE,
        user=reset_by,
        obj=holder,
        request=request,
        details={
            "second_factor": "reset",
            "device": {"id": device.pk, "name": device.name, "confirmed": device.confirmed},
        },
    )
    device.delete()
