"""Who may see the annual follow-up, and of which level (R-FOLLOW-1).

The report holds counts only, but it is the principals' and the cooperation bodies' own
follow-up: a manager sees the report of their own principal (a municipality manager their
municipality; a region manager the region and any sub-region or municipality of it); a member
of a cooperation body sees its level (a sub-regional body its sub-region and the
municipalities in it; the regional body, LiSA, the whole region and any part of it). Any other
scope asked for is a 404 with a "denied" audit row (core.policy.deny), as for an object.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _

from core.policy import actor_for, deny
from domain.followup import ReportLevel
from organisations.models import CooperationBody, CooperationMembership, Principal, Role, SubRegion


@dataclass(frozen=True)
class ReportScope:
    """One level the report can be asked for: the whole region, a sub-region, a municipality."""

    level: ReportLevel
    pk: int
    name: str
    region_id: int

    @property
    def key(self) -> str:
        return f"{self.level.value}:{self.pk}"

    @property
    def label(self) -> str:
        if self.level == ReportLevel.REGION:
            return _("%(name)s (whole region)") % {"name": self.name}
        if self.level == ReportLevel.SUB_REGION:
            return _("%(name)s (sub-region)") % {"name": self.name}
        return _("%(name)s (municipality)") % {"name": self.name}


def _region_and_parts(region_ids: set[int]) -> list[ReportScope]:
    scopes = [
        ReportScope(ReportLevel.REGION, pk, name, pk)
        for pk, name in Principal.objects.filter(
            pk__in=region_ids, kind=Principal.Kind.REGION
        ).values_list("pk", "name")
    ]
    scopes += [
        ReportScope(ReportLevel.SUB_REGION, pk, name, region_id)
        for pk, name, region_id in SubRegion.objects.filter(region_id__in=region_ids).values_list(
            "pk", "name", "region_id"
        )
    ]
    scopes += [
        ReportScope(ReportLevel.MUNICIPALITY, pk, name, region_id)
        for pk, name, region_id in Principal.objects.filter(
            kind=Principal.Kind.MUNICIPALITY, region_id__in=region_ids
        ).values_list("pk", "name", "region_id")
    ]
    return scopes


def report_scopes(user: Any) -> list[ReportScope]:
    """The levels this user may see the follow-up of, widest first; empty for anyone else."""
    actor = actor_for(user)
    if not getattr(user, "is_authenticated", False):
        return []
    region_ids: set[int] = set()
    sub_region_ids: set[int] = set()
    municipality_ids: set[int] = set()
    managed = actor.principal_ids(Role.MANAGER)
    if managed:
        for pk, kind in Principal.objects.filter(pk__in=managed).values_list("pk", "kind"):
            (region_ids if kind == Principal.Kind.REGION else municipality_ids).add(pk)
    for level, region_id, sub_region_id in CooperationMembership.objects.filter(
        user=user
    ).values_list("body__level", "body__region_id", "body__sub_region_id"):
        if level == CooperationBody.Level.REGIONAL and region_id is not None:
            region_ids.add(region_id)
        elif sub_region_id is not None:
            sub_region_ids.add(sub_region_id)
    scopes = _region_and_parts(region_ids) if region_ids else []
    if sub_region_ids:
        for pk, name, region_id in SubRegion.objects.filter(pk__in=sub_region_ids).values_list(
            "pk", "name", "region_id"
        ):
            scopes.append(ReportScope(ReportLevel.SUB_REGION, pk, name, region_id))
        for pk, name, region_id in Principal.objects.filter(
            kind=Principal.Kind.MUNICIPALITY, sub_region_id__in=sub_region_ids
        ).values_list("pk", "name", "region_id"):
            scopes.append(ReportScope(ReportLevel.MUNICIPALITY, pk, name, region_id or 0))
    if municipality_ids:
        for pk, name, region_id in Principal.objects.filter(pk__in=municipality_ids).values_list(
            "pk", "name", "region_id"
        ):
            scopes.append(ReportScope(ReportLevel.MUNICIPALITY, pk, name, region_id or 0))
    unique: dict[str, ReportScope] = {}
    for scope in scopes:
        unique.setdefault(scope.key, scope)
    order = {ReportLevel.REGION: 0, ReportLevel.SUB_REGION: 1, ReportLevel.MUNICIPALITY: 2}
    return sorted(unique.values(), key=lambda s: (order[s.level], s.name))


def may_see_follow_up(user: Any) -> bool:
    return bool(report_scopes(user))


def scope_or_404(
    request: HttpRequest, key: str | None, *, scopes: list[ReportScope] | None = None
) -> ReportScope:
    """The scope asked for if this user may see it; otherwise the audited 404. Without a key:
    the user's widest scope (404 for a user with none)."""
    if scopes is None:
        scopes = report_scopes(request.user)
    if not key and scopes:
        return scopes[0]
    for scope in scopes:
        if scope.key == key:
            return scope
    deny(request, object_type="followup.report", object_id=str(key or ""))
