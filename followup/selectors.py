"""The annual follow-up report (R-FOLLOW-1), counted in the database.

Every section is one aggregate query (GROUP BY in SQL), whatever the number of placements,
SIPs, deviations or disputes: the number of queries does not grow with the data, and no row is
read into Python one at a time. Counts only: no name, no identity number, no free text.

Where a case lies: a SIP, a placement and its agreement by the child's home municipality (its
social services hold the overall responsibility, L8); a deviation by the principals concerned
and its sub-region; a dispute by its agreement's municipality and its sub-region.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db.models import (
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest, Least
from django.utils.translation import gettext as _

from agreements.models import AgreementLine, AgreementVersion
from dashboard.models import Deadline
from deviations.models import Deviation, DeviationCategory, DeviationStatus, LevelChoices
from domain import agreements as agreement_rules
from domain.deadlines import DeadlineKind
from domain.followup import Period, ReportLevel, share_percent
from domain.rulesets import RULE_SET_HISTORY
from organisations.models import Principal
from placements.models import LegalBasis, Placement, PlacementForm, ReasonCategory

from .policy import ReportScope

CENT = Decimal("0.01")
MONEY = DecimalField(max_digits=20, decimal_places=4)
# Multiplied, never divided: SQLite divides two whole numbers as integers (50 / 100 = 0).
PER_CENT = Decimal("0.01")
PER_DAY_OF_MONTH = Decimal(12) / Decimal(365)  # a split in kronor per month, per day
IN_FORCE = (
    agreement_rules.AgreementStatus.SIGNED,
    agreement_rules.AgreementStatus.SUPERSEDED,
    agreement_rules.AgreementStatus.ENDED,  # ended with the placement: its days still count
)


class DaysBetween(Func):
    """``last − first`` in whole days, as an integer, on SQLite and PostgreSQL alike."""

    arity = 2
    output_field = IntegerField()

    def as_sql(  # type: ignore[override]
        self, compiler: Any, connection: Any, **extra: Any
    ) -> tuple[str, list[Any]]:
        last_sql, last_params = compiler.compile(self.source_expressions[0])
        first_sql, first_params = compiler.compile(self.source_expressions[1])
        if connection.vendor == "sqlite":
            sql = f"CAST(julianday({last_sql}) - julianday({first_sql}) AS INTEGER)"
        else:  # PostgreSQL: date − date is an integer number of days
            sql = f"({last_sql} - {first_sql})"
        return sql, [*last_params, *first_params]


def overlap_days(period: Period, *ranges: tuple[str, str | None]) -> Any:
    """Days of ``period`` inside every (first field, last field or None = open) range, both ends
    included; zero or less when they do not meet (R-FOLLOW-1 volumes: the placement's days in
    the period; the same days as domain.followup.days_in_period)."""
    first = Greatest(Value(period.first), *(F(start) for start, _end in ranges))
    last = Least(
        Value(period.last),
        *(Coalesce(F(end), Value(period.last)) for _start, end in ranges if end is not None),
    )
    return ExpressionWrapper(DaysBetween(last, first) + 1, output_field=IntegerField())


def municipality_q(scope: ReportScope, path: str) -> Q:
    """The cases whose municipality (at ``path``) lies in the scope."""
    if scope.level == ReportLevel.MUNICIPALITY:
        return Q(**{f"{path}_id": scope.pk})
    if scope.level == ReportLevel.SUB_REGION:
        return Q(**{f"{path}__sub_region_id": scope.pk})
    return Q(**{f"{path}__region_id": scope.pk})


# --- SIPs (R-SIP-1) ----------------------------------------------------------------------------


@dataclass(frozen=True)
class SipFigures:
    initiated: int
    in_time: int
    late: int
    not_held: int  # its three weeks have passed without the meeting
    not_yet_due: int = 0  # still within its three weeks: neither in time nor late yet

    @property
    def percent_in_time(self) -> Decimal | None:
        """Of the SIPs whose three weeks have run out or whose meeting was held: one still
        within its three weeks is not counted against the share (it may yet be in time)."""
        return share_percent(self.in_time, self.initiated - self.not_yet_due)


def sip_figures(scope: ReportScope, period: Period, *, today: date) -> SipFigures:
    """SIPs whose need was noticed in the period, and how many held their first meeting within
    three weeks (R-SIP-1): the deadline rows of the first meeting say it (met on or before the
    day it fell due; unmet and due today or later: not yet due), one aggregate."""
    unmet = Q(met_on__isnull=True)
    row = Deadline.objects.filter(
        municipality_q(scope, "child__home_municipality"),
        kind=DeadlineKind.SIP_FIRST_MEETING,
        sip__need_noticed_on__range=(period.first, period.last),
    ).aggregate(
        initiated=Count("pk"),
        in_time=Count("pk", filter=Q(met_on__isnull=False, met_on__lte=F("due_on"))),
        late=Count("pk", filter=Q(met_on__isnull=False, met_on__gt=F("due_on"))),
        not_yet_due=Count("pk", filter=unmet & Q(due_on__gte=today)),
    )
    initiated, in_time, late = row["initiated"], row["in_time"], row["late"]
    pending = row["not_yet_due"]
    return SipFigures(initiated, in_time, late, initiated - in_time - late - pending, pending)


# --- deviations (R-DEV-1) and disputes (R-DISP-1) ----------------------------------------------


@dataclass
class CountTable:
    """Counts by a row key (category, subject) and a column key (level, status)."""

    rows: list[tuple[str, Any]]  # (key, label: a text or a lazy translation)
    columns: list[tuple[str, Any]]
    counts: dict[tuple[str, str], int] = field(default_factory=dict)

    def cell(self, row: str, column: str) -> int:
        return self.counts.get((row, column), 0)

    def row_total(self, row: str) -> int:
        return sum(n for (r, _c), n in self.counts.items() if r == row)

    def column_total(self, column: str) -> int:
        return sum(n for (_r, c), n in self.counts.items() if c == column)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def table(self) -> list[dict[str, Any]]:
        """Rows for the templates and the spreadsheet: label, a count per column, the total."""
        return [
            {
                "key": key,
                "label": label,
                "cells": [self.cell(key, c) for c, _l in self.columns],
                "total": self.row_total(key),
            }
            for key, label in self.rows
        ]

    @property
    def totals(self) -> list[int]:
        return [self.column_total(c) for c, _l in self.columns]


@dataclass
class DeviationFigures:
    by_level: CountTable  # category × level
    by_status: CountTable  # category × status
    closed_with_outcome: int

    @property
    def total(self) -> int:
        return self.by_level.total


def deviation_scope_q(scope: ReportScope) -> Q:
    """R-DEV-1: the deviations concerning the scope: of a municipality, those it reported or
    received; of a sub-region, those of its area; of the region, those of its areas and those
    it or its municipalities reported or received."""
    if scope.level == ReportLevel.MUNICIPALITY:
        return Q(reporting_principal_id=scope.pk) | Q(receiving_principal_id=scope.pk)
    if scope.level == ReportLevel.SUB_REGION:
        return Q(sub_region_id=scope.pk)
    return (
        Q(sub_region__region_id=scope.pk)
        | Q(reporting_principal_id=scope.pk)
        | Q(receiving_principal_id=scope.pk)
        | Q(reporting_principal__region_id=scope.pk)
        | Q(receiving_principal__region_id=scope.pk)
    )


def deviation_figures(scope: ReportScope, period: Period) -> DeviationFigures:
    """Deviations reported in the period by category, level and status (one grouped query)."""
    rows = (
        Deviation.objects.filter(
            deviation_scope_q(scope), reported_on__range=(period.first, period.last)
        )
        .values("category", "level", "status")
        .annotate(n=Count("pk"), with_outcome=Count("pk", filter=~Q(outcome="")))
        .order_by()
    )
    categories = list(DeviationCategory.choices)
    by_level = CountTable(categories, list(LevelChoices.choices))
    by_status = CountTable(categories, list(DeviationStatus.choices))
    closed_with_outcome = 0
    for row in rows:
        key_level = (row["category"], row["level"])
        key_status = (row["category"], row["status"])
        by_level.counts[key_level] = by_level.counts.get(key_level, 0) + row["n"]
        by_status.counts[key_status] = by_status.counts.get(key_status, 0) + row["n"]
        if row["status"] == DeviationStatus.CLOSED:
            closed_with_outcome += row["with_outcome"]
    return DeviationFigures(by_level, by_status, closed_with_outcome)


@dataclass
class DisputeFigures:
    by_level: CountTable  # subject × level reached
    by_outcome: CountTable  # subject × status (open, solved, recommendation)

    @property
    def total(self) -> int:
        return self.by_level.total


def dispute_model() -> Any:
    """The dispute model (R-DISP-1), or None while the app has none."""
    try:
        return apps.get_model("agreements", "Dispute")
    except LookupError:
        return None


def dispute_scope_q(scope: ReportScope) -> Q:
    if scope.level == ReportLevel.MUNICIPALITY:
        return Q(agreement__municipality_id=scope.pk)
    if scope.level == ReportLevel.SUB_REGION:
        return Q(sub_region_id=scope.pk) | Q(agreement__municipality__sub_region_id=scope.pk)
    return Q(agreement__region_id=scope.pk) | Q(agreement__municipality__region_id=scope.pk)


def dispute_figures(scope: ReportScope, period: Period) -> DisputeFigures | None:
    """Disputes opened in the period by subject, the level they reached and their outcome
    (one grouped query); None where disputes are not recorded."""
    model = dispute_model()
    if model is None:
        return None
    rows = (
        model.objects.filter(dispute_scope_q(scope), opened_on__range=(period.first, period.last))
        .values("subject", "level", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    subjects = list(model.Subject.choices)
    by_level = CountTable(subjects, list(model.Level.choices))
    by_outcome = CountTable(subjects, list(model.Status.choices))
    for row in rows:
        for table, column in ((by_level, row["level"]), (by_outcome, row["status"])):
            key = (row["subject"], column)
            table.counts[key] = table.counts.get(key, 0) + row["n"]
    return DisputeFigures(by_level, by_outcome)


# --- HVB placements: volumes, motives, care content (003 §4.4) ---------------------------------


def hvb_placements(scope: ReportScope, period: Period, prefix: str = "") -> Q:
    """HVB placements with at least one day in the period (started, not ended before it)."""
    p = prefix
    return (
        Q(**{f"{p}form": PlacementForm.HVB})
        & Q(**{f"{p}actual_start__isnull": False, f"{p}actual_start__lte": period.last})
        & (Q(**{f"{p}actual_end__isnull": True}) | Q(**{f"{p}actual_end__gte": period.first}))
        & municipality_q(scope, f"{p}child__home_municipality")
    )


@dataclass
class CostRow:
    """One municipality's HVB placements in the period and their cost split."""

    municipality_id: int
    name: str
    placements: int = 0
    started: int = 0
    days: int = 0
    total: Decimal = Decimal("0.00")
    region_part: Decimal = Decimal("0.00")

    @property
    def municipality_part(self) -> Decimal:
        return self.total - self.region_part


