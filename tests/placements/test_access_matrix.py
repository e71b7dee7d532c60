"""Cross-organisation access over every placements view that shows or changes one object.

Mölndal's and BUP's caseworkers, managers, clinicians and administrators ask for Göteborg's
child, placement, guardian and health examination, by GET and by POST: always 404 (never 403,
which would tell that the object exists) and exactly one "denied" audit row each time.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.models import AuditAction
from organisations.models import Role
from placements import urls as placement_urls
from tests.factories import member

pytestmark = pytest.mark.django_db

# (route name, which Göteborg object its argument is, the argument's name, extra arguments)
OBJECT_VIEWS = [
    ("child_detail", "child", "pk", {}),
    ("child_update", "child", "pk", {}),
    ("related_person_create", "child", "child_pk", {}),
    ("related_person_update", "person", "pk", {}),
    ("placement_create", "child", "child_pk", {}),
    ("placement_detail", "placement", "pk", {}),
    ("placement_update", "placement", "pk", {}),
    ("placement_transition", "placement", "pk", {"target": "active"}),
    ("placement_transition", "placement", "pk", {"target": "cancelled"}),
    ("placement_transition", "placement", "pk", {"target": "ended"}),
    ("health_exam_create", "placement", "placement_pk", {}),
    ("health_exam_update", "exam", "pk", {}),
    ("placement_follow_up_create", "placement", "placement_pk", {}),
    ("post_placement_follow_up", "placement", "placement_pk", {}),
]

OBJECT_TYPES = {
    "child": "placements.child",
    "person": "placements.relatedperson",
    "placement": "placements.placement",
    "exam": "placements.healthexamination",
}

OUTSIDERS = [
    (unit, role)
    for unit in ("mdl_social", "bup")
    for role in (Role.CASEWORKER, Role.MANAGER, Role.CLINICIAN, Role.ADMINISTRATOR)
]

POST_DATA = {
    "first_name": "Ändrad",
    "last_name": "Namn",
    "kind": "guardian",
    "name": "Någon",
    "on": "2026-05-15",
    "reason": "Försök.",
    "provider_name": "Annat hem",
    "initiated_on": "2026-05-15",
}


def test_the_matrix_covers_every_placements_view_with_an_object():
    """A new view taking an object's id must join the matrix."""
    with_object = {p.name for p in placement_urls.urlpatterns if p.pattern.converters}

    assert with_object == {name for name, *_ in OBJECT_VIEWS}


def _view_id(view) -> str:
    name, _, _, extra = view
    return "-".join([name, *map(str, extra.values())])


@pytest.fixture
def gbg_objects(gbg_child, gbg_guardian, gbg_placement, gbg_exam):
    return {
        "child": gbg_child,
        "person": gbg_guardian,
        "placement": gbg_placement,
        "exam": gbg_exam,
    }


def _url(view, objects) -> tuple[str, object]:
    name, kind, kwarg, extra = view
    obj = objects[kind]
    return reverse(f"placements:{name}", kwargs={kwarg: obj.pk, **extra}), obj


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize(("unit_fixture", "role"), OUTSIDERS, ids=lambda v: str(v))
@pytest.mark.parametrize("view", OBJECT_VIEWS, ids=_view_id)
def test_other_organisations_get_404_and_one_denied_audit_row(
    request, client_for, gbg_objects, audit, view, unit_fixture, role, method
):
    outsider = member(request.getfixturevalue(unit_fixture), role)
    client = client_for(outsider)
    url, obj = _url(view, gbg_objects)
    before = {
        kind: type(o).objects.filter(pk=o.pk).values().get() for kind, o in gbg_objects.items()
    }

    response = getattr(client, method)(url, POST_DATA if method == "post" else None)

    assert response.status_code == 404
    [event] = audit.new()
    assert event.action == AuditAction.DENIED
    assert event.user == outsider
    assert event.object_type == OBJECT_TYPES[view[1]]
    assert event.object_id == str(obj.pk)
    after = {
        kind: type(o).objects.filter(pk=o.pk).values().get() for kind, o in gbg_objects.items()
    }
    assert after == before  # nothing changed


@pytest.mark.parametrize("view", OBJECT_VIEWS, ids=_view_id)
def test_goteborg_caseworker_opens_every_view(client_for, gbg_objects, gbg_caseworker, audit, view):
    url, _ = _url(view, gbg_objects)

    response = client_for(gbg_caseworker).get(url)

    assert response.status_code == 200
    assert AuditAction.DENIED not in {e.action for e in audit.new()}


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize(
    "view",
    [v for v in OBJECT_VIEWS if v[0] not in ("child_detail", "placement_detail")],
    ids=_view_id,
)
def test_goteborg_clinician_may_see_but_not_change(
    client_for, gbg_objects, gbg_social, audit, view, method
):
    """CHANGE needs a caseworker or manager: a clinician of the responsible unit sees the child
    but gets 404 (with a denied row) on every page that changes it."""
    clinician = member(gbg_social, Role.CLINICIAN)
    client = client_for(clinician)
    url, _ = _url(view, gbg_objects)

    response = getattr(client, method)(url, POST_DATA if method == "post" else None)

    assert response.status_code == 404
    assert [e.action for e in audit.new()] == [AuditAction.DENIED]


@pytest.mark.parametrize("name", ["child_detail", "placement_detail"])
def test_goteborg_clinician_sees_the_child_and_the_placement(
    client_for, gbg_objects, gbg_social, name
):
    clinician = member(gbg_social, Role.CLINICIAN)
    view = next(v for v in OBJECT_VIEWS if v[0] == name)
    url, _ = _url(view, gbg_objects)

    assert client_for(clinician).get(url).status_code == 200
