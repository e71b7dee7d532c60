"""Reads of the agreements side: signatures state, versions in force, monthly statements."""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from domain import agreements as rules
from domain.disputes import Correction, RecommendedSplit, correction_lines, with_recommendation
from domain.statements import SplitVersion, Statement, monthly_statement, pair_balance

from .models import Agreement, AgreementVersion, Recommendation, TemporarySplit


def placement_agreement_signed(placement: Any) -> bool:
    """R-PLAC-2: is the placement's cost agreement signed by both principals?

    True when a version of the placement's agreement has status "signed" (both principals'
    signatures landed; see the signing services)."""
    return AgreementVersion.objects.filter(
        agreement__placement_id=placement.pk, status=rules.AgreementStatus.SIGNED
    ).exists()


def _versions_by_number(agreement: Agreement) -> list[AgreementVersion]:
    """The agreement's versions in order; from the prefetch cache when the caller prefetched
    them (the pair statement does), otherwise one query."""
    return sorted(agreement.versions.all(), key=lambda v: v.number)


def settled_on(agreement: Agreement) -> date | None:
    """The day the split was first settled: the first version signed by both."""
    return _settled_on(_versions_by_number(agreement))


def _settled_on(versions: list[AgreementVersion]) -> date | None:
    first = next((v for v in versions if v.signed_at is not None), None)
    if first is None:
        return None
    from django.utils import timezone

    return timezone.localdate(first.signed_at)


def split_versions(agreement: Agreement) -> list[SplitVersion]:
    """The signed versions (in force or superseded) and the temporary splits of disputes
    (R-DISP-1) as plain values for the statement."""
    return _split_versions(agreement, _versions_by_number(agreement))


def _temporary_splits(agreement: Agreement) -> list[TemporarySplit]:
    """The agreement's temporary splits (prefetched by the pair statement, else one query)."""
    return sorted(agreement.temporary_splits.all(), key=lambda t: (t.effective_from, t.pk))


def _recommended_splits(agreement: Agreement) -> list[RecommendedSplit]:
    """The recommendations that adjust the split, in the order they were issued."""
    found: list[Recommendation] = sorted(
        agreement.recommendations.all(), key=lambda r: (r.issued_on, r.pk)
    )
    return [
        RecommendedSplit(
            issued_on=r.issued_on,
            adjusted_from=r.adjusted_from,
            region_percent=r.region_percent,
            region_amount_per_month=r.region_amount_per_month,
        )
        for r in found
        if r.adjusted_from is not None
    ]


def _split_versions(agreement: Agreement, versions: list[AgreementVersion]) -> list[SplitVersion]:
    # Each version's standard share is the one in force on the day it applies from (issue 11).
    rules_on = agreement.placement.child.home_municipality.rule_set_on
    in_force = {
        rules.AgreementStatus.SIGNED,
        rules.AgreementStatus.SUPERSEDED,
        rules.AgreementStatus.ENDED,  # ended with the placement: its days still count
    }
    result = []
    for v in versions:
        if v.status not in in_force or v.effective_from is None:
            continue
        percent = rules.region_percent_for(
            method=rules.SplitMethod(v.split_method),
            region_percent=v.region_percent,
            standard_share=rules_on(v.effective_from).standard_region_share,
        )
        result.append(
            SplitVersion(
                effective_from=v.effective_from,
                effective_until=v.effective_until,
                region_percent=percent,
                region_amount_per_month=v.region_amount_per_month if percent is None else None,
                label=str(v.number),
            )
        )
    # R-DISP-1: the temporary split agreed through the SIP applies from its date while the
    # dispute lasts; as the latest version from that day it replaces the signed one (R-COST-4).
    for t in _temporary_splits(agreement):
        result.append(
            SplitVersion(
                effective_from=t.effective_from,
                effective_until=t.effective_until,
                region_percent=t.region_percent,
                region_amount_per_month=t.region_amount_per_month,
                label="tillfällig",
            )
        )
    return result


def _month_versions(
    agreement: Agreement, versions: list[AgreementVersion], *, year: int, month: int
) -> tuple[list[SplitVersion], list[tuple[list[SplitVersion], RecommendedSplit]]]:
    """The split versions a month's statement uses, and the recommendations issued in that
    month with the versions they adjust. A month already invoiced before a recommendation was
    issued keeps its statement as it was; the recommendation reaches it as correction lines in
    the statement of the month it was issued (R-DISP-1). From that month on the statements use
    the recommended split."""
    split = _split_versions(agreement, versions)
    issued_now: list[tuple[list[SplitVersion], RecommendedSplit]] = []
    for recommended in _recommended_splits(agreement):
        issued = (recommended.issued_on.year, recommended.issued_on.month)
        if issued == (year, month):
            issued_now.append((split, recommended))
        if issued <= (year, month):
            split = with_recommendation(split, recommended)
    return split, issued_now


def placement_statement(*, placement: Any, year: int, month: int) -> Statement | None:
    """Days in placement × cost per day, split by the version in force each day; None when the
    placement has no day in the month. The days before the first signed version's effective
    date (an acute placement's stated date, R-PLAC-3) are the placing principal's."""
    start = placement.actual_start
    if start is None:
        return None
    last = date(year, month, calendar.monthrange(year, month)[1])
    if start > last or (placement.actual_end and placement.actual_end < date(year, month, 1)):
        return None
    agreement = getattr(placement, "agreement", None) if hasattr(placement, "agreement") else None
    versions = _versions_by_number(agreement) if agreement else []
    placing = "region" if placement.placing_principal.kind == "region" else "municipality"
    split = _month_versions(agreement, versions, year=year, month=month)[0] if agreement else []
    return monthly_statement(
        year=year,
        month=month,
        placement_start=start,
        placement_end=placement.actual_end,
        cost_per_day=placement.cost_per_day,
        versions=split,
        placing_principal=placing,
    )


