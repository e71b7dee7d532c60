"""Issue 13: the search's conditions are the ones the trigram indexes cover (PostgreSQL).

The planner is asked with sequential scans disabled, so the answer depends only on whether an
index matches the expression Django writes, not on the table's size."""

from __future__ import annotations

import pytest
from django.db import connection

from placements.models import Child, Placement

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="pg_trgm indexes exist on PostgreSQL only"
)


def _plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.parametrize(
    ("queryset", "index"),
    [
        (
            lambda: Child.objects.filter(first_name__icontains="ann"),
            "placements_child_first_name_trgm",
        ),
        (
            lambda: Child.objects.filter(last_name__icontains="ssON"),
            "placements_child_last_name_trgm",
        ),
        (
            lambda: Child.objects.filter(identity_number__contains="0315"),
            "placements_child_identity_number_trgm",
        ),
        (
            lambda: Child.objects.filter(reserve_number__iexact="r-12"),
            "placements_child_reserve_upper",
        ),
        (
            lambda: Placement.objects.filter(provider_name__icontains="solglänta"),
            "placements_placement_provider_trgm",
        ),
    ],
)
def test_each_search_condition_can_use_its_index(db, queryset, index):
    assert index in _plan(queryset())
