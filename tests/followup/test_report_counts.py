"""R-FOLLOW-1: the annual follow-up's figures, hand-computed on the small world of conftest.py
(the year 2025), for each level: the whole region, a sub-region, a municipality."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from domain.followup import Period, ReportLevel, days_in_period, period_for_year, previous_period
from followup.policy import ReportScope
from followup.selectors import (
    dispute_model,
    follow_up_report,
    hvb_care_content,
    hvb_motives,
    hvb_volumes,
    sip_figures,
)

pytestmark = pytest.mark.django_db

YEAR = period_for_year(2025)


def scope_of(obj, level: ReportLevel, region) -> ReportScope:
    return ReportScope(level, obj.pk, obj.name, region.pk)


@pytest.fixture
def scopes(data_2025):
    w = data_2025
    return {
        "region": scope_of(w.region, ReportLevel.REGION, w.region),
        "gr": scope_of(w.gr, ReportLevel.SUB_REGION, w.region),
        "fyrbodal": scope_of(w.fyrbodal, ReportLevel.SUB_REGION, w.region),
        "goteborg": scope_of(w.goteborg, ReportLevel.MUNICIPALITY, w.region),
        "molndal": scope_of(w.molndal, ReportLevel.MUNICIPALITY, w.region),
        "uddevalla": scope_of(w.uddevalla, ReportLevel.MUNICIPALITY, w.region),
    }


# --- SIPs (R-SIP-1 deadlines counted) -----------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "initiated", "in_time", "late", "not_held"),
    [
        ("region", 5, 3, 1, 1),
        ("gr", 4, 2, 1, 1),
        ("fyrbodal", 1, 1, 0, 0),
        ("goteborg", 3, 1, 1, 1),
        ("molndal", 1, 1, 0, 0),
    ],
)
def test_sips_initiated_and_held_within_three_weeks(
    scopes, level, initiated, in_time, late, not_held
):
    """R-FOLLOW-1: SIPs whose need was noticed in 2025; the first meeting within three weeks
    (R-SIP-1), Mölndal's on the 21st day itself."""
    figures = sip_figures(scopes[level], YEAR, today=date(2026, 2, 10))
    assert (figures.initiated, figures.in_time, figures.late, figures.not_held) == (
        initiated,
        in_time,
        late,
        not_held,
    )


def test_a_sip_still_within_its_three_weeks_is_neither_late_nor_counted_against_the_share(
    data_2025, scopes
):
    """R-SIP-1: a SIP noticed five days ago may yet hold its meeting in time: "not yet due",
    not "not held", and left out of the share held in time until its three weeks have passed
    (found by an exploratory review: the share was 20 % with two SIPs still in their window).
    On its last day it is still not due; the day after, not held."""
    w = data_2025
    w.sip(w.goteborg, date(2026, 2, 5), None)  # due 2026-02-26
    w.sip(w.goteborg, date(2026, 1, 5), date(2026, 1, 20))  # held in time
    period = Period(date(2026, 1, 1), date(2026, 2, 10))
    scope = scopes["goteborg"]

    figures = sip_figures(scope, period, today=date(2026, 2, 10))
    assert (figures.initiated, figures.in_time, figures.not_held, figures.not_yet_due) == (
        2,
        1,
        0,
        1,
    )
    assert figures.percent_in_time == Decimal("100.0")
    assert sip_figures(scope, period, today=date(2026, 2, 26)).not_yet_due == 1
    after = sip_figures(scope, period, today=date(2026, 2, 27))
    assert (after.not_held, after.not_yet_due, after.percent_in_time) == (1, 0, Decimal("50.0"))


def test_the_share_in_time_and_the_previous_year(scopes):
    report = follow_up_report(
        scope=scopes["goteborg"],
        period=YEAR,
        previous=previous_period(YEAR),
        today=date(2026, 2, 10),
    )
    assert report.sips.percent_in_time == Decimal("33.3")
    assert report.previous_sips.initiated == 1  # noticed 2024-12-30
    assert report.previous_sips.percent_in_time == Decimal("100.0")


# --- deviations (R-DEV-1) and disputes (R-DISP-1) -----------------------------------------------


@pytest.mark.parametrize(
    ("level", "total", "sip_local", "cost_sub_regional"),
    [
        ("region", 3, 2, 1),
        ("gr", 2, 1, 1),
        ("fyrbodal", 1, 1, 0),
        ("goteborg", 2, 1, 1),
        ("molndal", 0, 0, 0),
    ],
)
def test_deviations_by_category_and_level(scopes, level, total, sip_local, cost_sub_regional):
    """R-FOLLOW-1: the deviations reported in 2025 (not the one of 2024-12-31)."""
    report = follow_up_report(
        scope=scopes[level], period=YEAR, previous=previous_period(YEAR), today=date(2026, 2, 10)
    )
    by_level = report.deviations.by_level
    assert report.deviations.total == total
    assert by_level.cell("sip_not_in_time", "local") == sip_local
    assert by_level.cell("cost_not_paid", "sub_regional") == cost_sub_regional


