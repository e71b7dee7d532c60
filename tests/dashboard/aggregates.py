"""Reference aggregates for the manager's dashboard: each figure counted by a query of its own
in the database, as the dashboard did before issue 13. The one-query ``selectors.overview`` must
give exactly these numbers (test_manager_dashboard.py)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth

from dashboard.models import KIND_LABELS, STATUS_LABELS, Deadline
from dashboard.selectors import (
    COMPLIANCE_KINDS,
    COUNTED_STATUSES,
    OPEN_STATUSES,
    ComplianceSeries,
    CountRow,
    FigureRow,
    Figures,
    MonthShare,
    compliance_window,
)
from domain.deadlines import DeadlineKind, add_months


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


def _figure_aggregates(today: date) -> dict[str, Any]:
    first, last = compliance_window(today)
    window = Q(due_on__gte=first, due_on__lte=last)
    return {
        "overdue": Count("pk", filter=Q(status="overdue")),
        "due_soon": Count("pk", filter=Q(status="due_soon")),
        "open": Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        "on_time": Count("pk", filter=window & Q(status="met_on_time")),
        "counted": Count("pk", filter=window & Q(status__in=COUNTED_STATUSES)),
    }


def _figures(row: dict[str, Any]) -> Figures:
    return Figures(**{name: row[name] or 0 for name in Figures.__dataclass_fields__})


def headline(qs: QuerySet[Deadline], *, today: date) -> Figures:
    """The dashboard's headline figures. One query."""
    return _figures(qs.order_by().aggregate(**_figure_aggregates(today)))


def figures_by_unit(qs: QuerySet[Deadline], *, today: date) -> list[FigureRow]:
    """The figures per responsible unit, the unit with most overdue deadlines first. One query
    (grouped and counted in the database)."""
    rows = (
        qs.order_by()
        .values("unit_id", "unit__name")
        .annotate(**_figure_aggregates(today))
        .order_by("-overdue", "-due_soon", "-open", "unit__name", "unit_id")
    )
    return [FigureRow(str(r["unit_id"]), r["unit__name"], _figures(r)) for r in rows]


def figures_by_responsible(qs: QuerySet[Deadline], *, today: date) -> list[FigureRow]:
    """The figures per responsible caseworker ("not assigned" for the unit's own), the one
    with most overdue deadlines first; people with nothing open or due in the window are left
    out. One query."""
    from django.utils.translation import gettext

    rows = (
        qs.order_by()
        .values(
            "responsible_id",
            "responsible__first_name",
            "responsible__last_name",
            "responsible__email",
        )
        .annotate(**_figure_aggregates(today))
        .filter(Q(open__gt=0) | Q(counted__gt=0))
        .order_by(
            "-overdue", "-due_soon", "-open", "responsible__last_name", "responsible__first_name"
        )
    )
    result = []
    for r in rows:
        if r["responsible_id"] is None:
            key, label = "none", gettext("Not assigned")
        else:
            name = " ".join(
                p for p in (r["responsible__first_name"], r["responsible__last_name"]) if p
            )
            key, label = str(r["responsible_id"]), name or r["responsible__email"]
        result.append(FigureRow(key, label, _figures(r)))
    return result
