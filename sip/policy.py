"""Access to SIPs. A SIP is visible to those who see the child as its own case (the
responsible and placing units), to the initiating unit, and to invited units from the
invitation on — unless a consent revocation concerning that unit has taken effect (R-SIP-2:
a revoked consent stops further sharing). The initiating and invited units also see the child:
access sources of ``placements.access``, registered at the end of this module."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone

from core.policy import VIEW, Actor, compiled_subquery, register
from placements import access
from placements.models import ChildAccess
from placements.policy import CASE_ROLES, EDIT_ROLES, initiating_unit_ids, own_child_ids
from placements.selectors import TIMELINE_PROVIDERS, TimelineEntry

from .models import (
    Consent,
    ConsentRevocation,
    Invitation,
    PlanVersion,
    Sip,
    SipMeeting,
)

RESPOND = "respond"
ACTIVE_RESPONSES = (Invitation.Response.PENDING, Invitation.Response.ACCEPTED)


def invited_sip_ids(unit_ids: Iterable[int]) -> Any:
    """SIPs with a live invitation to one of the units and no revocation in force for it: a
    subquery compiled once per set of units and day (``core.policy.compiled_subquery``)."""
    units = frozenset(unit_ids)
    return compiled_subquery(("invited_sips", units), lambda: _invited_sip_ids(units))


def _invited_sip_ids(unit_ids: frozenset[int]) -> QuerySet[Any]:
    revoked = ConsentRevocation.objects.filter(
        consent__sip_id=OuterRef("sip_id"),
        effective_from__lte=timezone.localdate(),
        units=OuterRef("unit_id"),
    )
    return (
        Invitation.objects.filter(unit_id__in=unit_ids, response__in=ACTIVE_RESPONSES)
        .filter(~Exists(revoked))
        .values("sip_id")
    )


def _sip_q(actor: Actor, action: str) -> Q:
    roles = CASE_ROLES if action in (VIEW, RESPOND) else EDIT_ROLES
    units = actor.unit_ids(*roles)
    if action == RESPOND:
        return Q(pk__any=invited_sip_ids(units))
    own = Q(child_id__any=own_child_ids(units)) | Q(
        initiating_unit_id__in=initiating_unit_ids(actor)
    )
    if action == VIEW:
        own |= Q(pk__any=invited_sip_ids(units))
    return own


@register(Sip)
def _sip_scope(actor: Actor, action: str) -> QuerySet[Sip]:
    if not actor.grants:
        return Sip.objects.none()
    return Sip.objects.filter(_sip_q(actor, action))


def _sip_ids(actor: Actor, action: str) -> QuerySet[Any]:
    return _sip_scope(actor, action).values("pk")


@register(Consent)
def _consent_scope(actor: Actor, action: str) -> QuerySet[Consent]:
    return Consent.objects.filter(sip_id__any=_sip_ids(actor, action))


@register(Invitation)
def _invitation_scope(actor: Actor, action: str) -> QuerySet[Invitation]:
    if action == RESPOND:
        units = actor.unit_ids(*CASE_ROLES)
        return Invitation.objects.filter(unit_id__in=units, sip_id__any=_sip_ids(actor, RESPOND))
    return Invitation.objects.filter(sip_id__any=_sip_ids(actor, action))


@register(SipMeeting)
def _meeting_scope(actor: Actor, action: str) -> QuerySet[SipMeeting]:
    return SipMeeting.objects.filter(sip_id__any=_sip_ids(actor, action))


@register(PlanVersion)
def _plan_scope(actor: Actor, action: str) -> QuerySet[PlanVersion]:
    return PlanVersion.objects.filter(sip_id__any=_sip_ids(actor, action))


def _invitation_ends_on() -> Any:
    """R-SIP-2: an invited unit's access through the SIP ends on the day the first consent
    revocation concerning it takes effect."""
    return Subquery(
        ConsentRevocation.objects.filter(
            consent__sip_id=OuterRef("sip_id"), units=OuterRef("unit_id")
        )
        .order_by("effective_from")
        .values("effective_from")[:1]
    )


def _child_of_sip(sip_id: int) -> list[int]:
    return list(Sip.objects.filter(pk=sip_id).values_list("child_id", flat=True))


def _revocation_children(revocation: Any) -> list[int]:
    return list(
        Consent.objects.filter(pk=revocation.consent_id).values_list("sip__child_id", flat=True)
    )


def _revocation_unit_children(instance: Any, reverse: bool, pk_set: Any) -> list[int]:
    """The children whose access a change of a revocation's units moves: from the revocation,
    or (``reverse``) from a unit, of the revocations ``pk_set`` or all of the unit's."""
    if not reverse:
        return _revocation_children(instance)
    revocations = ConsentRevocation.objects.filter(units=instance)
    if pk_set is not None:
        revocations = ConsentRevocation.objects.filter(pk__in=pk_set)
    return list(revocations.values_list("consent__sip__child_id", flat=True))


# The child's access sources (placements.access): the unit that initiated a SIP, and the units
# invited to it (pending or accepted) until a revocation concerning them takes effect.
access.register(
    access.AccessSource(
        source=ChildAccess.Source.SIP_INITIATING,
        queryset=Sip.objects.all,
        child="child_id",
        unit="initiating_unit_id",
        triggers=(
            access.Trigger(
                Sip,
                lambda sip: [sip.child_id],
                frozenset({"initiating_unit", "initiating_unit_id", "child", "child_id"}),
                links=("child_id",),
            ),
        ),
    )
)
access.register(
    access.AccessSource(
        source=ChildAccess.Source.SIP_INVITED,
        queryset=lambda: Invitation.objects.filter(response__in=ACTIVE_RESPONSES),
        child="sip__child_id",
        unit="unit_id",
        ends_on=_invitation_ends_on,
        triggers=(
            access.Trigger(
                Invitation,
                lambda invitation: _child_of_sip(invitation.sip_id),
                frozenset({"response", "unit", "unit_id", "sip", "sip_id"}),
                links=("sip_id",),
            ),
            # A consent moved to another SIP takes its revocation's end dates along.
            access.Trigger(
                Consent,
                lambda consent: _child_of_sip(consent.sip_id),
                frozenset({"sip", "sip_id"}),
                links=("sip_id",),
                only_moves=True,
            ),
            access.Trigger(
                ConsentRevocation,
                _revocation_children,
                frozenset({"effective_from", "consent", "consent_id"}),
                links=("consent_id",),
                m2m=ConsentRevocation.units.through,
                m2m_children=_revocation_unit_children,
            ),
        ),
    )
)


def _timeline(child: Any, user: Any) -> list[TimelineEntry]:
    from core.policy import visible

    entries = []
    for sip in visible(user, Sip).filter(child=child).prefetch_related("meetings"):
        entries.append(
            TimelineEntry(
                on=sip.need_noticed_on,
                kind="sip",
                title=str(sip),
                detail="SIP",
                url=reverse("sip:sip_detail", args=[sip.pk]),
            )
        )
        for meeting in sip.meetings.all():
            entries.append(
                TimelineEntry(
                    on=meeting.scheduled_on,
                    kind="sip_meeting",
                    title=str(meeting),
                    detail="SIP",
                    url=reverse("sip:sip_detail", args=[sip.pk]),
                )
            )
    return entries


TIMELINE_PROVIDERS.append(_timeline)
