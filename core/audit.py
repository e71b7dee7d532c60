"""The one helper that writes the audit log. Call it inside the service's transaction."""

from __future__ import annotations

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.http import HttpRequest

from .models import AuditAction, AuditEvent


def acting_unit(request: HttpRequest, user: Any = None) -> Any:
    """The unit a signed-in user acts for in this request: their first membership's unit.

    Cached on the request. (A unit chooser for people with several units is a later step.)
    """
    if not hasattr(request, "_acting_unit"):
        from organisations.models import Unit

        from .policy import actor_for

        user = user or getattr(request, "user", None)
        unit = None
        if user is not None and user.is_authenticated:
            # The grants the request has loaded anyway hold the memberships in that order (no
            # query of its own on a page, issue 13); a user without them (inactive) is asked.
            grants = actor_for(user).grants
            unit = (
                Unit(pk=grants[0].unit_id)
                if grants
                else Unit.objects.filter(memberships__user=user).order_by("memberships__pk").first()
            )
        request._acting_unit = unit  # type: ignore[attr-defined]
    return request._acting_unit  # type: ignore[attr-defined]


def _child_id_of(obj: models.Model | None) -> int | None:
    if obj is None:
        return None
    getter = getattr(obj, "audit_child_id", None)
    if getter is not None:
        return getter() if callable(getter) else getter
    return None


def audit_record(
    *,
    action: AuditAction | str,
    user: Any = None,
    unit: Any = None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    child_id: int | None = None,
    request: HttpRequest | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one row. ``obj`` fills type, id and child; or pass them explicitly."""
    if request is not None:
        # The request has its row: PolicyObjectMixin adds no generic "view" row on top.
        request._audited = True  # type: ignore[attr-defined]
        request_user = getattr(request, "user", None)
        if user is None and request_user is not None and request_user.is_authenticated:
            user = request_user
        if unit is None and user is not None:
            unit = acting_unit(request, user)
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
        child_id = child_id if child_id is not None else _child_id_of(obj)
    return AuditEvent.objects.create(
        action=action,
        user=user,
        unit=unit,
        object_type=_no_nul(object_type),
        object_id=_no_nul(str(object_id)) if object_id != "" else "",
        child_id=child_id,
        path=(request.get_full_path()[:500] if request is not None else ""),
        details=_json_safe(details or {}),
    )


def _no_nul(text: str) -> str:
    """A forged value may carry a NUL character, which PostgreSQL cannot store in text: the
    row of the attempt keeps it visible as U+FFFD instead of failing."""
    return text.replace("\x00", "\ufffd")


def _json_safe(details: dict[str, Any]) -> dict[str, Any]:
    """Dates, times and amounts as text (a snapshot from ``model_to_dict`` holds them as
    objects, which the JSON column cannot store); NUL characters as U+FFFD (see ``_no_nul``)."""
    return json.loads(json.dumps(details, cls=DjangoJSONEncoder).replace("\\u0000", "\\ufffd"))


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """The fields whose value changed, as {field: [old, new]} with values made JSON-safe."""
    return {
        key: [_jsonable(before.get(key)), _jsonable(after.get(key))]
        for key in after
        if before.get(key) != after.get(key)
    }


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, models.Model):
        return value.pk
    return str(value)
