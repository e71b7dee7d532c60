"""Deadlines are visible to members of the responsible unit who can see the child."""

from __future__ import annotations

from django.db.models import QuerySet

from core.policy import VIEW, Actor, register
from placements.models import Child
from placements.policy import CASE_ROLES, children_q

from .models import Deadline


@register(Deadline)
def _deadline_scope(actor: Actor, action: str) -> QuerySet[Deadline]:
    if not actor.grants:
        return Deadline.objects.none()
    return Deadline.objects.filter(
        unit_id__in=actor.unit_ids(*CASE_ROLES),
        child_id__in=Child.objects.filter(children_q(actor, VIEW)).values("pk"),
    )
