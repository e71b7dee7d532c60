"""R-FOLLOW-1: the annual follow-up page, who may see which level, the downloads, and the
number of queries, which does not grow with the data."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from core.models import AuditEvent
from followup.policy import report_scopes
from placements.models import Child

pytestmark = pytest.mark.django_db

URL = reverse("followup:report")


def key(level: str, obj) -> str:
    return f"{level}:{obj.pk}"


# --- who sees which level -------------------------------------------------------------------------


def test_each_person_is_offered_their_own_levels(world, people):
    """R-FOLLOW-1 access: a municipality manager their municipality; a region manager and LiSA
    the region and every part of it; a sub-regional body its area and its municipalities."""
    w = world
    whole = {
        key("region", w.region),
        key("sub_region", w.gr),
        key("sub_region", w.fyrbodal),
        key("municipality", w.goteborg),
        key("municipality", w.molndal),
        key("municipality", w.uddevalla),
    }
    expected = {
        "gbg manager": {key("municipality", w.goteborg)},
        "mdl manager": {key("municipality", w.molndal)},
        "region manager": whole,
        "lisa": whole,
        "gr member": {
            key("sub_region", w.gr),
            key("municipality", w.goteborg),
            key("municipality", w.molndal),
        },
        "fyrbodal member": {key("sub_region", w.fyrbodal), key("municipality", w.uddevalla)},
        "gbg caseworker": set(),
        "bup clinician": set(),
    }
    for who, keys in expected.items():
        assert {s.key for s in report_scopes(people[who])} == keys, who


@pytest.mark.parametrize("who", ["gbg caseworker", "bup clinician"])
def test_everybody_else_gets_a_404_with_a_denied_row(client_for, people, who):
    response = client_for(people[who]).get(URL)
    assert response.status_code == 404
    assert AuditEvent.objects.filter(action="denied", object_type="followup.report").exists()


@pytest.mark.parametrize(
    ("who", "level", "target"),
    [
        ("fyrbodal member", "sub_region", "gr"),
        ("fyrbodal member", "municipality", "goteborg"),
        ("fyrbodal member", "region", "region"),
        ("gr member", "sub_region", "fyrbodal"),
        ("gbg manager", "municipality", "molndal"),
        ("gbg manager", "region", "region"),
        ("mdl manager", "sub_region", "gr"),
    ],
)
@pytest.mark.parametrize("url_name", ["report", "report_xlsx", "report_pdf"])
def test_a_level_outside_ones_own_is_a_404_with_a_denied_row(
    client_for, world, people, who, level, target, url_name
):
    """R-FOLLOW-1: a Fyrbodal member sees nothing of Göteborgsregionen (nor of the region)."""
    scope = key(level, getattr(world, target))
    response = client_for(people[who]).get(
        reverse(f"followup:{url_name}"), {"scope": scope, "year": 2025}
    )
    assert response.status_code == 404
    denied = AuditEvent.objects.get(action="denied", object_type="followup.report")
    assert denied.object_id == scope
    assert denied.user_id == people[who].pk


@pytest.mark.parametrize(
    ("who", "level", "target"),
    [
        ("fyrbodal member", "sub_region", "fyrbodal"),
        ("gr member", "municipality", "molndal"),
        ("lisa", "sub_region", "fyrbodal"),
        ("region manager", "municipality", "uddevalla"),
        ("gbg manager", "municipality", "goteborg"),
    ],
)
def test_ones_own_levels_are_shown(client_for, world, people, who, level, target):
    response = client_for(people[who]).get(
        URL, {"scope": key(level, getattr(world, target)), "year": 2025}
    )
    assert response.status_code == 200
    assert response.context["report"].scope.pk == getattr(world, target).pk


def test_without_parameters_the_widest_level_and_this_year(client_for, world, people):
    response = client_for(people["lisa"]).get(URL)
    assert response.status_code == 200
    report = response.context["report"]
    assert report.scope.key == key("region", world.region)
    assert report.period.first == date(2026, 1, 1)  # the clock says 2026-02-10


# --- the page -------------------------------------------------------------------------------------


def test_the_page_shows_counts_and_no_personal_data(client_for, data_2025, people):
    """R-FOLLOW-1: counts only; each chart is followed by its table."""
    w = data_2025
    with translation.override("sv"):
        response = client_for(people["lisa"]).get(
            URL, {"scope": key("region", w.region), "year": 2025}, HTTP_ACCEPT_LANGUAGE="sv"
        )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('role="img"') >= 5
    assert html.count("<caption") >= 8
    assert "1\u00a0167\u00a0000,00" in html  # the HVB cost of 2025
    for child in Child.objects.all():
        assert child.first_name not in html
        assert child.identity_number not in html


def test_a_range_replaces_the_year(client_for, data_2025, people):
    w = data_2025
    response = client_for(people["lisa"]).get(
        URL,
        {
            "scope": key("region", w.region),
            "year": 2025,
            "first": "2025-06-01",
            "last": "2025-06-30",
        },
    )
    report = response.context["report"]
    assert (report.period.first, report.period.last) == (date(2025, 6, 1), date(2025, 6, 30))
    assert report.sips.initiated == 1
    assert report.volumes.days == 30 + 30  # Göteborg's ongoing placement and Uddevalla's


def test_a_range_needs_both_days_in_order(client_for, world, people):
    with translation.override("sv"):
        response = client_for(people["lisa"]).get(
            URL,
            {
                "scope": key("region", world.region),
                "year": 2025,
                "first": "2025-06-30",
                "last": "2025-06-01",
            },
            HTTP_ACCEPT_LANGUAGE="sv",
        )
    assert response.context["report"] is None
    assert response.context["form"].errors["last"] == [
        "Sista dagen kan inte vara före första dagen."
    ]


def test_the_menu_offers_the_follow_up_to_managers_only(client_for, people):
    response = client_for(people["gbg manager"]).get(reverse("start"))
    assert URL in response.content.decode()


# --- downloads --------------------------------------------------------------------------------


def test_the_spreadsheet_holds_numbers_as_numbers(client_for, data_2025, people):
    """R-FOLLOW-1: one sheet per section; counts and amounts are numbers, never text."""
    w = data_2025
    response = client_for(people["region manager"]).get(
        reverse("followup:report_xlsx"), {"scope": key("region", w.region), "year": 2025}
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert len(workbook.sheetnames) >= 9
    volume = next(ws for ws in workbook.worksheets if ws.title == "HVB volym")
    total = next(r for r in volume.iter_rows(min_row=3, values_only=True) if r[0] == "Totalt")
    assert total[1:4] == (4, 3, 412)
    assert Decimal(str(total[4])) == Decimal("1167000")
    assert all(isinstance(v, int | float) for v in total[1:])
    sip = workbook["SIP"]
    assert [r[1] for r in sip.iter_rows(min_row=3, max_row=6, values_only=True)] == [5, 3, 1, 1]
    assert AuditEvent.objects.filter(action="export", object_type="followup.report").count() == 1


def test_the_pdf_for_the_follow_up_meeting(client_for, data_2025, people):
    w = data_2025
    response = client_for(people["gr member"]).get(
        reverse("followup:report_pdf"), {"scope": key("sub_region", w.gr), "year": 2025}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


# --- queries do not grow with the data --------------------------------------------------------


def _more_data(w, n: int) -> None:
    for i in range(n):
        w.sip(w.goteborg, date(2025, 1 + i % 12, 1), date(2025, 1 + i % 12, 5))
        p = w.placement(w.molndal, start=date(2025, 1 + i % 12, 2), reason="behaviour")
        w.version(p, start=date(2025, 1 + i % 12, 2), lines=(("health_care", "region"),))
        w.deviation(w.molndal, w.region, w.gr, category="other", reported=date(2025, 3, 3))


@pytest.mark.parametrize("fmt", ["report", "report_xlsx"])
def test_the_number_of_queries_does_not_grow_with_the_data(
    client_for, data_2025, people, django_assert_max_num_queries, fmt
):
    """Issue 14: counts are computed in the database: the same number of queries at two sizes,
    under a fixed bound."""
    w = data_2025
    client = client_for(people["lisa"])
    params = {"scope": key("region", w.region), "year": 2025}
    url = reverse(f"followup:{fmt}")
    counts = []
    for extra in (0, 15):
        _more_data(w, extra)
        with CaptureQueriesContext(connection) as queries, django_assert_max_num_queries(30):
            response = client.get(url, params)
            if fmt == "report_xlsx":
                b"".join(response.streaming_content)
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_summary_sheet_compares_with_the_previous_year(client_for, data_2025, people):
    w = data_2025
    response = client_for(people["gbg manager"]).get(
        reverse("followup:report_xlsx"), {"scope": key("municipality", w.goteborg), "year": 2025}
    )
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)))["Sammanfattning"]
    rows = {r[0]: r[1:] for r in sheet.iter_rows(min_row=3, values_only=True) if r and r[0]}
    assert rows["Påbörjade SIP (behovet uppmärksammat under perioden)"] == (3, 1, 200)
    assert rows["Dygn i HVB-placeringar"][:2] == (375, 61)


# --- a period still running (R-FOLLOW-1 reports what has happened) ------------------------------


def test_a_year_still_running_is_counted_up_to_today(client_for, data_2025, people):
    """The clock says 2026-02-10: 2026 is reported from 1 January to today, its ongoing
    placements' days after today are not counted, and it is compared with 1 January to
    10 February 2025 (not the whole of 2025)."""
    w = data_2025
    with translation.override("sv"):
        response = client_for(people["lisa"]).get(
            URL, {"scope": key("region", w.region), "year": 2026}, HTTP_ACCEPT_LANGUAGE="sv"
        )
    report = response.context["report"]
    assert (report.period.first, report.period.last) == (date(2026, 1, 1), date(2026, 2, 10))
    assert (report.previous.first, report.previous.last) == (date(2025, 1, 1), date(2025, 2, 10))
    assert response.context["so_far"] is True
    assert "räknar till och med i dag, 10 februari 2026" in response.content.decode()
    # Göteborg's and Uddevalla's placements are ongoing: 41 days each so far, not 365.
    assert report.volumes.days == 41 + 41


def test_a_past_year_is_counted_whole_without_the_notice(client_for, data_2025, people):
    response = client_for(people["lisa"]).get(
        URL, {"scope": key("region", data_2025.region), "year": 2025}
    )
    report = response.context["report"]
    assert (report.period.first, report.period.last) == (date(2025, 1, 1), date(2025, 12, 31))
    assert (report.previous.first, report.previous.last) == (date(2024, 1, 1), date(2024, 12, 31))
    assert response.context["so_far"] is False


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"year": 2027}, "year"),
        ({"year": 2026, "first": "2026-02-11", "last": "2026-03-31"}, "first"),
    ],
)
def test_a_period_that_has_not_begun_is_refused_next_to_the_field(
    client_for, world, people, query, field
):
    with translation.override("sv"):
        response = client_for(people["lisa"]).get(
            URL, {"scope": key("region", world.region), **query}, HTTP_ACCEPT_LANGUAGE="sv"
        )
    assert response.status_code == 200
    assert response.context["report"] is None
    assert response.context["form"].errors[field] == [
        "Perioden har inte börjat än: välj en som har börjat."
    ]
