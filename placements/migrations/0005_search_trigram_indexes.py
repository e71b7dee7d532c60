"""Trigram indexes for the placement search (issue 13): names, personnummer fragments and the
provider, matching the expressions Django writes for ``icontains`` (UPPER(col::text) LIKE …)
and ``contains``; and the reserve number's case-insensitive equality. PostgreSQL only."""

from django.db import migrations

from core.migration_ops import PostgreSQLOnlySQL

INDEXES = [
    ("placements_child_first_name_trgm", "placements_child", 'UPPER(("first_name")::text) gin_trgm_ops'),
    ("placements_child_last_name_trgm", "placements_child", 'UPPER(("last_name")::text) gin_trgm_ops'),
    ("placements_child_identity_number_trgm", "placements_child", '"identity_number" gin_trgm_ops'),
    ("placements_placement_provider_trgm", "placements_placement", 'UPPER(("provider_name")::text) gin_trgm_ops'),
]


class Migration(migrations.Migration):
    dependencies = [("placements", "0004_placement_follow_up_and_end_plan")]

    operations = [
        # The extension stays when the migration is reversed (other schemas may use it).
        PostgreSQLOnlySQL("CREATE EXTENSION IF NOT EXISTS pg_trgm", migrations.RunSQL.noop),
        *[
            PostgreSQLOnlySQL(
                f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({expression})",
                f"DROP INDEX IF EXISTS {name}",
            )
            for name, table, expression in INDEXES
        ],
        PostgreSQLOnlySQL(
            "CREATE INDEX IF NOT EXISTS placements_child_reserve_upper "
            'ON placements_child (UPPER(("reserve_number")::text))',
            "DROP INDEX IF EXISTS placements_child_reserve_upper",
        ),
    ]