def test_deviations_by_status_and_outcome(scopes):
    report = follow_up_report(
        scope=scopes["region"], period=YEAR, previous=previous_period(YEAR), today=date(2026, 2, 10)
    )
    by_status = report.deviations.by_status
    assert by_status.column_total("closed") == 1
    assert by_status.column_total("escalated") == 1
    assert by_status.column_total("reported") == 1
    assert report.deviations.closed_with_outcome == 1


def test_disputes_by_subject_level_and_outcome(data_2025, scopes):
    """R-FOLLOW-1: disputes opened in the period, by subject, the level reached and outcome."""
    model = dispute_model()
    if model is None:  # pragma: no cover - before the disputes existed
        pytest.skip("no dispute model")
    w = data_2025
    from agreements.models import Agreement

    gbg_agreement = Agreement.objects.filter(placement__child__home_municipality=w.goteborg).first()
    mdl_agreement = Agreement.objects.filter(placement__child__home_municipality=w.molndal).first()
    common = {"question": "Vem bär kostnaden?", "created_by": w.user}
    model.objects.create(
        agreement=gbg_agreement,
        subject="cost",
        raised_by_principal=w.goteborg,
        opened_on=date(2025, 3, 1),
        sub_region=w.gr,
        status="resolved",
        closed_on=date(2025, 3, 20),
        **common,
    )
    model.objects.create(
        agreement=mdl_agreement,
        subject="responsibility",
        raised_by_principal=w.region,
        opened_on=date(2025, 6, 1),
        sub_region=w.gr,
        level="regional",
        sub_regional_since=date(2025, 6, 10),
        regional_since=date(2025, 7, 11),
        status="recommended",
        closed_on=date(2025, 8, 1),
        **common,
    )
    model.objects.create(  # opened in 2024: not counted
        agreement=mdl_agreement,
        subject="cost",
        raised_by_principal=w.molndal,
        opened_on=date(2024, 12, 1),
        sub_region=w.gr,
        status="resolved",
        **common,
    )
    region = follow_up_report(
        scope=scopes["region"], period=YEAR, previous=previous_period(YEAR), today=date(2026, 2, 10)
    )
    assert region.disputes is not None
    assert region.disputes.total == 2
    assert region.disputes.by_level.cell("cost", "local") == 1
    assert region.disputes.by_level.cell("responsibility", "regional") == 1
    assert region.disputes.by_outcome.cell("responsibility", "recommended") == 1
    assert region.disputes.by_outcome.cell("cost", "resolved") == 1
    goteborg = follow_up_report(
        scope=scopes["goteborg"],
        period=YEAR,
        previous=previous_period(YEAR),
        today=date(2026, 2, 10),
    )
    assert goteborg.disputes is not None and goteborg.disputes.total == 1
    fyrbodal = follow_up_report(
        scope=scopes["fyrbodal"],
        period=YEAR,
        previous=previous_period(YEAR),
        today=date(2026, 2, 10),
    )
    assert fyrbodal.disputes is not None and fyrbodal.disputes.total == 0


# --- HVB placements: volumes and cost per principal ---------------------------------------------


def test_hvb_volumes_and_cost_for_the_whole_region(scopes):
    """R-FOLLOW-1 volumes, hand-computed: Göteborg 365 days × 3 000 (a third the region's) and
    10 days × 2 000 (no agreement); Mölndal 7 days × 1 000 (3 days at 50 %, 4 at 20 %);
    Uddevalla 30 days × 1 500 placed by the region without agreement (all the region's). The
    foster home, the placement of 2024 and the planned one are not counted."""
    volumes = hvb_volumes(scopes["region"], YEAR)
    rows = {r.name: r for r in volumes.rows}
    assert set(rows) == {"Göteborg", "Mölndal", "Uddevalla"}
    gbg, mdl, udd = rows["Göteborg"], rows["Mölndal"], rows["Uddevalla"]
    assert (gbg.placements, gbg.started, gbg.days) == (2, 1, 375)
    assert gbg.total == Decimal("1115000.00")
    assert gbg.region_part == Decimal("365000.00")
    assert gbg.municipality_part == Decimal("750000.00")
    assert (mdl.placements, mdl.started, mdl.days) == (1, 1, 7)
    assert (mdl.total, mdl.region_part, mdl.municipality_part) == (
        Decimal("7000.00"),
        Decimal("2300.00"),
        Decimal("4700.00"),
    )
    assert (udd.placements, udd.days, udd.total, udd.region_part) == (
        1,
        30,
        Decimal("45000.00"),
        Decimal("45000.00"),
    )
    assert (volumes.placements, volumes.started, volumes.days) == (4, 3, 412)
    assert volumes.total == Decimal("1167000.00")
    assert volumes.region_part == Decimal("412300.00")
    assert volumes.municipality_part == Decimal("754700.00")


