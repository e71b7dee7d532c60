"""``{% load agreement_tags %}{% signatures_awaited %}``: the agreements awaiting the user's
signature and those awaiting the other party, for the start page (issue 12)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from ..signatures import signatures_awaited as awaited_for

register = template.Library()


@register.inclusion_tag("agreements/_signatures_awaited.html", takes_context=True)
def signatures_awaited(context: template.Context) -> dict[str, Any]:
    """Nothing is rendered when nothing awaits a signature; a bounded number of queries."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    if user is None or not user.is_authenticated:
        return {"mine": [], "others": []}
    mine, others = awaited_for(user, on=timezone.localdate())
    return {"mine": mine, "others": others, "request": request}
