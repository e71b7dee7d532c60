"""One row as a line of JSON and back: Django's serializer format (``model``, ``pk``,
``fields``), with full-precision times (DjangoJSONEncoder cuts microseconds), amounts as text
and foreign keys as the primary key they point to. Many-to-many tables are files of their own,
so a row needs no second query."""

from __future__ import annotations

import base64
import datetime
import decimal
import json
import uuid
from typing import Any

from django.db import models

from .sections import BINARY_AS_FILE


class ExportEncoder(json.JSONEncoder):
    def default(self, o: Any) -> Any:
        if isinstance(o, datetime.datetime | datetime.date | datetime.time):
            return o.isoformat()
        if isinstance(o, decimal.Decimal):
            return str(o)
        if isinstance(o, uuid.UUID):
            return str(o)
        if isinstance(o, bytes | memoryview):
            return base64.b64encode(bytes(o)).decode("ascii")
        return super().default(o)


def exported_fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    """The columns written to the file: every concrete field but the primary key and the
    binary one stored as a file."""
    skip = BINARY_AS_FILE.get(model._meta.label_lower)
    return [
        field
        for field in model._meta.concrete_fields
        if not field.primary_key and field.name != skip
    ]


def row_dict(obj: models.Model, fields: list[models.Field[Any, Any]]) -> dict[str, Any]:
    return {
        "model": obj._meta.label_lower,
        "pk": obj.pk,
        "fields": {field.name: getattr(obj, field.attname) for field in fields},
    }


def row_line(row: dict[str, Any]) -> bytes:
    return (json.dumps(row, cls=ExportEncoder, ensure_ascii=False) + "\n").encode()


def instance_from_row(model: type[models.Model], row: dict[str, Any]) -> models.Model:
    """The unsaved instance of a row, every value through its field's ``to_python``."""
    values: dict[str, Any] = {model._meta.pk.attname: model._meta.pk.to_python(row["pk"])}
    for name, value in row["fields"].items():
        field = model._meta.get_field(name)
        assert isinstance(field, models.Field), name  # noqa: S101 - concrete fields only
        if value is None:
            values[field.attname] = None
        elif isinstance(field, models.BinaryField):
            values[field.attname] = base64.b64decode(value)
        elif isinstance(field, models.JSONField):
            values[field.attname] = value
        else:
            values[field.attname] = field.to_python(value)
    return model(**values)
