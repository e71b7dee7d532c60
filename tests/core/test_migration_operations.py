"""``core.migration_operations.AddIndexConcurrently``: CONCURRENTLY on PostgreSQL outside a
transaction (a deployment's ``migrate``), the plain way inside one (tests that migrate within
their transaction) and on SQLite."""

from __future__ import annotations

from types import SimpleNamespace

from django.db import connection, transaction

from core.migration_operations import _concurrently


def test_concurrently_only_on_postgresql_outside_a_transaction(transactional_db):
    editor = SimpleNamespace(connection=connection)
    assert _concurrently(editor) == (connection.vendor == "postgresql")
    with transaction.atomic():
        assert _concurrently(editor) is False
