"""Monthly cost statements through the selectors, from signed versions in the database
(issue 5, "Monthly cost statements"; R-COST-2..4, R-PLAC-3), and the pair statement's CSV and
XLSX downloads. The arithmetic itself is tested in tests/domain/test_statements.py; these tests
prove the selectors hand it the right versions, dates and principals, in exact kronor.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from agreements import selectors, services
from agreements.models import Agreement
from core.models import AuditAction
from domain.identity import format_identity_number
from placements.models import Placement
from tests.agreements.conftest import activate, sign, signed_agreement
from tests.placements.factories import ChildFactory, PlacementFactory

pytestmark = pytest.mark.django_db


def _statement(placement, year, month):
    placement.refresh_from_db()
    return selectors.placement_statement(placement=placement, year=year, month=month)


def _kronor(statement) -> tuple[Decimal, Decimal, Decimal, int]:
    return statement.total, statement.municipality, statement.region, statement.days


# --- one placement --------------------------------------------------------------------------------


def test_a_whole_month_with_the_standard_split(placement, draft):
    """June 2026: 30 days × 3 000 kr; region one third (R-COST-3)."""
    activate(placement, actual_start=date(2026, 6, 1), cost_per_day=Decimal("3000.00"))
    sign(draft, effective_from=date(2026, 6, 1), signed_on=date(2026, 5, 14))

    statement = _statement(placement, 2026, 6)

    assert _kronor(statement) == (Decimal("90000.00"), Decimal("60000.00"), Decimal("30000.00"), 30)


def test_a_whole_month_whose_third_is_not_whole_ore(placement, draft):
    """July 2026: 31 × 3 200 = 99 200 kr; a third is 33 066,666…: the region's part is
    rounded half-up to 33 066,67 and the municipality gets the rest, 66 133,33."""
    activate(placement, actual_start=date(2026, 6, 1))
    sign(draft, effective_from=date(2026, 6, 1))

    statement = _statement(placement, 2026, 7)

    assert _kronor(statement) == (
        Decimal("99200.00"),
        Decimal("66133.33"),
        Decimal("33066.67"),
        31,
    )


def test_a_part_month_from_the_placement_start_with_an_amount_split(placement, draft):
    """Started 11 June: 20 of June's 30 days × 3 000 kr = 60 000 kr; the region's 9 000 kr a
    month prorated to 20/30 = 6 000 kr."""
    activate(placement, actual_start=date(2026, 6, 11), cost_per_day=Decimal("3000.00"))
    draft.split_method = "amount"
    draft.region_amount_per_month = Decimal("9000.00")
    sign(draft, effective_from=date(2026, 6, 11))

    statement = _statement(placement, 2026, 6)

    assert _kronor(statement) == (Decimal("60000.00"), Decimal("54000.00"), Decimal("6000.00"), 20)


def test_a_part_month_up_to_the_placement_end_with_a_percent_split(placement, draft):
    """Ended 10 July: 10 days × 3 000 kr; region 25 %."""
    activate(
        placement,
        actual_start=date(2026, 6, 1),
        cost_per_day=Decimal("3000.00"),
        status=Placement.Status.ENDED,
        actual_end=date(2026, 7, 10),
    )
    draft.split_method = "percent"
    draft.region_percent = Decimal(25)
    sign(draft, effective_from=date(2026, 6, 1))

    statement = _statement(placement, 2026, 7)

    assert _kronor(statement) == (Decimal("30000.00"), Decimal("22500.00"), Decimal("7500.00"), 10)


def test_no_statement_for_a_month_outside_the_placement(placement, draft):
    activate(
        placement,
        actual_start=date(2026, 6, 1),
        status=Placement.Status.ENDED,
        actual_end=date(2026, 7, 10),
    )
    sign(draft, effective_from=date(2026, 6, 1))

    assert _statement(placement, 2026, 5) is None
    assert _statement(placement, 2026, 8) is None


def test_no_statement_before_the_placement_has_started(placement, draft):
    sign(draft, effective_from=date(2026, 6, 1))

    assert _statement(placement, 2026, 6) is None


def test_r_cost_4_a_version_change_mid_month_splits_the_month(
    placement, draft, agreement, gbg_caseworker
):
    """Version 1 (standard) until 15 June, superseded; version 2 (region 50 %) from the 16th.
    1–15 June: 45 000 kr, region 15 000; 16–30 June: 45 000 kr, region 22 500."""
    activate(placement, actual_start=date(2026, 6, 1), cost_per_day=Decimal("3000.00"))
    sign(draft, effective_from=date(2026, 6, 1))
    v2 = services.agreement_new_version(user=gbg_caseworker, agreement=agreement)
    v2.split_method = "percent"
    v2.region_percent = Decimal(50)
    sign(v2, effective_from=date(2026, 6, 16))
    sign(
        draft,
        effective_from=date(2026, 6, 1),
        effective_until=date(2026, 6, 15),
        status="superseded",
    )

    statement = _statement(placement, 2026, 6)

    assert _kronor(statement) == (Decimal("90000.00"), Decimal("52500.00"), Decimal("37500.00"), 30)
    assert [(s.start.day, s.end.day, s.cost, s.region) for s in statement.segments] == [
        (1, 15, Decimal("45000.00"), Decimal("15000.00")),
        (16, 30, Decimal("45000.00"), Decimal("22500.00")),
    ]
    july = _statement(placement, 2026, 7)
    assert _kronor(july) == (Decimal("93000.00"), Decimal("46500.00"), Decimal("46500.00"), 31)


def test_an_unsigned_new_version_does_not_count(placement, draft, agreement, gbg_caseworker):
    activate(placement, actual_start=date(2026, 6, 1), cost_per_day=Decimal("3000.00"))
    sign(draft, effective_from=date(2026, 6, 1))
    v2 = services.agreement_new_version(user=gbg_caseworker, agreement=agreement)
    v2.split_method = "percent"
    v2.region_percent = Decimal(50)
    v2.effective_from = date(2026, 6, 16)
    v2.status = "awaiting_signatures"
    v2.save()

    statement = _statement(placement, 2026, 6)

    assert statement.region == Decimal("30000.00")


@pytest.mark.parametrize(
    ("year", "days", "total", "region_part"),
    [
        (2028, 29, "87000.00", "29000.00"),  # a leap year
        (2027, 28, "84000.00", "28000.00"),
    ],
)
def test_february(placement, draft, year, days, total, region_part):
    activate(placement, actual_start=date(2026, 6, 1), cost_per_day=Decimal("3000.00"))
    sign(draft, effective_from=date(2026, 6, 1))

    statement = _statement(placement, year, 2)

    assert _kronor(statement) == (
        Decimal(total),
        Decimal(total) - Decimal(region_part),
        Decimal(region_part),
        days,
    )


def test_february_of_a_leap_year_prorates_an_amount_by_29_days(placement, draft):
    """From 15 February 2028: 15 of 29 days; 8 700 kr a month × 15/29 = 4 500 kr."""
    activate(placement, actual_start=date(2028, 2, 15), cost_per_day=Decimal("3000.00"))
    draft.split_method = "amount"
    draft.region_amount_per_month = Decimal("8700.00")
    sign(draft, effective_from=date(2028, 2, 15), signed_on=date(2028, 2, 1))

    statement = _statement(placement, 2028, 2)

    assert _kronor(statement) == (Decimal("45000.00"), Decimal("40500.00"), Decimal("4500.00"), 15)


@pytest.fixture
def acute(placement):
    """An acute HVB placement from 1 May 2026 at 3 000 kr a day, placed by Göteborg."""
    return activate(
        placement, actual_start=date(2026, 5, 1), cost_per_day=Decimal("3000.00"), is_acute=True
    )


def test_r_plac_3_an_acute_placement_settled_on_day_20(acute, draft):
    """1–19 May: 57 000 kr, all Göteborg's (the placing principal, L23); from the 20th, the day
    both signed: 12 days, 36 000 kr, the region a third."""
    sign(draft, effective_from=date(2026, 5, 20), signed_on=date(2026, 5, 20))

    statement = _statement(acute, 2026, 5)

    assert _kronor(statement) == (Decimal("93000.00"), Decimal("81000.00"), Decimal("12000.00"), 31)
    assert [(s.start.day, s.end.day, s.municipality, s.region) for s in statement.segments] == [
        (1, 19, Decimal("57000.00"), Decimal("0.00")),
        (20, 31, Decimal("24000.00"), Decimal("12000.00")),
    ]


def test_r_plac_3_an_acute_split_applies_from_the_cost_meeting_day_not_the_signing(
    acute, draft, gbg_caseworker, client_for, goteborg, region
):
    """L22–L23: the acute placement started on 1 May; the principals agreed the standard split
    at the cost meeting on 12 May; both signed on 2 June. By hand, May (31 × 3 000 = 93 000):
    1–11 May, 11 × 3 000 = 33 000, all Göteborg's (the placing principal); 12–31 May,
    20 × 3 000 = 60 000, the region a third = 20 000, Göteborg 40 000. Göteborg 73 000, the
    region 20 000 — on the page, in the CSV and in the XLSX."""
    sent = services.agreement_send_for_signature(user=gbg_caseworker, version=draft)
    assert sent.effective_from == date(2026, 5, 12)
    sign(sent, effective_from=sent.effective_from, signed_on=date(2026, 6, 2))

    statement = _statement(acute, 2026, 5)

    assert [(s.start.day, s.end.day, s.municipality, s.region) for s in statement.segments] == [
        (1, 11, Decimal("33000.00"), Decimal("0.00")),
        (12, 31, Decimal("40000.00"), Decimal("20000.00")),
    ]
    assert _kronor(statement) == (Decimal("93000.00"), Decimal("73000.00"), Decimal("20000.00"), 31)
    client = client_for(gbg_caseworker)
    page = client.get(
        reverse("agreements:placement_statement", args=[acute.pk]), {"month": "2026-05"}
    )
    assert page.context["statement"] == statement
    text = client.get(_pair_url(goteborg, region, "csv")).getvalue().decode("utf-8-sig")
    header, row, total, region_owes, _municipality_owes = list(
        csv.reader(io.StringIO(text), delimiter=";")
    )
    assert row[3:] == ["93000,00", "73000,00", "20000,00"]
    assert region_owes[3] == "20000,00"
    sheet = load_workbook(
        io.BytesIO(client.get(_pair_url(goteborg, region, "xlsx")).getvalue())
    ).active
    _title, _header, xrow, *_rest = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert [_amount(v) for v in xrow[3:]] == [
        Decimal("93000.00"),
        Decimal("73000.00"),
        Decimal("20000.00"),
    ]


def test_r_plac_3_an_acute_placement_not_yet_settled_is_all_the_placing_principals(acute, draft):
    draft.status = "awaiting_signatures"
    draft.save()

    statement = _statement(acute, 2026, 5)

    assert _kronor(statement) == (Decimal("93000.00"), Decimal("93000.00"), Decimal("0.00"), 31)


def test_r_plac_3_an_acute_split_agreed_to_apply_from_the_start(acute, draft):
    """Both principals agreed the split applies from the start: the whole month is split."""
    draft.applies_from_start = True
    sign(draft, effective_from=date(2026, 5, 1), signed_on=date(2026, 5, 20))

    statement = _statement(acute, 2026, 5)

    assert _kronor(statement) == (Decimal("93000.00"), Decimal("62000.00"), Decimal("31000.00"), 31)


def test_r_plac_3_an_acute_placement_by_the_region_is_the_regions_until_settled(
    child, bup, region, gbg_caseworker
):
    placement = PlacementFactory(
        child=child,
        caseworker=gbg_caseworker,
        placing_unit=bup,
        placing_principal=region,
        is_acute=True,
        status=Placement.Status.ACTIVE,
        actual_start=date(2026, 5, 1),
        planned_start=date(2026, 5, 1),
        cost_per_day=Decimal("3000.00"),
    )
    signed_agreement(
        placement,
        user=gbg_caseworker,
        effective_from=date(2026, 5, 20),
        signed_on=date(2026, 5, 20),
    )

    statement = _statement(placement, 2026, 5)

    # 1–19 May the region's alone; from the 20th, a third of 36 000.
    assert _kronor(statement) == (Decimal("93000.00"), Decimal("24000.00"), Decimal("69000.00"), 31)


# --- the pair statement -----------------------------------------------------------------------------


@pytest.fixture
def pair(placement, draft, child, goteborg, gbg_social, bup, region, gbg_caseworker):
    """Three Göteborg–VGR placements in May 2026:

    - A (placed by Göteborg): the whole month, 3 000 kr a day, standard split: 93 000,
      region 31 000;
    - B (placed by Göteborg): from 17 May, 2 000 kr a day, region 40 %: 30 000, region 12 000;
    - C (placed by the region, BUP): the whole month, 1 000 kr a day, region 30 %: 31 000,
      municipality 21 700.

    Sum 154 000; region 52 300, municipality 101 700. The region owes Göteborg 43 000 (A and
    B) and Göteborg owes the region 21 700 (C).
    """
    a = activate(placement, actual_start=date(2026, 5, 1), cost_per_day=Decimal("3000.00"))
    sign(draft, effective_from=date(2026, 5, 1))
    child_b = ChildFactory(
        first_name="Bo", last_name="Berg", home_municipality=goteborg, responsible_unit=gbg_social
    )
    b = PlacementFactory(
        child=child_b,
        caseworker=gbg_caseworker,
        status=Placement.Status.ACTIVE,
        planned_start=date(2026, 5, 17),
        actual_start=date(2026, 5, 17),
        cost_per_day=Decimal("2000.00"),
    )
    signed_agreement(
        b,
        user=gbg_caseworker,
        effective_from=date(2026, 5, 17),
        split_method="percent",
        region_percent=Decimal(40),
    )
    child_c = ChildFactory(
        first_name="Cleo",
        last_name="Carlsson",
        home_municipality=goteborg,
        responsible_unit=gbg_social,
    )
    c = PlacementFactory(
        child=child_c,
        caseworker=gbg_caseworker,
        placing_unit=bup,
        placing_principal=region,
        status=Placement.Status.ACTIVE,
        planned_start=date(2026, 5, 1),
        actual_start=date(2026, 5, 1),
        cost_per_day=Decimal("1000.00"),
    )
    signed_agreement(
        c,
        user=gbg_caseworker,
        effective_from=date(2026, 5, 1),
        split_method="percent",
        region_percent=Decimal(30),
    )
    return [a, b, c]


def test_the_pair_statement_sums_across_placements(pair, goteborg, region):
    result = selectors.pair_statement(
        agreements=Agreement.objects.filter(municipality=goteborg, region=region),
        year=2026,
        month=5,
    )

    assert [row.placement for row in result.rows] == pair
    assert [row.statement.total for row in result.rows] == [
        Decimal("93000.00"),
        Decimal("30000.00"),
        Decimal("31000.00"),
    ]
    assert (result.total, result.municipality_part, result.region_part) == (
        Decimal("154000.00"),
        Decimal("101700.00"),
        Decimal("52300.00"),
    )
    assert (result.region_owes_municipality, result.municipality_owes_region, result.net) == (
        Decimal("43000.00"),
        Decimal("21700.00"),
        Decimal("21300.00"),
    )


def test_the_pair_statement_leaves_out_placements_without_days_in_the_month(pair, goteborg, region):
    result = selectors.pair_statement(
        agreements=Agreement.objects.filter(municipality=goteborg, region=region),
        year=2026,
        month=4,
    )

    assert result.rows == []
    assert result.total == Decimal(0)


def _more_placements(n, *, goteborg, gbg_social, gbg_caseworker):
    for i in range(n):
        child = ChildFactory(
            first_name=f"Extra{i}", home_municipality=goteborg, responsible_unit=gbg_social
        )
        placement = PlacementFactory(
            child=child,
            caseworker=gbg_caseworker,
            status=Placement.Status.ACTIVE,
            planned_start=date(2026, 5, 1),
            actual_start=date(2026, 5, 1),
            cost_per_day=Decimal("1500.00"),
        )
        signed_agreement(
            placement,
            user=gbg_caseworker,
            effective_from=date(2026, 5, 1),
            split_method="percent",
            region_percent=Decimal(50),
        )


def test_the_pair_statement_makes_the_same_number_of_queries_for_3_and_for_9_placements(
    pair, goteborg, region, gbg_social, gbg_caseworker
):
    def queries_for_may() -> int:
        with CaptureQueriesContext(connection) as captured:
            result = selectors.pair_statement(
                agreements=Agreement.objects.filter(municipality=goteborg, region=region),
                year=2026,
                month=5,
            )
        return len(captured), len(result.rows)

    few, rows_few = queries_for_may()
    _more_placements(6, goteborg=goteborg, gbg_social=gbg_social, gbg_caseworker=gbg_caseworker)
    many, rows_many = queries_for_may()

    assert (rows_few, rows_many) == (3, 9)
    # The agreements, then their versions, temporary splits and recommendations (R-DISP-1).
    assert many == few <= 4


def _pair_url(goteborg, region, fmt="") -> str:
    query = f"?month=2026-05&municipality={goteborg.pk}&region={region.pk}"
    return reverse("agreements:statement_pair") + query + (f"&format={fmt}" if fmt else "")


PERSONNUMMER = re.compile(r"\d{6}[-+]\d{4}|\d{10,12}")


def _assert_no_personal_data(text: str, placements) -> None:
    for p in placements:
        child = p.child
        assert child.identity_number not in text
        assert format_identity_number(child.identity_number) not in text
        assert child.last_name not in text
        assert child.first_name not in text
    assert not PERSONNUMMER.search(text), PERSONNUMMER.search(text)


def test_the_pair_statement_page_shows_the_sums(
    client_for, gbg_caseworker, pair, goteborg, region, audit
):
    client = client_for(gbg_caseworker)

    response = client.get(_pair_url(goteborg, region))

    assert response.status_code == 200
    result = response.context["result"]
    assert (result.total, result.region_owes_municipality) == (
        Decimal("154000.00"),
        Decimal("43000.00"),
    )
    [event] = audit.new()
    assert (event.action, event.object_type) == (AuditAction.VIEW, "agreements.statement")


def test_the_pair_statement_as_csv(client_for, gbg_caseworker, pair, goteborg, region, audit):
    """Semicolon separated, UTF-8 with a byte order mark (for Excel), decimal commas."""
    client = client_for(gbg_caseworker)

    response = client.get(_pair_url(goteborg, region, "csv"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    body = response.getvalue()  # streamed (issue 13): read once
    assert body.startswith(b"\xef\xbb\xbf")
    text = body.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    header, *placement_rows, total, region_owes, municipality_owes = rows
    assert len(header) == 6
    assert [r[0] for r in placement_rows] == [str(p.pk) for p in pair]
    assert [r[3:] for r in placement_rows] == [
        ["93000,00", "62000,00", "31000,00"],
        ["30000,00", "18000,00", "12000,00"],
        ["31000,00", "21700,00", "9300,00"],
    ]
    assert total[3:] == ["154000,00", "101700,00", "52300,00"]
    assert region_owes[3] == "43000,00"
    assert municipality_owes[3] == "21700,00"
    _assert_no_personal_data(text, pair)
    [event] = audit.new()
    assert (event.action, event.object_type) == (AuditAction.EXPORT, "agreements.statement")
    assert event.details["format"] == "csv"
    assert event.user == gbg_caseworker


def test_the_pair_statement_shows_no_initials_of_a_child_with_protected_identity(
    client_for, gbg_caseworker, pair, goteborg, region
):
    protected = pair[1].child
    protected.protected_identity = True
    protected.save(update_fields=["protected_identity"])
    client = client_for(gbg_caseworker)

    page = client.get(_pair_url(goteborg, region)).content.decode()
    text = client.get(_pair_url(goteborg, region, "csv")).getvalue().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))

    initials = [r[1] for r in rows[1:4]]
    assert initials == [pair[0].child.initials, "", pair[2].child.initials]
    # The page names each placement by child and form (issue 12), never "1 (AA)"; the
    # caseworker of the child's own unit may see the protected child's name.
    assert f"{pair[1].pk} ({protected.initials})" not in page
    assert f"{pair[0].child.full_name} – HVB" in page


def test_the_pair_statement_hides_a_protected_name_from_the_other_principal(
    client_for, bup_signatory, pair, goteborg, region
):
    """The region's signatory reads the statement; the protected child is not named to it."""
    protected = pair[1].child
    protected.protected_identity = True
    protected.save(update_fields=["protected_identity"])

    page = client_for(bup_signatory).get(_pair_url(goteborg, region)).content.decode()

    # As words: "Bo" also turns up inside the page's random CSRF token now and then.
    for name in (protected.first_name, protected.last_name):
        assert not re.search(rf"\b{re.escape(name)}\b", page), name
    assert "skyddade personuppgifter – HVB" in page


