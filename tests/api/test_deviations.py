"""Deviations through the API (issue 15, R-DEV-1): a system account reports one through the
page's form and ``deviations.services.report_deviation`` in its own name; 400 for a form
error, 422 with R-DEV-1 for a rule, 404 and a denied row for another organisation's case;
the list and the page of one deviation in the deviation pages' scope, with the linked case
hidden where protected identity hides the child's name."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import AuditAction, AuditEvent
from deviations.models import Deviation, DeviationEvent
from deviations.services import DeviationData, report_deviation
from domain.deviations import DEFAULT_FEEDBACK_DAYS
from organisations.models import SubRegion, Unit
from placements.models import Child
from tests.agreements.conftest import TODAY
from tests.factories import UnitFactory

URL = "api:deviation_list"


def _body(w, **changes):
    return {
        "category": "sip_not_in_time",
        "occurred_on": (TODAY - timedelta(days=3)).isoformat(),
        "agreed": "SIP inom fyra veckor enligt rutinen.",
        "happened": "BUP kom inte till mötet.",
        "receiving_unit": w.bup.pk,
    } | changes


def _post(client, body):
    return client.post(reverse(URL), body, format="json")


# --- reporting -------------------------------------------------------------------------------


def test_a_deviation_is_reported_in_the_accounts_name(w, api):
    response = _post(api(w.gbg_token), _body(w, placement=w.active.pk))

    assert response.status_code == 201, response.json()
    body = response.json()
    deviation = Deviation.objects.get(pk=body["id"])
    assert (deviation.reporting_unit, deviation.reporting_principal) == (w.gbg_social, w.goteborg)
    assert (deviation.receiving_principal, deviation.receiving_unit) == (w.region, w.bup)
    assert (deviation.placement, deviation.child) == (w.active, w.child2)
    assert (deviation.status, deviation.level) == ("reported", "local")
    assert deviation.reported_by == w.gbg_account.user
    # R-DEV-1: the region answers within the default days (Göteborg belongs to no area here).
    assert deviation.answer_due_on == TODAY + timedelta(days=DEFAULT_FEEDBACK_DAYS)
    assert body["answer_due_on"] == deviation.answer_due_on.isoformat()
    assert (body["placement"], body["child"], body["case_linked"]) == (
        w.active.pk,
        w.child2.pk,
        True,
    )
    [event] = DeviationEvent.objects.filter(deviation=deviation)
    assert (event.kind, event.by, event.on) == ("reported", w.gbg_account.user, TODAY)
    assert [e["kind"] for e in body["events"]] == ["reported"]
    audit = AuditEvent.objects.get(
        action=AuditAction.CREATE,
        object_type="deviations.deviation",
        object_id=str(deviation.pk),
    )
    assert (audit.user, audit.unit, audit.child_id) == (
        w.gbg_account.user,
        w.gbg_social,
        w.child2.pk,
    )


def test_the_answer_is_due_within_the_days_of_the_municipalitys_area(w, api):
    area = SubRegion.objects.create(
        region=w.region, name="Göteborgsområdet", deviation_feedback_days=10
    )
    w.goteborg.sub_region = area
    w.goteborg.save()

    response = _post(api(w.gbg_token), _body(w))

    assert response.status_code == 201, response.json()
    assert response.json()["answer_due_on"] == (TODAY + timedelta(days=10)).isoformat()
    assert response.json()["sub_region"] == area.pk


def test_the_region_reports_to_a_municipality_it_names(w, api):
    response = _post(
        api(w.region_token),
        _body(w, receiving_principal=w.molndal.pk, receiving_unit=None, category="other"),
    )

    assert response.status_code == 201, response.json()
    deviation = Deviation.objects.get(pk=response.json()["id"])
    assert (deviation.reporting_unit, deviation.receiving_principal) == (w.bup, w.molndal)
    assert deviation.receiving_unit is None  # Mölndal's social services receive it


def test_a_rule_violation_is_422_with_r_dev_1_in_swedish(w, api):
    """A deviation to the region names the region's unit it concerns (R-DEV-1)."""
    response = _post(api(w.gbg_token), _body(w, receiving_unit=None))

    assert response.status_code == 422
    body = response.json()
    assert (body["rule"], body["field"]) == ("R-DEV-1", "receiving_unit")
    assert (
        body["detail"] == "Välj den verksamhet i regionen som avvikelsen gäller (till exempel BUP)."
    )
    assert not Deviation.objects.filter(reported_by=w.gbg_account.user).exists()


