"""The API's reads and writes (issue 15): the pages' scope, audit rows and protected identity;
filters, pages and ETags; writes through the pages' forms and services with 400 for a form
error and 422 with the rule ID for a rule; the rate limit per key."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from core.models import AuditAction, AuditEvent
from placements.models import Child, HealthExamination, Placement
from tests.placements.factories import personnummer


def _last_audit():
    return AuditEvent.objects.latest("pk")


# --- reads ---------------------------------------------------------------------------------


def test_the_list_is_the_pages_scope_and_is_audited(w, api, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        response = api(w.gbg_token).get(reverse("api:placement_list"))

    body = response.json()
    assert response.status_code == 200
    assert {row["id"] for row in body["results"]} == set(
        Placement.objects.filter(child__responsible_unit=w.gbg_social).values_list("pk", flat=True)
    )
    event = _last_audit()
    assert (event.action, event.user, event.unit) == (
        AuditAction.SEARCH,
        w.gbg_account.user,
        w.gbg_social,
    )
    assert event.details["count"] == body["count"]


def test_a_detail_read_is_audited_with_the_child(w, api):
    response = api(w.gbg_token).get(reverse("api:placement_detail", args=[w.placement.pk]))

    assert response.status_code == 200
    assert response.json()["child_name"] == "Alva Göransson"
    event = _last_audit()
    assert (event.action, event.object_type, event.object_id, event.child_id) == (
        AuditAction.VIEW,
        "placements.placement",
        str(w.placement.pk),
        w.child.pk,
    )
    assert event.user.system_account == w.gbg_account


def test_pages_are_numbered_and_bounded(w, api):
    client = api(w.gbg_token)

    first = client.get(reverse("api:deadline_list"), {"page_size": 3}).json()
    second = client.get(first["next"]).json()

    assert len(first["results"]) == 3
    assert not {r["id"] for r in first["results"]} & {r["id"] for r in second["results"]}
    assert client.get(reverse("api:deadline_list"), {"page": 999}).status_code == 404


def test_children_are_found_by_personnummer_and_the_search_is_audited_masked(w, api):
    number = w.child.identity_number
    response = api(w.gbg_token).get(
        reverse("api:child_list"), {"personnummer": f"{number[2:8]}-{number[8:]}"}
    )

    assert [row["id"] for row in response.json()["results"]] == [w.child.pk]
    event = _last_audit()
    assert event.action == AuditAction.SEARCH
    assert number not in str(event.details)
    assert event.details["filters"]["personnummer"].endswith("XXXX")


def test_a_malformed_personnummer_is_400_in_swedish(w, api):
    response = api(w.gbg_token).get(reverse("api:child_list"), {"personnummer": "12345"})

    assert response.status_code == 400
    assert "personnumret" in response.json()["errors"]["personnummer"][0]


def test_a_child_outside_the_scope_looks_like_no_child(w, api):
    number = w.mdl_child.identity_number

    response = api(w.gbg_token).get(reverse("api:child_list"), {"personnummer": number})

    assert response.json()["results"] == []


def test_updated_since_follows_the_placements_change_time(w, api, time_machine):
    client = api(w.gbg_token)
    later = timezone.now() + timedelta(hours=1)
    time_machine.move_to(later, tick=False)
    Placement.objects.get(pk=w.acute.pk).save()  # a change: updated_at moves

    response = client.get(reverse("api:placement_list"), {"updated_since": later.isoformat()})

    assert [row["id"] for row in response.json()["results"]] == [w.acute.pk]
    assert client.get(reverse("api:placement_list"), {"updated_since": "igår"}).status_code == 400


def test_updated_since_on_agreements_sees_a_new_signature(w, api, time_machine):
    later = timezone.now() + timedelta(days=1)
    time_machine.move_to(later, tick=False)
    w.awaiting.signed_at = later
    w.awaiting.save()

    response = api(w.gbg_token).get(
        reverse("api:agreement_list"), {"updated_since": later.date().isoformat()}
    )

    assert [row["id"] for row in response.json()["results"]] == [w.awaiting.agreement_id]


def test_a_detail_has_an_etag_and_answers_304_when_unchanged(w, api):
    client = api(w.gbg_token)
    url = reverse("api:child_detail", args=[w.child.pk])
    etag = client.get(url)["ETag"]

    unchanged = client.get(url, HTTP_IF_NONE_MATCH=etag)
    Child.objects.filter(pk=w.child.pk).update(address="Nygatan 2")
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag)

    assert unchanged.status_code == 304
    assert unchanged.content == b""
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_protected_identity_is_hidden_from_an_invited_region_unit(w, api):
    Child.objects.filter(pk=w.child.pk).update(protected_identity=True)

    region = api(w.region_token).get(reverse("api:child_detail", args=[w.child.pk])).json()
    own = api(w.gbg_token).get(reverse("api:child_detail", args=[w.child.pk])).json()

    assert region["name"] is None
    assert region["identity_number"] is None
    assert region["address"] is None
    assert region["identifier_masked"].endswith("XXXX")
    assert own["name"] == "Alva Göransson"
    sips = api(w.region_token).get(reverse("api:sip_list")).json()["results"]
    assert [s["child_name"] for s in sips] == [None]


def test_the_region_account_sees_what_its_unit_sees(w, api):
    response = api(w.region_token).get(reverse("api:child_list")).json()

    assert [row["id"] for row in response["results"]] == [w.child.pk]  # invited to its SIP


def test_the_signature_status_shows_whose_signature_is_awaited(w, api):
    agreement = api(w.gbg_token).get(
        reverse("api:agreement_detail", args=[w.awaiting.agreement_id])
    )

    [version] = agreement.json()["versions"]
    assert version["status"] == "awaiting_signatures"
    assert [s["principal"] for s in version["signatures"]] == [w.goteborg.pk, w.region.pk]
    assert [s["awaited"] for s in version["signatures"]] == [True, False]


def test_the_signed_pdf_is_served_and_audited(w, api):
    client = api(w.gbg_token)
    url = reverse("api:version_document", args=[w.signed.pk])

    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    event = _last_audit()
    assert (event.action, event.object_id) == (AuditAction.DOWNLOAD, str(w.signed.pk))
    assert client.get(url, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
    assert client.get(url, HTTP_ACCEPT="application/pdf").content == response.content
    no_document = client.get(reverse("api:version_document", args=[w.awaiting.pk]))
    assert no_document.status_code == 404
    assert no_document.json()["detail"] == "Överenskommelsen har inget dokument ännu."


def test_the_placement_statement_splits_the_month(w, api):
    response = api(w.gbg_token).get(
        reverse("api:placement_statement", args=[w.active.pk]), {"month": "2026-04"}
    )

    statement = response.json()["statement"]
    assert statement["days"] == 30
    assert statement["total"] == "96000.00"
    assert statement["region"] == "32000.00"  # R-COST-3: the standard split, one third
    assert statement["municipality"] == "64000.00"
    assert (
        api(w.gbg_token)
        .get(reverse("api:placement_statement", args=[w.active.pk]), {"month": "2026-13"})
        .status_code
        == 400
    )


def test_the_pair_statement_sums_what_each_owes(w, api):
    response = api(w.gbg_token).get(
        reverse("api:pair_statement"),
        {"municipality": w.goteborg.pk, "region": w.region.pk, "month": "2026-04"},
    )

    body = response.json()
    rows = {row["placement"]: row for row in body["rows"]}
    assert body["count"] == len(rows)
    assert rows[w.active.pk]["total"] == "96000.00"
    assert rows[w.active.pk]["child_name"] == w.child2.full_name
    # Göteborg placed every child: the region owes its part of each (R-COST-3).
    regions = sum(Decimal(row["region"]) for row in rows.values())
    assert Decimal(body["region_owes_municipality"]) == regions


def test_deadlines_carry_their_status_and_rule(w, api):
    rows = api(w.gbg_token).get(reverse("api:deadline_list"), {"open": "true"}).json()["results"]

    assert rows
    assert all(row["met_on"] is None for row in rows)
    assert {row["status"] for row in rows} <= {"open", "due_soon", "overdue"}
    assert all(row["rule"].startswith("R-") for row in rows)


# --- writes --------------------------------------------------------------------------------


def _child_body(**changes):
    body = {
        "identity_number": personnummer(date(2012, 3, 4), 321),
        "first_name": "Nils",
        "last_name": "Nilsson",
        "home_municipality": 0,
    }
    return body | changes


def test_a_child_is_registered_through_the_service(w, api):
    response = api(w.gbg_token).post(
        reverse("api:child_list"),
        _child_body(home_municipality=w.goteborg.pk),
        format="json",
    )

    assert response.status_code == 201, response.json()
    child = Child.objects.get(pk=response.json()["id"])
    assert child.responsible_unit == w.gbg_social
    assert child.birth_date == date(2012, 3, 4)
    assert child.created_by == w.gbg_account.user
    event = AuditEvent.objects.get(
        action=AuditAction.CREATE, object_type="placements.child", object_id=str(child.pk)
    )
    assert event.user == w.gbg_account.user


def test_a_form_error_is_400_per_field_in_swedish(w, api):
    response = api(w.gbg_token).post(
        reverse("api:child_list"),
        _child_body(identity_number="20120304-0000", home_municipality=w.goteborg.pk),
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["errors"]["identity_number"] == [
        "Kontrollsiffran stämmer inte. Kontrollera personnumret."
    ]


def test_a_duplicate_personnummer_is_422_with_its_rule(w, api):
    response = api(w.gbg_token).post(
        reverse("api:child_list"),
        _child_body(identity_number=w.mdl_child.identity_number, home_municipality=w.goteborg.pk),
        format="json",
    )

    assert response.status_code == 422
    assert response.json()["rule"] == "IDENTITY"
    assert response.json()["detail"] == "Ett barn med det här personnumret är redan registrerat."


def test_a_region_account_registers_no_child(w, api):
    response = api(w.region_token).post(
        reverse("api:child_list"), _child_body(home_municipality=w.goteborg.pk), format="json"
    )

    assert response.status_code == 404
    assert not Child.objects.filter(first_name="Nils").exists()


def _placement_body(w, **changes):
    return {
        "child": w.child.pk,
        "placing_unit": w.gbg_social.pk,
        "caseworker_email": w.caseworker.email,
        "form": "foster_home",
        "legal_basis": "sol",
        "provider_name": "Familjehemmet Ek",
        "planned_start": "2026-09-01",
        "cost_per_day": "1200.00",
    } | changes


def test_a_placement_is_registered_through_the_service(w, api):
    response = api(w.gbg_token).post(
        reverse("api:placement_list"), _placement_body(w), format="json"
    )

    assert response.status_code == 201, response.json()
    placement = Placement.objects.get(pk=response.json()["id"])
    assert (placement.status, placement.caseworker) == ("planned", w.caseworker)
    assert placement.placing_principal == w.goteborg


def test_a_placement_outside_the_target_group_breaks_a_rule(w, api):
    """002 §1.4: 0–20 at the start (domain.placements.check_age_at_start)."""
    response = api(w.gbg_token).post(
        reverse("api:placement_list"),
        _placement_body(w, planned_start="2040-01-01"),
        format="json",
    )

    assert response.status_code == 422
    body = response.json()
    assert body["rule"] == "TARGET-GROUP"
    assert body["field"] == "planned_start"
    assert body["detail"]


def test_a_caseworker_of_another_principal_is_400(w, api):
    response = api(w.gbg_token).post(
        reverse("api:placement_list"),
        _placement_body(w, caseworker_email=w.mdl_caseworker.email),
        format="json",
    )

    assert response.status_code == 400
    assert "caseworker_email" in response.json()["errors"]


def test_a_health_examination_request_is_recorded(w, api):
    url = reverse("api:health_examination_create", args=[w.placement.pk])
    body = {"kind": "oral", "initiated_on": "2026-05-15", "unit": None}

    response = api(w.gbg_token).post(url, body, format="json")
    again = api(w.gbg_token).post(url, body, format="json")

    assert response.status_code == 201, response.json()
    exam = HealthExamination.objects.get(pk=response.json()["id"])
    assert (exam.placement, exam.kind, exam.step) == (w.placement, "oral", "initiated")
    assert again.status_code == 400
    assert "kind" in again.json()["errors"]


def test_a_health_examination_by_the_wrong_unit_breaks_r_plac_4(w, api):
    response = api(w.gbg_token).post(
        reverse("api:health_examination_create", args=[w.placement.pk]),
        {"kind": "oral", "initiated_on": "2026-05-15", "unit": w.bup.pk},
        format="json",
    )

    assert response.status_code == 422
    assert response.json()["rule"] == "R-PLAC-4"


def test_a_region_account_reads_but_does_not_write(w, api):
    """Writes are a caseworker's of the account's social-services units; BUP reads only."""
    response = api(w.region_token).post(
        reverse("api:health_examination_create", args=[w.placement.pk]),
        {"kind": "oral", "initiated_on": "2026-05-15"},
        format="json",
    )

    assert response.status_code == 404


# --- the rate limit -------------------------------------------------------------------------


def test_the_rate_limit_counts_per_key(w, api):
    rates = {"api_token": "3/minute"}
    with override_settings(REST_FRAMEWORK={**_rest_settings(), "DEFAULT_THROTTLE_RATES": rates}):
        gbg = [api(w.gbg_token).get(reverse("api:child_list")).status_code for _ in range(4)]
        mdl = api(w.mdl_token).get(reverse("api:child_list"))

    assert gbg == [200, 200, 200, 429]
    assert mdl.status_code == 200
    limited = api(w.gbg_token)
    with override_settings(REST_FRAMEWORK={**_rest_settings(), "DEFAULT_THROTTLE_RATES": rates}):
        response = limited.get(reverse("api:child_list"))
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0


def _rest_settings():
    from django.conf import settings

    return dict(settings.REST_FRAMEWORK)


@pytest.mark.parametrize(
    "name",
    [
        "api:child_list",
        "api:sip_list",
        "api:cost_meeting_list",
        "api:agreement_list",
        "api:deadline_list",
    ],
)
def test_a_list_takes_a_bounded_number_of_queries(w, api, name, django_assert_max_num_queries):
    """No query per row: the nested versions, lines, signatures and plans come prefetched."""
    with django_assert_max_num_queries(14):
        response = api(w.gbg_token).get(reverse(name))

    assert response.status_code == 200
    assert response.json()["count"] >= 1