def _amount(value) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


def test_the_pair_statement_as_xlsx(client_for, gbg_caseworker, pair, goteborg, region, audit):
    client = client_for(gbg_caseworker)

    response = client.get(_pair_url(goteborg, region, "xlsx"))

    assert response.status_code == 200
    assert "spreadsheetml" in response["Content-Type"]
    sheet = load_workbook(io.BytesIO(response.getvalue())).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    title, header, *placement_rows, total, region_owes, municipality_owes = rows
    assert goteborg.name in title[0]
    assert [r[0] for r in placement_rows] == [p.pk for p in pair]
    assert [[_amount(v) for v in r[3:]] for r in placement_rows] == [
        [Decimal("93000.00"), Decimal("62000.00"), Decimal("31000.00")],
        [Decimal("30000.00"), Decimal("18000.00"), Decimal("12000.00")],
        [Decimal("31000.00"), Decimal("21700.00"), Decimal("9300.00")],
    ]
    assert [_amount(v) for v in total[3:]] == [
        Decimal("154000.00"),
        Decimal("101700.00"),
        Decimal("52300.00"),
    ]
    assert _amount(region_owes[3]) == Decimal("43000.00")
    assert _amount(municipality_owes[3]) == Decimal("21700.00")
    text = " ".join(str(v) for row in rows for v in row if v is not None)
    _assert_no_personal_data(text, pair)
    [event] = audit.new()
    assert (event.action, event.details["format"]) == (AuditAction.EXPORT, "xlsx")


