"""Who may see which child, kept as rows (issue 13).

The access rule (``placements.policy``): a child is visible to the case-role members of the
units responsible for it, that placed it, that initiated its SIP or are invited to it (until a
consent revocation concerning the unit takes effect, R-SIP-2) and that examine it (R-PLAC-4),
and to the users who take part in its cost meetings. Evaluated in every query, those six
relations made PostgreSQL probe thousands of child ids per query at national scale; the policy
asks ``ChildAccess`` instead, where a unit's children are one index range.

Each relation that grants access registers an ``AccessSource`` here, in the policy module of
the app that owns the relation: the rows it grants as a queryset over its model, and the models
whose changes move them. A change saved through the ORM refreshes the child's rows in the same
transaction (signals, as the deadline table; the child row is locked so that two refreshes of
one child run one after the other). Bulk writes that bypass signals (the national seed) call
``rebuild``; ``differences`` compares the table with the records (``check_child_access``).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import models, transaction
from django.db.models import F, Value
from django.db.models.functions import Cast
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from .models import Child, ChildAccess

# (child_id, unit_id, user_id, ends_on, source): one row of the table.
Row = tuple[int, int | None, int | None, date | None, str]

CHUNK = 500


@dataclass(frozen=True)
class Trigger:
    """A model whose saved or deleted objects move access: ``children(obj)`` are the ids of
    the children to refresh; a save that names ``update_fields`` none of ``fields`` moves
    nothing (an empty ``fields``: every save counts). ``links``: the columns (attnames) that
    lead from the object to its child; a save that changes one refreshes the child it left
    too (asked before the save, one query). ``only_moves``: only such a change counts (the
    object grants nothing by itself, its dependants do)."""

    model: type[models.Model]
    children: Callable[[Any], Iterable[int | None]]
    fields: frozenset[str] = frozenset()
    links: tuple[str, ...] = ()
    only_moves: bool = False
    # A ManyToMany ``through`` whose changes count too, and the children such a change
    # concerns: ``m2m_children(instance, reverse, pk_set)`` (``pk_set`` None: every object
    # related to ``instance``), as Django's m2m_changed signal names them.
    m2m: Any = None
    m2m_children: Callable[[Any, bool, Any], Iterable[int | None]] | None = None


@dataclass(frozen=True)
class AccessSource:
    """The rows one relation grants: ``queryset()`` over its model, with the paths to the
    child's id and to the unit's (or the user's) id, and optionally the day access ends."""

    source: str
    queryset: Callable[[], models.QuerySet[Any]]
    child: str
    unit: str | None = None
    user: str | None = None
    ends_on: Callable[[], Any] | None = None
    triggers: tuple[Trigger, ...] = field(default_factory=tuple)


SOURCES: list[AccessSource] = []


def register(source: AccessSource) -> None:
    """Add a source (once per process: AppConfig.ready) and connect its triggers."""
    if any(s.source == source.source for s in SOURCES):
        return
    SOURCES.append(source)
    for trigger in source.triggers:
        _connect(trigger)


# --- computing the rows ---------------------------------------------------------------------------


def _granted(source: AccessSource, child_ids: list[int]) -> models.QuerySet[Any]:
    qs = source.queryset().filter(**{f"{source.child}__in": child_ids})
    # Typed NULLs: PostgreSQL matches a union's columns by type.
    none_id = Cast(Value(None), models.BigIntegerField())
    holder = source.unit or source.user
    assert holder, f"access source {source.source} names neither a unit nor a user"
    rows: models.QuerySet[Any] = (
        qs.filter(**{f"{holder}__isnull": False})
        .annotate(
            a_child=F(source.child),
            a_unit=F(source.unit) if source.unit else none_id,
            a_user=F(source.user) if source.user else none_id,
            a_ends=source.ends_on() if source.ends_on else Cast(Value(None), models.DateField()),
            a_source=Value(source.source, output_field=models.CharField()),
        )
        .order_by()
        .values_list("a_child", "a_unit", "a_user", "a_ends", "a_source")
    )
    return rows


def granted_rows(child_ids: Iterable[int]) -> set[Row]:
    """The rows the records grant to these children: one query."""
    ids = sorted(set(child_ids))
    if not ids:
        return set()
    parts = [_granted(source, ids) for source in SOURCES]
    if not parts:
        return set()
    union = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    return {_normal(row) for row in union}


def _normal(row: tuple[Any, ...]) -> Row:
    child, unit, user, ends_on, source = row
    if isinstance(ends_on, str):  # SQLite returns a date of a union as text
        ends_on = date.fromisoformat(ends_on)
    return (child, unit, user, ends_on, source)


def stored_rows(child_ids: Iterable[int]) -> dict[Row, list[int]]:
    """The table's rows of these children, each with the ids that hold it."""
    qs = ChildAccess.objects.filter(child_id__in=list(child_ids))
    stored: dict[Row, list[int]] = {}
    for pk, *row in qs.values_list("pk", "child_id", "unit_id", "user_id", "ends_on", "source"):
        stored.setdefault(tuple(row), []).append(pk)  # type: ignore[arg-type]
    return stored


def _store(wanted: set[Row], stored: dict[Row, list[int]]) -> None:
    # Rows no record grants go, and any second copy of a row (written past the refresh).
    stale = [pk for row, pks in stored.items() for pk in (pks if row not in wanted else pks[1:])]
    if stale:
        ChildAccess.objects.filter(pk__in=stale).delete()
    new = [
        ChildAccess(child_id=c, unit_id=un, user_id=us, ends_on=e, source=s)
        for (c, un, us, e, s) in wanted
        if (c, un, us, e, s) not in stored
    ]
    if new:
        ChildAccess.objects.bulk_create(new, batch_size=2000)


# --- keeping the table ----------------------------------------------------------------------------


def refresh(child_ids: Iterable[int | None]) -> None:
    """Bring the rows of these children in line with the records (inside the caller's
    transaction, or one of its own). The children are locked first, in id order: a second
    refresh of the same child waits and then reads what the first committed."""
    ids = sorted({pk for pk in child_ids if pk is not None})
    if not ids:
        return
    with transaction.atomic():
        present = list(
            Child.objects.select_for_update()
            .filter(pk__in=ids)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if present:
            _store(granted_rows(present), stored_rows(present))


def _chunks() -> Iterator[list[int]]:
    ids = list(Child.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def rebuild() -> int:
    """Recompute the whole table, per chunk of children in a transaction of its own (a
    refresh's lock order): after bulk writes that bypass the signals. Returns the row count."""
    for ids in _chunks():
        refresh(ids)
    return ChildAccess.objects.count()


def differences() -> tuple[set[Row], set[Row]]:
    """(rows the records grant that the table lacks, rows the table has that no record grants),
    per chunk of children; both empty when the table is right."""
    missing: set[Row] = set()
    extra: set[Row] = set()
    for ids in _chunks():
        wanted = granted_rows(ids)
        stored = set(stored_rows(ids))
        missing |= wanted - stored
        extra |= stored - wanted
    return missing, extra


# --- signals --------------------------------------------------------------------------------------

_PENDING = "_child_access_children"
_LEFT = "_child_access_left"


def _connect(trigger: Trigger) -> None:
    uid = f"child-access-{trigger.model._meta.label_lower}"

    def counts(update_fields: Any) -> bool:
        return update_fields is None or not trigger.fields or bool(trigger.fields & update_fields)

    def saving(sender: Any, instance: Any, update_fields: Any = None, **kwargs: Any) -> None:
        # An existing object pointed elsewhere: the child it leaves loses what it granted.
        if instance._state.adding or instance.pk is None or not counts(update_fields):
            return
        stored = (
            trigger.model._base_manager.filter(pk=instance.pk).values_list(*trigger.links).first()
        )
        if stored is None or all(
            getattr(instance, link) == value
            for link, value in zip(trigger.links, stored, strict=True)
        ):
            return
        before = copy.copy(instance)
        before._state = copy.copy(instance._state)
        before._state.fields_cache = {}  # the copy's own: the instance keeps its cache
        for link, value in zip(trigger.links, stored, strict=True):
            setattr(before, link, value)
        setattr(instance, _LEFT, list(trigger.children(before)))

    def saved(sender: Any, instance: Any, update_fields: Any = None, **kwargs: Any) -> None:
        left = instance.__dict__.pop(_LEFT, [])
        if (trigger.only_moves and not left) or not counts(update_fields):
            return
        refresh([*left, *trigger.children(instance)])

    def deleting(sender: Any, instance: Any, **kwargs: Any) -> None:
        # Asked before the delete, while the objects it names still exist.
        setattr(instance, _PENDING, list(trigger.children(instance)))

    def deleted(sender: Any, instance: Any, origin: Any = None, **kwargs: Any) -> None:
        if _deleting_children(origin):
            return  # the child goes, and its rows with it (CASCADE)
        refresh(getattr(instance, _PENDING, ()))

    def m2m(sender: Any, instance: Any, action: str, reverse: bool, pk_set: Any, **kw: Any) -> None:
        assert trigger.m2m_children is not None
        if action in ("pre_remove", "pre_clear"):  # asked while the links still exist
            setattr(instance, _PENDING, list(trigger.m2m_children(instance, reverse, pk_set)))
        elif action in ("post_add", "post_remove", "post_clear"):
            before = getattr(instance, _PENDING, [])
            refresh([*before, *trigger.m2m_children(instance, reverse, pk_set)])

    if trigger.links:
        pre_save.connect(saving, sender=trigger.model, weak=False, dispatch_uid=f"{uid}-move")
    post_save.connect(saved, sender=trigger.model, weak=False, dispatch_uid=f"{uid}-save")
    pre_delete.connect(deleting, sender=trigger.model, weak=False, dispatch_uid=f"{uid}-pre")
    post_delete.connect(deleted, sender=trigger.model, weak=False, dispatch_uid=f"{uid}-del")
    if trigger.m2m is not None:
        m2m_changed.connect(m2m, sender=trigger.m2m, weak=False, dispatch_uid=f"{uid}-m2m")


def _deleting_children(origin: Any) -> bool:
    model = getattr(origin, "model", None) or type(origin)
    return isinstance(model, type) and issubclass(model, Child)