@dataclass
class HvbVolumes:
    rows: list[CostRow]
    region_name: str

    @property
    def placements(self) -> int:
        return sum(r.placements for r in self.rows)

    @property
    def started(self) -> int:
        return sum(r.started for r in self.rows)

    @property
    def days(self) -> int:
        return sum(r.days for r in self.rows)

    @property
    def total(self) -> Decimal:
        return sum((r.total for r in self.rows), Decimal("0.00"))

    @property
    def region_part(self) -> Decimal:
        return sum((r.region_part for r in self.rows), Decimal("0.00"))

    @property
    def municipality_part(self) -> Decimal:
        return self.total - self.region_part


def _standard_share() -> Any:
    """R-COST-3: the standard region share of the rule set of the child's region in force on
    the version's first day, as a database expression (the rule sets are data, issue 11)."""
    whens = []
    for code, history in RULE_SET_HISTORY.items():
        for rule_set in reversed(history):
            whens.append(
                When(
                    agreement__placement__child__home_municipality__region__rule_set_code=code,
                    effective_from__gte=rule_set.valid_from,
                    then=Value(rule_set.standard_region_share),
                )
            )
        whens.append(
            When(
                agreement__placement__child__home_municipality__region__rule_set_code=code,
                then=Value(history[0].standard_region_share),
            )
        )
    default = RULE_SET_HISTORY["VG"][-1].standard_region_share
    return Case(*whens, default=Value(default), output_field=MONEY)