def test_the_placement_statement_page(client_for, gbg_caseworker, placement, draft, audit):
    activate(placement, actual_start=date(2026, 6, 1), cost_per_day=Decimal("3000.00"))
    sign(draft, effective_from=date(2026, 6, 1))
    client = client_for(gbg_caseworker)

    response = client.get(
        reverse("agreements:placement_statement", args=[placement.pk]), {"month": "2026-06"}
    )

    assert response.status_code == 200
    assert response.context["statement"].region == Decimal("30000.00")
    [event] = audit.new()
    assert (event.action, event.object_id) == (AuditAction.VIEW, str(placement.pk))


def test_an_ended_placements_statement_opens_on_its_last_month(
    client_for, gbg_caseworker, placement, draft
):
    """Without a month asked for, the current month, unless the placement ended before it:
    then its last month, which has days (it opened on an empty month, third exploratory
    review). The clock says 15 May 2026."""
    url = reverse("agreements:placement_statement", args=[placement.pk])
    client = client_for(gbg_caseworker)
    activate(placement, actual_start=date(2026, 1, 1), cost_per_day=Decimal("1000.00"))
    assert client.get(url).context["month"] == date(2026, 5, 1)

    activate(placement, actual_start=date(2026, 1, 1), actual_end=date(2026, 3, 20))
    response = client.get(url)
    assert response.context["month"] == date(2026, 3, 1)
    assert response.context["statement"].days == 20
    assert client.get(url, {"month": "2026-02"}).context["month"] == date(2026, 2, 1)

    activate(placement, actual_start=date(2026, 1, 1), actual_end=date(2026, 5, 2))
    assert client.get(url).context["month"] == date(2026, 5, 1)


