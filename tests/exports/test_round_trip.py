"""The export of a principal read back into an empty installation restores every row and every
PDF byte for byte (issue 15). Runs on SQLite and on PostgreSQL (DATABASE_URL).

The demo (seed_demo) gives the cases; signed document revisions, a signature, a decline, a
joint review, a consent revocation and a deviation are added so that every kind of row is in
the file. The database is then emptied (Django's flush statements, sequences restarted) inside
the test's transaction, the file imported, the references checked, and every exported row
compared with what was there before.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection
from django.utils import timezone

from agreements.models import (
    AgreementVersion,
    DeclineRecord,
    JointReview,
    Signature,
    SignedDocument,
)
from core.models import AuditAction, AuditEvent
from exports.archive import export_zip, pdf_path
from exports.importer import ImportRefused, import_principal
from exports.sections import REPLACED_FIELDS, model_for_label
from organisations.models import Membership, Principal, Role, Unit, User
from placements import access
from placements.models import Child, ChildAccess
from sip.models import Consent, ConsentRevocation
from tests.placements.factories import ChildFactory, PlacementFactory

pytestmark = pytest.mark.django_db

PDF_BYTES = [bytes(range(256)) * 40 + f"%%EOF r{n}".encode() for n in range(3)]


def _seed() -> None:
    call_command("seed_demo", stdout=StringIO())


def _add_every_kind_of_row(goteborg: Principal) -> AgreementVersion:
    """Rows the demo has none of: document revisions, a signature, a decline, a review, a
    revocation (with units) and, where the app exists, a deviation with a step."""
    version = (
        AgreementVersion.objects.filter(agreement__municipality=goteborg)
        .select_related("agreement")
        .order_by("pk")
        .first()
    )
    assert version is not None
    signer = User.objects.filter(memberships__unit__principal=goteborg).first()
    documents = [
        SignedDocument.objects.create(
            version=version,
            revision=n,
            signing_round=1,
            pdf=data,
            sha256=hashlib.sha256(data).hexdigest(),
            is_final=n == 2,
        )
        for n, data in enumerate(PDF_BYTES)
    ]
    now = timezone.now()
    Signature.objects.create(
        version=version,
        principal=goteborg,
        user=signer,
        role="Socialchef",
        signed_at=now,
        authentication="password",
        second_factor_at=now - timedelta(seconds=30),
        document=documents[1],
        signing_round=1,
        sequence=1,
    )
    DeclineRecord.objects.create(
        version=version, principal=version.agreement.region, user=signer, reason="Fel belopp"
    )
    JointReview.objects.create(
        version=version,
        held_on=timezone.localdate(),
        next_review_on=timezone.localdate() + timedelta(days=180),
        note="Oförändrat",
        recorded_by=signer,
    )
    consent = Consent.objects.filter(sip__child__home_municipality=goteborg).first()
    assert consent is not None
    revocation = ConsentRevocation.objects.create(
        consent=consent,
        revoked_on=timezone.localdate(),
        revoked_by_name="Eva",
        effective_from=timezone.localdate(),
        recorded_by=signer,
    )
    revocation.units.set(Unit.objects.filter(principal=version.agreement.region)[:1])
    _add_deviation(goteborg, version, signer)
    return version


def _add_deviation(goteborg: Principal, version: AgreementVersion, signer: User) -> None:
    try:
        from deviations.models import Deviation, DeviationEvent
    except ImportError:  # pragma: no cover - the app is being written
        return
    deviation = Deviation.objects.create(
        reporting_unit=Unit.objects.filter(principal=goteborg).first(),
        reporting_principal=goteborg,
        receiving_principal=version.agreement.region,
        category="other",
        occurred_on=timezone.localdate(),
        agreed="BUP-insats varje vecka",
        happened="Ingen insats på en månad",
        placement=version.agreement.placement,
        agreement=version.agreement,
        child=version.agreement.placement.child,
        answer_due_on=timezone.localdate() + timedelta(days=14),
        reported_by=signer,
        reported_on=timezone.localdate(),
    )
    DeviationEvent.objects.create(
        deviation=deviation, kind="reported", level="local", by=signer, on=timezone.localdate()
    )


def _export(principal: Principal) -> bytes:
    return b"".join(export_zip(principal))


def _snapshot(archive: zipfile.ZipFile) -> dict[str, dict[Any, dict[str, Any]]]:
    """Every exported row as the database holds it now: {label: {pk: {attname: value}}}."""
    manifest = json.loads(archive.read("manifest.json"))
    snapshot: dict[str, dict[Any, dict[str, Any]]] = {}
    for entry in manifest["files"]:
        label = entry.get("model")
        if label is None:
            continue
        model = model_for_label(label)
        pks = [json.loads(line)["pk"] for line in archive.read(entry["name"]).splitlines()]
        replaced = set(REPLACED_FIELDS.get(label, {}))
        snapshot[label] = {
            obj.pk: {
                field.attname: _comparable(getattr(obj, field.attname))
                for field in model._meta.concrete_fields
                if field.name not in replaced
            }
            for obj in model._base_manager.filter(pk__in=pks)
        }
        assert len(snapshot[label]) == len(pks) == entry["rows"], label
    return snapshot


def _comparable(value: Any) -> Any:
    return bytes(value) if isinstance(value, memoryview) else value


def _empty_the_database() -> None:
    """What an empty installation is: every table emptied, id sequences back at the start
    (the audit log too: the test settings allow it on PostgreSQL)."""
    tables = [
        table
        for table in connection.introspection.django_table_names(only_existing=True)
        if table not in ("django_content_type", "auth_permission", "django_migrations")
    ]
    connection.check_constraints()  # PostgreSQL truncates no table with checks still pending
    statements = connection.ops.sql_flush(
        no_style(), tables, reset_sequences=True, allow_cascade=True
    )
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def test_export_of_goteborg_restores_every_row_and_pdf_in_an_empty_installation():
    _seed()
    goteborg = Principal.objects.get(name="Göteborg")
    version = _add_every_kind_of_row(goteborg)
    data = _export(goteborg)
    archive = zipfile.ZipFile(io.BytesIO(data))
    before = _snapshot(archive)

    _empty_the_database()
    assert not Child.objects.exists() and not AuditEvent.objects.exists()
    result = import_principal(io.BytesIO(data))

    connection.check_constraints()  # every reference points to a restored row
    after = _snapshot(archive)
    assert after == before
    assert result.counts == {label: len(rows) for label, rows in before.items()}
    for n, pdf in enumerate(PDF_BYTES):
        name = pdf_path(version.agreement_id, version.number, n)
        assert archive.read(name) == pdf
        assert bytes(SignedDocument.objects.get(version=version, revision=n).pdf) == pdf
    assert before["agreements.signature"] and before["agreements.declinerecord"]
    assert before["sip.consentrevocation_units"] and before["agreements.jointreview"]
    # Who sees which child is not exported: rebuilt from the restored rows (issue 13).
    assert ChildAccess.objects.filter(source=ChildAccess.Source.RESPONSIBLE).count() == (
        Child.objects.count()
    )
    assert access.differences() == (set(), set())


def test_after_an_import_new_rows_get_new_ids():
    """The sequences are moved past the restored ids (PostgreSQL: sqlsequencereset)."""
    _seed()
    goteborg = Principal.objects.get(name="Göteborg")
    data = _export(goteborg)
    highest = Unit.objects.order_by("-pk").values_list("pk", flat=True).first()
    _empty_the_database()
    import_principal(io.BytesIO(data))

    unit = Unit.objects.create(principal_id=goteborg.pk, name="Ny enhet", kind="other")

    assert unit.pk > highest


def test_restored_users_have_no_password_and_no_superuser_status():
    _seed()
    goteborg = Principal.objects.get(name="Göteborg")
    User.objects.filter(memberships__unit__principal=goteborg).update(is_superuser=True)
    data = _export(goteborg)
    _empty_the_database()

    import_principal(io.BytesIO(data))

    users = list(User.objects.all())
    assert users
    assert not any(user.has_usable_password() for user in users)
    assert not any(user.is_superuser for user in users)


def test_import_refuses_a_database_that_holds_data():
    _seed()
    goteborg = Principal.objects.get(name="Göteborg")
    data = _export(goteborg)
    children = Child.objects.count()

    with pytest.raises(ImportRefused, match="not empty"):
        import_principal(io.BytesIO(data))

    assert Child.objects.count() == children


def test_import_refuses_a_file_whose_contents_were_changed():
    _seed()
    goteborg = Principal.objects.get(name="Göteborg")
    data = _export(goteborg)
    changed = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(changed, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "placements.child.jsonl":
                content = content.replace(b'"first_name": "', b'"first_name": "X', 1)
            target.writestr(item.filename, content)
    _empty_the_database()

    with pytest.raises(ImportRefused, match="SHA-256"):
        import_principal(io.BytesIO(changed.getvalue()))

    assert not Child.objects.exists()


def test_the_export_holds_the_principals_children_and_not_another_municipalitys():
    _seed()
    goteborg = Principal.objects.get(name="Göteborg")
    molndal = Principal.objects.get(name="Mölndal")
    other = PlacementFactory(
        child=ChildFactory(
            home_municipality=molndal, responsible_unit=Unit.objects.filter(principal=molndal)[0]
        )
    )
    archive = zipfile.ZipFile(io.BytesIO(_export(goteborg)))

    child_ids = {
        json.loads(line)["pk"] for line in archive.read("placements.child.jsonl").splitlines()
    }
    placement_ids = {
        json.loads(line)["pk"] for line in archive.read("placements.placement.jsonl").splitlines()
    }
    assert child_ids == set(
        Child.objects.filter(home_municipality=goteborg).values_list("pk", flat=True)
    ) | set(Child.objects.filter(responsible_unit__principal=goteborg).values_list("pk", flat=True))
    assert other.child_id not in child_ids and other.pk not in placement_ids
    user_ids = {
        json.loads(line)["pk"] for line in archive.read("organisations.user.jsonl").splitlines()
    }
    assert other.caseworker_id not in user_ids
    memberships = [
        json.loads(line)["fields"]
        for line in archive.read("organisations.membership.jsonl").splitlines()
    ]
    assert memberships
    assert {m["unit"] for m in memberships} <= set(
        Unit.objects.filter(principal=goteborg).values_list("pk", flat=True)
    )


def test_the_region_exports_the_children_it_has_agreements_with():
    _seed()
    region = Principal.objects.get(kind=Principal.Kind.REGION)
    archive = zipfile.ZipFile(io.BytesIO(_export(region)))

    child_ids = {
        json.loads(line)["pk"] for line in archive.read("placements.child.jsonl").splitlines()
    }

    with_agreement = set(
        Child.objects.filter(placements__agreement__region=region).values_list("pk", flat=True)
    )
    assert with_agreement and with_agreement <= child_ids


def test_the_manifest_lists_every_file_with_its_checksum_and_count():
    _seed()
    goteborg = Principal.objects.get(name="Göteborg")
    archive = zipfile.ZipFile(io.BytesIO(_export(goteborg)))

    manifest = json.loads(archive.read("manifest.json"))

    assert manifest["principal"]["organisation_number"] == goteborg.organisation_number
    names = {entry["name"] for entry in manifest["files"]}
    assert names == set(archive.namelist()) - {"manifest.json"}
    for entry in manifest["files"]:
        content = archive.read(entry["name"])
        assert hashlib.sha256(content).hexdigest() == entry["sha256"]
        if "rows" in entry:
            assert len(content.splitlines()) == entry["rows"]
            assert manifest["counts"][entry["model"]] == entry["rows"]
    readme = archive.read("README.md").decode()
    assert "placements.placement.jsonl" in readme and "`planned_start`" in readme


def test_every_project_model_is_exported_or_left_out_with_a_reason():
    from django.apps import apps

    from exports.sections import NOT_EXPORTED, case_sections

    exported = {section.label for section in case_sections()}
    apps_checked = (
        "organisations",
        "core",
        "placements",
        "sip",
        "agreements",
        "dashboard",
        "deviations",
        "followup",
        "api",
        "exports",
    )
    missing = [
        model._meta.label_lower
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in apps_checked
        and model._meta.label_lower not in exported
        and model._meta.label_lower not in NOT_EXPORTED
    ]

    assert not missing, f"Decide whether the export holds these: {missing}"


def test_membership_rows_restore_without_moving_home_principals():
    """Rows go in raw: the membership signal that sets a user's home principal does not run,
    so a user keeps the home the export states."""
    _seed()
    goteborg = Principal.objects.get(name="Göteborg")
    homes = dict(
        User.objects.filter(memberships__unit__principal=goteborg).values_list(
            "pk", "home_principal_id"
        )
    )
    data = _export(goteborg)
    _empty_the_database()

    import_principal(io.BytesIO(data))

    restored = dict(User.objects.filter(pk__in=homes).values_list("pk", "home_principal_id"))
    assert restored == homes
    assert Membership.objects.filter(role=Role.ADMINISTRATOR).exists()


def test_the_audit_rows_about_the_principals_data_are_exported():
    _seed()
    goteborg = Principal.objects.get(name="Göteborg")
    child = Child.objects.filter(home_municipality=goteborg).first()
    row = AuditEvent.objects.create(action=AuditAction.VIEW, child_id=child.pk)
    elsewhere = AuditEvent.objects.create(action=AuditAction.VIEW, child_id=10**9)
    archive = zipfile.ZipFile(io.BytesIO(_export(goteborg)))

    ids = {json.loads(line)["pk"] for line in archive.read("core.auditevent.jsonl").splitlines()}

    assert row.pk in ids and elsewhere.pk not in ids


def test_import_refuses_a_file_whose_rows_refer_to_rows_it_does_not_hold():
    """A consistent file (checksums recomputed) that lacks a row others point to."""
    _seed()
    goteborg = Principal.objects.get(name="Göteborg")
    data = _export(goteborg)
    source = zipfile.ZipFile(io.BytesIO(data))
    manifest = json.loads(source.read("manifest.json"))
    users = source.read("organisations.user.jsonl").splitlines(keepends=True)
    caseworkers = {
        json.loads(line)["fields"]["caseworker"]
        for line in source.read("placements.placement.jsonl").splitlines()
    }
    kept = b"".join(line for line in users if json.loads(line)["pk"] not in caseworkers)
    changed = io.BytesIO()
    with zipfile.ZipFile(changed, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "organisations.user.jsonl":
                content = kept
                entry = next(f for f in manifest["files"] if f["name"] == item.filename)
                entry["sha256"] = hashlib.sha256(kept).hexdigest()
                entry["rows"] = len(kept.splitlines())
            if item.filename != "manifest.json":
                target.writestr(item.filename, content)
        target.writestr("manifest.json", json.dumps(manifest))
    _empty_the_database()

    with pytest.raises(ImportRefused, match="refers to a row"):
        import_principal(io.BytesIO(changed.getvalue()))
