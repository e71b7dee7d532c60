"""Migration operations of our own.

``AddIndexConcurrently``: ``CREATE INDEX CONCURRENTLY`` on PostgreSQL, so that adding an index
to a large table (the national deadline table, issue 13) does not block writes while it is
built; a plain ``AddIndex`` on other databases (SQLite, the embedded default). Django's own
``django.contrib.postgres.operations.AddIndexConcurrently`` works on PostgreSQL only. A
migration using it must say ``atomic = False`` (PostgreSQL refuses CONCURRENTLY in a
transaction). Inside a transaction anyway (a test that migrates within its own transaction, or
a migration run with ``atomic``) the index is created or dropped the plain way."""

from __future__ import annotations

from typing import Any

from django.db import migrations


def _concurrently(schema_editor: Any) -> bool:
    connection = schema_editor.connection
    return bool(connection.vendor == "postgresql" and not connection.in_atomic_block)


class AddIndexConcurrently(migrations.AddIndex):
    def describe(self) -> str:
        return f"Concurrently create index {self.index.name} on {self.model_name}"

    def database_forwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        if not _concurrently(schema_editor):
            super().database_forwards(app_label, schema_editor, from_state, to_state)
            return
        model = to_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            schema_editor.add_index(model, self.index, concurrently=True)

    def database_backwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        if not _concurrently(schema_editor):
            super().database_backwards(app_label, schema_editor, from_state, to_state)
            return
        model = from_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            schema_editor.remove_index(model, self.index, concurrently=True)
