"""The data migrations of issue 10: every user gets a home principal (0003), every e-mail
address is stored lowercased (0004) before the case-insensitive constraint (0005)."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

# SQLite cannot change a schema inside a transaction, so there the test runs outside one (and
# the tables are emptied afterwards). PostgreSQL can, and must: the audit log refuses the
# TRUNCATE that would empty them, so there the test's transaction is rolled back instead.
pytestmark = pytest.mark.django_db(transaction=connection.vendor == "sqlite")

BEFORE_FILL = ("organisations", "0002_user_home_principal_and_authenticator_device")
BEFORE_LOWERCASE = ("organisations", "0003_fill_user_home_principal")


def _migrate(target: tuple[str, str]):
    if connection.vendor == "postgresql":
        # Check the rows written so far now: PostgreSQL creates no index on a table with
        # deferred foreign-key checks pending in the same transaction.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])
    return executor.loader.project_state([target]).apps


def _latest() -> tuple[str, str]:
    executor = MigrationExecutor(connection)
    return next(t for t in executor.loader.graph.leaf_nodes() if t[0] == "organisations")


@pytest.fixture
def at_migration():
    """Migrate organisations back to a migration; forward to the latest of every app
    afterwards (going back also unapplied the other apps' migrations that depend on the later
    organisations ones, such as the access table of placements 0007: on SQLite, where this
    test commits, the tests after it would find those tables missing)."""
    yield _migrate
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def _principal(apps, name: str, orgnr: str):
    Principal = apps.get_model("organisations", "Principal")
    return Principal.objects.create(name=name, kind="municipality", organisation_number=orgnr)


def test_home_principal_is_filled_from_the_latest_membership_or_else_the_mandate(at_migration):
    apps = at_migration(BEFORE_FILL)
    User = apps.get_model("organisations", "User")
    Unit = apps.get_model("organisations", "Unit")
    Membership = apps.get_model("organisations", "Membership")
    FinancialMandate = apps.get_model("organisations", "FinancialMandate")
    goteborg = _principal(apps, "Göteborg", "212000-1355")
    molndal = _principal(apps, "Mölndal", "212000-1363")
    gbg_unit = Unit.objects.create(principal=goteborg, name="Soc Gbg", kind="social_services")
    mdl_unit = Unit.objects.create(principal=molndal, name="Soc Mdl", kind="social_services")
    member = User.objects.create(email="a@x.example")
    moved = User.objects.create(email="b@x.example")
    signatory = User.objects.create(email="c@x.example")
    User.objects.create(email="d@x.example")
    root = User.objects.create(email="e@x.example", is_superuser=True)
    Membership.objects.create(user=member, unit=gbg_unit, role="caseworker")
    Membership.objects.create(user=moved, unit=gbg_unit, role="caseworker")
    Membership.objects.create(user=moved, unit=mdl_unit, role="caseworker")
    Membership.objects.create(user=root, unit=gbg_unit, role="administrator")
    FinancialMandate.objects.create(user=signatory, principal=molndal, valid_from=date(2026, 1, 1))

    apps = _migrate(BEFORE_LOWERCASE)

    User = apps.get_model("organisations", "User")
    homes = dict(User.objects.values_list("email", "home_principal__name"))
    assert homes == {
        "a@x.example": "Göteborg",
        "b@x.example": "Mölndal",  # the latest membership
        "c@x.example": "Mölndal",  # no membership: the mandate's principal
        "d@x.example": None,  # legacy: only a superuser sees them
        "e@x.example": None,  # superusers have none
    }


def test_email_addresses_are_lowercased_and_stripped(at_migration):
    apps = at_migration(BEFORE_LOWERCASE)
    User = apps.get_model("organisations", "User")
    User.objects.create(email=" Vardcentral@Demo.Example ")
    User.objects.create(email="bup@demo.example")

    apps = _migrate(_latest())

    User = apps.get_model("organisations", "User")
    assert sorted(User.objects.values_list("email", flat=True)) == [
        "bup@demo.example",
        "vardcentral@demo.example",
    ]


def test_addresses_differing_only_in_case_stop_the_migration_and_are_named(at_migration):
    apps = at_migration(BEFORE_LOWERCASE)
    User = apps.get_model("organisations", "User")
    User.objects.create(email="anna@x.example")
    User.objects.create(email="Anna@X.example")

    with pytest.raises(RuntimeError, match="Anna@X.example"):
        _migrate(_latest())

    User.objects.filter(email="Anna@X.example").update(email="anna2@x.example")