def hvb_volumes(scope: ReportScope, period: Period) -> HvbVolumes:
    """R-FOLLOW-1 volumes: per municipality, the HVB placements with a day in the period, those
    started in it, their days in the period and their cost (days × cost per day), and the
    region's part of it, all summed in the database (four grouped queries).

    The region's part: for each signed version (in force, superseded or ended with the
    placement) its days in the period × cost per day × the region's share (R-COST-4: each day by
    the version in force; the versions follow each other, a new one ends the old the day before
    it applies); the days no version covers stay with the placing principal (R-PLAC-3, L23). A
    version with the region's part in kronor per month counts 12/365 of it per day. A dispute's
    temporary split replaces the version from its date (R-DISP-1); a recommendation's retroactive
    corrections (invoiced in the month it was issued) are not included. Amounts are
    summed unrounded and rounded to öre at the end, so a total may differ by some öre from the
    sum of the monthly statements, which round each month."""
    days = overlap_days(period, ("actual_start", "actual_end"))
    placements = (
        Placement.objects.filter(hvb_placements(scope, period))
        .alias(days_in=days)
        .values("child__home_municipality_id", "child__home_municipality__name")
        .annotate(
            n=Count("pk"),
            started=Count("pk", filter=Q(actual_start__range=(period.first, period.last))),
            days=Sum("days_in"),
            total=Sum(ExpressionWrapper(F("days_in") * F("cost_per_day"), output_field=MONEY)),
            total_region_placed=Sum(
                ExpressionWrapper(F("days_in") * F("cost_per_day"), output_field=MONEY),
                filter=Q(placing_principal__kind=Principal.Kind.REGION),
            ),
        )
        .order_by("child__home_municipality__name")
    )
    rows = {
        r["child__home_municipality_id"]: CostRow(
            municipality_id=r["child__home_municipality_id"],
            name=r["child__home_municipality__name"],
            placements=r["n"],
            started=r["started"],
            days=r["days"] or 0,
            total=_money(r["total"]),
            # Placed by the region: its days without a version are the region's (L23).
            region_part=_money(r["total_region_placed"]),
        )
        for r in placements
    }
    version_days = overlap_days(
        period,
        ("agreement__placement__actual_start", "agreement__placement__actual_end"),
        ("effective_from", "effective_until"),
    )
    region_placed = Q(agreement__placement__placing_principal__kind=Principal.Kind.REGION)
    home = "agreement__placement__child__home_municipality_id"
    versions = (
        AgreementVersion.objects.filter(
            hvb_placements(scope, period, prefix="agreement__placement__"),
            status__in=IN_FORCE,
            effective_from__isnull=False,
        )
        .alias(v_days=version_days)
        .filter(v_days__gt=0)
        .values(home)
        .annotate(
            region=Sum(_version_region_cost("v_days")),
            # The days a version covers of a placement the region placed: not the region's
            # whole cost after all, only its share (added above as if all were the region's).
            covered_region_placed=Sum(_days_cost("v_days"), filter=region_placed),
        )
        .order_by()
    )
    for v in versions:
        row = rows.get(v[home])
        if row is None:  # pragma: no cover - the same placements in both queries
            continue
        row.region_part = _money(
            row.region_part + _money(v["region"]) - _money(v["covered_region_placed"])
        )
    _apply_temporary_splits(rows, scope, period, region_placed)
    region_name = (
        Principal.objects.filter(pk=scope.region_id).values_list("name", flat=True).first() or ""
    )
    return HvbVolumes(rows=list(rows.values()), region_name=region_name)


