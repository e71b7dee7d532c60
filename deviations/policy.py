"""Who sees a deviation and who may take which step on it (R-DEV-1).

A deviation is visible to:

- the members (caseworker, clinician, manager) of the reporting unit;
- the members of the units of the receiving principal that it concerns: the receiving unit when
  the reporter chose one; without one (only allowed when a municipality receives it) the
  municipality's social-services units, which hold the overall coordinating responsibility
  (L8, 002 §3.1). A region is a large principal: a deviation to the region names its unit;
- the managers of any unit of the two principals (they follow their principal's deviations);
- the members of the cooperation body of the deviation's sub-region once the deviation is at the
  sub-regional level or above, and the members of the region's body (LiSA) once it is at the
  regional level. A body member sees nothing at the local level, and nothing of another area.

Administrators see no deviation by their role. The same queryset answers the list and the page
(``core.policy``); outside it is a 404 with an audited denial.

The steps: ``parties_of`` says how a person stands to one deviation (reporter, receiver, body of
its current level); ``domain.deviations.allowed_actions`` says what those parties may do now.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from core.policy import VIEW, Actor, actor_for, register
from domain.deviations import Party
from domain.levels import Level
from organisations.models import CooperationBody, Role, Unit

from .models import AreaReport, Deviation

CASE_ROLES = (Role.CASEWORKER, Role.CLINICIAN, Role.MANAGER)
UPPER_LEVELS = (Level.SUB_REGIONAL.value, Level.REGIONAL.value)


def _body_sub_region_ids(user: Any) -> QuerySet[Any]:
    return CooperationBody.objects.filter(
        memberships__user=user, level=CooperationBody.Level.SUB_REGIONAL
    ).values("sub_region_id")


def _body_region_ids(user: Any) -> QuerySet[Any]:
    return CooperationBody.objects.filter(
        memberships__user=user, level=CooperationBody.Level.REGIONAL
    ).values("region_id")


def _social_services_principal_ids(actor: Actor) -> set[int]:
    return {
        g.principal_id
        for g in actor.grants
        if g.role in CASE_ROLES and g.unit_kind == Unit.Kind.SOCIAL_SERVICES
    }


def _receiver_q(actor: Actor) -> Q:
    """The deviations the person's own units received: the receiving unit, or without one the
    receiving municipality's social-services units (as ``parties_of`` says RECEIVER)."""
    return Q(receiving_unit_id__in=actor.unit_ids(*CASE_ROLES)) | Q(
        receiving_unit__isnull=True,
        receiving_principal_id__in=_social_services_principal_ids(actor),
    )


def _member_q(actor: Actor) -> Q:
    """The deviations of the person's own units: reported by one, or received by one."""
    return Q(reporting_unit_id__in=actor.unit_ids(*CASE_ROLES)) | _receiver_q(actor)


def _body_q(user: Any) -> Q:
    """R-DEV-1: the body of the deviation's area from the sub-regional level on; the regional
    body (LiSA) of either principal's region at the regional level (one of the two principals
    is always the region)."""
    regions = _body_region_ids(user)
    return Q(level__in=UPPER_LEVELS, sub_region_id__in=_body_sub_region_ids(user)) | (
        Q(level=Level.REGIONAL.value)
        & (Q(reporting_principal_id__in=regions) | Q(receiving_principal_id__in=regions))
    )


def deviation_q(actor: Actor) -> Q:
    manager_principals = actor.principal_ids(Role.MANAGER)
    q = _body_q(actor.user)
    if actor.grants:
        q |= _member_q(actor)
        q |= Q(reporting_principal_id__in=manager_principals) | Q(
            receiving_principal_id__in=manager_principals
        )
    return q


@register(Deviation)
def _deviation_scope(actor: Actor, action: str) -> QuerySet[Deviation]:
    """Viewing and acting use the same scope: which step a person may take is the domain's
    question (``parties_of`` and ``allowed_actions``), asked by the service."""
    user = actor.user
    # An inactive person has no grants (core.policy.actor_for) and sees nothing; a system
    # account of the API acts through an inactive user row with the grants of its units.
    if user is None or not user.is_authenticated or (not user.is_active and not actor.grants):
        return Deviation.objects.none()
    return Deviation.objects.filter(deviation_q(actor))


def parties_of(user: Any, deviation: Deviation) -> set[Party]:
    """How the person stands to this deviation now: a member of the reporting unit, of the
    receiving unit(s), or of the body of the deviation's current level."""
    actor = actor_for(user)
    unit_ids = actor.unit_ids(*CASE_ROLES)
    parties: set[Party] = set()
    if deviation.reporting_unit_id in unit_ids:
        parties.add(Party.REPORTER)
    if deviation.receiving_unit_id is not None:
        if deviation.receiving_unit_id in unit_ids:
            parties.add(Party.RECEIVER)
    elif deviation.receiving_principal_id in _social_services_principal_ids(actor):
        parties.add(Party.RECEIVER)
    if deviation.level == Level.SUB_REGIONAL.value and deviation.sub_region_id is not None:
        if CooperationBody.objects.filter(
            memberships__user=user, sub_region_id=deviation.sub_region_id
        ).exists():
            parties.add(Party.BODY)
    elif (
        deviation.level == Level.REGIONAL.value
        and CooperationBody.objects.filter(
            memberships__user=user,
            level=CooperationBody.Level.REGIONAL,
            region_id__in=[deviation.reporting_principal_id, deviation.receiving_principal_id],
        ).exists()
    ):
        parties.add(Party.BODY)
    return parties


def bodies_of(user: Any) -> QuerySet[CooperationBody]:
    """The cooperation bodies the person is a member of."""
    if user is None or not user.is_authenticated:
        return CooperationBody.objects.none()
    return CooperationBody.objects.filter(memberships__user=user).select_related(
        "sub_region", "region"
    )


def is_body_member(user: Any) -> bool:
    cached = getattr(user, "_is_body_member", None)
    if cached is None:
        cached = bodies_of(user).exists()
        if user is not None:
            user._is_body_member = cached
    return bool(cached)


# --- the area report ----------------------------------------------------------------------------

EDIT_REPORT = "change"


@register(AreaReport)
def _area_report_scope(actor: Actor, action: str) -> QuerySet[AreaReport]:
    """The members of the area's body write and submit its report; the regional body (LiSA)
    reads the reports of its region's areas."""
    user = actor.user
    if user is None or not user.is_authenticated or not user.is_active:
        return AreaReport.objects.none()
    q = Q(sub_region_id__in=_body_sub_region_ids(user))
    if action == VIEW:
        q |= Q(sub_region__region_id__in=_body_region_ids(user))
    return AreaReport.objects.filter(q)


def report_areas(user: Any, action: str = VIEW) -> QuerySet[Any]:
    """The sub-regions whose report this person may read (``VIEW``) or write (``change``)."""
    from organisations.models import SubRegion

    if user is None or not user.is_authenticated or not user.is_active:
        return SubRegion.objects.none()
    q = Q(pk__in=_body_sub_region_ids(user))
    if action == VIEW:
        q |= Q(region_id__in=_body_region_ids(user))
    return SubRegion.objects.filter(q).select_related("region").order_by("name")
