"""The cross-organisation matrix extended to the API (issue 15): a Mölndal key gets 404 for
every Göteborg object id on every endpoint, and each denial is audited in the system account's
name. The endpoints come from the URL patterns of the API, so a new one is covered the day it
is added (its view names its ``policy_model``)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from api.authentication import actor_for_account
from core.models import AuditAction, AuditEvent

METHODS = ("get", "post")


def _api_patterns() -> list[tuple[str, Any, bool]]:
    """(URL name, view class, takes a pk) for every pattern under /api/v1/."""
    found = []
    for entry in get_resolver().url_patterns:
        if isinstance(entry, URLResolver) and entry.namespace == "api":
            for inner in entry.url_patterns:
                if (
                    isinstance(inner, URLPattern)
                    and str(inner.pattern).startswith("api/v1/")
                    and inner.name != "not_found"  # the JSON 404 for any other address
                ):
                    view_class = inner.callback.view_class
                    found.append(
                        (f"api:{inner.name}", view_class, "pk" in inner.pattern.converters)
                    )
    return found


PATTERNS = _api_patterns()
WITH_PK = [(name, view) for name, view, has_pk in PATTERNS if has_pk]
# The pair statement is one pair's sums, not a list of rows: its own test below.
LISTS = [
    (name, view) for name, view, has_pk in PATTERNS if not has_pk and name != "api:pair_statement"
]
# A valid body for each write, so that only the scope can refuse it.
BODIES = {
    "api:health_examination_create": {"kind": "oral", "initiated_on": "2026-05-15"},
}


def test_the_matrix_finds_every_endpoint():
    names = {name for name, _view, _pk in PATTERNS}
    assert {"api:child_detail", "api:placement_list", "api:version_document"} <= names
    assert "api:pair_statement" in names
    assert len(WITH_PK) >= 9


@pytest.mark.parametrize(("name", "view"), WITH_PK, ids=[name for name, _ in WITH_PK])
def test_every_endpoint_with_an_id_names_its_policy_model(name, view):
    assert getattr(view, "policy_model", None) is not None, (
        f"{name}: an API view with an id fetches through core.policy: set policy_model"
    )


def _gbg_ids(w, view) -> list[int]:
    account = w.gbg_account
    account.user._policy_actor = actor_for_account(account)
    ids = list(view.scope_for(account.user).values_list("pk", flat=True))
    del account.user._policy_actor
    return ids


@pytest.mark.parametrize(("name", "view"), WITH_PK, ids=[name for name, _ in WITH_PK])
def test_a_molndal_key_gets_404_for_every_goteborg_id(w, api, name, view):
    ids = _gbg_ids(w, view)
    assert ids, f"the world has no Göteborg {view.policy_model.__name__}"
    client = api(w.mdl_token)
    methods = [m for m in METHODS if hasattr(view, m)]

    for pk in ids:
        url = reverse(name, args=[pk])
        for method in methods:
            last = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            response = getattr(client, method)(url, BODIES.get(name, {}), format="json")

            assert response.status_code == 404, (name, pk, method, response.status_code)
            assert response["Content-Type"] == "application/json"
            denied = list(AuditEvent.objects.filter(pk__gt=last))
            assert [e.action for e in denied] == [AuditAction.DENIED], (name, pk, method)
            assert denied[0].user == w.mdl_account.user
            assert denied[0].unit == w.mdl_social
            assert denied[0].object_id == str(pk)


@pytest.mark.parametrize(("name", "view"), WITH_PK, ids=[name for name, _ in WITH_PK])
def test_the_goteborg_key_reaches_its_own_objects(w, api, name, view):
    """The matrix is not empty: the same ids are Göteborg's own (not 404 as outside)."""
    ids = _gbg_ids(w, view)
    client = api(w.gbg_token)
    denied_before = AuditEvent.objects.filter(action=AuditAction.DENIED).count()

    for pk in ids:
        if hasattr(view, "get"):
            client.get(reverse(name, args=[pk]))

    assert AuditEvent.objects.filter(action=AuditAction.DENIED).count() == denied_before


@pytest.mark.parametrize(("name", "view"), LISTS, ids=[name for name, _ in LISTS])
def test_a_molndal_list_holds_no_goteborg_row(w, api, name, view):
    response = api(w.mdl_token).get(reverse(name), {"page_size": 200})

    assert response.status_code == 200
    returned = {row["id"] for row in response.json()["results"]}
    assert not returned & set(_gbg_ids(w, view))


def test_the_pair_statement_of_goteborg_is_404_for_molndal(w, api):
    response = api(w.mdl_token).get(
        reverse("api:pair_statement"),
        {"municipality": w.goteborg.pk, "region": w.region.pk, "month": "2026-04"},
    )

    assert response.status_code == 404
    event = AuditEvent.objects.filter(action=AuditAction.DENIED).latest("pk")
    assert event.user == w.mdl_account.user
    assert event.object_type == "agreements.statement"


def test_a_molndal_key_cannot_place_a_goteborg_child(w, api):
    response = api(w.mdl_token).post(
        reverse("api:placement_list"),
        {
            "child": w.child.pk,
            "placing_unit": w.mdl_social.pk,
            "caseworker_email": w.mdl_caseworker.email,
            "form": "hvb",
            "legal_basis": "sol",
            "provider_name": "HVB Solgläntan",
            "planned_start": "2026-06-01",
            "cost_per_day": "3000.00",
        },
        format="json",
    )

    assert response.status_code == 404
    event = AuditEvent.objects.filter(action=AuditAction.DENIED).latest("pk")
    assert (event.user, event.object_id) == (w.mdl_account.user, str(w.child.pk))


FORGED = [0, 2**63 - 1, 2**63, 10**25]


@pytest.mark.parametrize(("name", "view"), WITH_PK, ids=[name for name, _ in WITH_PK])
def test_a_forged_id_is_a_json_404_never_a_server_error(w, api, name, view):
    client = api(w.gbg_token)
    methods = [m for m in METHODS if hasattr(view, m)]

    for pk in FORGED:
        for method in methods:
            response = getattr(client, method)(reverse(name, args=[pk]), {}, format="json")
            assert response.status_code == 404, (name, pk, method, response.status_code)
            assert response["Content-Type"] == "application/json"
