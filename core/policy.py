"""The access policy: one module answers "which objects may this user see" and "may this user
do X to this object", so lists and detail pages cannot drift apart.

Each app registers a *scope* per model: a function ``(actor, action) -> QuerySet`` of the
objects the actor may act on. ``visible`` returns that queryset for lists; ``allows`` asks the
same queryset about one object; ``get_or_404`` fetches through it and audits a denial. An
object outside the user's scope is a 404, never a 403.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NoReturn, TypeVar

from django.db import connection, models
from django.db.models.expressions import RawSQL
from django.http import Http404, HttpRequest
from django.utils import timezone

from organisations.models import Membership, Principal, Role, Unit

from .audit import audit_record
from .models import AuditAction

M = TypeVar("M", bound=models.Model)

VIEW = "view"
CHANGE = "change"


@dataclass(frozen=True)
class Grant:
    unit_id: int
    principal_id: int
    role: str
    unit_kind: str
    principal_kind: str


@dataclass(frozen=True)
class Actor:
    """A signed-in user with the units, principals and roles they act for."""

    user: Any
    grants: tuple[Grant, ...] = field(default_factory=tuple)

    def unit_ids(self, *roles: str) -> set[int]:
        return {g.unit_id for g in self.grants if not roles or g.role in roles}

    def principal_ids(self, *roles: str) -> set[int]:
        return {g.principal_id for g in self.grants if not roles or g.role in roles}

    def has_role(self, *roles: str) -> bool:
        return any(g.role in roles for g in self.grants)

    @property
    def roles(self) -> set[str]:
        return {g.role for g in self.grants}

    @property
    def is_region_staff(self) -> bool:
        return any(g.principal_kind == Principal.Kind.REGION for g in self.grants)

    @property
    def is_municipal_staff(self) -> bool:
        return any(g.principal_kind == Principal.Kind.MUNICIPALITY for g in self.grants)


def actor_for(user: Any) -> Actor:
    """The user's grants, loaded once per user object (one query)."""
    cached = getattr(user, "_policy_actor", None)
    if cached is not None:
        return cached
    if user is None or not user.is_authenticated or not user.is_active:
        actor = Actor(user=user)
    else:
        # In the order the memberships were made: the first is the unit the user acts for in
        # the audit log (core.audit.acting_unit).
        rows = (
            Membership.objects.filter(user=user)
            .order_by("pk")
            .values_list(
                "unit_id", "unit__principal_id", "role", "unit__kind", "unit__principal__kind"
            )
        )
        actor = Actor(user=user, grants=tuple(Grant(*row) for row in rows))
    user._policy_actor = actor
    return actor


# --- subqueries compiled once (issue 13) ----------------------------------------------------------
#
# The access subqueries (the children a user may see: an OR of five subqueries, some with
# their own) cost a few milliseconds of Python to build and compile on every query that uses
# them, several times per page. Their SQL is a pure function of the user, the user's grants
# and the date (and of the registered CHILD_ACCESS rules): ``compiled_subquery`` compiles it
# once per process for that key and hands out the SQL with its parameters. Only the SQL is
# kept, never a result: every query still asks the database.

_COMPILED: dict[tuple[Any, ...], tuple[str, tuple[Any, ...]]] = {}
# Entries (one per user or unit set, day and subquery: a few per active user). When full, the
# entries of earlier days go first, then the oldest ones (insertion order).
COMPILED_MAX = 20_000


def actor_key(actor: Actor) -> tuple[Any, ...]:
    """What an actor's access subqueries depend on: the user and the grants."""
    return (getattr(actor.user, "pk", None), frozenset(actor.grants))


def compiled_subquery(key: tuple[Any, ...], build: Callable[[], models.QuerySet[Any]]) -> RawSQL:
    """The one-column subquery ``build()`` as SQL compiled once per process for ``key`` (which
    must name everything the subquery depends on besides the date, which is added here)."""
    today = timezone.localdate()
    full_key = (connection.alias, connection.vendor, today, *key)
    found = _COMPILED.get(full_key)
    if found is None:
        # No ORDER BY (a model's default ordering): Django drops it from a subquery too.
        qs = build().order_by()
        # elide_empty=False: a subquery that can match nothing compiles to "0 = 1".
        sql, params = qs.query.get_compiler(qs.db, elide_empty=False).as_sql()
        found = (sql, tuple(params))
        if qs.db == connection.alias:  # one database (a router elsewhere: compile every time)
            _remember(full_key, found, today=today)
    # Django compiled this SQL from a QuerySet; the values stay parameters.
    return RawSQL(found[0], found[1], output_field=models.BigIntegerField())  # noqa: S611


