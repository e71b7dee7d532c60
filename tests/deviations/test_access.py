"""R-DEV-1: who sees a deviation, at every level; outside the scope a 404 with a denied row."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.models import AuditEvent
from core.policy import visible
from deviations import services
from deviations.models import Deviation
from deviations.policy import parties_of
from domain.deviations import Party
from tests.deviations.conftest import data, report


def escalate(deviation, user):
    return services.deviation_step(
        user=user, deviation=deviation, action="escalate", text="Vidare."
    )


@pytest.fixture
def local(w):
    """Göteborg social services to the region's BUP unit, at the local level."""
    return report(w)


@pytest.fixture
def sub_regional(w):
    return escalate(report(w, category="cost_not_paid"), w.caseworker)


@pytest.fixture
def regional(w, sub_regional):
    return escalate(escalate(report(w, category="other"), w.caseworker), w.gr_member)


def seen_by(user):
    return set(visible(user, Deviation).values_list("pk", flat=True))


def test_r_dev_1_the_reporting_and_the_receiving_unit_see_it(w, local):
    assert local.pk in seen_by(w.caseworker)
    assert local.pk in seen_by(w.clinician)
    assert parties_of(w.caseworker, local) == {Party.REPORTER}
    assert parties_of(w.clinician, local) == {Party.RECEIVER}


def test_r_dev_1_managers_of_the_two_principals_see_it(w, local):
    assert local.pk in seen_by(w.manager)
    assert local.pk in seen_by(w.region_manager)  # a manager in the region
    assert parties_of(w.region_manager, local) == set()


@pytest.mark.parametrize(
    "who",
    ["mdl_caseworker", "udd_caseworker", "gp", "admin", "teacher", "gr_member", "lisa_member"],
)
def test_r_dev_1_others_do_not_see_a_local_deviation(w, local, who):
    assert local.pk not in seen_by(getattr(w, who))


def test_r_dev_1_without_a_receiving_unit_the_municipalitys_social_services_receive(w):
    deviation = services.report_deviation(
        user=w.clinician, unit=w.bup, data=data(receiving_principal_id=w.goteborg.pk)
    )
    assert deviation.pk in seen_by(w.caseworker)
    assert parties_of(w.caseworker, deviation) == {Party.RECEIVER}
    assert deviation.pk not in seen_by(w.teacher)  # the school is not social services
    assert deviation.pk not in seen_by(w.mdl_caseworker)


def test_r_dev_1_the_areas_body_sees_escalated_deviations_of_its_area_only(w, local, sub_regional):
    seen = seen_by(w.gr_member)
    assert sub_regional.pk in seen and local.pk not in seen
    assert parties_of(w.gr_member, sub_regional) == {Party.BODY}


def test_r_dev_1_fyrbodals_body_sees_nothing_of_goteborgsregionen(w, local, sub_regional, regional):
    assert seen_by(w.fyrbodal_member) == set()


def test_r_dev_1_lisa_sees_the_regional_level_only(w, local, sub_regional, regional):
    assert seen_by(w.lisa_member) == {regional.pk}
    assert parties_of(w.lisa_member, regional) == {Party.BODY}
    # The area's body still sees it at the regional level, but acts no more.
    assert regional.pk in seen_by(w.gr_member)
    assert parties_of(w.gr_member, regional) == set()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("caseworker", 200),
        ("clinician", 200),
        ("manager", 200),
        ("gr_member", 200),
        ("mdl_caseworker", 404),
        ("fyrbodal_member", 404),
        ("lisa_member", 404),
        ("admin", 404),
    ],
)
def test_r_dev_1_the_page_of_a_sub_regional_deviation(w, sub_regional, client_for, who, status):
    url = reverse("deviations:deviation_detail", args=[sub_regional.pk])
    response = client_for(getattr(w, who)).get(url)
    assert response.status_code == status
    if status == 404:
        row = AuditEvent.objects.filter(action="denied").latest("pk")
        assert (row.user, row.object_type, row.object_id) == (
            getattr(w, who),
            "deviations.deviation",
            str(sub_regional.pk),
        )


