"""The export as a zip that streams: the zip is written to a sink that only collects bytes, and
the generator hands them on as they come, so neither the rows nor the PDFs are ever all in
memory (issue 15). ``zipfile`` writes to a stream it cannot seek with data descriptors after
each member, which every unzip tool reads.

The zip holds ``README.md`` (each file and its fields), one ``<app>.<model>.jsonl`` per section
(one row a line), ``pdf/<agreement>/<version>-r<revision>.pdf`` for every signed document
revision, and ``manifest.json`` last (principal, time, counts, SHA-256 of every other file).
"""

from __future__ import annotations

import hashlib
import json
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from organisations.models import Principal

from .rows import ExportEncoder, exported_fields, row_dict, row_line
from .sections import BINARY_AS_FILE, REPLACED_FIELDS, Section, sections_for

FORMAT_VERSION = 1
CHUNK_SIZE = 2000  # rows per database round trip
PDF_CHUNK_SIZE = 20  # PDFs per database round trip: a few megabytes at most
FLUSH_BYTES = 256 * 1024  # hand on what the sink holds once it is this large
MANIFEST = "manifest.json"
README = "README.md"


def pdf_path(agreement_id: int, version_number: int, revision: int) -> str:
    return f"pdf/{agreement_id}/{version_number}-r{revision}.pdf"


