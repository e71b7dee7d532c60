"""Access scopes for children, placements and their parts (registered in core.policy).

A child is visible to members (caseworker, manager, clinician) of its responsible unit and of
the units that placed it, and to the units that later apps add through ``CHILD_ACCESS`` (SIP
invitations, agreement parties). Everything about a child is visible exactly when the child is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import Q, QuerySet

from core.policy import VIEW, Actor, actor_for, actor_key, compiled_subquery, register
from organisations.models import Role, Unit

from .models import Child, HealthExamination, Placement, RelatedPerson

CASE_ROLES = (Role.CASEWORKER, Role.MANAGER, Role.CLINICIAN)
EDIT_ROLES = (Role.CASEWORKER, Role.MANAGER)

# Other apps append functions (actor) -> Q over Child that grant *view* access.
CHILD_ACCESS: list[Callable[[Actor], Q]] = []


def own_children_q(unit_ids: Iterable[int]) -> Q:
    units = frozenset(unit_ids)
    return Q(responsible_unit_id__in=units) | Q(
        pk__any=compiled_subquery(
            ("placed_children", units),
            lambda: Placement.objects.filter(placing_unit_id__in=units).values("child_id"),
        )
    )


def children_q(actor: Actor, action: str) -> Q:
    if action == VIEW:
        q = own_children_q(actor.unit_ids(*CASE_ROLES))
        for extra in CHILD_ACCESS:
            q |= extra(actor)
        return q
    return own_children_q(actor.unit_ids(*EDIT_ROLES))


@register(Child)
def _child_scope(actor: Actor, action: str) -> QuerySet[Child]:
    if not actor.grants:
        return Child.objects.none()
    return Child.objects.filter(children_q(actor, action))


def visible_child_ids(actor: Actor, action: str = VIEW) -> Any:
    """The ids of the children the actor may ``action``, as a subquery compiled once per
    user, grants and day (``core.policy.compiled_subquery``, issue 13)."""
    if not actor.grants:
        return Child.objects.none().values("pk")
    return compiled_subquery(
        ("children", action, *actor_key(actor), tuple(CHILD_ACCESS)),
        lambda: Child.objects.filter(children_q(actor, action)).values("pk"),
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