STEP_URLS = [
    "deviations:deviation_receive",
    "deviations:deviation_answer",
    "deviations:deviation_escalate",
    "deviations:deviation_close",
    "deviations:deviation_comment",
]


@pytest.mark.parametrize("name", STEP_URLS)
def test_r_dev_1_fyrbodals_member_gets_404_on_every_step_of_a_gr_deviation(
    w, sub_regional, client_for, name
):
    client = client_for(w.fyrbodal_member)
    url = reverse(name, args=[sub_regional.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {f"{name.split('_')[-1]}-text": "x"}).status_code == 404
    assert (
        AuditEvent.objects.filter(
            action="denied", user=w.fyrbodal_member, object_id=str(sub_regional.pk)
        ).count()
        == 2
    )
    sub_regional.refresh_from_db()
    assert sub_regional.events.count() == 2


def test_r_dev_1_fyrbodals_member_cannot_open_gr_s_area_report(w, client_for):
    client = client_for(w.fyrbodal_member)
    url = reverse("deviations:area_report")
    response = client.get(url, {"area": w.gr.pk, "start": "2026-01-01", "end": "2026-12-31"})
    assert response.status_code == 404
    assert AuditEvent.objects.filter(action="denied", user=w.fyrbodal_member).exists()
    response = client.get(
        reverse("deviations:area_report_csv"),
        {"area": w.gr.pk, "start": "2026-01-01", "end": "2026-12-31"},
    )
    assert response.status_code == 404
    # Its own area is there.
    assert client.get(url, {"area": w.fyrbodal.pk}).status_code == 200


def test_r_dev_1_staff_without_a_body_have_no_area_report(w, client_for):
    assert client_for(w.caseworker).get(reverse("deviations:area_report")).status_code == 404


def test_r_dev_1_lisa_reads_every_area_report_of_its_region_but_writes_none(w, client_for):
    client = client_for(w.lisa_member)
    url = reverse("deviations:area_report")
    response = client.get(url, {"area": w.gr.pk, "start": "2026-01-01", "end": "2026-12-31"})
    assert response.status_code == 200
    assert response.context["texts_form"] is None
    response = client.post(
        f"{url}?area={w.gr.pk}&start=2026-01-01&end=2026-12-31", {"proposals": "x", "save": ""}
    )
    assert response.status_code == 404


def _deviation_routes_with_pk():
    from django.urls import get_resolver

    resolver = get_resolver()
    patterns = [
        p
        for entry in resolver.url_patterns
        if getattr(entry, "namespace", None) == "deviations"
        for p in entry.url_patterns
        if "pk" in p.pattern.converters
    ]
    return [f"deviations:{p.name}" for p in patterns]


DEVIATION_PK_ROUTES = _deviation_routes_with_pk()


def test_the_matrix_finds_every_deviation_page_with_an_id():
    assert len(DEVIATION_PK_ROUTES) == 6


@pytest.mark.parametrize("name", DEVIATION_PK_ROUTES)
@pytest.mark.parametrize("who", ["mdl_caseworker", "udd_caseworker", "gp", "admin", "gr_member"])
def test_r_dev_1_an_unrelated_person_gets_404_and_a_denied_row_on_every_page(
    w, local, client_for, name, who
):
    user = getattr(w, who)
    client = client_for(user)
    url = reverse(name, args=[local.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"comment-text": "x", "answer-text": "x"}).status_code == 404
    assert (
        AuditEvent.objects.filter(
            action="denied", user=user, object_type="deviations.deviation", object_id=str(local.pk)
        ).count()
        == 2
    )
    local.refresh_from_db()
    assert (local.status, local.events.count()) == ("reported", 1)