def test_the_pair_statement_page_makes_a_bounded_number_of_queries(
    client_for, gbg_caseworker, gbg_social, pair, goteborg, region, django_assert_max_num_queries
):
    client = client_for(gbg_caseworker)
    _more_placements(6, goteborg=goteborg, gbg_social=gbg_social, gbg_caseworker=gbg_caseworker)
    client.get(_pair_url(goteborg, region))  # session and caches warmed

    with django_assert_max_num_queries(20):
        response = client.get(_pair_url(goteborg, region))

    assert response.status_code == 200
    assert len(response.context["result"].rows) == 9


# --- Swedish formats (issue 12) -------------------------------------------------------------------


def test_the_pair_statement_page_shows_swedish_amounts_right_aligned(
    client_for, gbg_caseworker, pair, goteborg, region
):
    html = client_for(gbg_caseworker).get(_pair_url(goteborg, region)).content.decode()

    # 154 000,00 with a no-break space as thousands separator, in a right-aligned cell.
    assert '<td class="text-end text-nowrap">154\u00a0000,00</td>' in html
    assert "154000" not in html
    assert "43\u00a0000,00\u00a0kr" in html  # the region owes the municipality


def test_the_pair_statement_xlsx_has_amounts_as_numbers_with_the_amount_format(
    client_for, gbg_caseworker, pair, goteborg, region
):
    from core.formats import XLSX_AMOUNT_FORMAT

    response = client_for(gbg_caseworker).get(_pair_url(goteborg, region, "xlsx"))
    sheet = load_workbook(io.BytesIO(response.getvalue())).active

    month = sheet.cell(row=1, column=2)
    assert month.is_date and month.value.date() == date(2026, 5, 1)
    first = [sheet.cell(row=3, column=c) for c in (4, 5, 6)]
    assert all(isinstance(c.value, int | float) for c in first)
    assert [c.number_format for c in first] == [XLSX_AMOUNT_FORMAT] * 3
    assert sheet.cell(row=3, column=1).value == pair[0].pk  # the placement number: a number


