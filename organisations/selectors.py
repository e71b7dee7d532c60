"""Reads for organisations: which users an administrator sees and which they may change.

One answer for the admin's lists, its pages and its choice fields (issue 10, admin scoping):

- An administrator *sees* the users who hold a membership in a principal they administer,
  and the users without any membership whose home principal is one of theirs. A user without
  memberships is never visible to another principal's administrator.
- An administrator *changes* (password, e-mail, active, memberships, second factor) only the
  users that are wholly theirs: home principal theirs, every membership theirs, no mandate
  still valid for another principal, not a superuser. A person who works for two principals
  is linked by a superuser, and from then on changed by a superuser only.

A superuser sees and changes everyone.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from core.policy import administered_principal_ids

from .models import FinancialMandate, Membership, User


def users_visible_to_administrator(administrator: Any) -> QuerySet[User]:
    ids = administered_principal_ids(administrator)
    if ids is None:
        return User.objects.all()
    if not ids:
        return User.objects.none()
    member_here = Exists(Membership.objects.filter(user=OuterRef("pk"), unit__principal_id__in=ids))
    no_membership = ~Exists(Membership.objects.filter(user=OuterRef("pk")))
    return User.objects.filter(member_here | (no_membership & Q(home_principal_id__in=ids)))


def users_editable_by_administrator(
    administrator: Any, *, on: date | None = None
) -> QuerySet[User]:
    ids = administered_principal_ids(administrator)
    if ids is None:
        return User.objects.all()
    if not ids:
        return User.objects.none()
    on = on or timezone.localdate()
    member_elsewhere = Exists(
        Membership.objects.filter(user=OuterRef("pk")).exclude(unit__principal_id__in=ids)
    )
    mandate_elsewhere = Exists(
        FinancialMandate.objects.still_valid(on)
        .filter(user=OuterRef("pk"))
        .exclude(principal_id__in=ids)
    )
    return users_visible_to_administrator(administrator).filter(
        ~member_elsewhere, ~mandate_elsewhere, home_principal_id__in=ids, is_superuser=False
    )


def administrator_may_change_user(administrator: Any, user: User) -> bool:
    return users_editable_by_administrator(administrator).filter(pk=user.pk).exists()
