"""Reading an export back into an empty installation (issue 15): every row with the same
primary key, in the order of the manifest (the export's dependency order), in one transaction,
then the id sequences moved past the restored ids (PostgreSQL), so new rows get new ids.

Rows are inserted as they are (``raw``: no ``auto_now`` overwriting the times, no ``save``
overrides, no signals), a batch at a time, so the import needs memory for one batch only. The
database checks the references at commit (Django's foreign keys are deferred), so a file that
refers to a row it does not hold fails as a whole. The access table (who sees which child) is
derived, not exported: it is rebuilt from the restored rows.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.core.management.color import no_style
from django.db import IntegrityError, connection, models, transaction

from core.audit import audit_record
from core.models import AuditAction
from placements import access

from .archive import FORMAT_VERSION, MANIFEST
from .rows import instance_from_row
from .sections import BINARY_AS_FILE, NOT_EXPORTED, case_sections, model_for_label

BATCH_ROWS = 500
BATCH_BYTES = 16 * 1024 * 1024


class ImportRefused(Exception):
    """The file or the database is not fit for an import; nothing was written."""


@dataclass
class ImportResult:
    principal: str
    counts: dict[str, int] = field(default_factory=dict)


def _manifest(archive: zipfile.ZipFile) -> dict[str, Any]:
    try:
        data: dict[str, Any] = json.loads(archive.read(MANIFEST))
    except KeyError as exc:
        raise ImportRefused("The file has no manifest.json: it is not an export.") from exc
    if data.get("format_version") != FORMAT_VERSION:
        raise ImportRefused(f"Unknown export format version {data.get('format_version')!r}.")
    return data


def _hash_of(archive: zipfile.ZipFile, name: str) -> str:
    digest = hashlib.sha256()
    with archive.open(name) as member:
        for block in iter(lambda: member.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def _check_files(archive: zipfile.ZipFile, manifest: dict[str, Any]) -> None:
    """Every file of the manifest is there and unchanged (SHA-256)."""
    names = set(archive.namelist())
    for entry in manifest["files"]:
        if entry["name"] not in names:
            raise ImportRefused(f"{entry['name']} is missing from the file.")
        if _hash_of(archive, entry["name"]) != entry["sha256"]:
            raise ImportRefused(f"{entry['name']} does not match its SHA-256 in the manifest.")


def _models_of(manifest: dict[str, Any]) -> list[type[models.Model]]:
    known = {section.label for section in case_sections()}
    result = []
    for entry in manifest["files"]:
        label = entry.get("model")
        if label is None:
            continue
        if label not in known:
            raise ImportRefused(f"{entry['name']}: this installation does not import {label}.")
        result.append(model_for_label(label))
    return result


def tables_with_rows() -> list[str]:
    """The tables an import writes to that already hold rows."""
    return [section.label for section in case_sections() if section.model._default_manager.exists()]


def _rows(archive: zipfile.ZipFile, name: str) -> Iterator[dict[str, Any]]:
    with archive.open(name) as member:
        for line in member:
            if line.strip():
                yield json.loads(line)


def _insert(model: type[models.Model], batch: list[models.Model]) -> None:
    fields = [f for f in model._meta.local_concrete_fields if f.concrete]
    manager = model._base_manager
    size = connection.ops.bulk_batch_size(fields, batch) or len(batch)
    for start in range(0, len(batch), size):
        manager._insert(batch[start : start + size], fields=fields, raw=True)  # type: ignore[attr-defined]


def _load(archive: zipfile.ZipFile, model: type[models.Model], name: str) -> int:
    label = model._meta.label_lower
    binary = BINARY_AS_FILE.get(label)
    batch: list[models.Model] = []
    batch_bytes = count = 0
    for row in _rows(archive, name):
        if row.get("model") != label:
            raise ImportRefused(f"{name}: a row of {row.get('model')!r} in the file of {label}.")
        obj = instance_from_row(model, row)
        if binary:
            data = archive.read(row["file"])
            if hashlib.sha256(data).hexdigest() != row["fields"]["sha256"]:
                raise ImportRefused(f"{row['file']} does not match the SHA-256 of its row.")
            setattr(obj, binary, data)
            batch_bytes += len(data)
        batch.append(obj)
        count += 1
        if len(batch) >= BATCH_ROWS or batch_bytes >= BATCH_BYTES:
            _insert(model, batch)
            batch, batch_bytes = [], 0
    if batch:
        _insert(model, batch)
    return count


def reset_sequences(model_list: list[type[models.Model]]) -> None:
    """Move the id sequences past the restored ids (``sqlsequencereset``)."""
    statements = connection.ops.sequence_reset_sql(no_style(), model_list)
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def import_principal(source: str | Path | IO[bytes]) -> ImportResult:
    """Restore an export into this (empty) installation; refuse if it already holds data."""
    with zipfile.ZipFile(source) as archive:
        manifest = _manifest(archive)
        _check_files(archive, manifest)
        model_list = _models_of(manifest)
        result = ImportResult(principal=manifest["principal"]["name"])
        with transaction.atomic():
            occupied = tables_with_rows()
            if occupied:
                raise ImportRefused(
                    "The database is not empty; an export is restored into an empty "
                    "installation only. Tables with rows: " + ", ".join(occupied)
                )
            for entry in manifest["files"]:
                label = entry.get("model")
                if label is None:
                    continue
                result.counts[label] = _load(archive, model_for_label(label), entry["name"])
            try:
                # Here rather than at commit: the error names the table and the row.
                connection.check_constraints(
                    table_names=[model._meta.db_table for model in model_list]
                )
            except IntegrityError as exc:
                raise ImportRefused(f"A row refers to a row the file does not hold: {exc}") from exc
            reset_sequences(model_list)
            # Who sees which child is derived from the rows just restored (issue 13).
            access.rebuild()
            audit_record(
                action=AuditAction.CREATE,
                object_type="exports.import",
                details={
                    "imported": manifest["principal"],
                    "export_created_at": manifest["created_at"],
                    "counts": result.counts,
                },
            )
    return result


__all__ = ["NOT_EXPORTED", "ImportRefused", "ImportResult", "import_principal"]
