"""Migration operations that exist only on PostgreSQL (issue 13): trigram search indexes need
the pg_trgm extension and GIN; on SQLite the application searches without them."""

from __future__ import annotations

from typing import Any

from django.db import migrations


class PostgreSQLOnlySQL(migrations.RunSQL):
    """``RunSQL`` that does nothing on other databases."""

    def database_forwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)
