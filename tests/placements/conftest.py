"""Fixtures for the placements tests: a Göteborg child with a placement, a guardian and a
health examination, an audit-log watcher and a way to widen who may view a child."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from core.models import AuditEvent
from organisations.models import Unit
from placements.models import Child, ChildAccess
from tests.placements.factories import (
    ChildFactory,
    HealthExaminationFactory,
    PlacementFactory,
    RelatedPersonFactory,
)


@pytest.fixture
def gbg_child(goteborg, gbg_social):
    return ChildFactory(
        first_name="Alva",
        last_name="Göransson",
        home_municipality=goteborg,
        responsible_unit=gbg_social,
    )


@pytest.fixture
def gbg_placement(gbg_child, gbg_caseworker):
    return PlacementFactory(child=gbg_child, caseworker=gbg_caseworker)


@pytest.fixture
def gbg_guardian(gbg_child):
    return RelatedPersonFactory(child=gbg_child, name="Eva Göransson")


@pytest.fixture
def gbg_exam(gbg_placement):
    return HealthExaminationFactory(placement=gbg_placement)


class AuditWatch:
    """The audit rows written since the last ``mark``."""

    def __init__(self) -> None:
        self.mark()

    def mark(self) -> None:
        self.last_pk = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    def new(self) -> list[AuditEvent]:
        return list(AuditEvent.objects.filter(pk__gt=self.last_pk).order_by("pk"))


@pytest.fixture
def audit(db) -> AuditWatch:
    return AuditWatch()


@pytest.fixture
def extra_child_access(db) -> Callable[[Child, Unit], None]:
    """``extra_child_access(child, unit)``: the unit sees the child, not as its own case, the
    way later apps grant access (a row of the access table, ``placements.access``, as a health
    examination or a SIP invitation would write)."""

    def grant(child: Child, unit: Unit) -> None:
        ChildAccess.objects.create(
            child=child, unit=unit, source=ChildAccess.Source.HEALTH_EXAMINATION
        )

    return grant


MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


@pytest.fixture
def client_for(client, audit):
    """``client_for(user)``: the test client signed in as ``user``. The sign-in's own audit row
    is behind the ``audit`` watcher's mark, so a test sees only what its requests wrote."""

    def _client_for(user):
        client.force_login(user, backend=MODEL_BACKEND)
        audit.mark()
        return client

    return _client_for