def test_hvb_volumes_for_a_sub_region_and_a_municipality(scopes):
    gr = hvb_volumes(scopes["gr"], YEAR)
    assert {r.name for r in gr.rows} == {"Göteborg", "Mölndal"}
    assert gr.total == Decimal("1122000.00")
    fyrbodal = hvb_volumes(scopes["fyrbodal"], YEAR)
    assert [(r.name, r.days) for r in fyrbodal.rows] == [("Uddevalla", 30)]
    molndal = hvb_volumes(scopes["molndal"], YEAR)
    assert molndal.region_part == Decimal("2300.00")


def test_a_split_in_kronor_per_month_counts_twelve_365ths_per_day(world):
    """The stated approximation: 3 650 kr per month over 10 days is 3 650 × 12 / 365 × 10 =
    1 200 kr for the region."""
    p = world.placement(world.goteborg, start=date(2025, 5, 1), end=date(2025, 5, 10))
    world.version(p, method="amount", amount="3650.00", start=date(2025, 5, 1))
    scope = scope_of(world.goteborg, ReportLevel.MUNICIPALITY, world.region)
    volumes = hvb_volumes(scope, YEAR)
    assert volumes.total == Decimal("10000.00")
    assert volumes.region_part == Decimal("1200.00")


def test_days_before_the_first_version_are_the_placing_principals(world):
    """R-PLAC-3 (L23): an acute placement's days before its agreement applies stay with the
    placing principal: 10 days the municipality's alone, then 10 days split a third each."""
    p = world.placement(world.goteborg, start=date(2025, 5, 1), end=date(2025, 5, 20), cost="300")
    world.version(p, start=date(2025, 5, 11))
    scope = scope_of(world.goteborg, ReportLevel.MUNICIPALITY, world.region)
    volumes = hvb_volumes(scope, YEAR)
    assert volumes.total == Decimal("6000.00")
    assert volumes.region_part == Decimal("1000.00")


EDGES = [
    (date(2024, 11, 1), None),
    (date(2024, 11, 1), date(2025, 1, 1)),
    (date(2024, 11, 1), date(2024, 12, 31)),
    (date(2025, 3, 10), date(2025, 3, 19)),
    (date(2025, 12, 31), None),
    (date(2025, 12, 25), date(2026, 3, 1)),
    (date(2026, 1, 1), None),
    (date(2020, 2, 29), date(2028, 2, 29)),
]


@pytest.mark.parametrize(("start", "end"), EDGES)
def test_the_database_counts_the_same_days_as_the_rule(world, start, end):
    """R-FOLLOW-1: the days computed in SQL (Greatest/Least over the overlap) equal
    domain.followup.days_in_period at the period's edges: a placement starting before, ending
    after, inside, on the first or the last day."""
    world.placement(world.molndal, start=start, end=end)
    scope = scope_of(world.molndal, ReportLevel.MUNICIPALITY, world.region)
    for period in (YEAR, Period(date(2025, 12, 31), date(2026, 1, 1))):
        volumes = hvb_volumes(scope, period)
        assert volumes.days == days_in_period(start, end, period)


# --- motives and care content -------------------------------------------------------------------


def test_motives_by_reason_and_legal_basis(scopes):
    motives = hvb_motives(scopes["region"], YEAR).by_reason
    assert motives.cell("behaviour", "lvu") == 1
    assert motives.cell("psychiatric", "sol") == 1
    assert motives.cell("substance_use", "sol") == 1
    assert motives.cell("none", "sol") == 1  # Mölndal's placement has no reason recorded
    assert motives.cell("neglect_abuse", "lvu") == 0  # the planned placement has no day
    assert motives.total == 4


def test_care_content_per_kind_and_responsible_principal(scopes):
    """R-FOLLOW-1 care content: Göteborg's agreement has a social line (municipality) and two
    health-care lines (region); Mölndal's two versions a school line each and one health-care
    line."""
    care = hvb_care_content(scopes["region"], YEAR)
    assert care.by_kind.cell("social", "municipality") == 1
    assert care.by_kind.cell("school", "municipality") == 1
    assert care.by_kind.cell("health_care", "region") == 2
    assert care.lines.cell("health_care", "region") == 3
    assert care.lines.cell("school", "municipality") == 2
    assert hvb_care_content(scopes["fyrbodal"], YEAR).lines.total == 0