class _Sink:
    """A write-only file that keeps what is written until ``drain`` takes it."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []
        self.size = 0

    def write(self, data: bytes) -> int:
        self._parts.append(bytes(data))
        self.size += len(data)
        return len(data)

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass

    def drain(self) -> bytes:
        data = b"".join(self._parts)
        self._parts = []
        self.size = 0
        return data


@dataclass
class _Manifest:
    principal: Principal
    created_at: Any = field(default_factory=timezone.now)
    files: list[dict[str, Any]] = field(default_factory=list)

    def add(
        self, name: str, *, sha256: str, size: int, rows: int | None = None, **extra: Any
    ) -> None:
        entry: dict[str, Any] = {"name": name, "sha256": sha256, "bytes": size}
        if rows is not None:
            entry["rows"] = rows
        entry.update(extra)
        self.files.append(entry)

    def as_json(self) -> bytes:
        counts = {f["model"]: f["rows"] for f in self.files if "model" in f}
        data = {
            "format": "placeringar-principal-export",
            "format_version": FORMAT_VERSION,
            "principal": {
                "id": self.principal.pk,
                "name": self.principal.name,
                "kind": self.principal.kind,
                "organisation_number": self.principal.organisation_number,
            },
            "created_at": self.created_at,
            "counts": counts,
            "pdf_files": sum(1 for f in self.files if f["name"].startswith("pdf/")),
            "files": self.files,
        }
        return json.dumps(data, cls=ExportEncoder, ensure_ascii=False, indent=2).encode()


def _zipinfo(name: str, *, compress: bool = True) -> zipfile.ZipInfo:
    """A member: the JSON Lines and texts deflated; PDFs stored as they are (their content is
    compressed already, deflating it again costs time and saves nothing)."""
    info = zipfile.ZipInfo(name, date_time=time.localtime()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    return info


def export_zip(principal: Principal) -> Iterator[bytes]:
    """The principal's export as chunks of a zip file. On PostgreSQL, outside a transaction,
    every query reads the same snapshot (REPEATABLE READ, read only), so rows written while the
    export runs cannot refer to rows it has already passed."""
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            yield from _export_zip(principal)
    else:
        yield from _export_zip(principal)


def _export_zip(principal: Principal) -> Iterator[bytes]:
    sink = _Sink()
    manifest = _Manifest(principal=principal)
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        readme = readme_text(principal).encode()
        archive.writestr(_zipinfo(README), readme)
        manifest.add(README, sha256=hashlib.sha256(readme).hexdigest(), size=len(readme))
        yield sink.drain()

        documents: Section | None = None
        for section, queryset in sections_for(principal):
            yield from _write_section(archive, sink, manifest, section, queryset)
            if section.label in BINARY_AS_FILE:
                documents = section
        if documents is not None:
            yield from _write_pdfs(archive, sink, manifest, principal)

        archive.writestr(_zipinfo(MANIFEST), manifest.as_json())
    yield sink.drain()


def _write_section(
    archive: zipfile.ZipFile, sink: _Sink, manifest: _Manifest, section: Section, queryset: Any
) -> Iterator[bytes]:
    model = section.model
    fields = exported_fields(model)
    binary = BINARY_AS_FILE.get(section.label)
    replaced = REPLACED_FIELDS.get(section.label, {})
    if binary:
        queryset = queryset.defer(binary).select_related("version")
    digest = hashlib.sha256()
    rows = size = 0
    with archive.open(_zipinfo(section.filename), "w", force_zip64=True) as entry:
        for obj in queryset.iterator(chunk_size=CHUNK_SIZE):
            row = row_dict(obj, fields)
            for name, value in replaced.items():
                row["fields"][name] = value()
            if binary:
                row["file"] = pdf_path(obj.version.agreement_id, obj.version.number, obj.revision)
            line = row_line(row)
            entry.write(line)
            digest.update(line)
            rows += 1
            size += len(line)
            if sink.size >= FLUSH_BYTES:
                yield sink.drain()
    manifest.add(
        section.filename, sha256=digest.hexdigest(), size=size, rows=rows, model=section.label
    )
    yield sink.drain()


def _write_pdfs(
    archive: zipfile.ZipFile, sink: _Sink, manifest: _Manifest, principal: Principal
) -> Iterator[bytes]:
    """Every revision of every signed document, a few at a time."""
    from agreements.models import SignedDocument

    from .sections import PrincipalScope

    documents = (
        SignedDocument.objects.filter(
            version__agreement_id__in=PrincipalScope(principal).agreements().values("pk")
        )
        .order_by("pk")
        .values_list("pk", "version__agreement_id", "version__number", "revision", "pdf")
    )
    for pk, agreement_id, number, revision, pdf in documents.iterator(chunk_size=PDF_CHUNK_SIZE):
        data = bytes(pdf)
        name = pdf_path(agreement_id, number, revision)
        with archive.open(_zipinfo(name, compress=False), "w", force_zip64=True) as entry:
            entry.write(data)
        manifest.add(name, sha256=hashlib.sha256(data).hexdigest(), size=len(data), document=pk)
        del data, pdf
        if sink.size >= FLUSH_BYTES:
            yield sink.drain()
    yield sink.drain()


# --- README ------------------------------------------------------------------------------------


def _kind_label(field: Any) -> str:
    kinds = {
        "CharField": _("text"),
        "TextField": _("text"),
        "EmailField": _("text"),
        "URLField": _("text"),
        "BooleanField": _("true or false"),
        "DateField": _("date (YYYY-MM-DD)"),
        "DateTimeField": _("date and time (ISO 8601, with time zone)"),
        "TimeField": _("time (HH:MM:SS)"),
        "DecimalField": _("decimal number as text"),
        "JSONField": _("JSON object"),
        "BinaryField": _("file"),
    }
    if field.is_relation and field.related_model is not None:
        return _("the pk of a row of %(file)s") % {
            "file": f"{field.related_model._meta.label_lower}.jsonl"
        }
    internal = field.get_internal_type()
    if "Integer" in internal:
        return str(_("whole number"))
    return str(kinds.get(internal, internal))


def _field_line(field: Any) -> str:
    label = capfirst(str(getattr(field, "verbose_name", field.name)))
    help_text = str(getattr(field, "help_text", "") or "")
    extra = []
    if field.null:
        extra.append(_("may be empty (null)"))
    choices = getattr(field, "choices", None)
    if choices:
        extra.append(
            _("values: %(values)s")
            % {"values": ", ".join(f"`{value}` ({label})" for value, label in choices)}
        )
    tail = f" {help_text}" if help_text else ""
    more = f" ({'; '.join(str(e) for e in extra)})" if extra else ""
    return f"- `{field.name}` – {label}: {_kind_label(field)}{more}.{tail}"


def readme_text(principal: Principal) -> str:
    """A description of every file and its fields, from the models' names and help texts."""
    from .sections import case_sections

    lines = [
        "# " + _("Export of %(name)s") % {"name": principal.name},
        "",
        _(
            "Everything the principal holds in the placement system: its children and "
            "everything about them, its organisations and the people rows refer to, its "
            "deviations and the log about its staff and data."
        ),
        "",
        _(
            "Each `.jsonl` file holds one row per line as a JSON object: `model` (app and "
            "model), `pk` (the row's id) and `fields` (the values by field name). A reference "
            "to another row is that row's `pk`. Dates and times are ISO 8601 (times in UTC), "
            "amounts are text with a decimal point."
        ),
        "",
        _(
            "The signed agreement documents are PDF files of their own, one per revision, in "
            "`pdf/<agreement>/<version>-r<revision>.pdf`; the row of "
            "`agreements.signeddocument.jsonl` names its file in `file` and holds its SHA-256."
        ),
        "",
        _(
            "`manifest.json` lists every file with its SHA-256 and number of rows. Passwords "
            "are not exported: a restored user sets a new password."
        ),
        "",
        _("Restore into an empty installation with `manage.py import_principal <file.zip>`."),
        "",
    ]
    for section in case_sections():
        model = section.model
        opts = model._meta
        lines.append(f"## {section.filename}")
        lines.append("")
        title = capfirst(str(opts.verbose_name_plural))
        if opts.auto_created:
            title = _("Links between rows (a many-to-many table): %(name)s") % {
                "name": opts.db_table
            }
        lines.append(title)
        lines.append("")
        for model_field in exported_fields(model):
            lines.append(_field_line(model_field))
        if section.label in BINARY_AS_FILE:
            lines.append(
                "- `file` – " + _("the PDF file of this revision in the zip (outside `fields`).")
            )
        lines.append("")
    return "\n".join(lines)