def test_several_rule_violations_are_reported_together(w, api):
    future = (TODAY + timedelta(days=1)).isoformat()
    response = _post(api(w.gbg_token), _body(w, receiving_unit=None, occurred_on=future))

    assert response.status_code == 422
    body = response.json()
    assert body["rule"] == "R-DEV-1"
    assert {v["field"] for v in body["violations"]} == {"occurred_on", "receiving_unit"}
    assert "Datumet för avvikelsen kan inte ligga i framtiden." in {
        v["detail"] for v in body["violations"]
    }


def test_a_visible_case_of_another_pair_of_principals_breaks_r_dev_1(w, api):
    """BUP sees Göteborg's child (invited to its SIP), but reports to Mölndal."""
    response = _post(
        api(w.region_token),
        _body(w, receiving_principal=w.molndal.pk, receiving_unit=None, child=w.child.pk),
    )

    assert response.status_code == 422
    body = response.json()
    assert (body["rule"], body["field"]) == ("R-DEV-1", "child")
    assert body["detail"].startswith("Välj ett barn, en placering eller en överenskommelse")


def test_a_form_error_is_400_per_field_in_swedish(w, api):
    response = _post(api(w.gbg_token), _body(w, agreed="", receiving_unit=w.mdl_social.pk))

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"agreed"}  # the serializer's own checks come first
    again = _post(api(w.gbg_token), _body(w, receiving_unit=w.mdl_social.pk))
    assert again.status_code == 400
    # The page's form: the unit concerned is one of the region's (Mölndal's is no choice).
    assert list(again.json()["errors"]) == ["receiving_unit"]
    assert "giltigt" in again.json()["errors"]["receiving_unit"][0]


def test_an_account_with_several_units_names_the_reporting_unit(w, api):
    school = UnitFactory(principal=w.goteborg, name="Hvitfeldtska", kind=Unit.Kind.SCHOOL)
    client = api(w.gbg_token)

    missing = _post(client, _body(w))
    foreign = _post(client, _body(w, unit=w.mdl_social.pk))
    chosen = _post(client, _body(w, unit=school.pk))

    assert missing.status_code == 400
    assert missing.json()["errors"]["unit"] == ["Detta fält måste fyllas i."]
    assert foreign.status_code == 400
    assert "unit" in foreign.json()["errors"]
    assert chosen.status_code == 201, chosen.json()
    assert chosen.json()["reporting_unit"] == school.pk


@pytest.mark.parametrize("field", ["child", "placement", "agreement"])
def test_another_organisations_case_is_404_with_a_denied_row(w, api, field):
    ids = {"child": w.child.pk, "placement": w.placement.pk, "agreement": w.signed.agreement_id}
    before = Deviation.objects.count()

    response = _post(api(w.mdl_token), _body(w, **{field: ids[field]}))

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    event = AuditEvent.objects.latest("pk")
    assert (event.action, event.user, event.object_id) == (
        AuditAction.DENIED,
        w.mdl_account.user,
        str(ids[field]),
    )
    assert event.object_type == f"{'agreements' if field == 'agreement' else 'placements'}.{field}"
    assert Deviation.objects.count() == before


def test_reporting_takes_a_bounded_number_of_queries(w, api, django_assert_max_num_queries):
    client = api(w.gbg_token)
    with django_assert_max_num_queries(24):
        response = _post(client, _body(w, placement=w.active.pk, agreement=w.signed.agreement_id))

    assert response.status_code == 201, response.json()