COST = F("agreement__placement__cost_per_day")


def _days_cost(days: str) -> Any:
    return ExpressionWrapper(F(days) * COST, output_field=MONEY)


def _version_region_cost(days: str) -> Any:
    """The region's part of ``days`` days under a signed version, by its split method
    (R-COST-2, R-COST-3): the standard share of the rule set, an agreed percent, or kronor per
    month counted as 12/365 of them per day."""
    share = Case(
        When(split_method=agreement_rules.SplitMethod.STANDARD, then=_standard_share()),
        When(
            split_method=agreement_rules.SplitMethod.PERCENT,
            then=ExpressionWrapper(F("region_percent") * Value(PER_CENT), output_field=MONEY),
        ),
        default=None,
        output_field=MONEY,
    )
    return Case(
        When(
            split_method=agreement_rules.SplitMethod.AMOUNT,
            then=ExpressionWrapper(
                F("region_amount_per_month") * F(days) * Value(PER_DAY_OF_MONTH),
                output_field=MONEY,
            ),
        ),
        default=ExpressionWrapper(F(days) * COST * share, output_field=MONEY),
        output_field=MONEY,
    )


def _temporary_region_cost(days: str, prefix: str = "") -> Any:
    """The region's part of ``days`` days under a temporary split (a percent or kronor per
    month)."""
    return Case(
        When(
            **{f"{prefix}region_percent__isnull": False},
            then=ExpressionWrapper(
                F(days) * COST * F(f"{prefix}region_percent") * Value(PER_CENT),
                output_field=MONEY,
            ),
        ),
        default=ExpressionWrapper(
            F(f"{prefix}region_amount_per_month") * F(days) * Value(PER_DAY_OF_MONTH),
            output_field=MONEY,
        ),
        output_field=MONEY,
    )


