"""The access subqueries are compiled once per user, grants and day (core.policy.
compiled_subquery, issue 13). Only their SQL is kept: what they select is asked anew on every
query, and the date they depend on is part of the key."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from core import policy
from placements.models import Child
from sip import services
from tests.sip.conftest import at
from tests.sip.factories import TODAY
from tests.sip.test_access import _revoke


@pytest.fixture
def shared(sip, consents, bup_invitation, bup_clinician):
    """Both guardians consented; BUP was invited and accepted (as in test_access)."""
    services.invitation_respond(user=bup_clinician, invitation=bup_invitation, response="accepted")
    return sip


def test_a_revocation_from_tomorrow_hides_the_child_tomorrow_with_the_sql_compiled_today(
    shared, child, consents, bup_clinician, gbg_caseworker, client_for, time_machine
):
    """R-SIP-2: BUP sees the child through the SIP today; from the revocation's effective day
    it does not, although the same user's subquery was compiled (and kept) the day before."""
    _revoke(client_for(gbg_caseworker), consents[0], effective_from=TODAY + timedelta(days=1))
    child_url = reverse("placements:child_detail", args=[child.pk])

    assert client_for(bup_clinician).get(child_url).status_code == 200
    compiled_today = [key for key in policy._COMPILED if key[2] == TODAY]
    assert compiled_today, "the child page compiled the visible-children subquery"

    time_machine.move_to(at(TODAY + timedelta(days=1), 8), tick=False)
    assert client_for(bup_clinician).get(child_url).status_code == 404


def test_compiled_once_per_user_and_grants_and_never_shared(
    shared, child, bup_clinician, gbg_caseworker, monkeypatch
):
    from placements import policy as placement_policy

    built = []
    original = placement_policy._access_rows

    def counting(units, *, user_id=None, own=False):
        built.append(user_id)
        return original(units, user_id=user_id, own=own)

    monkeypatch.setattr(placement_policy, "_access_rows", counting)
    policy._COMPILED.clear()

    placements_of_bup = set(
        Child.objects.filter(
            pk__any=placement_policy.visible_child_ids(policy.actor_for(bup_clinician))
        ).values_list("pk", flat=True)
    )
    # The placement scope (through the compiled ids) asked three times: built once, and it
    # still finds what the caseworker's units placed.
    for _ in range(3):
        assert list(policy.visible(gbg_caseworker, placement_policy.Placement))
    assert built.count(gbg_caseworker.pk) == 1
    assert built.count(bup_clinician.pk) == 1
    assert placements_of_bup == {child.pk}
