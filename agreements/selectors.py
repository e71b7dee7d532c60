"""Reads of the agreements side: signatures state, versions in force, monthly statements."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from domain import agreements as rules
from domain.statements import SplitVersion, Statement, monthly_statement, pair_balance

from .models import Agreement, AgreementVersion


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
    """The signed versions (in force or superseded) as plain values for the statement."""
    return _split_versions(agreement, _versions_by_number(agreement))


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
    return result


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
    return monthly_statement(
        year=year,
        month=month,
        placement_start=start,
        placement_end=placement.actual_end,
        cost_per_day=placement.cost_per_day,
        versions=_split_versions(agreement, versions) if agreement else [],
        placing_principal=placing,
    )


@dataclass(frozen=True)
class PairRow:
    placement: Any
    statement: Statement


@dataclass(frozen=True)
class PairStatement:
    year: int
    month: int
    rows: list[PairRow]
    total: Decimal
    region_part: Decimal
    municipality_part: Decimal
    region_owes_municipality: Decimal
    municipality_owes_region: Decimal
    net: Decimal


def pair_statement(*, agreements: QuerySet[Agreement], year: int, month: int) -> PairStatement:
    """What each principal owes the other for a month across all their placements."""
    rows = []
    # A bounded number of queries however many placements the pair shares: the versions of
    # every agreement come in one prefetch.
    for agreement in (
        agreements.select_related(
            "placement__child__home_municipality__region", "placement__placing_principal"
        )
        .prefetch_related("versions")
        .order_by("placement__pk")
    ):
        statement = placement_statement(placement=agreement.placement, year=year, month=month)
        if statement is not None:
            rows.append(PairRow(placement=agreement.placement, statement=statement))
    balance = pair_balance(
        (
            "region" if row.placement.placing_principal.kind == "region" else "municipality",
            row.statement,
        )
        for row in rows
    )
    return PairStatement(
        year=year,
        month=month,
        rows=rows,
        total=sum((r.statement.total for r in rows), Decimal(0)),
        region_part=sum((r.statement.region for r in rows), Decimal(0)),
        municipality_part=sum((r.statement.municipality for r in rows), Decimal(0)),
        region_owes_municipality=balance.region_owes_municipality,
        municipality_owes_region=balance.municipality_owes_region,
        net=balance.net,
    )


def previous_day(d: date) -> date:
    return d - timedelta(days=1)
