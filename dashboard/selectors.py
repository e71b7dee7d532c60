"""Reads for the dashboard: counted in the database, a bounded number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth

from core.policy import actor_for, visible
from domain.deadlines import DeadlineKind, add_months
from organisations.models import Role

from .models import KIND_LABELS, STATUS_LABELS, Deadline

OPEN_STATUSES = ("open", "due_soon", "overdue")
COMPLIANCE_KINDS = (
    DeadlineKind.SIP_FIRST_MEETING,
    DeadlineKind.ACUTE_SETTLEMENT,
    DeadlineKind.HEALTH_EXAM_OFFER,
)


def deadlines_for(user: Any, *, today: date, managed_only: bool = False) -> QuerySet[Deadline]:
    qs = visible(user, Deadline)
    if managed_only:
        from .policy import acting_units_q

        qs = qs.filter(acting_units_q(actor_for(user).unit_ids(Role.MANAGER)))
    return qs.with_status(today=today, due_soon_days=settings.DEADLINE_DUE_SOON_DAYS)


def my_deadlines(user: Any, *, today: date, limit: int = 20) -> list[Deadline]:
    """What the person must act on: their own deadlines, their units' unassigned ones, and
    those their units act on as a partner or an invited party (region staff)."""
    actor = actor_for(user)
    units = actor.unit_ids()
    qs = (
        deadlines_for(user, today=today)
        .filter(
            Q(responsible=user)
            | Q(responsible__isnull=True, unit_id__in=units)
            | ~Q(unit_id__in=units)  # visible through a partner or invited unit of mine
        )
        .filter(status__in=OPEN_STATUSES)
        .select_related("child", "unit", "responsible")
        .order_by("due_on", "pk")
    )
    return list(qs[:limit])


@dataclass(frozen=True)
class CountRow:
    kind: str
    label: Any
    counts: dict[str, int]
    total: int


def counts_by_kind(qs: QuerySet[Deadline]) -> list[CountRow]:
    """One query: the number of deadlines per kind and status."""
    table: dict[str, dict[str, int]] = {}
    for row in qs.order_by().values("kind", "status").annotate(n=Count("pk")):
        table.setdefault(row["kind"], {})[row["status"]] = row["n"]
    return [
        CountRow(
            kind=kind.value,
            label=KIND_LABELS[kind],
            counts={s: table.get(kind.value, {}).get(s, 0) for s in STATUS_LABELS},
            total=sum(table.get(kind.value, {}).values()),
        )
        for kind in DeadlineKind
        if kind.value in table
    ]


@dataclass(frozen=True)
class MonthShare:
    month: date
    on_time: int
    counted: int

    @property
    def percent(self) -> Decimal | None:
        if not self.counted:
            return None
        return (Decimal(self.on_time) * 100 / self.counted).quantize(Decimal("1"))


@dataclass(frozen=True)
class ComplianceSeries:
    kind: str
    label: Any
    months: list[MonthShare]


def compliance(qs: QuerySet[Deadline], *, today: date) -> list[ComplianceSeries]:
    """Share met on time per month (by due month) over the last 12 months, for the SIP,
    acute-settlement and health-examination deadlines. One query."""
    first = add_months(date(today.year, today.month, 1), -11)
    due = Q(status__in=("met_on_time", "met_late", "overdue"))
    rows = (
        qs.filter(
            kind__in=[k.value for k in COMPLIANCE_KINDS], due_on__gte=first, due_on__lte=today
        )
        .annotate(month=TruncMonth("due_on"))
        .order_by()
        .values("kind", "month")
        .annotate(
            on_time=Count("pk", filter=Q(status="met_on_time")),
            counted=Count("pk", filter=due),
        )
    )
    found = {(r["kind"], r["month"]): r for r in rows}
    months = [add_months(first, i) for i in range(12)]
    series = []
    for kind in COMPLIANCE_KINDS:
        shares = []
        for month in months:
            key_month = month
            r = found.get((kind.value, key_month))
            if r is None:  # some backends return datetimes from TruncMonth on dates
                r = next(
                    (v for (k, m), v in found.items() if k == kind.value and _same_month(m, month)),
                    None,
                )
            shares.append(
                MonthShare(
                    month=month, on_time=r["on_time"] if r else 0, counted=r["counted"] if r else 0
                )
            )
        series.append(ComplianceSeries(kind=kind.value, label=KIND_LABELS[kind], months=shares))
    return series


def _same_month(value: Any, month: date) -> bool:
    return value is not None and value.year == month.year and value.month == month.month
