"""`manage.py export_principal` and `manage.py import_principal` (issue 15)."""

from __future__ import annotations

import json
import zipfile
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from core.models import AuditAction, AuditEvent
from tests.placements.factories import ChildFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("reference", ["id", "organisation number", "without hyphen"])
def test_export_principal_writes_the_zip_and_an_audit_row(
    tmp_path, goteborg, gbg_social, reference
):
    child = ChildFactory(home_municipality=goteborg, responsible_unit=gbg_social)
    given = {
        "id": str(goteborg.pk),
        "organisation number": goteborg.organisation_number,
        "without hyphen": goteborg.organisation_number.replace("-", ""),
    }[reference]
    output = tmp_path / "gbg.zip"

    call_command("export_principal", given, output=str(output), stdout=StringIO())

    with zipfile.ZipFile(output) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        rows = archive.read("placements.child.jsonl").splitlines()
    assert manifest["principal"]["id"] == goteborg.pk
    assert [json.loads(line)["pk"] for line in rows] == [child.pk]
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.user is None
    assert event.object_id == str(goteborg.pk)
    assert event.details["page"] == "export_principal"
    assert not (tmp_path / "gbg.zip.part").exists()


def test_export_principal_names_an_unknown_principal(tmp_path, goteborg):
    with pytest.raises(CommandError, match="No principal"):
        call_command("export_principal", "999999", output=str(tmp_path / "x.zip"))


def test_import_principal_refuses_a_database_with_data(tmp_path, goteborg, gbg_social):
    ChildFactory(home_municipality=goteborg, responsible_unit=gbg_social)
    output = tmp_path / "gbg.zip"
    call_command("export_principal", str(goteborg.pk), output=str(output), stdout=StringIO())

    with pytest.raises(CommandError, match="not empty"):
        call_command("import_principal", str(output), stdout=StringIO())


def test_import_principal_refuses_a_file_that_is_no_export(tmp_path, db):
    path = tmp_path / "other.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "hej")

    with pytest.raises(CommandError, match="manifest"):
        call_command("import_principal", str(path), stdout=StringIO())
