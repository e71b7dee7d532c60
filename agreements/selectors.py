"""Reads of the agreements side: signatures state, versions in force, monthly statements."""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, NamedTuple

from django.db.models import Model, QuerySet

from core.lookups import IdList
from domain import agreements as rules
from domain.disputes import Correction, RecommendedSplit, correction_lines, with_recommendation
from domain.statements import (
    Principal,
    SplitVersion,
    Statement,
    monthly_statement,
    pair_balance,
)
from organisations.models import Principal as PrincipalModel
from placements.models import Child, Placement

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
    """The agreement's temporary splits (prefetched by the caller, else one query)."""
    return sorted(agreement.temporary_splits.all(), key=lambda t: (t.effective_from, t.pk))


def _recommended_splits(agreement: Agreement) -> list[RecommendedSplit]:
    """The recommendations that adjust the split, in the order they were issued."""
    found: list[Recommendation] = sorted(
        agreement.recommendations.all(), key=lambda r: (r.issued_on, r.pk)
    )
    return _as_recommended(found)


def _as_recommended(found: Iterable[Any]) -> list[RecommendedSplit]:
    """Recommendations (instances or plain values with the same names), in the order they were
    issued, as the splits they recommend; those without an adjusted date adjust nothing."""
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


def _standard_share_of(home_municipality: Any) -> Callable[[date], Decimal]:
    """The standard region share on a day, by the rule set of the child's home municipality
    in force that day (issue 11); asked once per day however many versions start on it."""
    rules_on = home_municipality.rule_set_on
    known: dict[date, Decimal] = {}

    def standard_share(day: date) -> Decimal:
        if day not in known:
            known[day] = rules_on(day).standard_region_share
        return known[day]

    return standard_share


def _split_versions(agreement: Agreement, versions: list[AgreementVersion]) -> list[SplitVersion]:
    return _splits(
        versions,
        _temporary_splits(agreement),
        standard_share=_standard_share_of(agreement.placement.child.home_municipality),
    )


SPLIT_IN_FORCE = frozenset(
    {
        rules.AgreementStatus.SIGNED,
        rules.AgreementStatus.SUPERSEDED,
        rules.AgreementStatus.ENDED,  # ended with the placement: its days still count
    }
)


