"""Access to cost meetings and agreements.

Visible to those who see the placement (its child), to the staff who took part in its cost
meeting, and to the signatories holding a financial mandate for one of its two principals
(R-MEET-3: they must read what they sign). Changes need an edit role in the child's own units.
Cost meeting participants also see the child (an access source of ``placements.access``)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from core.policy import VIEW, Actor, actor_for, compiled_subquery, register
from organisations.models import CooperationMembership, FinancialMandate, Role
from placements import access
from placements.models import ChildAccess, Placement
from placements.policy import visible_child_ids
from placements.selectors import TIMELINE_PROVIDERS, TimelineEntry

from .models import (
    Agreement,
    AgreementVersion,
    CostMeeting,
    CostMeetingParticipant,
    Dispute,
    Recommendation,
    TemporarySplit,
)

SIGN = "sign"


def _mandate_principal_ids(actor: Actor) -> Any:
    """The principals the user holds a mandate for today (compiled once per user and day)."""
    return compiled_subquery(
        ("mandates", getattr(actor.user, "pk", None)),
        lambda: (
            FinancialMandate.objects.filter(user=actor.user)
            .valid_on(timezone.localdate())
            .values("principal_id")
        ),
    )


def _agreement_q(actor: Actor, action: str) -> Q:
    if action == SIGN:
        return Q(municipality_id__any=_mandate_principal_ids(actor)) | Q(
            region_id__any=_mandate_principal_ids(actor)
        )
    # Whoever sees the child sees its agreements. That includes the participants of the
    # child's cost meetings: their access is a source of the access table (issue 13).
    visible_children = visible_child_ids(actor, action)
    q = Q(placement_id__any=Placement.objects.filter(child_id__any=visible_children).values("pk"))
    if action == VIEW:
        q |= Q(municipality_id__any=_mandate_principal_ids(actor)) | Q(
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


def visible_pair(user: Any, *, municipality_id: int, region_id: int) -> QuerySet[Agreement]:
    """The agreements of one pair of principals this user may see (the pair statement). A
    mandate valid today for either principal shows every agreement of that principal (the
    mandate branches of ``_agreement_q``), so then the pair alone is the filter and PostgreSQL
    need not build the scope's other sets (issue 13: 4,984 children through a region
    signatory's cost meetings). Otherwise the scope, narrowed to the pair. A test compares the
    two for signatories, caseworkers and outsiders."""
    actor = actor_for(user)
    if not actor.grants or actor.user is None:
        return Agreement.objects.none()
    pair = Q(municipality_id=municipality_id, region_id=region_id)
    held = set(
        FinancialMandate.objects.filter(user=actor.user)
        .valid_on(timezone.localdate())
        .values_list("principal_id", flat=True)
    )
    if held & {municipality_id, region_id}:
        return Agreement.objects.filter(pair)
    return _agreement_scope(actor, VIEW).filter(pair)


@register(AgreementVersion)
def _version_scope(actor: Actor, action: str) -> QuerySet[AgreementVersion]:
    return AgreementVersion.objects.filter(
        agreement_id__any=_agreement_scope(actor, action).values("pk")
    )


@register(CostMeeting)
def _cost_meeting_scope(actor: Actor, action: str) -> QuerySet[CostMeeting]:
    if not actor.grants:
        return CostMeeting.objects.none()
    # The meetings of the children the actor sees; a participant sees the child (the access
    # table's cost meeting source), so every meeting they took part in too.
    visible_children = visible_child_ids(actor, action)
    return CostMeeting.objects.filter(
        placement_id__any=Placement.objects.filter(child_id__any=visible_children).values("pk")
    )


# --- disputes (R-DISP-1) ------------------------------------------------------------------------
#
# A dispute is seen by those who see its agreement (the two principals' staff), by the members
# of the sub-regional cooperation body of its area once it has reached that level, and by the
# members of the region's regional body (LiSA) once it is there. A body member sees nothing of
# another area's disputes, nor a dispute still handled locally.

PARTY_ROLES = (Role.CASEWORKER, Role.CLINICIAN, Role.MANAGER)


def _body_rows(user: Any, level: str) -> QuerySet[CooperationMembership]:
    return CooperationMembership.objects.filter(user=user, body__level=level)


def _dispute_q(actor: Actor) -> Q:
    user = actor.user
    q = Q(
        level__in=["sub_regional", "regional"],
        sub_region_id__any=_body_rows(user, "sub_regional").values("body__sub_region_id"),
    ) | Q(
        level="regional",
        agreement__region_id__any=_body_rows(user, "regional").values("body__region_id"),
    )
    if actor.grants:
        q |= Q(agreement_id__any=_agreement_scope(actor, VIEW).values("pk"))
    return q


@register(Dispute)
def _dispute_scope(actor: Actor, action: str) -> QuerySet[Dispute]:
    if actor.user is None or not getattr(actor.user, "is_authenticated", False):
        return Dispute.objects.none()
    return Dispute.objects.filter(_dispute_q(actor))


@register(TemporarySplit)
def _temporary_split_scope(actor: Actor, action: str) -> QuerySet[TemporarySplit]:
    return TemporarySplit.objects.filter(dispute_id__any=_dispute_scope(actor, action).values("pk"))


@register(Recommendation)
def _recommendation_scope(actor: Actor, action: str) -> QuerySet[Recommendation]:
    return Recommendation.objects.filter(dispute_id__any=_dispute_scope(actor, action).values("pk"))


def party_principal_ids(user: Any, agreement: Agreement) -> set[int]:
    """The agreement's principals this user acts for as a party to a dispute: staff (caseworker,
    clinician, manager) of a unit of that principal who see the agreement."""
    actor = actor_for(user)
    mine = actor.principal_ids(*PARTY_ROLES) & set(agreement.principal_ids)
    if not mine or not _agreement_scope(actor, VIEW).filter(pk=agreement.pk).exists():
        return set()
    return mine


def is_body_member(user: Any, dispute: Dispute, level: str) -> bool:
    """Is the user a member of the body that handles the dispute at ``level``: the
    sub-regional body of the dispute's area, or the regional body of the agreement's region?"""
    if level == "sub_regional":
        return (
            dispute.sub_region_id is not None
            and _body_rows(user, level).filter(body__sub_region_id=dispute.sub_region_id).exists()
        )
    if level == "regional":
        return _body_rows(user, level).filter(body__region_id=dispute.agreement.region_id).exists()
    return False


def is_cooperation_member(user: Any) -> bool:
    """Does the user sit in any cooperation body (the way in for members without units)?"""
    return CooperationMembership.objects.filter(user=user).exists()


def _participant_children(participant: Any) -> list[int]:
    return list(
        CostMeeting.objects.filter(pk=participant.meeting_id).values_list(
            "placement__child_id", flat=True
        )
    )


def _meeting_participant_children(instance: Any, reverse: bool, pk_set: Any) -> list[int]:
    """``meeting.participants`` changed (or, ``reverse``, a user's cost meetings)."""
    if not reverse:
        return _participant_children(CostMeetingParticipant(meeting_id=instance.pk))
    meetings = CostMeeting.objects.filter(participants=instance)
    if pk_set is not None:
        meetings = CostMeeting.objects.filter(pk__in=pk_set)
    return list(meetings.values_list("placement__child_id", flat=True))


# Cost meeting participants see the child (an access source of placements.access).
access.register(
    access.AccessSource(
        source=ChildAccess.Source.COST_MEETING,
        queryset=CostMeetingParticipant.objects.all,
        child="meeting__placement__child_id",
        user="user_id",
        triggers=(
            access.Trigger(
                CostMeetingParticipant,
                _participant_children,
                frozenset({"user", "user_id", "meeting", "meeting_id"}),
                links=("meeting_id",),
                m2m=CostMeetingParticipant,
                m2m_children=_meeting_participant_children,
            ),
            # A meeting moved to another placement takes its participants' access along.
            access.Trigger(
                CostMeeting,
                lambda meeting: Placement.objects.filter(pk=meeting.placement_id).values_list(
                    "child_id", flat=True
                ),
                frozenset({"placement", "placement_id"}),
                links=("placement_id",),
                only_moves=True,
            ),
        ),
    )
)


def _timeline(child: Any, user: Any) -> list[TimelineEntry]:
    entries = []
    # The timeline is built for a child the user sees (the child page fetched it through the
    # policy), and whoever sees a child sees its agreements (``_agreement_q``'s first branch),
    # as the cost meetings above: read by child, without the scope's set of every agreement
    # the user may see (issue 13; tests/agreements/test_access.py compares the two).
    for version in (
        AgreementVersion.objects.filter(agreement__placement__child=child)
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
