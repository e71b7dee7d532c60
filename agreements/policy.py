"""Access to cost meetings and agreements.

Visible to those who see the placement (its child), to the staff who took part in its cost
meeting, and to the signatories holding a financial mandate for one of its two principals
(R-MEET-3: they must read what they sign). Changes need an edit role in the child's own units.
Cost meeting participants also see the child (``CHILD_ACCESS``)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from core.policy import VIEW, Actor, register, visible
from organisations.models import FinancialMandate
from placements.models import Child, Placement
from placements.policy import CHILD_ACCESS, children_q
from placements.selectors import TIMELINE_PROVIDERS, TimelineEntry

from .models import Agreement, AgreementVersion, CostMeeting, CostMeetingParticipant

SIGN = "sign"


def _mandate_principal_ids(actor: Actor) -> QuerySet[Any]:
    return (
        FinancialMandate.objects.filter(user=actor.user)
        .valid_on(timezone.localdate())
        .values("principal_id")
    )


def _agreement_q(actor: Actor, action: str) -> Q:
    visible_children = Child.objects.filter(children_q(actor, action)).values("pk")
    q = Q(placement_id__any=Placement.objects.filter(child_id__any=visible_children).values("pk"))
    if action == VIEW:
        q |= Q(
            placement_id__any=CostMeetingParticipant.objects.filter(user=actor.user).values(
                "meeting__placement_id"
            )
        )
        q |= Q(municipality_id__any=_mandate_principal_ids(actor)) | Q(
            region_id__any=_mandate_principal_ids(actor)
        )
    if action == SIGN:
        return Q(municipality_id__any=_mandate_principal_ids(actor)) | Q(
            region_id__any=_mandate_principal_ids(actor)
        )
    return q


@register(Agreement)
def _agreement_scope(actor: Actor, action: str) -> QuerySet[Agreement]:
    if not actor.grants or actor.user is None:
        return Agreement.objects.none()
    # Every condition is on the agreement's own columns (no join), so no row comes twice and
    # no id subquery around it is needed (issue 13).
    return Agreement.objects.filter(_agreement_q(actor, action))


@register(AgreementVersion)
def _version_scope(actor: Actor, action: str) -> QuerySet[AgreementVersion]:
    return AgreementVersion.objects.filter(
        agreement_id__any=_agreement_scope(actor, action).values("pk")
    )


@register(CostMeeting)
def _cost_meeting_scope(actor: Actor, action: str) -> QuerySet[CostMeeting]:
    if not actor.grants:
        return CostMeeting.objects.none()
    visible_children = Child.objects.filter(children_q(actor, action)).values("pk")
    q = Q(placement_id__any=Placement.objects.filter(child_id__any=visible_children).values("pk"))
    if action == VIEW:
        q |= Q(pk__any=CostMeetingParticipant.objects.filter(user=actor.user).values("meeting_id"))
    return CostMeeting.objects.filter(q)


def _child_via_cost_meeting(actor: Actor) -> Q:
    return Q(
        pk__any=CostMeetingParticipant.objects.filter(user=actor.user).values(
            "meeting__placement__child_id"
        )
    )


CHILD_ACCESS.append(_child_via_cost_meeting)


def _timeline(child: Any, user: Any) -> list[TimelineEntry]:
    entries = []
    for version in (
        visible(user, AgreementVersion)
        .filter(agreement__placement__child=child)
        # str(agreement) names the placement: load it with the version (issue 13).
        .select_related("agreement__placement")
    ):
        entries.append(
            TimelineEntry(
                on=version.effective_from or version.created_at.date(),
                kind="agreement",
                title=str(version.agreement),
                detail=f"{version} – {version.get_status_display()}",
                url=reverse("agreements:agreement_detail", args=[version.agreement_id]),
            )
        )
    return entries


TIMELINE_PROVIDERS.append(_timeline)
