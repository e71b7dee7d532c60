"""Issue 10, browser journey: after `manage.py seed_demo`, the Göteborg caseworker opens a
Göteborg child and tries to open a Mölndal child (denied). The Göteborg manager then opens the
log review from the main navigation, filters it to that caseworker, sees the denied attempt,
narrows to denied attempts and exports the result as CSV. Axe finds no serious or critical
violation, and at 390 px the page does not scroll sideways."""

from __future__ import annotations

import csv
import io
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from core.models import AuditAction, AuditEvent
from organisations.demo import DEMO_PASSWORD
from organisations.models import User
from placements.models import Child
from tests.browser.conftest import assert_no_serious_axe_violations, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MANAGER = "chef.goteborg@demo.example"
CASEWORKER = "handlaggare.goteborg@demo.example"
LOG = reverse("dashboard:logreview")


def caseworker_reads_and_is_denied() -> tuple[User, Child, Child]:
    caseworker = User.objects.get(email=CASEWORKER)
    own = Child.objects.filter(responsible_unit__principal__name="Göteborg").first()
    other = Child.objects.filter(responsible_unit__principal__name="Mölndal").first()
    client = Client()
    client.force_login(caseworker, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(reverse("placements:child_detail", args=[own.pk])).status_code == 200
    assert client.get(reverse("placements:child_detail", args=[other.pk])).status_code == 404
    assert AuditEvent.objects.filter(
        user=caseworker, action=AuditAction.DENIED, child_id=other.pk
    ).exists()
    return caseworker, own, other


def assert_no_sideways_scroll(page) -> None:
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the page scrolls sideways by {overflow} px"


def test_manager_filters_the_log_by_a_person_sees_a_denied_attempt_and_exports(page, live_server):
    call_command("seed_demo", "--quiet-logins", stdout=StringIO())
    caseworker, own, other = caseworker_reads_and_is_denied()

    login(page, live_server, MANAGER, DEMO_PASSWORD)
    nav_link = page.locator(f"header nav a[href='{LOG}']")
    assert nav_link.inner_text().strip() == "Loggkontroll"
    with page.expect_navigation():
        nav_link.click()
    assert page.url == live_server.url + LOG
    assert page.locator("main h1").inner_text() == "Loggkontroll"
    assert_no_serious_axe_violations(page)

    page.select_option("#id_person", str(caseworker.pk))
    with page.expect_navigation():
        page.click("main form[method=get] button[type=submit]")
    assert f"person={caseworker.pk}" in page.url
    table = page.locator("main table")
    denied = table.locator("tbody tr", has=page.locator(".badge", has_text="Nekad åtkomst"))
    assert denied.count() >= 1
    # A Mölndal child: the Göteborg manager may not see its name, only the masked number.
    assert f"id {other.pk}" in denied.first.inner_text()
    assert other.first_name not in denied.first.inner_text()
    assert own.full_name in table.inner_text()  # the own child's name is shown
    assert_no_serious_axe_violations(page)

    with page.expect_navigation():
        page.click("main nav[aria-label='Snabbval'] a:has-text('Nekade försök')")
    assert "view=denied" in page.url and f"person={caseworker.pk}" in page.url
    rows = page.locator("main table tbody tr")
    assert rows.count() == denied.count()
    assert_no_serious_axe_violations(page)

    with page.expect_download() as info:
        page.click("main a:has-text('Ladda ned som CSV')")
    download = info.value
    assert download.suggested_filename.startswith("loggkontroll-")
    with open(download.path(), encoding="utf-8-sig") as handle:
        lines = list(csv.reader(io.StringIO(handle.read()), delimiter=";"))
    assert lines[0][:3] == ["Tid (svensk tid)", "Person", "E-postadress"]
    assert len(lines) - 1 == rows.count()
    assert all(line[5] == "Nekad åtkomst" and line[2] == CASEWORKER for line in lines[1:])
    assert other.first_name not in "\n".join(";".join(line) for line in lines)

    # Reading and exporting were logged, with the filter.
    manager = User.objects.get(email=MANAGER)
    reads = AuditEvent.objects.filter(user=manager, object_type="core.auditevent")
    assert reads.filter(action=AuditAction.VIEW).count() == 3
    export = reads.get(action=AuditAction.EXPORT)
    assert export.details["filters"] == {"person": caseworker.pk, "view": "denied"}

    # A phone: no sideways scroll of the page; the table scrolls in its own focusable region.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + LOG)
    assert_no_sideways_scroll(page)
    assert page.locator("main .table-responsive[tabindex='0']").count() == 1
    assert_no_serious_axe_violations(page)
