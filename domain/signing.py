"""Who may sign a cost agreement, and when (R-MEET-3, R-PLAC-2)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal

from .errors import RuleViolation
from .i18n import gettext_noop as _
from .mandates import Mandate, mandate_covers, mandate_is_valid_on

STEP_UP_MAX_AGE = timedelta(minutes=5)


def check_step_up(*, confirmed_at: datetime | None, now: datetime) -> None:
    """Signing requires a second factor confirmed within the last five minutes."""
    if confirmed_at is None or not timedelta(0) <= now - confirmed_at <= STEP_UP_MAX_AGE:
        raise RuleViolation(
            "STEP-UP",
            _("Confirm your second factor (one-time code) before you sign."),
            field="token",
        )


def signing_order(*, placing_principal_id: int, other_principal_id: int, order: str) -> list[int]:
    """The order of signatures: by default the placing principal first, then the other."""
    if order == "any":
        return []
    return [placing_principal_id, other_principal_id]


def check_party(*, principal_id: int, party_ids: Sequence[int]) -> None:
    """R-MEET-3: a signatory signs, or declines, only for one of the agreement's two
    principals."""
    if principal_id not in party_ids:
        raise RuleViolation("R-MEET-3", _("The principal is not a party to the agreement."))


def check_can_sign(
    *,
    principal_id: int,
    party_ids: Sequence[int],
    mandates: Sequence[Mandate],
    annual_amount: Decimal,
    on: date,
    signed_principal_ids: Sequence[int],
    order: Sequence[int],
) -> None:
    """R-MEET-3: only a person with a financial mandate for the principal, valid on the day
    and large enough for the principal's annual amount, signs — one signature per principal,
    in the configured order."""
    check_party(principal_id=principal_id, party_ids=party_ids)
    if principal_id in signed_principal_ids:
        raise RuleViolation("R-MEET-3", _("The agreement is already signed for this principal."))
    own = [m for m in mandates if m.principal_id == principal_id]
    valid = [m for m in own if mandate_is_valid_on(m, on=on)]
    if not valid:
        raise RuleViolation(
            "R-MEET-3",
            _("You have no financial mandate for this principal valid today."),
        )
    if not any(
        mandate_covers(m, principal_id=principal_id, on=on, annual_amount=annual_amount)
        for m in valid
    ):
        raise RuleViolation(
            "R-MEET-3",
            _("The agreement's annual amount for the principal exceeds your mandate."),
        )
    if order:
        position = list(order).index(principal_id)
        missing = [p for p in order[:position] if p not in signed_principal_ids]
        if missing:
            raise RuleViolation(
                "R-MEET-3",
                _("The placing principal signs first; the other principal countersigns."),
            )


def check_can_decline(
    *,
    principal_id: int,
    party_ids: Sequence[int],
    mandates: Sequence[Mandate],
    on: date,
    reason: str,
) -> None:
    """R-MEET-3: a signatory with a valid mandate for the principal may decline, with a
    reason — only for a party to the agreement, exactly as for signing (check_party)."""
    check_party(principal_id=principal_id, party_ids=party_ids)
    if not any(m.principal_id == principal_id and mandate_is_valid_on(m, on=on) for m in mandates):
        raise RuleViolation(
            "R-MEET-3", _("You have no financial mandate for this principal valid today.")
        )
    if not reason.strip():
        raise RuleViolation("R-MEET-3", _("Give a reason for declining."), field="reason")


def awaited_principals(
    *, order: Sequence[int], party_ids: Sequence[int], signed_principal_ids: Sequence[int]
) -> list[int]:
    """R-MEET-3: whose signature is awaited now. With a signing order, the first party in it
    that has not signed (the placing principal first, the other countersigns); without one,
    every party that has not signed."""
    if order:
        for principal_id in order:
            if principal_id not in signed_principal_ids:
                return [principal_id]
        return []
    return [p for p in party_ids if p not in signed_principal_ids]
