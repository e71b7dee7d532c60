"""Writes for system accounts and tokens: one transaction each, with its audit row."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.audit import audit_record
from core.models import AuditAction
from domain.errors import RuleViolation, Violations
from domain.i18n import gettext_noop as _
from organisations.models import Principal, Unit, User

from .models import ApiToken, SystemAccount
from .tokens import hash_token, new_token

# The last use is written at most this often per token (one UPDATE, not one per request).
LAST_USE_RESOLUTION = timedelta(minutes=1)


@transaction.atomic
def system_account_create(
    *, user: Any, principal: Principal, name: str, units: Iterable[Unit] = ()
) -> SystemAccount:
    """A system account of ``principal``, optionally restricted to some of its units. Its own
    user row names it in the audit log; that row can never sign in (inactive, no password,
    no memberships, no home principal: no administrator's user list shows it)."""
    units = list(units)
    found = Violations()
    name = name.strip()
    if not name:
        found.add("API", _("Enter a name."), field="name")
    elif SystemAccount.objects.filter(principal=principal, name=name).exists():
        found.add(
            "API", _("The principal already has a system account with this name."), field="name"
        )
    if any(unit.principal_id != principal.pk for unit in units):
        found.add("API", _("Choose units of the account's principal only."), field="units")
    found.raise_if_any()
    system_user = User(
        email=f"system-{uuid.uuid4().hex}@api.invalid",
        first_name="Systemkonto",
        last_name=name[:150],
        is_active=False,
    )
    system_user.set_unusable_password()
    system_user.save()
    account = SystemAccount.objects.create(
        principal=principal, name=name, user=system_user, created_by=user
    )
    account.units.set(units)
    audit_record(
        action=AuditAction.CREATE,
        user=user,
        obj=account,
        details={"principal": principal.pk, "units": [u.pk for u in units]},
    )
    return account


@transaction.atomic
def token_create(*, user: Any, account: SystemAccount, name: str) -> tuple[ApiToken, str]:
    """A new token for the account: the row (with the hash) and the token itself, which the
    caller shows once and never stores."""
    name = name.strip()
    if not name:
        raise RuleViolation("API", _("Enter a name."), field="name")
    token, prefix = new_token()
    row = ApiToken.objects.create(
        account=account, name=name, prefix=prefix, secret_hash=hash_token(token), created_by=user
    )
    audit_record(
        action=AuditAction.CREATE,
        user=user,
        obj=row,
        details={"account": account.pk, "prefix": prefix},
    )
    return row, token


@transaction.atomic
def token_revoke(*, user: Any, token: ApiToken) -> ApiToken:
    locked = ApiToken.objects.select_for_update().get(pk=token.pk)
    if locked.revoked_at is not None:
        raise RuleViolation("API", _("The API key is already revoked."))
    locked.revoked_at = timezone.now()
    locked.revoked_by = user
    locked.save(update_fields=["revoked_at", "revoked_by"])
    audit_record(
        action=AuditAction.UPDATE,
        user=user,
        obj=locked,
        details={"revoked": True, "prefix": locked.prefix},
    )
    return locked


def token_touch(token: ApiToken, *, now: datetime) -> None:
    """Record the last use (at most once a minute per token)."""
    if token.last_used_at is not None and now - token.last_used_at < LAST_USE_RESOLUTION:
        return
    ApiToken.objects.filter(pk=token.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USE_RESOLUTION)
    ).update(last_used_at=now)
    token.last_used_at = now
