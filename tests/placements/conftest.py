"""Fixtures for the placements tests: a Göteborg child with a placement, a guardian and a
health examination, an audit-log watcher and a way to widen who may view a child."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from django.db.models import Q

from core.models import AuditEvent
from core.policy import Actor
from placements import policy
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
def extra_child_access() -> Iterator[Callable[[Callable[[Actor], Q]], None]]:
    """Grant view access the way later apps do (``placements.policy.CHILD_ACCESS``); every
    grant is removed again after the test."""
    added: list[Callable[[Actor], Q]] = []

    def grant(rule: Callable[[Actor], Q]) -> None:
        policy.CHILD_ACCESS.append(rule)
        added.append(rule)

    yield grant
    for rule in added:
        policy.CHILD_ACCESS.remove(rule)


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
