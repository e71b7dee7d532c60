"""Reads for deviations (R-DEV-1): the list, one deviation's steps, the area report's counts.

Every read goes through the access policy (``core.policy.visible``); the child's name only
through ``placements.policy.visible_child_names`` (protected identity), never elsewhere.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet

from core.policy import actor_for, visible
from core.querysets import head_and_count
from domain import deviations as rules
from domain.levels import Level
from organisations.models import SubRegion
from placements.policy import visible_child_names

from .models import Deviation, DeviationCategory, DeviationStatus
from .policy import CASE_ROLES, _body_q, _member_q, _receiver_q

# The list's "whose" filter.
MINE = "mine"
PRINCIPAL = "principal"
BODY = "body"


def deviation_list(
    *, user: Any, whose: str = "", status: str = "", category: str = ""
) -> QuerySet[Deviation]:
    """The deviations the person may see, newest first, with what a row shows in one query."""
    qs = visible(user, Deviation)
    actor = actor_for(user)
    if whose == MINE:
        qs = qs.filter(_member_q(actor))
    elif whose == PRINCIPAL:
        ids = actor.principal_ids(*CASE_ROLES)
        qs = qs.filter(Q(reporting_principal_id__in=ids) | Q(receiving_principal_id__in=ids))
    elif whose == BODY:
        qs = qs.filter(_body_q(user))
    if status:
        qs = qs.filter(status=status)
    if category:
        qs = qs.filter(category=category)
    return qs.select_related(
        "reporting_unit", "reporting_principal", "receiving_principal", "receiving_unit"
    ).order_by("-reported_on", "-pk")


@dataclass(frozen=True)
class ToAnswer:
    """A deviation the person's unit is to receive or answer (R-DEV-1), for the start page."""

    deviation: Deviation
    action: rules.Action
    overdue: bool


def awaiting_my_units(user: Any, *, today: date, limit: int = 5) -> tuple[list[ToAnswer], int]:
    """R-DEV-1: the deviations at the local level that the person's units received and have
    not answered (``rules.AWAITING_RECEIVER``), the earliest answer date first: at most
    ``limit`` of them, and how many there are (one query, two when there are more)."""
    actor = actor_for(user)
    if not actor.grants:
        return [], 0
    # The receiver part of the policy's scope (``_receiver_q`` is inside ``deviation_q`` for
    # a person with grants): the scope's other branches are not asked again (issue 13).
    found = (
        Deviation.objects.filter(
            _receiver_q(actor),
            level=Level.LOCAL.value,
            status__in=[s.value for s in rules.AWAITING_RECEIVER],
        )
        .select_related("reporting_principal")
        .order_by("answer_due_on", "pk")
    )
    rows, count = head_and_count(found, limit)
    items = []
    for deviation in rows:
        step = rules.next_step(
            status=rules.Status(deviation.status),
            level=Level.LOCAL,
            due_on=deviation.answer_due_on,
            today=today,
        )
        assert step.action is not None and step.party == rules.Party.RECEIVER
        items.append(ToAnswer(deviation, step.action, step.overdue))
    return items, count


def child_label(user: Any, deviation: Deviation, names: dict[int, str] | None = None) -> str:
    """The linked child as this person may see it: the name, or nothing (the caller says a
    child is linked, without naming it)."""
    if deviation.child_id is None:
        return ""
    names = names if names is not None else visible_child_names(user, [deviation.child_id])
    return names.get(deviation.child_id, "")


def events_of(deviation: Deviation) -> QuerySet[Any]:
    return deviation.events.select_related("by").order_by("at", "pk")


# --- the area report ----------------------------------------------------------------------------


def _counts(sub_region: SubRegion, period: rules.Period) -> dict[tuple[str, str], int]:
    """(category, status) -> number of the area's deviations reported in the period: counted
    in the database, one query."""
    rows = (
        Deviation.objects.filter(
            sub_region=sub_region,
            reported_on__gte=period.start,
            reported_on__lte=period.end,
        )
        .values_list("category", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {(category, status): n for category, status, n in rows}


def _level_counts(sub_region: SubRegion, period: rules.Period) -> dict[str, int]:
    rows = (
        Deviation.objects.filter(
            sub_region=sub_region,
            reported_on__gte=period.start,
            reported_on__lte=period.end,
        )
        .values_list("level")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return dict(rows)


@dataclass(frozen=True)
class AreaReportData:
    sub_region: SubRegion
    period: rules.Period
    previous: rules.Period
    counts: rules.AreaCounts
    by_level: dict[str, int]
    most_frequent: list[rules.CategoryRow]


def area_report_data(*, sub_region: SubRegion, period: rules.Period) -> AreaReportData:
    """R-DEV-1 (003 §4.2): counts per category and status of the area's deviations reported in
    the period, the previous period of equal length beside them, the most frequent categories
    and the levels they were handled at. No personal data: numbers only."""
    previous = rules.previous_period(period)
    counts = rules.area_counts(
        _counts(sub_region, period),
        _counts(sub_region, previous),
        categories=DeviationCategory.values,
    )
    levels = _level_counts(sub_region, period)
    return AreaReportData(
        sub_region=sub_region,
        period=period,
        previous=previous,
        counts=counts,
        by_level={lvl.value: levels.get(lvl.value, 0) for lvl in Level},
        most_frequent=rules.most_frequent(counts),
    )


def area_report_csv_rows(data: AreaReportData) -> Iterator[list[Any]]:
    """The report's table as CSV rows (numbers as numbers): one row per category."""
    category_labels = dict(DeviationCategory.choices)
    for row in data.counts.rows:
        yield [
            str(category_labels[row.category]),
            *[row.by_status[s] for s in DeviationStatus.values],
            row.total,
            row.previous,
            row.change,
        ]


def status_labels() -> dict[str, str]:
    return {value: str(label) for value, label in DeviationStatus.choices}


def default_period(today: date) -> rules.Period:
    """The calendar year of ``today`` (002 §4.2: the sub-regional cooperation reports yearly)."""
    return rules.Period(start=date(today.year, 1, 1), end=date(today.year, 12, 31))
