"""Reads for the dashboard: counted in the database, a bounded number of queries."""

from __future__ import annotations

from collections.abc import Iterable
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
from placements.policy import visible_child_names

from .models import KIND_LABELS, STATUS_LABELS, Deadline, DeadlineQuerySet

OPEN_STATUSES = ("open", "due_soon", "overdue")


def not_met(qs: QuerySet[Deadline]) -> QuerySet[Deadline]:
    """The deadlines not yet met: exactly the open statuses (``with_status`` gives a met
    deadline a met status whatever its date). Said on the column as well as on the computed
    status, so that PostgreSQL uses the partial index of unmet deadlines (issue 13)."""
    return qs.filter(met_on__isnull=True)


COMPLIANCE_KINDS = (
    DeadlineKind.SIP_FIRST_MEETING,
    DeadlineKind.ACUTE_SETTLEMENT,
    DeadlineKind.HEALTH_EXAM_OFFER,
)


def deadlines_for(user: Any, *, today: date, managed_only: bool = False) -> DeadlineQuerySet:
    qs = visible(user, Deadline)
    if managed_only:
        from placements.policy import CASE_ROLES

        from .policy import acting_units_q

        actor = actor_for(user)
        managed = actor.unit_ids(Role.MANAGER)
        # The scope already holds the deadlines of the case-role units (manager included):
        # for a manager of all of them the same filter again only made PostgreSQL square its
        # selectivity (and misjudge the dashboard's grouping by 70×, issue 13).
        if managed != actor.unit_ids(*CASE_ROLES):
            qs = qs.filter(acting_units_q(managed))
    return qs.with_status(today=today, due_soon_days=settings.DEADLINE_DUE_SOON_DAYS)