def _splits(
    versions: Iterable[Any],
    temporary_splits: Iterable[Any],
    *,
    standard_share: Callable[[date], Decimal],
) -> list[SplitVersion]:
    """The split versions of an agreement's versions (in the order of their numbers) and
    temporary splits (in the order they apply): model instances or plain values with the same
    attribute names (the pair statement reads values, issue 13)."""
    result = []
    for v in versions:
        if v.status not in SPLIT_IN_FORCE or v.effective_from is None:
            continue
        # Each version's standard share is the one in force on the day it applies from
        # (issue 11).
        percent = rules.region_percent_for(
            method=rules.SplitMethod(v.split_method),
            region_percent=v.region_percent,
            standard_share=standard_share(v.effective_from),
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
    for t in temporary_splits:
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


MonthSplits = tuple[list[SplitVersion], list[tuple[list[SplitVersion], RecommendedSplit]]]


def _month_versions(
    agreement: Agreement, versions: list[AgreementVersion], *, year: int, month: int
) -> MonthSplits:
    """The split versions a month's statement uses, and the recommendations issued in that
    month with the versions they adjust (see ``_month_splits``)."""
    return _month_splits(
        _split_versions(agreement, versions),
        _recommended_splits(agreement),
        year=year,
        month=month,
    )


def _month_splits(
    split: list[SplitVersion], recommended_splits: list[RecommendedSplit], *, year: int, month: int
) -> MonthSplits:
    """A month already invoiced before a recommendation was issued keeps its statement as it
    was; the recommendation reaches it as correction lines in the statement of the month it was
    issued (R-DISP-1). From that month on the statements use the recommended split."""
    issued_now: list[tuple[list[SplitVersion], RecommendedSplit]] = []
    for recommended in recommended_splits:
        issued = (recommended.issued_on.year, recommended.issued_on.month)
        if issued == (year, month):
            issued_now.append((split, recommended))
        if issued <= (year, month):
            split = with_recommendation(split, recommended)
    return split, issued_now


def _placing(kind: str) -> Principal:
    return "region" if kind == "region" else "municipality"


def _has_days(start: date | None, end: date | None, *, year: int, month: int) -> bool:
    """Does a placement from ``start`` to ``end`` have a day in the month?"""
    if start is None:
        return False
    last = date(year, month, calendar.monthrange(year, month)[1])
    return not (start > last or (end and end < date(year, month, 1)))


def _corrections(
    *,
    start: date,
    end: date | None,
    cost_per_day: Decimal,
    placing: Principal,
    issued_now: list[tuple[list[SplitVersion], RecommendedSplit]],
) -> list[Correction]:
    lines: list[Correction] = []
    for before, recommended in issued_now:
        lines.extend(
            correction_lines(
                placement_start=start,
                placement_end=end,
                cost_per_day=cost_per_day,
                versions=before,
                recommended=recommended,
                placing_principal=placing,
            )
        )
    return lines


def placement_statement(*, placement: Any, year: int, month: int) -> Statement | None:
    """Days in placement × cost per day, split by the version in force each day; None when the
    placement has no day in the month. The days before the first signed version's effective
    date (an acute placement's stated date, R-PLAC-3) are the placing principal's."""
    start = placement.actual_start
    if not _has_days(start, placement.actual_end, year=year, month=month):
        return None
    agreement = getattr(placement, "agreement", None) if hasattr(placement, "agreement") else None
    versions = _versions_by_number(agreement) if agreement else []
    split = _month_versions(agreement, versions, year=year, month=month)[0] if agreement else []
    return monthly_statement(
        year=year,
        month=month,
        placement_start=start,
        placement_end=placement.actual_end,
        cost_per_day=placement.cost_per_day,
        versions=split,
        placing_principal=_placing(placement.placing_principal.kind),
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
    return _corrections(
        start=start,
        end=placement.actual_end,
        cost_per_day=placement.cost_per_day,
        placing=_placing(placement.placing_principal.kind),
        issued_now=_month_versions(agreement, versions, year=year, month=month)[1],
    )


class PairChild:
    """What the pair statement's export needs of a child, read as plain values (issue 13).
    The names and initials are the model's own properties, so that they are defined once."""

    __slots__ = ("pk", "first_name", "last_name", "protected_identity")

    full_name = Child.full_name
    initials = Child.initials
    shareable_initials = Child.shareable_initials

    def __init__(self, pk: int, first_name: str, last_name: str, protected_identity: bool) -> None:
        self.pk = pk
        self.first_name = first_name
        self.last_name = last_name
        self.protected_identity = protected_identity


@dataclass(frozen=True, slots=True)
class PairPlacement:
    """What a pair row needs of its placement, read as plain values (issue 13)."""

    pk: int
    child: PairChild
    values: dict[str, Any]  # the placement's and the child's fields as read, for ``instance``

    @property
    def child_id(self) -> int:
        return self.child.pk


@dataclass(frozen=True)
class PairRow:
    """One placement's month in a pair statement. ``placement`` is a ``Placement`` in the rows
    ``pair_statement`` keeps (with its child), a ``PairPlacement`` from ``pair_rows``."""

    placement: Any
    statement: Statement
    corrections: tuple[Correction, ...] = ()
    placing: Principal = "municipality"

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


# The fields a pair row reads: (name in the row's values, path from the agreement).
PAIR_PLACEMENT_FIELDS = (
    ("id", "placement_id"),
    ("child_id", "placement__child_id"),
    ("form", "placement__form"),
    ("actual_start", "placement__actual_start"),
    ("actual_end", "placement__actual_end"),
    ("cost_per_day", "placement__cost_per_day"),
    ("placing_principal_id", "placement__placing_principal_id"),
)
PAIR_CHILD_FIELDS = (
    ("id", "placement__child_id"),
    ("first_name", "placement__child__first_name"),
    ("last_name", "placement__child__last_name"),
    ("protected_identity", "placement__child__protected_identity"),
    ("home_municipality_id", "placement__child__home_municipality_id"),
)
PAIR_HOME_FIELDS = (
    ("id", "placement__child__home_municipality_id"),
    ("kind", "placement__child__home_municipality__kind"),
    ("rule_set_code", "placement__child__home_municipality__rule_set_code"),
    ("region_id", "placement__child__home_municipality__region_id"),
)
PAIR_HOME_REGION_FIELDS = (
    ("id", "placement__child__home_municipality__region_id"),
    ("kind", "placement__child__home_municipality__region__kind"),
    ("rule_set_code", "placement__child__home_municipality__region__rule_set_code"),
)
PAIR_EXTRA_FIELDS = ("id", "placement__placing_principal__kind")
PAIR_ROW_FIELDS = tuple(
    dict.fromkeys(
        [
            *PAIR_EXTRA_FIELDS,
            *(path for fields in (PAIR_PLACEMENT_FIELDS, PAIR_CHILD_FIELDS) for _, path in fields),
            *(path for fields in (PAIR_HOME_FIELDS, PAIR_HOME_REGION_FIELDS) for _, path in fields),
        ]
    )
)


class _Version(NamedTuple):
    """An agreement version's fields that the split reads (``_splits``)."""

    number: int
    status: str
    split_method: str
    region_percent: Decimal | None
    region_amount_per_month: Decimal | None
    effective_from: date | None
    effective_until: date | None


class _TemporarySplit(NamedTuple):
    effective_from: date
    effective_until: date | None
    region_percent: Decimal | None
    region_amount_per_month: Decimal | None


class _Recommendation(NamedTuple):
    issued_on: date
    adjusted_from: date | None
    region_percent: Decimal | None
    region_amount_per_month: Decimal | None


def _instance(model: type[Model], db: str, values: dict[str, Any]) -> Any:
    """A model instance of the fields read (the others deferred, as ``only()`` leaves them)."""
    fields = [f.attname for f in model._meta.concrete_fields if f.attname in values]
    return model.from_db(db, fields, [values[name] for name in fields])


def _grouped(rows: Iterable[tuple[Any, ...]], make: Callable[..., Any]) -> dict[int, list[Any]]:
    """Rows whose first value is the agreement id, grouped by it in the order read."""
    grouped: dict[int, list[Any]] = {}
    for agreement_id, *values in rows:
        grouped.setdefault(agreement_id, []).append(make(*values))
    return grouped


PAIR_CHUNK_SIZE = 500


def pair_rows(*, agreements: QuerySet[Agreement], year: int, month: int) -> Iterator[PairRow]:
    """The pair's rows for a month, one placement at a time from a database cursor (issue 13):
    the rows are plain values, the versions, temporary splits and recommendations come with
    each chunk of ``PAIR_CHUNK_SIZE`` agreements (one query each), so the queries grow with the
    number of chunks and the memory stays flat however many placements the pair shares. The
    money is the domain's, as for one placement (``placement_statement``,
    ``placement_corrections``)."""
    first, last = date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
    found = (
        agreements
        # Only placements with a day in the month (as ``_has_days`` decides again).
        .filter(placement__actual_start__lte=last)
        .exclude(placement__actual_end__lt=first)
        .order_by("placement__pk")
        .values_list(*PAIR_ROW_FIELDS)
    )
    db = found.db
    homes: dict[int, Callable[[date], Decimal]] = {}  # standard share by home municipality
    chunk: list[dict[str, Any]] = []
    for values in found.iterator(chunk_size=PAIR_CHUNK_SIZE):
        chunk.append(dict(zip(PAIR_ROW_FIELDS, values, strict=True)))
        if len(chunk) == PAIR_CHUNK_SIZE:
            yield from _pair_chunk(chunk, db=db, homes=homes, year=year, month=month)
            chunk = []
    if chunk:
        yield from _pair_chunk(chunk, db=db, homes=homes, year=year, month=month)


def _pair_chunk(
    chunk: list[dict[str, Any]],
    *,
    db: str,
    homes: dict[int, Callable[[date], Decimal]],
    year: int,
    month: int,
) -> Iterator[PairRow]:
    ids = [row["id"] for row in chunk]

    def of_chunk(model: Any, make: Any, *order: str) -> dict[int, list[Any]]:
        """The chunk's rows of ``model`` as ``make`` tuples, grouped by agreement (one query)."""
        return _grouped(
            model.objects.using(db)
            # One array parameter for the chunk's 500 ids (core.lookups.IdList, issue 13).
            .filter(agreement_id__any=IdList(ids))
            .order_by("agreement_id", *order)
            .values_list("agreement_id", *make._fields),
            make,
        )

    versions = of_chunk(AgreementVersion, _Version, "number")
    temporary = of_chunk(TemporarySplit, _TemporarySplit, "effective_from", "pk")
    recommended = of_chunk(Recommendation, _Recommendation, "issued_on", "pk")
    for row in chunk:
        start, end = row["placement__actual_start"], row["placement__actual_end"]
        if not _has_days(start, end, year=year, month=month):
            continue
        home_id = row["placement__child__home_municipality_id"]
        if home_id not in homes:
            homes[home_id] = _standard_share_of(_home_municipality(row, db))
        split, issued_now = _month_splits(
            _splits(
                versions.get(row["id"], ()),
                temporary.get(row["id"], ()),
                standard_share=homes[home_id],
            ),
            _as_recommended(recommended.get(row["id"], ())),
            year=year,
            month=month,
        )
        placing = _placing(row["placement__placing_principal__kind"])
        cost_per_day = row["placement__cost_per_day"]
        statement = monthly_statement(
            year=year,
            month=month,
            placement_start=start,
            placement_end=end,
            cost_per_day=cost_per_day,
            versions=split,
            placing_principal=placing,
        )
        corrections = _corrections(
            start=start, end=end, cost_per_day=cost_per_day, placing=placing, issued_now=issued_now
        )
        child = PairChild(
            row["placement__child_id"],
            row["placement__child__first_name"],
            row["placement__child__last_name"],
            row["placement__child__protected_identity"],
        )
        yield PairRow(
            placement=PairPlacement(pk=row["placement_id"], child=child, values=row),
            statement=statement,
            corrections=tuple(corrections),
            placing=placing,
        )


def _home_municipality(row: dict[str, Any], db: str) -> PrincipalModel:
    """The child's home municipality (and its region) as read with the row, for its rule set."""
    home = _instance(PrincipalModel, db, {name: row[path] for name, path in PAIR_HOME_FIELDS})
    if home.region_id is not None:
        home.region = _instance(
            PrincipalModel, db, {name: row[path] for name, path in PAIR_HOME_REGION_FIELDS}
        )
    return home


def _placement_instance(placement: PairPlacement, db: str) -> Placement:
    """A pair row's placement as a ``Placement`` with its child, from the values read."""
    row = placement.values
    instance = _instance(Placement, db, {name: row[path] for name, path in PAIR_PLACEMENT_FIELDS})
    instance.child = _instance(Child, db, {name: row[path] for name, path in PAIR_CHILD_FIELDS})
    return instance


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
        balance = pair_balance([(row.placing, row.statement)])
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
    rows ``start:stop`` (a page, their placements as ``Placement`` with the child) and sums
    them all."""
    totals = PairTotals()
    kept = []
    for index, row in enumerate(pair_rows(agreements=agreements, year=year, month=month)):
        totals.add(row)
        if index >= start and (stop is None or index < stop):
            kept.append(row)
    db = agreements.db
    return PairStatement(
        year=year,
        month=month,
        rows=[replace(row, placement=_placement_instance(row.placement, db)) for row in kept],
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
