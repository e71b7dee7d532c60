"""Deadlines are visible to members of the units that act on them, when they can see the
child: the responsible unit, the partner unit (the region unit that offers a health
examination), and for a SIP's deadlines the units invited to it (until a consent revocation
takes the SIP away from them). A dispute's clocks (R-DISP-1) are also the deadlines of the
cooperation body that has the dispute at its level: its members see them, without a unit."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet

from agreements.models import Dispute
from core.policy import VIEW, Actor, register
from domain.deadlines import DeadlineKind
from organisations.models import CooperationMembership
from placements import access
from placements.models import ChildAccess, HealthExamination, Placement
from placements.policy import CASE_ROLES, visible_child_ids
from sip.policy import invited_sip_ids

from .models import Deadline


def acting_units_q(unit_ids: Iterable[int]) -> Q:
    """Deadlines these units act on: as the responsible unit, the partner or an invited party."""
    units = set(unit_ids)
    return (
        Q(unit_id__in=units) | Q(partner_unit_id__in=units) | Q(sip_id__any=invited_sip_ids(units))
    )


DISPUTE_KINDS = (DeadlineKind.DISPUTE_SUB_REGIONAL.value, DeadlineKind.DISPUTE_REGIONAL.value)


def _body_dispute_q(actor: Actor) -> Q:
    """R-DISP-1: the clock of the level a dispute is at, for the members of that level's body
    (the sub-regional body of its area; the regional body of its region)."""
    bodies = CooperationMembership.objects.filter(user=actor.user)
    at_sub_regional = Dispute.objects.filter(
        level="sub_regional",
        sub_region_id__any=bodies.filter(body__level="sub_regional").values("body__sub_region_id"),
    )
    at_regional = Dispute.objects.filter(
        level="regional",
        agreement__region_id__any=bodies.filter(body__level="regional").values("body__region_id"),
    )
    return Q(
        kind=DeadlineKind.DISPUTE_SUB_REGIONAL.value,
        placement_id__any=at_sub_regional.values("agreement__placement_id"),
    ) | Q(
        kind=DeadlineKind.DISPUTE_REGIONAL.value,
        placement_id__any=at_regional.values("agreement__placement_id"),
    )


@register(Deadline)
def _deadline_scope(actor: Actor, action: str) -> QuerySet[Deadline]:
    if actor.user is None or not getattr(actor.user, "is_authenticated", False):
        return Deadline.objects.none()
    if not actor.grants:
        return Deadline.objects.filter(_body_dispute_q(actor))
    return Deadline.objects.filter(
        acting_units_q(actor.unit_ids(*CASE_ROLES)),
        child_id__in=visible_child_ids(actor, VIEW),
    )


def _exam_children(exam: Any) -> list[int]:
    return list(Placement.objects.filter(pk=exam.placement_id).values_list("child_id", flat=True))


# R-PLAC-4: the region unit named to examine the child (physical, mental or oral health) sees
# the child, so that it can offer the time and follow the deadline (an access source of
# placements.access).
access.register(
    access.AccessSource(
        source=ChildAccess.Source.HEALTH_EXAMINATION,
        queryset=HealthExamination.objects.all,
        child="placement__child_id",
        unit="unit_id",
        triggers=(
            access.Trigger(
                HealthExamination,
                _exam_children,
                frozenset({"unit", "unit_id", "placement", "placement_id"}),
                links=("placement_id",),
            ),
        ),
    )
)
