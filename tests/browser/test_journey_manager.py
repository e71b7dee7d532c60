"""Issue 12, browser journey: after `manage.py seed_demo`, the Göteborg manager sees the overdue
deadlines of the units they manage on the start page, opens the dashboard, finds the unit with
most overdue deadlines at the top of the table per unit, follows its overdue count to the list
of those deadlines and opens a case. Each page of the dashboard has no serious or critical axe
violation at 1280 and 390 px and does not scroll sideways at 390 and 320 px."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from dashboard.selectors import deadlines_for, my_deadlines
from organisations.demo import DEMO_PASSWORD
from organisations.models import User
from tests.browser.conftest import assert_no_serious_axe_violations, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MANAGER = "chef.goteborg@demo.example"
CASEWORKER = "handlaggare.goteborg@demo.example"
START = reverse("start")
OVERVIEW = reverse("dashboard:overview")
LIST = reverse("dashboard:deadline_list")
MY_DEADLINES = reverse("dashboard:my_deadlines")
WIDE, PHONE, SMALL_PHONE = 1280, 390, 320


def assert_fits_and_passes_axe(page) -> None:
    """Axe at 1280 and 390 px; no sideways scrolling at 390 and 320 px. Back to 1280 after."""
    for width in (WIDE, PHONE, SMALL_PHONE):
        page.set_viewport_size({"width": width, "height": 900})
        if width != WIDE:
            scroll, inner = page.evaluate(
                "[document.documentElement.scrollWidth, window.innerWidth]"
            )
            assert scroll <= inner, f"{page.url} scrolls sideways at {width} px ({scroll} px)"
        if width != SMALL_PHONE:
            assert_no_serious_axe_violations(page)
    page.set_viewport_size({"width": WIDE, "height": 900})


def test_manager_finds_the_unit_with_most_overdue_deadlines_and_opens_its_cases(page, live_server):
    call_command("seed_demo", "--quiet-logins", stdout=StringIO())
    today = timezone.localdate()
    manager = User.objects.get(email=MANAGER)
    base = deadlines_for(manager, today=today, managed_only=True)
    overdue_total = base.filter(status="overdue").count()
    per_unit = list(
        base.order_by()
        .values("unit_id", "unit__name")
        .annotate(overdue=Count("pk", filter=Q(status="overdue")))
        .order_by("-overdue", "unit__name")
    )
    assert overdue_total > 0, "seed_demo should leave overdue deadlines in Göteborg"
    top = per_unit[0]

    page.set_viewport_size({"width": WIDE, "height": 900})
    login(page, live_server, MANAGER, DEMO_PASSWORD)
    assert page.url == live_server.url + START
    overdue_link = page.locator(f"main a[href='{LIST}?status=overdue']")
    assert overdue_link.count() == 1
    assert str(overdue_total) in overdue_link.inner_text()
    assert_fits_and_passes_axe(page)

    with page.expect_navigation():
        page.click(f"main a[href='{OVERVIEW}']")
    assert page.url == live_server.url + OVERVIEW
    first_row = page.locator("#units-heading + div table tbody tr").first
    assert first_row.locator("th").inner_text() == top["unit__name"]
    cell_link = first_row.locator("td").first.locator("a")
    assert cell_link.inner_text().replace("\u00a0", "") == str(top["overdue"])
    assert page.locator("main figure svg[role=img]").count() == 3
    assert_fits_and_passes_axe(page)

    with page.expect_navigation():
        cell_link.click()
    assert page.url == f"{live_server.url}{LIST}?unit={top['unit_id']}&status=overdue"
    rows = page.locator("main table tbody tr")
    assert rows.count() == min(top["overdue"], 25)
    assert page.locator("main td.deadline-overdue").count() == rows.count()
    assert page.locator("#id_unit").input_value() == str(top["unit_id"])
    assert_fits_and_passes_axe(page)

    case_link = rows.first.locator("a").first
    case_url = case_link.get_attribute("href")
    assert case_url in set(base.filter(unit_id=top["unit_id"]).values_list("url", flat=True))
    with page.expect_navigation():
        case_link.click()
    assert page.url == live_server.url + case_url
    assert page.locator("main h1").count() == 1


def test_caseworker_reads_the_work_per_child_on_a_phone(page, live_server):
    call_command("seed_demo", "--quiet-logins", stdout=StringIO())
    caseworker = User.objects.get(email=CASEWORKER)
    open_deadlines = my_deadlines(caseworker, today=timezone.localdate(), limit=200)
    children = {d.child_id for d in open_deadlines}
    assert len(children) > 1, "seed_demo should give the caseworker work for several children"

    page.set_viewport_size({"width": PHONE, "height": 900})
    login(page, live_server, CASEWORKER, DEMO_PASSWORD)
    start_groups = page.locator("main ul.worklist > li")
    assert 1 <= start_groups.count() <= len(children)
    assert_fits_and_passes_axe(page)

    with page.expect_navigation():
        page.click(f"main a[href='{MY_DEADLINES}']")
    groups = page.locator("main ul.worklist > li")
    assert groups.count() == len(children)
    assert page.locator("main ul.worklist > li > ul > li").count() == len(open_deadlines)
    first = groups.first.locator("li a").first
    assert first.get_attribute("href") == open_deadlines[0].url
    assert_fits_and_passes_axe(page)