def placement_corrections(*, placement: Any, year: int, month: int) -> list[Correction]:
    """R-DISP-1: the correction lines the statement of ``year``-``month`` carries: for each
    recommendation issued in that month that adjusts responsibility retroactively, one line per
    month already invoiced (what was paid, what should have been, the difference)."""
    start = placement.actual_start
    agreement = getattr(placement, "agreement", None) if hasattr(placement, "agreement") else None
    if start is None or agreement is None:
        return []
    versions = _versions_by_number(agreement)
    placing = "region" if placement.placing_principal.kind == "region" else "municipality"
    lines: list[Correction] = []
    for before, recommended in _month_versions(agreement, versions, year=year, month=month)[1]:
        lines.extend(
            correction_lines(
                placement_start=start,
                placement_end=placement.actual_end,
                cost_per_day=placement.cost_per_day,
                versions=before,
                recommended=recommended,
                placing_principal=placing,
            )
        )
    return lines


@dataclass(frozen=True)
class PairRow:
    placement: Any
    statement: Statement
    corrections: tuple[Correction, ...] = ()

    @property
    def correction_net(self) -> Decimal:
        return sum((c.net for c in self.corrections), Decimal("0.00"))


@dataclass(frozen=True)
class PairStatement:
    year: int
    month: int
    rows: list[PairRow]  # the rows asked for (one page); the sums are over all ``count``
    total: Decimal
    region_part: Decimal
    municipality_part: Decimal
    region_owes_municipality: Decimal
    municipality_owes_region: Decimal
    net: Decimal
    count: int = 0
    first_index: int = 0
    corrections_net: Decimal = Decimal("0.00")


PAIR_ROW_FIELDS = (
    "id",
    "placement_id",
    "municipality_id",
    "region_id",
    "placement__id",
    "placement__child_id",
    "placement__form",
    "placement__actual_start",
    "placement__actual_end",
    "placement__cost_per_day",
    "placement__placing_principal__id",
    "placement__placing_principal__kind",
    "placement__child__id",
    "placement__child__first_name",
    "placement__child__last_name",
    "placement__child__protected_identity",
    "placement__child__home_municipality__id",
    "placement__child__home_municipality__kind",
    "placement__child__home_municipality__rule_set_code",
    "placement__child__home_municipality__region__id",
    "placement__child__home_municipality__region__kind",
    "placement__child__home_municipality__region__rule_set_code",
)


def pair_rows(*, agreements: QuerySet[Agreement], year: int, month: int) -> Iterator[PairRow]:
    """The pair's rows for a month, one placement at a time from a database cursor (issue 13):
    the versions come with each chunk of agreements, so the queries grow with the number of
    chunks of 500, and the memory stays flat however many placements the pair shares."""
    first, last = date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
    agreements = (
        agreements
        # Only placements with a day in the month (as placement_statement decides again).
        .filter(placement__actual_start__lte=last)
        .exclude(placement__actual_end__lt=first)
        .select_related(
            "placement__child__home_municipality__region", "placement__placing_principal"
        )
        # Only what a row needs: the placement's long texts stay in the database.
        .only(*PAIR_ROW_FIELDS)
        .prefetch_related("versions", "temporary_splits", "recommendations")
        .order_by("placement__pk")
    )
    for agreement in agreements.iterator(chunk_size=500):
        placement = agreement.placement
        statement = placement_statement(placement=placement, year=year, month=month)
        if statement is not None:
            corrections = placement_corrections(placement=placement, year=year, month=month)
            yield PairRow(placement=placement, statement=statement, corrections=tuple(corrections))


class PairTotals:
    """The sums and what each principal owes the other, added up row by row (the balance of
    each row by the domain's ``pair_balance``, R-COST-3)."""

    def __init__(self) -> None:
        self.count = 0
        self.total = self.region_part = self.municipality_part = Decimal(0)
        self.region_owes = self.municipality_owes = Decimal(0)
        self.corrections_net = Decimal(0)

    @property
    def net(self) -> Decimal:
        return self.region_owes - self.municipality_owes

    def add(self, row: PairRow) -> PairRow:
        self.count += 1
        self.total += row.statement.total
        self.region_part += row.statement.region
        self.municipality_part += row.statement.municipality
        placing = "region" if row.placement.placing_principal.kind == "region" else "municipality"
        balance = pair_balance([(placing, row.statement)])
        self.region_owes += balance.region_owes_municipality
        self.municipality_owes += balance.municipality_owes_region
        # R-DISP-1: a retroactive recommendation's corrections move money the same way.
        net = row.correction_net
        self.corrections_net += net
        if net > 0:
            self.region_owes += net
        else:
            self.municipality_owes -= net
        return row


def pair_statement(
    *,
    agreements: QuerySet[Agreement],
    year: int,
    month: int,
    start: int = 0,
    stop: int | None = None,
) -> PairStatement:
    """What each principal owes the other for a month across all their placements; keeps the
    rows ``start:stop`` (a page) and sums them all."""
    totals = PairTotals()
    kept = []
    for index, row in enumerate(pair_rows(agreements=agreements, year=year, month=month)):
        totals.add(row)
        if index >= start and (stop is None or index < stop):
            kept.append(row)
    return PairStatement(
        year=year,
        month=month,
        rows=kept,
        total=totals.total,
        region_part=totals.region_part,
        municipality_part=totals.municipality_part,
        region_owes_municipality=totals.region_owes,
        municipality_owes_region=totals.municipality_owes,
        net=totals.net,
        count=totals.count,
        first_index=start,
        corrections_net=totals.corrections_net,
    )


def previous_day(d: date) -> date:
    return d - timedelta(days=1)