def my_deadlines(user: Any, *, today: date, limit: int = 20) -> list[Deadline]:
    """What the person must act on: their own deadlines, their units' unassigned ones, and
    those their units act on as a partner or an invited party (region staff)."""
    actor = actor_for(user)
    units = actor.unit_ids()
    qs = (
        not_met(deadlines_for(user, today=today))
        .filter(
            Q(responsible=user)
            | Q(responsible__isnull=True, unit_id__in=units)
            | ~Q(unit_id__in=units)  # visible through a partner or invited unit of mine
        )
        # Implied by not_met, and kept: PostgreSQL estimates the OR above as if the partner
        # branch were independent of the scope (9,600 rows for 70); this CASE lowers the
        # estimate so that it reads the units' unmet deadlines instead of walking every unmet
        # deadline in date order for the first 20 (measured at national scale, issue 13:
        # 2 ms with it, 56 ms without).
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


def share_percent(on_time: int, counted: int) -> Decimal | None:
    """The share met on time, in whole percent; none when nothing was counted."""
    if not counted:
        return None
    return (Decimal(on_time) * 100 / counted).quantize(Decimal("1"))


@dataclass(frozen=True)
class MonthShare:
    month: date
    on_time: int
    counted: int

    @property
    def percent(self) -> Decimal | None:
        return share_percent(self.on_time, self.counted)


@dataclass(frozen=True)
class ComplianceSeries:
    kind: str
    label: Any
    months: list[MonthShare]


def child_names(user: Any, children: Iterable[Any]) -> dict[int, str]:
    """The names of these children that the user may see: any visible child without protected
    identity, and a protected child only for members of its responsible unit or a unit that
    placed it (as ``placements.policy.child_details_visible``). One query, and none when no
    child has protected identity."""
    children = list({c.pk: c for c in children}.values())
    names = {c.pk: c.full_name for c in children if not c.protected_identity}
    protected = [c.pk for c in children if c.protected_identity]
    if protected:
        names.update(visible_child_names(user, protected))
    return names


def managed_overdue_count(user: Any, *, today: date) -> int:
    """The overdue deadlines the units this user manages act on (the start page). One query."""
    return (
        deadlines_for(user, today=today, managed_only=True)
        .in_status("overdue", today=today, due_soon_days=settings.DEADLINE_DUE_SOON_DAYS)
        .count()
    )


# --- the manager's figures ------------------------------------------------------------------

COUNTED_STATUSES = ("met_on_time", "met_late", "overdue")


def compliance_window(today: date) -> tuple[date, date]:
    """The last 12 months: from the first day of the month 11 months back up to today (the
    months the charts show)."""
    return add_months(date(today.year, today.month, 1), -11), today


@dataclass(frozen=True)
class Figures:
    """Overdue now, due within the due-soon window, open (not met), and of the deadlines due in
    the last 12 months those met on time out of those met or overdue."""

    overdue: int
    due_soon: int
    open: int
    on_time: int
    counted: int

    @property
    def percent(self) -> Decimal | None:
        return share_percent(self.on_time, self.counted)


def total_of(rows: Iterable[FigureRow]) -> Figures:
    """The headline figures as the sum of the per-unit rows (every deadline has its unit):
    the database counted them once already (issue 13)."""
    rows = list(rows)
    return Figures(
        **{
            name: sum(getattr(r.figures, name) for r in rows)
            for name in Figures.__dataclass_fields__
        }
    )


@dataclass(frozen=True)
class FigureRow:
    key: str  # the drill-down's filter value: a unit or person id, or "none"
    label: str
    figures: Figures


def filter_deadlines(
    qs: DeadlineQuerySet, params: dict[str, Any], *, today: date
) -> QuerySet[Deadline]:
    """The drill-down: the manager's deadlines narrowed by the filter form's cleaned values
    (``unit``, ``responsible`` id or "none", ``kind``, ``status``: a status, "unmet" for every
    deadline not met, "all", or none for overdue and due soon), sorted by ``sort``."""
    status = params.get("status") or ""
    days = settings.DEADLINE_DUE_SOON_DAYS
    if status == "unmet":
        qs = qs.in_status(*OPEN_STATUSES, today=today, due_soon_days=days)
    elif status == "all":
        pass
    elif status:
        qs = qs.in_status(status, today=today, due_soon_days=days)
    else:
        qs = qs.in_status("overdue", "due_soon", today=today, due_soon_days=days)
    if params.get("unit"):
        qs = qs.filter(unit=params["unit"])
    responsible = params.get("responsible")
    if responsible == "none":
        qs = qs.filter(responsible__isnull=True)
    elif responsible:
        qs = qs.filter(responsible_id=int(responsible))
    if params.get("kind"):
        qs = qs.filter(kind=params["kind"])
    sort = params.get("sort") or "due_on"
    order = {"unit": ["unit__name", "due_on"], "kind": ["kind", "due_on"]}.get(sort, [sort])
    return qs.select_related("child", "unit", "responsible").order_by(*order, "pk")


# --- the manager's dashboard in one grouped query (issue 13) -------------------------------------


@dataclass(frozen=True)
class Overview:
    figures: Figures
    by_unit: list[FigureRow]
    by_responsible: list[FigureRow]
    counts: list[CountRow]
    compliance: list[ComplianceSeries]


# Å, Ä, Ö after Z, in that order, as in a Swedish dictionary (the names only break ties).
_SWEDISH = str.maketrans({"å": "{", "ä": "|", "æ": "|", "ö": "}", "ø": "}"})


def _swedish(text: str | None) -> str:
    return (text or "").casefold().translate(_SWEDISH)


def _ranked(figures: Figures) -> tuple[int, int, int]:
    return (-figures.overdue, -figures.due_soon, -figures.open)


def _figure_vector(status: str, in_window: bool) -> tuple[int, int, int, int, int]:
    """What one deadline of this status adds to each of ``Figures``' fields, in their order:
    overdue, due soon, open (not met), and within the last 12 months met on time and counted
    (met or overdue)."""
    return (
        int(status == "overdue"),
        int(status == "due_soon"),
        int(status in OPEN_STATUSES),
        int(in_window and status == "met_on_time"),
        int(in_window and status in COUNTED_STATUSES),
    )


_VECTORS = {
    (status, in_window): _figure_vector(status, in_window)
    for status in (*OPEN_STATUSES, "met_on_time", "met_late")
    for in_window in (False, True)
}


def _add_to(totals: list[int], vector: tuple[int, ...], n: int) -> None:
    for i, weight in enumerate(vector):
        if weight:
            totals[i] += n


def overview(qs: QuerySet[Deadline], *, today: date) -> Overview:
    """Everything the manager's dashboard shows, from one query: the deadlines counted per
    unit, responsible person, kind, status and (within the last 12 months) due month. The
    headline, the rows per unit and per person, the counts per kind and the compliance series
    are sums of those groups, the same numbers as one aggregate query each would give
    (tests/dashboard/aggregates.py, compared by a test): the database scans the deadlines once
    instead of four times. The groups are summed in one pass (a Göteborg manager has about
    4,000 of them at national scale, issue 13)."""
    from django.db.models import BooleanField, Case, DateField, When
    from django.db.models.functions import Cast
    from django.utils.translation import gettext

    first, last = compliance_window(today)
    window = Q(due_on__gte=first, due_on__lte=last)
    rows = list(
        qs.order_by()
        .annotate(
            in_window=Case(When(window, then=True), default=False, output_field=BooleanField()),
            # The month only where the compliance chart needs it: fewer groups. As a date: the
            # truncation of a date is otherwise a timestamp with time zone, parsed and
            # converted back per group.
            month=Case(
                When(
                    window & Q(kind__in=[k.value for k in COMPLIANCE_KINDS]),
                    then=Cast(TruncMonth("due_on"), DateField()),
                ),
                default=None,
                output_field=DateField(),
            ),
        )
        # Grouped by ids only: the names come from two small queries below (sorting the
        # deadlines by names first cost more than the counting).
        .values_list("unit_id", "responsible_id", "kind", "status", "in_window", "month")
        .annotate(n=Count("pk"))
    )
    from organisations.models import Unit, User

    unit_names = dict(Unit.objects.filter(pk__in={r[0] for r in rows}).values_list("pk", "name"))
    people = {
        pk: (first, last, email)
        for pk, first, last, email in User.objects.filter(
            pk__in={r[1] for r in rows if r[1] is not None}
        ).values_list("pk", "first_name", "last_name", "email")
    }
    width = len(Figures.__dataclass_fields__)
    per_unit: dict[int, list[int]] = {}
    per_person: dict[int | None, list[int]] = {}
    per_kind: dict[str, dict[str, int]] = {}
    per_month: dict[tuple[str, int, int], list[int]] = {}  # [on time, counted]
    for unit_id, person_id, kind, status, in_window, month, n in rows:
        vector = _VECTORS[(status, bool(in_window))]
        unit_totals = per_unit.get(unit_id)
        if unit_totals is None:
            unit_totals = per_unit[unit_id] = [0] * width
        _add_to(unit_totals, vector, n)
        person_totals = per_person.get(person_id)
        if person_totals is None:
            person_totals = per_person[person_id] = [0] * width
        _add_to(person_totals, vector, n)
        counts = per_kind.setdefault(kind, {})
        counts[status] = counts.get(status, 0) + n
        if month is not None:
            shares = per_month.setdefault((kind, month.year, month.month), [0, 0])
            shares[0] += n if status == "met_on_time" else 0
            shares[1] += n if status in COUNTED_STATUSES else 0

    by_unit = [
        FigureRow(str(unit_id), unit_names[unit_id], Figures(*totals))
        for unit_id, totals in per_unit.items()
    ]
    by_unit.sort(key=lambda row: (*_ranked(row.figures), _swedish(row.label), int(row.key)))

    by_responsible = []
    for person_id, totals in per_person.items():
        figures = Figures(*totals)
        if not (figures.open or figures.counted):
            continue
        first_name, last_name, email = people.get(person_id, (None, None, ""))
        if person_id is None:
            key, label = "none", gettext("Not assigned")
        else:
            name = " ".join(p for p in (first_name, last_name) if p)
            key, label = str(person_id), name or email
        by_responsible.append((last_name, first_name, key, label, figures))
    by_responsible.sort(
        key=lambda x: (*_ranked(x[4]), x[0] is None, _swedish(x[0]), _swedish(x[1]))
    )

    counts = [
        CountRow(
            kind=kind.value,
            label=KIND_LABELS[kind],
            counts={s: per_kind[kind.value].get(s, 0) for s in STATUS_LABELS},
            total=sum(per_kind[kind.value].values()),
        )
        for kind in DeadlineKind
        if kind.value in per_kind
    ]

    months = [add_months(first, i) for i in range(12)]
    series = []
    for kind in COMPLIANCE_KINDS:
        shares = []
        for month in months:
            on_time, counted = per_month.get((kind.value, month.year, month.month), (0, 0))
            shares.append(MonthShare(month=month, on_time=on_time, counted=counted))
        series.append(ComplianceSeries(kind=kind.value, label=KIND_LABELS[kind], months=shares))

    return Overview(
        figures=total_of(by_unit),
        by_unit=by_unit,
        by_responsible=[
            FigureRow(key, label, figures) for _l, _f, key, label, figures in by_responsible
        ],
        counts=counts,
        compliance=series,
    )
