"""Access scopes for children, placements and their parts (registered in core.policy).

A child is visible to members (caseworker, manager, clinician) of its responsible unit and of
the units that placed it, and to those that later apps add as access sources (SIP initiation
and invitations, health examinations, cost meeting participants): ``placements.access`` keeps
them all in one table. Everything about a child is visible exactly when the child is.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from core.policy import VIEW, Actor, actor_for, actor_key, compiled_subquery, register
from organisations.models import Role, Unit

from . import access
from .models import Child, ChildAccess, HealthExamination, Placement, RelatedPerson

CASE_ROLES = (Role.CASEWORKER, Role.MANAGER, Role.CLINICIAN)
EDIT_ROLES = (Role.CASEWORKER, Role.MANAGER)


def _access_rows(unit_ids: Iterable[int], *, user_id: int | None = None, own: bool = False) -> Any:
    """The ``ChildAccess`` rows (placements.access) of these units (and this user), in force
    today: the access table that the records keep (issue 13)."""
    units = frozenset(unit_ids)
    holder = Q(unit_id__in=units)
    if user_id is not None:
        holder |= Q(user_id=user_id)
    rows = ChildAccess.objects.filter(holder)
    if own:
        return rows.filter(source__in=ChildAccess.OWN_SOURCES)
    return rows.filter(Q(ends_on__isnull=True) | Q(ends_on__gt=timezone.localdate()))


def own_child_ids(unit_ids: Iterable[int]) -> Any:
    """The ids of the units' own cases (children they are responsible for or placed), as a
    subquery compiled once per set of units and day."""
    units = frozenset(unit_ids)
    return compiled_subquery(
        ("own_children", units), lambda: _access_rows(units, own=True).values("child_id")
    )


def own_children_q(unit_ids: Iterable[int]) -> Q:
    return Q(pk__in=own_child_ids(unit_ids))


def children_q(actor: Actor, action: str) -> Q:
    return Q(pk__in=visible_child_ids(actor, action))


@register(Child)
def _child_scope(actor: Actor, action: str) -> QuerySet[Child]:
    if not actor.grants:
        return Child.objects.none()
    return Child.objects.filter(children_q(actor, action))


def visible_child_ids(actor: Actor, action: str = VIEW) -> Any:
    """The ids of the children the actor may ``action``, read from the access table, as a
    subquery compiled once per user, grants and day (``core.policy.compiled_subquery``, issue
    13). To view: every source of the actor's case-role units and the user's own (cost
    meetings), in force today; to change: the own cases of the caseworker and manager units."""
    if not actor.grants:
        return Child.objects.none().values("pk")
    if action == VIEW:
        units, user_id, own = actor.unit_ids(*CASE_ROLES), getattr(actor.user, "pk", None), False
    else:
        units, user_id, own = actor.unit_ids(*EDIT_ROLES), None, True
    return compiled_subquery(
        ("children", action, *actor_key(actor)),
        lambda: _access_rows(units, user_id=user_id, own=own).values("child_id"),
    )


@register(Placement)
def _placement_scope(actor: Actor, action: str) -> QuerySet[Placement]:
    if not actor.grants:
        return Placement.objects.none()
    return Placement.objects.filter(child_id__any=visible_child_ids(actor, action))


@register(RelatedPerson)
def _related_person_scope(actor: Actor, action: str) -> QuerySet[RelatedPerson]:
    if not actor.grants:
        return RelatedPerson.objects.none()
    return RelatedPerson.objects.filter(child_id__any=visible_child_ids(actor, action))


@register(HealthExamination)
def _exam_scope(actor: Actor, action: str) -> QuerySet[HealthExamination]:
    if not actor.grants:
        return HealthExamination.objects.none()
    return HealthExamination.objects.filter(
        placement_id__any=Placement.objects.filter(
            child_id__any=visible_child_ids(actor, action)
        ).values("pk")
    )


def initiating_unit_ids(actor: Actor) -> set[int]:
    """R-SIP-1, any party may initiate a SIP, and the initiating unit runs it: in social
    services its caseworkers and managers; in a school or a region unit (BUP, primary care …)
    also its clinicians, who are the ones working with the child there."""
    return {
        g.unit_id
        for g in actor.grants
        if g.role in EDIT_ROLES
        or (g.role == Role.CLINICIAN and g.unit_kind != Unit.Kind.SOCIAL_SERVICES)
    }


def may_see_protected_details(
    user: Any, *, responsible_unit_id: int, placing_unit_ids: Iterable[int] = ()
) -> bool:
    """Protected identity: name and address only for members of the responsible units (the
    child's responsible unit and the units that placed it)."""
    units = actor_for(user).unit_ids(*CASE_ROLES)
    return responsible_unit_id in units or any(uid in units for uid in placing_unit_ids)


def child_details_visible(user: Any, child: Child) -> bool:
    if not child.protected_identity:
        return True
    placing = [p.placing_unit_id for p in child.placements.all()]
    return may_see_protected_details(
        user, responsible_unit_id=child.responsible_unit_id, placing_unit_ids=placing
    )


def visible_children(user: Any, action: str = VIEW) -> QuerySet[Child]:
    return _child_scope(actor_for(user), action)


def visible_child_names(user: Any, child_ids: Iterable[int | None]) -> dict[int, str]:
    """The names of the children (of ``child_ids``) this user may see: the child is visible
    to them and, with protected identity, they belong to its responsible unit or a unit that
    placed it (as ``child_details_visible``). Others are absent: callers show the masked
    number or "protected identity". One query."""
    ids = {pk for pk in child_ids if pk is not None}
    actor = actor_for(user)
    if not ids or not actor.grants:
        return {}
    details = Q(protected_identity=False) | own_children_q(actor.unit_ids(*CASE_ROLES))
    rows = (
        Child.objects.filter(pk__in=ids)
        .filter(children_q(actor, VIEW))
        .filter(details)
        .values_list("pk", "first_name", "last_name")
    )
    return {pk: f"{first} {last}" for pk, first, last in rows}


# --- access sources (placements.access) -----------------------------------------------------------

_UNIT = frozenset({"responsible_unit", "responsible_unit_id"})
_PLACING = frozenset({"placing_unit", "placing_unit_id", "child", "child_id"})

access.register(
    access.AccessSource(
        source=ChildAccess.Source.RESPONSIBLE,
        queryset=Child.objects.all,
        child="pk",
        unit="responsible_unit_id",
        triggers=(access.Trigger(Child, lambda child: [child.pk], _UNIT),),
    )
)
access.register(
    access.AccessSource(
        source=ChildAccess.Source.PLACING,
        queryset=Placement.objects.all,
        child="child_id",
        unit="placing_unit_id",
        triggers=(access.Trigger(Placement, lambda p: [p.child_id], _PLACING, ("child_id",)),),
    )
)
