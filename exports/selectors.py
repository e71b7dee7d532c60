"""Reads for the export pages: which principals a user may export."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from core.policy import administered_principal_ids
from organisations.models import Principal


def exportable_principals(user: Any) -> QuerySet[Principal]:
    """The principals this user administers (role "administrator"); a superuser's: all."""
    ids = administered_principal_ids(user)
    if ids is None:
        return Principal.objects.order_by("name")
    return Principal.objects.filter(pk__in=ids).order_by("name")
