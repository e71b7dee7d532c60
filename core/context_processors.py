"""Navigation by role: each role sees only links it can follow."""

from __future__ import annotations

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


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    actor = actor_for(user)
    items = [
        {"url": reverse(name), "label": label, "active": request.path == reverse(name)}
        for name, label, roles in NAV_ITEMS
        if not roles or actor.has_role(*roles)
    ]
    if user.is_staff and (user.is_superuser or actor.has_role(Role.ADMINISTRATOR)):
        items.append({"url": reverse("admin:index"), "label": _("Administration"), "active": False})
    return {"nav_items": items, "actor_roles": sorted(actor.roles)}