# --- reading ---------------------------------------------------------------------------------


def test_the_list_is_the_deviation_pages_scope(w, api):
    def ids(token):
        response = api(token).get(reverse(URL))
        assert response.status_code == 200
        return {row["id"] for row in response.json()["results"]}

    assert ids(w.gbg_token) == {w.gbg_deviation.pk}
    assert ids(w.mdl_token) == {w.mdl_deviation.pk}
    # BUP receives both.
    assert ids(w.region_token) == {w.gbg_deviation.pk, w.mdl_deviation.pk}
    event = AuditEvent.objects.latest("pk")
    assert (event.action, event.object_type, event.user) == (
        AuditAction.SEARCH,
        "deviations.deviation",
        w.region_account.user,
    )


def test_the_list_takes_a_bounded_number_of_queries(w, api, django_assert_max_num_queries):
    client = api(w.region_token)
    with django_assert_max_num_queries(10):
        few = client.get(reverse(URL))
    for n in range(5):
        report_deviation(
            user=w.caseworker,
            unit=w.gbg_social,
            data=DeviationData(
                category="other",
                occurred_on=TODAY,
                agreed=f"Rutin {n}.",
                happened="Följdes inte.",
                receiving_unit_id=w.bup.pk,
                child_id=w.child.pk,
            ),
            today=TODAY,
        )
    with django_assert_max_num_queries(10):
        many = client.get(reverse(URL))

    assert many.json()["count"] == few.json()["count"] + 5


def test_updated_since_follows_the_deviations_change_time(w, api, time_machine):
    later = timezone.now() + timedelta(hours=1)
    time_machine.move_to(later, tick=False)
    Deviation.objects.get(pk=w.mdl_deviation.pk).save()

    response = api(w.region_token).get(reverse(URL), {"updated_since": later.isoformat()})

    assert [row["id"] for row in response.json()["results"]] == [w.mdl_deviation.pk]
    assert api(w.region_token).get(reverse(URL), {"updated_since": "igår"}).status_code == 400


def test_a_detail_is_audited_and_has_an_etag(w, api):
    client = api(w.gbg_token)
    url = reverse("api:deviation_detail", args=[w.gbg_deviation.pk])

    response = client.get(url)
    event = AuditEvent.objects.latest("pk")
    unchanged = client.get(url, HTTP_IF_NONE_MATCH=response["ETag"])

    assert response.status_code == 200
    body = response.json()
    assert (body["child_name"], body["placement"]) == ("Alva Göransson", w.placement.pk)
    assert body["reported_by_name"] == str(w.caseworker)
    assert (event.action, event.object_id, event.child_id, event.user) == (
        AuditAction.VIEW,
        str(w.gbg_deviation.pk),
        w.child.pk,
        w.gbg_account.user,
    )
    assert unchanged.status_code == 304


def test_protected_identity_hides_the_linked_case(w, api):
    Child.objects.filter(pk=w.child.pk).update(protected_identity=True)
    url = reverse("api:deviation_detail", args=[w.gbg_deviation.pk])

    region = api(w.region_token).get(url).json()
    own = api(w.gbg_token).get(url).json()

    assert region["case_linked"] is True
    assert (region["child"], region["child_name"], region["placement"], region["agreement"]) == (
        None,
        None,
        None,
        None,
    )
    assert (own["child"], own["child_name"]) == (w.child.pk, "Alva Göransson")


def test_a_molndal_key_gets_404_and_a_denied_row_for_a_goteborg_deviation(w, api):
    response = api(w.mdl_token).get(reverse("api:deviation_detail", args=[w.gbg_deviation.pk]))

    assert response.status_code == 404
    event = AuditEvent.objects.latest("pk")
    assert (event.action, event.user, event.unit, event.object_type, event.object_id) == (
        AuditAction.DENIED,
        w.mdl_account.user,
        w.mdl_social,
        "deviations.deviation",
        str(w.gbg_deviation.pk),
    )
    assert event.child_id == w.child.pk  # Göteborg's review finds the attempt