def _apply_temporary_splits(
    rows: dict[int, CostRow], scope: ReportScope, period: Period, region_placed: Q
) -> None:
    """R-DISP-1: while a dispute lasts, its temporary split replaces the signed version from its
    date, as in the statements (the latest version from that day, R-COST-4). Two grouped
    queries: the temporary splits' days, and the days they share with a signed version. The
    region's part then gains the temporary share of those days and loses what the signed
    version (or, before any version, the placing principal) was counted for them."""
    from agreements.models import TemporarySplit

    home = "agreement__placement__child__home_municipality_id"
    placement = ("agreement__placement__actual_start", "agreement__placement__actual_end")
    temporary = (
        TemporarySplit.objects.filter(
            hvb_placements(scope, period, prefix="agreement__placement__")
        )
        .alias(t_days=overlap_days(period, placement, ("effective_from", "effective_until")))
        .filter(t_days__gt=0)
        .values(home)
        .annotate(
            region=Sum(_temporary_region_cost("t_days")),
            cost_region_placed=Sum(_days_cost("t_days"), filter=region_placed),
        )
        .order_by()
    )
    for t in temporary:
        row = rows.get(t[home])
        if row is not None:
            row.region_part = _money(
                row.region_part + _money(t["region"]) - _money(t["cost_region_placed"])
            )
    # The days a temporary split shares with a signed version: one row per (version, split),
    # the split's join made once by the first filter and reused by the days expression.
    split = "agreement__temporary_splits__"
    shared = (
        AgreementVersion.objects.filter(
            hvb_placements(scope, period, prefix="agreement__placement__"),
            status__in=IN_FORCE,
            effective_from__isnull=False,
            **{f"{split}effective_from__isnull": False},
        )
        .alias(
            vt_days=overlap_days(
                period,
                placement,
                ("effective_from", "effective_until"),
                (f"{split}effective_from", f"{split}effective_until"),
            )
        )
        .filter(vt_days__gt=0)
        .values(home)
        .annotate(
            version_region=Sum(_version_region_cost("vt_days")),
            cost_region_placed=Sum(_days_cost("vt_days"), filter=region_placed),
        )
        .order_by()
    )
    for v in shared:
        row = rows.get(v[home])
        if row is not None:
            # Not the version's share on these days after all; and not the placing region's
            # whole cost either (subtracted above for every temporary day), since a version
            # covered them.
            row.region_part = _money(
                row.region_part - _money(v["version_region"]) + _money(v["cost_region_placed"])
            )


def _money(value: Any) -> Decimal:
    if value is None:
        return Decimal("0.00")
    return Decimal(str(value)).quantize(CENT)


@dataclass
class Motives:
    by_reason: CountTable  # reason category × legal basis

    @property
    def total(self) -> int:
        return self.by_reason.total


NO_REASON = "none"


def hvb_motives(scope: ReportScope, period: Period) -> Motives:
    """R-FOLLOW-1 motives: the HVB placements with a day in the period by reason category and
    legal basis (LVU, SoL, …), one grouped query. Rows made before the reason was recorded are
    counted as "not stated"."""
    rows = (
        Placement.objects.filter(hvb_placements(scope, period))
        .values("reason_category", "legal_basis")
        .annotate(n=Count("pk"))
        .order_by()
    )
    reasons = [*ReasonCategory.choices, (NO_REASON, _("Not stated"))]
    table = CountTable(reasons, list(LegalBasis.choices))
    for row in rows:
        key = (row["reason_category"] or NO_REASON, row["legal_basis"])
        table.counts[key] = table.counts.get(key, 0) + row["n"]
    return Motives(table)


