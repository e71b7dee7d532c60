"""``__any``: the same rows as ``__in`` over a subquery, compiled so that PostgreSQL can use an
index under an OR (issue 13)."""

from __future__ import annotations

from django.db import connection
from django.db.models import Q

from core.lookups import IdList
from placements.models import Child, Placement
from tests.placements.factories import ChildFactory, PlacementFactory


def test_any_gives_the_rows_of_in_and_compiles_to_an_array_on_postgresql(db):
    placed = PlacementFactory().child
    other = ChildFactory()
    ChildFactory()
    placed_ids = Placement.objects.filter(pk__gt=0).values("child_id")

    with_any = Child.objects.filter(Q(pk=other.pk) | Q(pk__any=placed_ids))
    with_in = Child.objects.filter(Q(pk=other.pk) | Q(pk__in=placed_ids))

    assert set(with_any) == set(with_in) == {placed, other}
    sql = str(with_any.query)
    if connection.vendor == "postgresql":
        assert '"id" = ANY(ARRAY(SELECT' in sql
    else:
        assert '"id" IN (SELECT' in sql


def test_any_on_a_foreign_key_and_with_a_plain_list(db):
    placement = PlacementFactory()
    PlacementFactory()
    children = Child.objects.filter(pk=placement.child_id).values("pk")

    assert list(Placement.objects.filter(child_id__any=children)) == [placement]
    assert list(Placement.objects.filter(child__any=children)) == [placement]
    assert list(Placement.objects.filter(child_id__any=[placement.child_id])) == [placement]


def test_an_id_list_is_one_array_parameter_on_postgresql_and_gives_the_rows_of_in(db):
    placements = [PlacementFactory() for _ in range(3)]
    ids = [placements[0].child_id, placements[2].child_id, placements[2].child_id]

    as_list = Placement.objects.filter(child_id__any=IdList(ids))
    assert (
        set(as_list)
        == set(Placement.objects.filter(child_id__in=ids))
        == {
            placements[0],
            placements[2],
        }
    )
    assert not Placement.objects.filter(child_id__any=IdList([])).exists()
    assert set(Placement.objects.filter(Q(pk=placements[1].pk) | Q(child_id__any=IdList(ids)))) == (
        set(placements)
    )
    sql, params = as_list.query.sql_with_params()
    if connection.vendor == "postgresql":
        assert '"child_id" = ANY(%s)' in sql
        assert [ids] == [p for p in params if isinstance(p, list)]
    else:
        assert '"child_id" IN (%s, %s, %s)' in sql
