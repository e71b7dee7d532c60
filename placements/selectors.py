"""Reads for children and placements."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet

from core.policy import visible

from .models import Child, Placement


@dataclass(frozen=True)
class TimelineEntry:
    on: date
    kind: str  # "placement", "sip", "agreement", …
    title: str
    detail: str
    url: str


# Later apps (SIP, agreements) append providers: (child, user) -> list[TimelineEntry].
TIMELINE_PROVIDERS: list[Callable[[Child, Any], list[TimelineEntry]]] = []


def placement_list(
    *, user: Any, q: str = "", status: str = "", form: str = ""
) -> QuerySet[Placement]:
    qs = visible(user, Placement).select_related(
        "child", "placing_unit__principal", "caseworker", "provider_municipality"
    )
    if status:
        qs = qs.filter(status=status)
    if form:
        qs = qs.filter(form=form)
    if q:
        digits = "".join(ch for ch in q if ch.isdigit())
        cond = Q(provider_name__icontains=q) | Q(child__reserve_number__iexact=q)
        # Names of children with protected identity are not searchable.
        cond |= Q(child__protected_identity=False) & (
            Q(child__first_name__icontains=q) | Q(child__last_name__icontains=q)
        )
        if len(digits) >= 6:
            cond |= Q(child__identity_number__contains=digits)
        qs = qs.filter(cond)
    return qs.order_by("-planned_start", "-pk")


def child_timeline(*, child: Child, user: Any) -> list[TimelineEntry]:
    from django.urls import reverse

    entries = [
        TimelineEntry(
            on=p.start_date,
            kind="placement",
            title=f"{p.get_form_display()} – {p.provider_name}",
            detail=p.get_status_display(),
            url=reverse("placements:placement_detail", args=[p.pk]),
        )
        for p in child.placements.all()
    ]
    for provider in TIMELINE_PROVIDERS:
        entries.extend(provider(child, user))
    return sorted(entries, key=lambda e: e.on, reverse=True)
