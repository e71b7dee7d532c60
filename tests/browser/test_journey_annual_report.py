"""Issue 14, browser journey (R-FOLLOW-1): after `manage.py seed_demo`, the Göteborg manager
opens the annual follow-up from the menu, sees Göteborg's report for this year with its charts
and tables, asks for a date range, and downloads the report as XLSX and as the PDF for the
yearly joint follow-up meeting. Axe finds no serious or critical violation at 1280 and 390 px;
at 320 px the page does not scroll sideways."""

from __future__ import annotations

from io import BytesIO, StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from organisations.demo import DEMO_PASSWORD
from tests.browser.conftest import assert_no_serious_axe_violations, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MANAGER = "chef.goteborg@demo.example"
REPORT = reverse("followup:report")


def test_manager_opens_the_annual_report_and_downloads_it(page, live_server):
    call_command("seed_demo", "--quiet-logins", stdout=StringIO())
    year = timezone.localdate().year

    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, live_server, MANAGER, DEMO_PASSWORD)
    with page.expect_navigation():
        page.click(f"header nav a[href='{REPORT}']")
    assert page.locator("main h1").inner_text() == "Årlig uppföljning"
    heading = page.locator("main h2#report-heading").inner_text()
    assert "Göteborg" in heading and f"{year}-01-01" in heading
    assert page.locator("main figure svg[role=img]").count() >= 5
    # Every chart is followed by its table; the HVB placements of the demo are counted.
    assert page.locator("main table caption").count() >= 8
    volume = page.locator("main table", has=page.locator("caption", has_text="volym och kostnad"))
    assert volume.locator("tfoot td").first.inner_text() != "0"
    assert_no_serious_axe_violations(page)

    # A date range instead of the year.
    page.fill("#id_first", f"{year}-01-01")
    page.fill("#id_last", f"{year}-06-30")
    with page.expect_navigation():
        page.click("main form[method=get] button[type=submit]")
    assert f"{year}-06-30" in page.locator("main h2#report-heading").inner_text()

    # Back to the year, then the downloads.
    page.fill("#id_first", "")
    page.fill("#id_last", "")
    with page.expect_navigation():
        page.click("main form[method=get] button[type=submit]")
    with page.expect_download() as xlsx_info:
        page.click("main a:has-text('Ladda ned Excel')")
    xlsx = Path(xlsx_info.value.path()).read_bytes()
    workbook = load_workbook(BytesIO(xlsx))
    assert workbook.sheetnames[:3] == ["Översikt", "Sammanfattning", "SIP"]
    assert isinstance(workbook["HVB volym"]["B3"].value, int)
    with page.expect_download() as pdf_info:
        page.click("main a:has-text('Ladda ned PDF')")
    assert Path(pdf_info.value.path()).read_bytes().startswith(b"%PDF")

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_no_serious_axe_violations(page)
    page.set_viewport_size({"width": 320, "height": 700})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
