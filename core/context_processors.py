"""Navigation by role: each role sees only links it can follow."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from organisations.models import Role

from .policy import actor_for

# (url name, label, roles that see it; empty = everyone signed in)
NAV_ITEMS: list[tuple[str, Any, tuple[str, ...]]] = [
    ("start", _("Start"), ()),
]


def register_nav(url_name: str, label: Any, roles: tuple[str, ...]) -> None:
    """Apps add their entries when they load (AppConfig.ready)."""
    if all(item[0] != url_name for item in NAV_ITEMS):
        NAV_ITEMS.append((url_name, label, roles))


# Entries for people whose access is not a role in a unit (members of a cooperation body, issue
# 14): url name -> (user) -> bool, asked only when the roles do not already show the entry.
NAV_CONDITIONS: dict[str, Callable[[Any], bool]] = {}


def register_nav_condition(url_name: str, condition: Callable[[Any], bool]) -> None:
    """Also show a registered entry to the users for whom ``condition(user)`` is true."""
    NAV_CONDITIONS[url_name] = condition


def _shows(name: str, roles: tuple[str, ...], actor: Any, user: Any) -> bool:
    if not roles or actor.has_role(*roles):
        return True
    condition = NAV_CONDITIONS.get(name)
    return condition is not None and condition(user)


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    actor = actor_for(user)
    items = [
        {"url": reverse(name), "label": label, "active": request.path == reverse(name)}
        for name, label, roles in NAV_ITEMS
        if _shows(name, roles, actor, user)
    ]
    if user.is_staff and (user.is_superuser or actor.has_role(Role.ADMINISTRATOR)):
        items.append({"url": reverse("admin:index"), "label": _("Administration"), "active": False})
    return {"nav_items": items, "actor_roles": sorted(actor.roles)}
