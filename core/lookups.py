"""``field__any=<subquery>``: membership in a subquery that PostgreSQL can use an index for
(issue 13, national scale).

``x IN (SELECT …)`` inside an OR cannot become a semi-join, so PostgreSQL checks it row by
row (a hashed SubPlan) and scans the whole table. ``x = ANY(ARRAY(SELECT …))`` makes the
subquery an InitPlan, evaluated once, and ``= ANY($1)`` is an index condition: each branch of
the OR becomes an index scan (BitmapOr). Same rows, same semantics; on SQLite and others the
lookup is a plain ``IN``. Used by the access policies (*/policy.py)."""

from __future__ import annotations

from typing import Any

from django.db.models import BigIntegerField, Expression, Field
from django.db.models.fields.related import ForeignObject
from django.db.models.fields.related_lookups import RelatedIn
from django.db.models.lookups import In


class IdList(Expression):
    """Integer ids as one value: ``field__any=IdList(ids)`` is ``field = ANY(%s)`` with one
    array parameter on PostgreSQL, ``field IN (%s, …)`` elsewhere. A long list (the pair
    statement asks 500 agreements at a time) then costs neither Django's preparation of each
    value nor psycopg's parsing of a query with one placeholder per id (issue 13)."""

    output_field = BigIntegerField()

    def __init__(self, ids: Any) -> None:
        super().__init__()
        self.ids = [int(pk) for pk in ids]

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        if not self.ids:
            return "(NULL)", ()
        return "(" + ", ".join(["%s"] * len(self.ids)) + ")", tuple(self.ids)

    def as_postgresql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        return "%s", (self.ids,)


class _AnyArray:
    def as_postgresql(self, compiler: Any, connection: Any) -> tuple[str, Any]:
        if self.rhs_is_direct_value():  # type: ignore[attr-defined]
            return super().as_sql(compiler, connection)  # type: ignore[misc, no-any-return]
        lhs_sql, lhs_params = self.process_lhs(compiler, connection)  # type: ignore[attr-defined]
        if isinstance(self.rhs, IdList):  # type: ignore[attr-defined]
            rhs_sql, rhs_params = compiler.compile(self.rhs)  # type: ignore[attr-defined]
            return f"{lhs_sql} = ANY({rhs_sql})", (*lhs_params, *rhs_params)
        rhs_sql, rhs_params = self.process_rhs(compiler, connection)  # type: ignore[attr-defined]
        return f"{lhs_sql} = ANY(ARRAY{rhs_sql})", (*lhs_params, *rhs_params)


@Field.register_lookup
class AnyOf(_AnyArray, In):
    lookup_name = "any"


@ForeignObject.register_lookup
class RelatedAnyOf(_AnyArray, RelatedIn):
    lookup_name = "any"
