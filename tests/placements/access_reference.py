"""The child access rule as it was written before the access table (issue 13): six relations
evaluated in the query. Kept here, and only here, as the tests' reference: the table that
``placements.access`` keeps must give exactly these children to every user on every day."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Exists, OuterRef, Q

from agreements.models import CostMeetingParticipant
from core.policy import VIEW, actor_for
from placements.models import Child, HealthExamination, Placement
from placements.policy import CASE_ROLES, EDIT_ROLES
from sip.models import ConsentRevocation, Invitation, Sip
from sip.policy import ACTIVE_RESPONSES


def _own(units: set[int]) -> Q:
    return Q(responsible_unit_id__in=units) | Q(
        pk__in=Placement.objects.filter(placing_unit_id__in=units).values("child_id")
    )


def reference_child_ids(user: Any, action: str, *, today: date) -> set[int]:
    actor = actor_for(user)
    if not actor.grants:
        return set()
    if action != VIEW:
        return set(
            Child.objects.filter(_own(actor.unit_ids(*EDIT_ROLES))).values_list("pk", flat=True)
        )
    units = actor.unit_ids(*CASE_ROLES)
    revoked = ConsentRevocation.objects.filter(
        consent__sip_id=OuterRef("sip_id"), effective_from__lte=today, units=OuterRef("unit_id")
    )
    invited = (
        Invitation.objects.filter(unit_id__in=units, response__in=ACTIVE_RESPONSES)
        .filter(~Exists(revoked))
        .values("sip_id")
    )
    q = (
        _own(units)
        | Q(
            pk__in=Sip.objects.filter(Q(pk__in=invited) | Q(initiating_unit_id__in=units)).values(
                "child_id"
            )
        )
        | Q(
            pk__in=CostMeetingParticipant.objects.filter(user=actor.user).values(
                "meeting__placement__child_id"
            )
        )
        | Q(
            pk__in=HealthExamination.objects.filter(unit_id__in=units).values("placement__child_id")
        )
    )
    return set(Child.objects.filter(q).values_list("pk", flat=True))