@dataclass
class CareContent:
    """The kinds of intervention in the agreements of the HVB placements, per principal."""

    by_kind: CountTable  # kind × principal kind: placements with such a line
    lines: CountTable  # kind × principal kind: lines

    @property
    def placements(self) -> int:
        return self.by_kind.total


def hvb_care_content(scope: ReportScope, period: Period) -> CareContent:
    """R-FOLLOW-1 care content (003 §4.4 "vård och behandlingsinnehåll"): the lines of the
    agreement versions in force in the period for HVB placements, by kind of intervention
    (social services, school, health care) and responsible principal (municipality, region):
    how many placements have such an intervention and how many lines there are (one grouped
    query)."""
    version_days = overlap_days(
        period,
        (
            "version__agreement__placement__actual_start",
            "version__agreement__placement__actual_end",
        ),
        ("version__effective_from", "version__effective_until"),
    )
    rows = (
        AgreementLine.objects.filter(
            hvb_placements(scope, period, prefix="version__agreement__placement__"),
            version__status__in=IN_FORCE,
            version__effective_from__isnull=False,
        )
        .alias(v_days=version_days)
        .filter(v_days__gt=0)
        .values("kind", "responsible_principal__kind")
        .annotate(
            lines=Count("pk"), placements=Count("version__agreement__placement", distinct=True)
        )
        .order_by()
    )
    kinds = list(AgreementLine.Kind.choices)
    principals = list(Principal.Kind.choices)
    by_kind = CountTable(kinds, principals)
    lines = CountTable(kinds, principals)
    for row in rows:
        key = (row["kind"], row["responsible_principal__kind"])
        by_kind.counts[key] = row["placements"]
        lines.counts[key] = row["lines"]
    return CareContent(by_kind, lines)


# --- the whole report --------------------------------------------------------------------------


@dataclass(frozen=True)
class Totals:
    """The headline figures of a period, for the comparison with the previous period."""

    sips: SipFigures
    deviations: int
    disputes: int | None
    placements: int
    days: int
    cost: Decimal


@dataclass
class Report:
    scope: ReportScope
    period: Period
    previous: Period
    sips: SipFigures
    previous_sips: SipFigures
    deviations: DeviationFigures
    disputes: DisputeFigures | None
    volumes: HvbVolumes
    motives: Motives
    care: CareContent
    generated_on: date
    previous_totals: Totals | None = None

    @property
    def totals(self) -> Totals:
        return Totals(
            sips=self.sips,
            deviations=self.deviations.total,
            disputes=self.disputes.total if self.disputes is not None else None,
            placements=self.volumes.placements,
            days=self.volumes.days,
            cost=self.volumes.total,
        )


def period_totals(scope: ReportScope, period: Period, sips: SipFigures) -> Totals:
    """The headline figures of a period (R-FOLLOW-1 over time), in a fixed number of queries."""
    disputes = dispute_figures(scope, period)
    volumes = hvb_volumes(scope, period)
    return Totals(
        sips=sips,
        deviations=deviation_figures(scope, period).total,
        disputes=disputes.total if disputes is not None else None,
        placements=volumes.placements,
        days=volumes.days,
        cost=volumes.total,
    )


def follow_up_report(
    *, scope: ReportScope, period: Period, previous: Period, today: date
) -> Report:
    """R-FOLLOW-1: the whole report for one level and period, with the headline figures of the
    previous period to compare with, in a fixed number of queries."""
    previous_sips = sip_figures(scope, previous, today=today)
    return Report(
        scope=scope,
        period=period,
        previous=previous,
        sips=sip_figures(scope, period, today=today),
        previous_sips=previous_sips,
        deviations=deviation_figures(scope, period),
        disputes=dispute_figures(scope, period),
        volumes=hvb_volumes(scope, period),
        motives=hvb_motives(scope, period),
        care=hvb_care_content(scope, period),
        generated_on=today,
        previous_totals=period_totals(scope, previous, previous_sips),
    )
