"""Starting an export: find the principal, write the audit row, hand back the zip's chunks."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import suppress
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest

from core.audit import audit_record
from core.models import AuditAction
from organisations.models import Principal
from organisations.validators import normalise_organisation_number

from .archive import export_zip


def principal_by_reference(reference: str) -> Principal:
    """A principal by its id or its organisation number (with or without the hyphen)."""
    reference = reference.strip()
    q = Q(organisation_number=reference)
    with suppress(ValidationError):  # not an organisation number: maybe an id
        q |= Q(organisation_number=normalise_organisation_number(reference))
    if reference.isdigit() and len(reference) < 10:
        q |= Q(pk=int(reference))
    return Principal.objects.get(q)


def export_filename(principal: Principal, *, on: Any) -> str:
    number = principal.organisation_number.replace("-", "")
    return f"export-{number}-{on:%Y-%m-%d}.zip"


def principal_export_start(
    *, principal: Principal, user: Any = None, request: HttpRequest | None = None, via: str
) -> Iterator[bytes]:
    """The audit row (an export of the principal's data), then the zip's chunks. The row is
    committed before the first byte goes out: a download that is broken off is still logged."""
    with transaction.atomic():
        audit_record(
            action=AuditAction.EXPORT,
            request=request,
            user=user,
            obj=principal,
            details={"format": "zip", "page": via},
        )
    return export_zip(principal)
