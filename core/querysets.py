"""Small reads shared by the apps' panels."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet


def head_and_count(queryset: QuerySet[Any], limit: int) -> tuple[list[Any], int]:
    """The first ``limit`` rows and how many there are: one query when there are at most
    ``limit`` (one row more is read to know), a count only when there are more (the start
    page's panels: "at most five, and a link to all N")."""
    rows = list(queryset[: limit + 1])
    count = len(rows) if len(rows) <= limit else queryset.count()
    return rows[:limit], count
