"""`manage.py grant_app_role ROLE`: give the application's database role what it may do.

Production runs with two PostgreSQL roles (README, "Production"): an owner that owns the tables
and runs the migrations, and the application role that gunicorn connects as. The application
role owns nothing, so it can neither ALTER a table (disable a trigger) nor grant itself more; it
may read and write every table except the audit log, of which it may only INSERT and SELECT
rows. Run this as the owner after every ``migrate`` (new tables need their grants). Idempotent.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from psycopg import sql

from core.models import AuditEvent

APPEND_ONLY_TABLES = [AuditEvent._meta.db_table]


def grant_statements(role: str) -> list[sql.Composed]:
    """The statements, in order: broad DML first, then the audit log taken back to append-only."""
    ident = sql.Identifier(role)
    statements = [
        sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(ident),
        sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {}").format(
            ident
        ),
        sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {}").format(ident),
        sql.SQL(
            "REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA public FROM {}"
        ).format(ident),
    ]
    for table in APPEND_ONLY_TABLES:
        statements.append(
            sql.SQL("REVOKE UPDATE, DELETE, TRUNCATE ON {} FROM {}").format(
                sql.Identifier(table), ident
            )
        )
    return statements


class Command(BaseCommand):
    help = "Grant the application database role its rights (the audit log: INSERT and SELECT only)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("role", help="The PostgreSQL role the application connects as.")

    def handle(self, *args: Any, role: str, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("Database roles exist only on PostgreSQL.")
        with connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = %s", [role])
            row = cursor.fetchone()
            if row is None:
                raise CommandError(f"There is no role {role!r}: create it first (README).")
            if row[0]:
                raise CommandError(f"{role!r} is a superuser: the application role must not be.")
            cursor.execute(
                "SELECT 1 FROM pg_tables WHERE schemaname = 'public' AND tableowner = %s", [role]
            )
            if cursor.fetchone() is not None:
                raise CommandError(f"{role!r} owns tables: the application role must own nothing.")
            with transaction.atomic():
                for statement in grant_statements(role):
                    cursor.execute(statement)
        self.stdout.write(self.style.SUCCESS(f"Granted the application rights to {role}."))
