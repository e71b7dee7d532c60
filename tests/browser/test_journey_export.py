"""Issue 15, browser journey: after `manage.py seed_demo`, Göteborg's administrator opens
"Export" from the main navigation, chooses Göteborg, reads what the file holds and downloads
it. The zip has its manifest and the principal's children; the download is logged. Axe finds no
serious or critical violation, and at 320 px the page does not scroll sideways."""

from __future__ import annotations

import json
import zipfile
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from core.models import AuditAction, AuditEvent
from organisations.demo import DEMO_PASSWORD
from organisations.models import Principal, User
from placements.models import Child
from tests.browser.conftest import assert_no_serious_axe_violations, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ADMIN = "admin.goteborg@demo.example"
INDEX = reverse("exports:index")


def test_administrator_downloads_the_export_of_goteborg(page, live_server):
    call_command("seed_demo", "--quiet-logins", stdout=StringIO())
    goteborg = Principal.objects.get(name="Göteborg")

    login(page, live_server, ADMIN, DEMO_PASSWORD)
    nav_link = page.locator(f"header nav a[href='{INDEX}']")
    assert nav_link.inner_text().strip() == "Export"
    with page.expect_navigation():
        nav_link.click()
    assert page.locator("main h1").inner_text() == "Export"
    assert_no_serious_axe_violations(page)

    with page.expect_navigation():
        page.click("main a:has-text('Göteborg')")
    assert page.url == live_server.url + reverse("exports:principal", args=[goteborg.pk])
    assert page.locator("main h1").inner_text() == "Export av Göteborg"
    assert_no_serious_axe_violations(page)

    with page.expect_download() as info:
        page.click("main button:has-text('Ladda ner exporten (zip)')")
    download = info.value
    assert download.suggested_filename.startswith("export-2120000035-")
    with zipfile.ZipFile(download.path()) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        children = archive.read("placements.child.jsonl").decode().splitlines()
    assert manifest["principal"]["name"] == "Göteborg"
    assert manifest["counts"]["placements.child"] == len(children)
    own = set(Child.objects.filter(home_municipality=goteborg).values_list("pk", flat=True))
    assert own <= {json.loads(line)["pk"] for line in children}
    admin = User.objects.get(email=ADMIN)
    assert AuditEvent.objects.filter(
        user=admin, action=AuditAction.EXPORT, object_id=str(goteborg.pk)
    ).exists()

    page.set_viewport_size({"width": 320, "height": 700})
    page.goto(live_server.url + reverse("exports:principal", args=[goteborg.pk]))
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the page scrolls sideways by {overflow} px"
    assert_no_serious_axe_violations(page)
