"""Issue 7, browser journey: after `manage.py seed_demo`, the Göteborg manager signs in, opens the
dashboard from the start page, goes on to the list of its deadlines (issue 12: the list moved
from the dashboard to its own page), filters it to first SIP meetings that are overdue, and
follows the link to the SIP. Axe finds no serious or critical violation on the dashboard (its SVG charts
included) or on the SIP page."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from dashboard.models import Deadline
from organisations.demo import DEMO_PASSWORD
from tests.browser.conftest import assert_no_serious_axe_violations, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MANAGER = "chef.goteborg@demo.example"
OVERVIEW = reverse("dashboard:overview")
LIST = reverse("dashboard:deadline_list")


def test_manager_finds_an_overdue_sip_on_the_dashboard_and_opens_it(page, live_server):
    call_command("seed_demo", "--quiet-logins", stdout=StringIO())
    today = timezone.localdate()
    overdue = Deadline.objects.filter(
        kind="sip_first_meeting",
        met_on__isnull=True,
        due_on__lt=today,
        unit__name="Socialtjänsten Göteborg",
    ).first()
    assert overdue is not None, "seed_demo should leave an overdue first SIP meeting in Göteborg"
    sip_url = reverse("sip:sip_detail", args=[overdue.sip_id])
    assert overdue.url == sip_url

    login(page, live_server, MANAGER, DEMO_PASSWORD)
    page.click(f"main a[href='{OVERVIEW}']")
    page.wait_for_url(live_server.url + OVERVIEW)
    assert page.locator("main figure svg[role=img]").count() == 3
    assert_no_serious_axe_violations(page)

    with page.expect_navigation():
        page.click(f"main a[href='{LIST}']")
    page.select_option("#id_kind", "sip_first_meeting")
    page.select_option("#id_status", "overdue")
    with page.expect_navigation():
        page.click("main form[method=get] button[type=submit]")
    assert "kind=sip_first_meeting" in page.url
    links = page.locator(f"main table a[href='{sip_url}']")
    assert links.count() == 1
    assert page.locator("main td.deadline-overdue").count() >= 1
    assert_no_serious_axe_violations(page)

    with page.expect_navigation():
        links.click()
    assert page.url == live_server.url + sip_url
    assert page.locator("main h1").count() == 1
    assert_no_serious_axe_violations(page)