def _remember(key: tuple[Any, ...], value: tuple[str, tuple[Any, ...]], *, today: Any) -> None:
    if len(_COMPILED) >= COMPILED_MAX:
        for old in [k for k in _COMPILED if k[2] != today]:
            _COMPILED.pop(old, None)
        while len(_COMPILED) >= COMPILED_MAX:
            _COMPILED.pop(next(iter(_COMPILED)), None)
    _COMPILED[key] = value


Scope = Callable[[Actor, str], models.QuerySet[Any]]
_SCOPES: dict[type[models.Model], Scope] = {}


def register(model: type[models.Model]) -> Callable[[Scope], Scope]:
    """Decorator: register the scope function of a model."""

    def decorator(func: Scope) -> Scope:
        _SCOPES[model] = func
        return func

    return decorator


def visible(user: Any, model: type[M], action: str = VIEW) -> models.QuerySet[M]:
    """The objects of ``model`` this user may ``action`` (lists use this)."""
    try:
        scope = _SCOPES[model]
    except KeyError as exc:  # a model without a scope is a programming error, not a 404
        raise LookupError(f"No access scope registered for {model.__name__}") from exc
    return scope(actor_for(user), action)


def allows(user: Any, action: str, obj: models.Model) -> bool:
    """May this user ``action`` this object? The same queryset as the list, so no drift."""
    return visible(user, type(obj), action).filter(pk=obj.pk).exists()


def fetched_through_policy(obj: models.Model, user: Any, action: str = VIEW) -> bool:
    """Whether this very object was fetched by ``get_or_404`` for this user and action in this
    request (a page's object): what the page builds on it may skip asking the scope again
    (issue 13). Any other object answers False: ask ``visible``."""
    return getattr(obj, "_policy_fetched", None) == (getattr(user, "pk", None), action)


def get_or_404(
    request: HttpRequest,
    model: type[M],
    *,
    action: str = VIEW,
    queryset: Callable[[models.QuerySet[M]], models.QuerySet[M]] | None = None,
    **lookup: Any,
) -> M:
    """Fetch one object through the policy; outside the scope it is a 404 with a denied row."""
    qs = visible(request.user, model, action)
    if queryset is not None:
        qs = queryset(qs)
    obj = qs.filter(**lookup).first()
    if obj is not None:
        obj._policy_fetched = (getattr(request.user, "pk", None), action)  # type: ignore[attr-defined]
    if obj is None:
        deny(
            request,
            # The object outside the scope, if it exists, gives the row its child: the child's
            # principal then finds the attempt in its log review.
            obj=model._default_manager.filter(**lookup).first(),
            object_type=model._meta.label_lower,
            object_id=str(next(iter(lookup.values()), "")),
            details={"action": action},
        )
    return obj


def deny(
    request: HttpRequest,
    *,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    details: dict[str, Any] | None = None,
) -> NoReturn:
    """Outside the user's scope: a "denied" audit row, then the same 404 as for an object
    that does not exist."""
    audit_record(
        action=AuditAction.DENIED,
        request=request,
        obj=obj,
        object_type=object_type,
        object_id=object_id[:64],
        details=details,
    )
    raise Http404


def units_acted_for(user: Any, *roles: str) -> models.QuerySet[Unit]:
    return Unit.objects.filter(pk__in=actor_for(user).unit_ids(*roles)).select_related("principal")


def principals_acted_for(user: Any, *roles: str) -> models.QuerySet[Principal]:
    return Principal.objects.filter(pk__in=actor_for(user).principal_ids(*roles))


# --- organisations ---------------------------------------------------------------------------


@register(Unit)
def _unit_scope(actor: Actor, action: str) -> models.QuerySet[Unit]:
    """Every signed-in member may see the directory of units (to invite, to choose parties);
    only an administrator of the principal may change a unit."""
    if action == VIEW and actor.grants:
        return Unit.objects.all()
    if actor.user is not None and getattr(actor.user, "is_superuser", False):
        return Unit.objects.all()
    return Unit.objects.filter(principal_id__in=actor.principal_ids(Role.ADMINISTRATOR))


@register(Principal)
def _principal_scope(actor: Actor, action: str) -> models.QuerySet[Principal]:
    if action == VIEW and actor.grants:
        return Principal.objects.all()
    if actor.user is not None and getattr(actor.user, "is_superuser", False):
        return Principal.objects.all()
    return Principal.objects.filter(pk__in=actor.principal_ids(Role.ADMINISTRATOR))


def administered_principal_ids(user: Any) -> set[int] | None:
    """Principals this user administers; None means all (a superuser)."""
    if getattr(user, "is_superuser", False):
        return None
    return actor_for(user).principal_ids(Role.ADMINISTRATOR)
