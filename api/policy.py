"""Who manages system accounts and tokens: the administrators of the account's principal
(``core.policy.administered_principal_ids``), a superuser everywhere. Anyone else gets a 404."""

from __future__ import annotations

from django.db.models import QuerySet

from core.policy import Actor, register
from organisations.models import Role

from .models import ApiToken, SystemAccount


def _administered(actor: Actor) -> set[int] | None:
    if actor.user is not None and getattr(actor.user, "is_superuser", False):
        return None
    return actor.principal_ids(Role.ADMINISTRATOR)


@register(SystemAccount)
def _account_scope(actor: Actor, action: str) -> QuerySet[SystemAccount]:
    principals = _administered(actor)
    if principals is None:
        return SystemAccount.objects.all()
    return SystemAccount.objects.filter(principal_id__in=principals)


@register(ApiToken)
def _token_scope(actor: Actor, action: str) -> QuerySet[ApiToken]:
    principals = _administered(actor)
    if principals is None:
        return ApiToken.objects.all()
    return ApiToken.objects.filter(account__principal_id__in=principals)