# --- temporary splits during a dispute (R-DISP-1) and the monthly statements ---------------------


def _temporary_split(world, placement, *, start: date, percent: str):
    from agreements.models import Agreement, Dispute, TemporarySplit
    from sip.models import SipMeeting

    agreement, _created = Agreement.objects.get_or_create(
        placement=placement,
        defaults={"municipality": placement.child.home_municipality, "region": world.region},
    )
    dispute = Dispute.objects.create(
        agreement=agreement,
        subject="cost",
        question="Vem bär kostnaden för behandlingen?",
        raised_by_principal=world.region,
        opened_on=start,
        created_by=world.user,
    )
    meeting = SipMeeting.objects.filter(sip__child=placement.child).first()
    if meeting is None:
        from tests.sip.factories import SipFactory

        sip = SipFactory(child=placement.child, need_noticed_on=date(2020, 1, 1))
        meeting = SipMeeting.objects.create(
            sip=sip,
            kind=SipMeeting.Kind.INITIAL,
            scheduled_on=date(2020, 1, 8),
            created_by=world.user,
        )
    return TemporarySplit.objects.create(
        dispute=dispute,
        agreement=agreement,
        sip_meeting=meeting,
        effective_from=start,
        region_percent=Decimal(percent),
        recorded_by=world.user,
    )


def _statements_region(placement, months) -> Decimal:
    from agreements.selectors import placement_statement

    total = Decimal("0.00")
    for year, month in months:
        statement = placement_statement(placement=placement, year=year, month=month)
        if statement is not None:
            total += statement.region
    return total


def test_a_temporary_split_replaces_the_signed_version_from_its_date(world):
    """R-DISP-1 in the follow-up as in the statements: 10 days at a third of 300 (1 000), then
    10 days at the temporary 50 % (1 500): the region 2 500."""
    p = world.placement(world.goteborg, start=date(2025, 1, 1), end=date(2025, 1, 20), cost="300")
    world.version(p, start=date(2025, 1, 1))
    _temporary_split(world, p, start=date(2025, 1, 11), percent="50")
    scope = scope_of(world.goteborg, ReportLevel.MUNICIPALITY, world.region)
    volumes = hvb_volumes(scope, YEAR)
    assert volumes.region_part == Decimal("2500.00")
    assert _statements_region(p, [(2025, 1)]) == Decimal("2500.00")


def test_a_temporary_split_before_any_version_of_a_placement_the_region_made(world):
    """Placed by the region, no signed version: 5 days wholly the region's (500), then 5 days
    at the temporary 25 % (125): the region 625, as the statement of February says."""
    p = world.placement(
        world.uddevalla,
        start=date(2025, 2, 1),
        end=date(2025, 2, 10),
        cost="100",
        placed_by_region=True,
    )
    _temporary_split(world, p, start=date(2025, 2, 6), percent="25")
    scope = scope_of(world.uddevalla, ReportLevel.MUNICIPALITY, world.region)
    assert hvb_volumes(scope, YEAR).region_part == Decimal("625.00")
    assert _statements_region(p, [(2025, 2)]) == Decimal("625.00")


def test_the_follow_up_split_equals_the_sum_of_the_monthly_statements(world):
    """The versions chained as the signing service chains them (the old one ends the day before
    the new one), across months: the year's region part is the sum of its months'."""
    p = world.placement(world.molndal, start=date(2024, 12, 20), end=date(2025, 4, 9), cost="1200")
    world.version(p, start=date(2024, 12, 20), until=date(2025, 2, 14), status="superseded")
    world.version(p, number=2, method="percent", percent="40", start=date(2025, 2, 15))
    scope = scope_of(world.molndal, ReportLevel.MUNICIPALITY, world.region)
    months = [(2025, m) for m in range(1, 5)]
    assert hvb_volumes(scope, YEAR).region_part == _statements_region(p, months)


def test_the_previous_period_to_compare_with(scopes):
    """R-FOLLOW-1 over time: Göteborg's 2024 beside 2025: one SIP (noticed 2024-12-30), one
    deviation (2024-12-31), one HVB placement for 61 days (from 2024-11-01) at 3 000 kr."""
    report = follow_up_report(
        scope=scopes["goteborg"],
        period=YEAR,
        previous=previous_period(YEAR),
        today=date(2026, 2, 10),
    )
    before = report.previous_totals
    assert before is not None
    assert (before.sips.initiated, before.deviations, before.placements, before.days) == (
        1,
        1,
        1,
        61,
    )
    assert before.cost == Decimal("183000.00")
    now = report.totals
    assert (now.sips.initiated, now.deviations, now.placements, now.days) == (3, 2, 2, 375)
