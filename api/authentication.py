"""Bearer tokens of system accounts (DRF authentication) and the account as a policy actor.

A people's session or password never authenticates the API: this is the only authentication
class of the API views.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request

from core.policy import Actor, Grant
from organisations.models import Principal, Role, Unit

from .models import ApiToken, SystemAccount
from .services import token_touch
from .tokens import matches, parse_prefix


def account_units(account: SystemAccount) -> list[Unit]:
    """The units the account acts for: those chosen, else every unit of its principal."""
    chosen = list(account.units.select_related("principal"))
    if chosen:
        return chosen
    return list(Unit.objects.filter(principal_id=account.principal_id).select_related("principal"))


def role_for(unit: Unit) -> str:
    """Reading: a staff role in every unit (every case role sees the same, see
    ``placements.policy.CASE_ROLES``). Writing: a caseworker in the municipality's
    social-services units only (``EDIT_ROLES``); elsewhere a clinician, who reads."""
    if (
        unit.kind == Unit.Kind.SOCIAL_SERVICES
        and unit.principal.kind == Principal.Kind.MUNICIPALITY
    ):
        return Role.CASEWORKER
    return Role.CLINICIAN


def actor_for_account(account: SystemAccount, units: list[Unit] | None = None) -> Actor:
    units = account_units(account) if units is None else units
    grants = tuple(
        Grant(
            unit_id=unit.pk,
            principal_id=unit.principal_id,
            role=role_for(unit),
            unit_kind=unit.kind,
            principal_kind=unit.principal.kind,
        )
        for unit in units
    )
    return Actor(user=account.user, grants=grants)


class BearerTokenAuthentication(BaseAuthentication):  # type: ignore[misc]
    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[Any, ApiToken] | None:
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        try:
            raw = header[1].decode()
        except UnicodeError as exc:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from exc
        prefix = parse_prefix(raw)
        token = (
            ApiToken.objects.active()
            .select_related("account__user", "account__principal")
            .filter(prefix=prefix)
            .first()
            if prefix
            else None
        )
        if token is None or not matches(raw, token.secret_hash):
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        account = token.account
        user = account.user
        units = account_units(account)
        # The policy reads the account's grants from here (core.policy.actor_for).
        user._policy_actor = actor_for_account(account, units)  # type: ignore[attr-defined]
        user.system_account = account
        # The audit rows name the account's first unit as the acting unit.
        django_request = request._request
        django_request._acting_unit = units[0] if units else None
        token_touch(token, now=timezone.now())
        return user, token

    def authenticate_header(self, request: Request) -> str:
        return f'{self.keyword} realm="api"'
