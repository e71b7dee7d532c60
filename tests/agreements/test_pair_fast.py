"""Issue 13: the pair statement reads its rows as plain values (one query per chunk for the
versions, the temporary splits and the recommendations) instead of model instances. These
tests prove that the rows and the sums are the ones the domain gives placement by placement
through ``placement_statement`` and ``placement_corrections`` (the model path), on a pair with
every kind of split: the standard split of the rule set, percent, kronor per month, a version
replaced mid-month, an acute placement's interim days, an unsigned agreement, a placement
placed by the region, a dispute's temporary split and a recommendation with correction lines.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agreements import selectors
from agreements.models import Agreement, AgreementVersion
from domain.statements import pair_balance
from placements.models import Placement
from tests.agreements.conftest import signed_agreement
from tests.agreements.test_disputes import (  # noqa: F401 - fixtures used by name
    _recommend,
    _to_regional_on_day_31,
    areas,
    case,
    dispute,
)
from tests.placements.factories import ChildFactory, PlacementFactory

pytestmark = pytest.mark.django_db

MONTHS = [(2026, m) for m in range(4, 11)]


def _placement(child_name, *, goteborg, gbg_social, gbg_caseworker, **fields):
    child = ChildFactory(
        first_name=child_name, home_municipality=goteborg, responsible_unit=gbg_social
    )
    return PlacementFactory(
        child=child, caseworker=gbg_caseworker, status=Placement.Status.ACTIVE, **fields
    )


@pytest.fixture
def mixed(dispute, areas, gbg_caseworker, goteborg, gbg_social, bup, region):  # noqa: F811
    """The dispute's placement (1 000 kr a day from 1 May, version 1 at 50 %, the temporary
    split 40 % from 15 May, then LiSA's recommendation of 60 % from 1 May issued 10 August)
    and six more placements of the pair."""
    _to_regional_on_day_31(dispute, gbg_caseworker)
    _recommend(dispute, areas["lisa"])
    people = {"goteborg": goteborg, "gbg_social": gbg_social, "gbg_caseworker": gbg_caseworker}

    # The standard split from 17 May, replaced on 10 June by 9 000 kr a month.
    standard = _placement(
        "Bo",
        **people,
        actual_start=date(2026, 5, 17),
        planned_start=date(2026, 5, 17),
        cost_per_day=Decimal("2345.67"),
    )
    first = signed_agreement(standard, user=gbg_caseworker, effective_from=date(2026, 5, 17))
    second = AgreementVersion.objects.get(pk=first.pk)
    second.pk = None
    second.number = 2
    second.split_method = "amount"
    second.region_amount_per_month = Decimal("9000.00")
    second.effective_from = date(2026, 6, 10)
    second.save()
    AgreementVersion.objects.filter(pk=first.pk).update(
        status="superseded", effective_until=date(2026, 6, 9)
    )

    # Placed by the region, 30 % for the region, ended 20 June.
    by_region = _placement(
        "Cleo",
        **people,
        placing_unit=bup,
        placing_principal=region,
        actual_start=date(2026, 5, 1),
        planned_start=date(2026, 5, 1),
        actual_end=date(2026, 6, 20),
        cost_per_day=Decimal("1000.00"),
    )
    signed_agreement(
        by_region,
        user=gbg_caseworker,
        effective_from=date(2026, 5, 1),
        split_method="percent",
        region_percent=Decimal(30),
    )

    # Acute from 5 May; the split agreed from 20 May (R-PLAC-3: the days before are Göteborg's).
    acute = _placement(
        "Dana",
        **people,
        is_acute=True,
        actual_start=date(2026, 5, 5),
        planned_start=date(2026, 5, 5),
        cost_per_day=Decimal("1234.5678"),
    )
    signed_agreement(
        acute,
        user=gbg_caseworker,
        effective_from=date(2026, 5, 20),
        split_method="percent",
        region_percent=Decimal("33.333"),
    )

    # An agreement whose version is not signed: every day is the placing principal's.
    unsigned = _placement(
        "Edit",
        **people,
        actual_start=date(2026, 6, 1),
        planned_start=date(2026, 6, 1),
        cost_per_day=Decimal("800.00"),
    )
    version = signed_agreement(unsigned, user=gbg_caseworker, effective_from=date(2026, 6, 1))
    AgreementVersion.objects.filter(pk=version.pk).update(status="awaiting_signatures")

    # Ended before May: in April only.
    ended = _placement(
        "Frej",
        **people,
        actual_start=date(2026, 3, 1),
        planned_start=date(2026, 3, 1),
        actual_end=date(2026, 4, 30),
        cost_per_day=Decimal("999.99"),
    )
    signed_agreement(ended, user=gbg_caseworker, effective_from=date(2026, 3, 1))

    # Kronor per month above the month's cost: the region's part is capped at the cost.
    capped = _placement(
        "Gun",
        **people,
        actual_start=date(2026, 7, 15),
        planned_start=date(2026, 7, 15),
        cost_per_day=Decimal("100.00"),
    )
    signed_agreement(
        capped,
        user=gbg_caseworker,
        effective_from=date(2026, 7, 15),
        split_method="amount",
        region_amount_per_month=Decimal("50000.00"),
    )
    return Agreement.objects.filter(municipality=goteborg, region=region)


def _by_placement(agreements, year, month):
    """The month placement by placement through the model path, and the sums the domain
    gives for them (``pair_balance``; a correction's net moves money like a balance)."""
    rows = []
    for agreement in agreements.order_by("placement__pk"):
        placement = Placement.objects.get(pk=agreement.placement_id)
        statement = selectors.placement_statement(placement=placement, year=year, month=month)
        if statement is None:
            continue
        corrections = selectors.placement_corrections(placement=placement, year=year, month=month)
        placing = "region" if placement.placing_principal.kind == "region" else "municipality"
        rows.append((placement, placing, statement, tuple(corrections)))
    balance = pair_balance([(placing, statement) for _p, placing, statement, _c in rows])
    nets = [sum((c.net for c in corrections), Decimal(0)) for *_r, corrections in rows]
    return rows, {
        "count": len(rows),
        "total": sum((s.total for _p, _pl, s, _c in rows), Decimal(0)),
        "region_part": sum((s.region for _p, _pl, s, _c in rows), Decimal(0)),
        "municipality_part": sum((s.municipality for _p, _pl, s, _c in rows), Decimal(0)),
        "region_owes_municipality": balance.region_owes_municipality
        + sum((n for n in nets if n > 0), Decimal(0)),
        "municipality_owes_region": balance.municipality_owes_region
        - sum((n for n in nets if n < 0), Decimal(0)),
        "corrections_net": sum(nets, Decimal(0)),
    }


def _sums(result) -> dict[str, object]:
    return {
        "count": result.count,
        "total": result.total,
        "region_part": result.region_part,
        "municipality_part": result.municipality_part,
        "region_owes_municipality": result.region_owes_municipality,
        "municipality_owes_region": result.municipality_owes_region,
        "corrections_net": result.corrections_net,
    }


@pytest.mark.parametrize("chunk_size", [500, 2])
def test_the_pair_rows_and_sums_are_the_domains_placement_by_placement(
    mixed, monkeypatch, chunk_size
):
    """Every month from April to October, in one chunk and in chunks of two (the versions of
    each chunk read together), the rows are the statements and correction lines of
    ``placement_statement``/``placement_corrections`` and the sums are theirs."""
    monkeypatch.setattr(selectors, "PAIR_CHUNK_SIZE", chunk_size)
    seen_corrections = seen_interim = 0
    for year, month in MONTHS:
        expected_rows, expected_sums = _by_placement(mixed, year, month)

        result = selectors.pair_statement(agreements=mixed, year=year, month=month)

        assert [(r.placement, r.placing, r.statement, r.corrections) for r in result.rows] == (
            expected_rows
        )
        assert _sums(result) == expected_sums
        assert result.net == (
            expected_sums["region_owes_municipality"] - expected_sums["municipality_owes_region"]
        )
        seen_corrections += sum(len(r.corrections) for r in result.rows)
        seen_interim += sum(
            s.basis.startswith("interim") for r in result.rows for s in r.statement.segments
        )
    # The scenario does reach the corrections (August) and the interim days (May, June).
    assert seen_corrections == 3
    assert seen_interim >= 3


def test_the_streamed_rows_are_the_kept_rows(mixed):
    """``pair_rows`` (the downloads) gives the same statements as ``pair_statement`` (the
    page and the API), with the children's shareable initials."""
    streamed = list(selectors.pair_rows(agreements=mixed, year=2026, month=8))
    kept = selectors.pair_statement(agreements=mixed, year=2026, month=8).rows

    assert [(r.placement.pk, r.statement, r.corrections) for r in streamed] == [
        (r.placement.pk, r.statement, r.corrections) for r in kept
    ]
    assert [r.placement.child.shareable_initials for r in streamed] == [
        r.placement.child.shareable_initials for r in kept
    ]
    assert [r.placement.child_id for r in streamed] == [r.placement.child_id for r in kept]


def test_the_kept_rows_have_their_placement_and_child_without_more_queries(mixed):
    """The page's rows are ``Placement`` instances with the child loaded; a field the pair
    statement does not read is deferred and loads with its true value when asked."""
    result = selectors.pair_statement(agreements=mixed, year=2026, month=6, start=1, stop=3)
    placements = [row.placement for row in result.rows]

    with CaptureQueriesContext(connection) as captured:
        names = [(p.pk, p.child_id, p.child.full_name, p.get_form_display()) for p in placements]
    assert len(captured) == 0
    fresh = [Placement.objects.select_related("child").get(pk=p.pk) for p in placements]
    assert names == [(p.pk, p.child_id, p.child.full_name, p.get_form_display()) for p in fresh]
    assert [p.status for p in placements] == [p.status for p in fresh]
    assert [p.child.responsible_unit_id for p in placements] == [
        p.child.responsible_unit_id for p in fresh
    ]
    assert result.count == 5 and len(placements) == 2