def test_the_placement_statement_page_shows_swedish_amounts(client_for, gbg_caseworker, pair):
    html = (
        client_for(gbg_caseworker)
        .get(reverse("agreements:placement_statement", args=[pair[0].pk]), {"month": "2026-05"})
        .content.decode()
    )

    assert "93\u00a0000,00" in html
    assert 'class="table-responsive"' in html


def test_the_pair_statement_page_shows_one_page_of_rows_and_sums_them_all(
    client_for, gbg_caseworker, pair, goteborg, region, monkeypatch, django_assert_max_num_queries
):
    """Issue 13: the page renders one page of rows; the sums (hand-computed in ``pair``) and
    what each principal owes cover every placement; past the last page shows the last."""
    from agreements import views

    monkeypatch.setattr(views, "PAIR_PAGE_SIZE", 2)
    client = client_for(gbg_caseworker)

    with django_assert_max_num_queries(25):
        second = client.get(_pair_url(goteborg, region) + "&page=2")
    beyond = client.get(_pair_url(goteborg, region) + "&page=99")

    for response in (second, beyond):
        result = response.context["result"]
        assert [row.placement for row in result.rows] == [pair[2]]
        assert (result.count, result.total, result.net) == (
            3,
            Decimal("154000.00"),
            Decimal("21300.00"),
        )
        assert response.context["page_obj"].number == 2
    html = second.content.decode()
    assert "Summa för alla 3 placeringar" in html
    assert "154\u00a0000,00" in html
