"""The export page and download: for the principal's administrators only (404 with a denied
audit row for everyone else), the download streamed and audited, queries not growing with the
number of rows (issue 15)."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import AuditAction, AuditEvent
from exports import archive
from exports.archive import export_zip
from exports.sections import case_sections
from organisations.models import Role
from tests.factories import member
from tests.placements.factories import ChildFactory, PlacementFactory

pytestmark = pytest.mark.django_db


def _download(client, principal):
    return client.post(reverse("exports:download", args=[principal.pk]))


def _zip_of(response) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_administrator_sees_the_export_page_of_their_principal(client, gbg_admin, goteborg):
    client.force_login(gbg_admin)

    response = client.get(reverse("exports:principal", args=[goteborg.pk]))

    assert response.status_code == 200
    content = response.content.decode()
    assert "Export av Göteborg" in content
    assert reverse("exports:download", args=[goteborg.pk]) in content


def test_the_index_lists_the_principals_the_administrator_administers(
    client, gbg_admin, goteborg, molndal
):
    client.force_login(gbg_admin)

    response = client.get(reverse("exports:index"))

    assert response.status_code == 200
    assert reverse("exports:principal", args=[goteborg.pk]) in response.content.decode()
    assert reverse("exports:principal", args=[molndal.pk]) not in response.content.decode()


def test_download_streams_the_zip_and_writes_an_export_row(client, gbg_admin, goteborg, gbg_social):
    child = ChildFactory(home_municipality=goteborg, responsible_unit=gbg_social)
    PlacementFactory(child=child, planned_start=date(2026, 6, 1))
    client.force_login(gbg_admin)

    response = _download(client, goteborg)

    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    files = _zip_of(response)
    rows = files.read("placements.child.jsonl").splitlines()
    assert [json.loads(line)["pk"] for line in rows] == [child.pk]
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.user == gbg_admin
    assert event.object_type == "organisations.principal"
    assert event.object_id == str(goteborg.pk)


def test_download_is_post_only(client, gbg_admin, goteborg):
    client.force_login(gbg_admin)

    response = client.get(reverse("exports:download", args=[goteborg.pk]))

    assert response.status_code == 405
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


@pytest.mark.parametrize("page", ["exports:principal", "exports:download"])
def test_another_principals_administrator_gets_404_and_a_denied_row(
    client, mdl_admin, goteborg, page
):
    client.force_login(mdl_admin)

    if page == "exports:download":
        response = _download(client, goteborg)
    else:
        response = client.get(reverse(page, args=[goteborg.pk]))

    assert response.status_code == 404
    denied = AuditEvent.objects.get(action=AuditAction.DENIED)
    assert denied.user == mdl_admin
    assert denied.object_id == str(goteborg.pk)
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.MANAGER, Role.CLINICIAN])
def test_staff_who_are_not_administrators_get_404(client, gbg_social, goteborg, role):
    user = member(gbg_social, role, email=f"{role}@gbg.example")
    client.force_login(user)

    assert client.get(reverse("exports:index")).status_code == 404
    assert client.get(reverse("exports:principal", args=[goteborg.pk])).status_code == 404
    assert _download(client, goteborg).status_code == 404
    assert AuditEvent.objects.filter(action=AuditAction.DENIED).count() == 3


def test_a_principal_that_does_not_exist_is_the_same_404(client, gbg_admin):
    client.force_login(gbg_admin)

    assert client.get(reverse("exports:principal", args=[999999])).status_code == 404


def test_the_administrator_finds_the_export_in_the_menu(client, gbg_admin, gbg_caseworker):
    client.force_login(gbg_admin)
    assert reverse("exports:index") in client.get(reverse("start")).content.decode()

    client.force_login(gbg_caseworker)
    assert reverse("exports:index") not in client.get(reverse("start")).content.decode()


def _cases(goteborg, unit, count: int) -> None:
    for _ in range(count):
        child = ChildFactory(home_municipality=goteborg, responsible_unit=unit)
        PlacementFactory(child=child, planned_start=date(2026, 6, 1))


@pytest.mark.parametrize("count", [3, 30])
def test_export_queries_do_not_grow_with_the_rows(
    count, goteborg, gbg_social, gbg_caseworker, monkeypatch, django_assert_max_num_queries
):
    """Chunks of 4 rows: 3 children fit in one chunk, 30 need eight; the queries are the same
    (one per file, one for the PDFs), so the limit is the same at both sizes."""
    monkeypatch.setattr(archive, "CHUNK_SIZE", 4)
    _cases(goteborg, gbg_social, count)

    with django_assert_max_num_queries(len(case_sections()) + 1):
        data = b"".join(export_zip(goteborg))

    rows = zipfile.ZipFile(io.BytesIO(data)).read("placements.placement.jsonl").splitlines()
    assert len(rows) == count


def test_export_query_count_is_the_same_at_two_sizes(goteborg, gbg_social, monkeypatch):
    monkeypatch.setattr(archive, "CHUNK_SIZE", 4)
    counts = []
    for extra in (2, 20):
        _cases(goteborg, gbg_social, extra)
        with CaptureQueriesContext(connection) as captured:
            b"".join(export_zip(goteborg))
        counts.append(len(captured))

    assert counts[0] == counts[1]
