"""What a page reuses instead of asking again (issue 13), and where it must not:

- ``get_or_404`` marks the object it fetched with the user and the action; only that answers
  ``fetched_through_policy``: another user, another action or an object loaded elsewhere asks
  the scope again (the child timeline relies on it);
- the audit's acting unit is the user's first membership, read from the grants the request
  loaded anyway.
"""

from __future__ import annotations

import pytest
from django.http import Http404
from django.test import RequestFactory

from core.audit import audit_record
from core.models import AuditAction
from core.policy import CHANGE, VIEW, fetched_through_policy, get_or_404
from organisations.models import Membership, Role
from placements.models import Child
from placements.selectors import child_timeline
from tests.factories import UnitFactory, member
from tests.placements.factories import ChildFactory, PlacementFactory

pytestmark = pytest.mark.django_db


def _request(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


@pytest.fixture
def child(gbg_social, gbg_caseworker):
    child = ChildFactory(responsible_unit=gbg_social)
    PlacementFactory(child=child, placing_unit=gbg_social, caseworker=gbg_caseworker)
    return child


def test_only_the_object_fetched_for_this_user_and_action_counts(
    child, gbg_caseworker, mdl_caseworker
):
    fetched = get_or_404(_request(gbg_caseworker), Child, pk=child.pk)

    assert fetched_through_policy(fetched, gbg_caseworker, VIEW)
    assert not fetched_through_policy(fetched, gbg_caseworker, CHANGE)
    assert not fetched_through_policy(fetched, mdl_caseworker, VIEW)
    assert not fetched_through_policy(Child.objects.get(pk=child.pk), gbg_caseworker, VIEW)
    with pytest.raises(Http404):
        get_or_404(_request(mdl_caseworker), Child, pk=child.pk)


def test_the_timeline_of_a_child_fetched_for_someone_else_is_still_empty_for_an_outsider(
    child, gbg_caseworker, mdl_caseworker
):
    fetched = get_or_404(_request(gbg_caseworker), Child, pk=child.pk)

    assert child_timeline(child=fetched, user=mdl_caseworker) == []
    owner_entries = child_timeline(child=fetched, user=gbg_caseworker)
    assert [e.kind for e in owner_entries if e.kind == "placement"] == ["placement"]


def test_the_timeline_of_the_fetched_child_skips_the_visibility_query(child, gbg_caseworker):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    loaded = Child.objects.get(pk=child.pk)
    child_timeline(child=loaded, user=gbg_caseworker)  # the user's grants, loaded once
    with CaptureQueriesContext(connection) as asked:
        child_timeline(child=loaded, user=gbg_caseworker)
    fetched = get_or_404(_request(gbg_caseworker), Child, pk=child.pk)
    with CaptureQueriesContext(connection) as reused:
        child_timeline(child=fetched, user=gbg_caseworker)

    assert len(reused) == len(asked) - 1


def test_the_acting_unit_is_the_first_membership_whatever_the_names(goteborg):
    later_name_first = UnitFactory(principal=goteborg, name="Ö-enheten")
    user = member(later_name_first, Role.CASEWORKER, email="two@gbg.example")
    other = UnitFactory(principal=goteborg, name="A-enheten")
    Membership.objects.create(user=user, unit=other, role=Role.MANAGER)

    event = audit_record(action=AuditAction.VIEW, request=_request(user), object_type="t.x")

    assert event.unit_id == later_name_first.pk


def test_a_user_without_grants_keeps_the_membership_unit_in_the_log(gbg_social):
    user = member(gbg_social, Role.CASEWORKER, email="gone@gbg.example")
    user.is_active = False
    user.save()

    event = audit_record(action=AuditAction.VIEW, request=_request(user), object_type="t.x")

    assert event.unit_id == gbg_social.pk
