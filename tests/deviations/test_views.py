"""R-DEV-1: the deviation pages: report form, list, page of one deviation, steps, area report."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.models import AuditEvent
from deviations import services
from deviations.models import AreaReport, Deviation
from tests.deviations.conftest import report

CREATE = reverse("deviations:deviation_create")
LIST = reverse("deviations:deviation_list")
AREA = reverse("deviations:area_report")


def form_data(w, **overrides):
    values = {
        "unit": w.gbg_social.pk,
        "category": "sip_not_in_time",
        "occurred_on": "2026-02-20",
        "agreed": "SIP-möte inom tre veckor.",
        "happened": "Ingen från BUP kom.",
        "receiving_unit": w.bup.pk,
        "child": "",
        "placement": "",
        "agreement": "",
    }
    values.update(overrides)
    return values


def test_r_dev_1_the_caseworker_reports_a_deviation(w, client_for):
    client = client_for(w.caseworker)
    page = client.get(CREATE)
    assert page.status_code == 200
    content = page.content.decode()
    assert "<legend" in content and "Vad hände" in content
    assert 'name="receiving_principal"' not in content  # a municipal unit reports to its region
    response = client.post(CREATE, form_data(w, placement=w.placement.pk))
    deviation = Deviation.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("deviations:deviation_detail", args=[deviation.pk])
    assert (deviation.child, deviation.receiving_unit) == (w.child, w.bup)


def test_r_dev_1_errors_next_to_the_fields_and_everything_typed_kept(w, client_for):
    client = client_for(w.caseworker)
    response = client.post(
        CREATE, form_data(w, receiving_unit="", occurred_on="2026-03-03", happened="Behålls.")
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"occurred_on", "receiving_unit"}
    assert "Datumet för avvikelsen kan inte ligga i framtiden." in form.errors["occurred_on"]
    content = response.content.decode()
    assert "Behålls." in content and "error-summary" in content
    assert not Deviation.objects.exists()


def test_r_dev_1_a_forged_child_of_another_organisation_is_a_field_error(w, client_for):
    client = client_for(w.caseworker)
    response = client.post(CREATE, form_data(w, child=w.mdl_child.pk, placement=w.mdl_placement.pk))
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"child", "placement"}
    assert not Deviation.objects.exists()


def test_r_dev_1_a_region_clinician_chooses_the_municipality(w, client_for):
    client = client_for(w.clinician)
    content = client.get(CREATE).content.decode()
    assert 'name="receiving_principal"' in content
    response = client.post(
        CREATE, form_data(w, unit=w.bup.pk, receiving_unit="", receiving_principal=w.goteborg.pk)
    )
    assert response.status_code == 302
    assert Deviation.objects.get().receiving_principal == w.goteborg


def test_r_dev_1_a_body_member_has_no_report_form_but_a_list(w, client_for):
    client = client_for(w.gr_member)
    response = client.get(CREATE)
    assert response.status_code == 200 and "form" not in response.context
    assert client.post(CREATE, form_data(w)).status_code == 200
    assert not Deviation.objects.exists()
    page = client.get(LIST)
    assert page.status_code == 200
    assert reverse("deviations:area_report") in page.content.decode()
    # The menu shows the entry to a body member, who holds no role.
    assert any(item["url"] == LIST for item in page.context["nav_items"])


def test_r_dev_1_the_menu_entry_for_staff_and_not_for_an_administrator(w, client_for):
    assert any(
        item["url"] == LIST for item in client_for(w.clinician).get(LIST).context["nav_items"]
    )
    admin_page = client_for(w.admin).get(reverse("start"))
    assert not any(item["url"] == LIST for item in admin_page.context["nav_items"])


def test_r_dev_1_the_page_offers_only_the_steps_that_can_succeed(w, client_for):
    deviation = report(w)
    url = reverse("deviations:deviation_detail", args=[deviation.pk])
    receive = reverse("deviations:deviation_receive", args=[deviation.pk])
    answer = reverse("deviations:deviation_answer", args=[deviation.pk])
    reporter_page = client_for(w.caseworker).get(url).content.decode()
    assert receive not in reporter_page and answer not in reporter_page
    assert "Nästa steg" in reporter_page and "2026-03-12" in reporter_page
    receiver = client_for(w.clinician)
    page = receiver.get(url).content.decode()
    assert receive in page and answer not in page
    assert receiver.post(receive).status_code == 302
    page = receiver.get(url).content.decode()
    assert answer in page and receive not in page
    response = receiver.post(answer, {"answer-text": "Ny tid bokad."})
    assert response.status_code == 302
    deviation.refresh_from_db()
    assert deviation.status == "answered"


def test_r_dev_1_a_step_that_cannot_succeed_says_why_and_is_refused(w, client_for):
    deviation = report(w)
    answer = reverse("deviations:deviation_answer", args=[deviation.pk])
    client = client_for(w.caseworker)
    page = client.get(answer)
    assert page.status_code == 200 and not page.context["possible"]
    response = client.post(answer, {"answer-text": "x"})
    assert response.status_code == 200
    assert response.context["form"].errors
    deviation.refresh_from_db()
    assert deviation.status == "reported"


def test_r_dev_1_an_answer_without_text_is_a_field_error(w, client_for):
    deviation = report(w)
    services.deviation_step(user=w.clinician, deviation=deviation, action="receive")
    response = client_for(w.clinician).post(
        reverse("deviations:deviation_answer", args=[deviation.pk]), {"answer-text": " "}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["text"] == ["Skriv svaret."]


def test_r_dev_1_the_list_shows_the_deadline_and_overdue(w, client_for, time_machine):
    report(w)
    time_machine.shift(86400 * 11)  # 13 March: a day after the due day
    response = client_for(w.clinician).get(LIST)
    content = response.content.decode()
    assert "2026-03-12" in content and "försenad" in content
    row = AuditEvent.objects.filter(action="search", object_type="deviations.deviation").latest(
        "pk"
    )
    assert row.details["count"] == 1


def test_r_dev_1_the_list_filters(w, client_for):
    report(w)
    report(w, category="other")
    client = client_for(w.caseworker)
    assert client.get(LIST, {"category": "other"}).context["paginator"].count == 1
    assert client.get(LIST, {"status": "closed"}).context["paginator"].count == 0
    assert client.get(LIST, {"whose": "body"}).context["paginator"].count == 0
    assert client.get(LIST, {"whose": "mine"}).context["paginator"].count == 2
    assert client.get(LIST, {"status": "nonsense"}).status_code == 200


def test_r_dev_1_protected_identity_in_the_list_and_the_page(w, client_for):
    deviation = report(w, child_id=w.protected.pk)
    services.deviation_step(user=w.caseworker, deviation=deviation, action="escalate", text="x")
    # Her responsible unit's members see her name (placements.policy), others never.
    for user in (w.caseworker, w.manager):
        assert "Sara Skyddad" in client_for(user).get(LIST).content.decode()
    for user in (w.gr_member, w.clinician, w.region_manager):
        client = client_for(user)
        assert "Skyddad" not in client.get(LIST).content.decode()
        page = client.get(reverse("deviations:deviation_detail", args=[deviation.pk]))
        assert "Skyddad" not in page.content.decode()


@pytest.mark.parametrize("size", [2, 12])
def test_r_dev_1_list_query_count_does_not_grow(w, client_for, django_assert_max_num_queries, size):
    for n in range(size):
        report(w, placement_id=w.placement.pk if n % 2 else None)
    client = client_for(w.caseworker)
    client.get(LIST)  # warm the session
    with django_assert_max_num_queries(14):
        response = client.get(LIST)
    assert response.context["paginator"].count == size


def test_r_dev_1_area_report_counts_trend_and_no_personal_data(w, client_for, time_machine):
    report(w, child_id=w.child.pk)
    report(w, category="cost_not_paid")
    report(w, category="cost_not_paid")
    client = client_for(w.gr_member)
    response = client.get(AREA, {"area": w.gr.pk, "start": "2026-01-01", "end": "2026-12-31"})
    assert response.status_code == 200
    data = response.context["data"]
    assert (data.counts.total, data.counts.previous) == (3, 0)
    assert [row.category for row in data.most_frequent] == ["cost_not_paid", "sip_not_in_time"]
    content = response.content.decode()
    assert "Alva" not in content and "Göransson" not in content
    assert "<caption>" in content
    csv = client.get(
        reverse("deviations:area_report_csv"),
        {"area": w.gr.pk, "start": "2026-01-01", "end": "2026-12-31"},
    )
    body = b"".join(csv.streaming_content).decode("utf-8-sig")
    assert "Kostnad inte betald enligt överenskommelse;2;0;0;0;0;2;0;2" in body.replace("\r", "")
    assert AuditEvent.objects.filter(action="export", object_type="deviations.areareport").exists()


def test_r_dev_1_the_body_saves_then_submits_the_report(w, client_for):
    client = client_for(w.gr_member)
    url = f"{AREA}?area={w.gr.pk}&start=2026-01-01&end=2026-12-31"
    response = client.post(url, {"system_deficiencies": "Kallelser når inte fram.", "save": ""})
    assert response.status_code == 302
    report_row = AreaReport.objects.get()
    assert report_row.submitted_at is None
    response = client.post(
        url, {"system_deficiencies": "Kallelser.", "proposals": "Ny rutin.", "submit": ""}
    )
    assert response.status_code == 302
    report_row.refresh_from_db()
    assert report_row.submitted_by == w.gr_member and report_row.proposals == "Ny rutin."
    page = client.get(url)
    assert page.context["texts_form"] is None
    assert "Ny rutin." in page.content.decode()
    response = client.post(url, {"proposals": "Ändrad."})
    assert response.status_code == 200
    report_row.refresh_from_db()
    assert report_row.proposals == "Ny rutin."


def test_r_dev_1_area_report_bad_period_is_a_message(w, client_for):
    client = client_for(w.gr_member)
    response = client.get(AREA, {"area": w.gr.pk, "start": "2026-12-31", "end": "2026-01-01"})
    assert response.status_code == 200
    assert response.context["form"].errors["end"]


def test_r_dev_1_a_case_page_may_prefill_the_placement(w, client_for):
    client = client_for(w.caseworker)
    form = client.get(CREATE, {"placering": w.placement.pk}).context["form"]
    assert form["placement"].value() == w.placement.pk
    # Another organisation's placement is not among the choices: nothing is chosen.
    page = client.get(CREATE, {"placering": w.mdl_placement.pk, "barn": "x" * 50})
    assert f'value="{w.mdl_placement.pk}" selected' not in page.content.decode()


def test_r_dev_1_the_next_step_at_each_level_says_who_and_by_when(w, client_for):
    deviation = report(w)
    url = reverse("deviations:deviation_detail", args=[deviation.pk])
    page = client_for(w.caseworker).get(url)
    assert page.context["next_step"] == (
        "BUP Göteborg bekräftar att avvikelsen har tagits emot och besvarar den senast 2026-03-12."
    )
    services.deviation_step(user=w.caseworker, deviation=deviation, action="escalate", text="x")
    page = client_for(w.gr_member).get(url)
    assert page.context["next_step"] == (
        "Delregional vårdsamverkan Göteborgsregionen besvarar avvikelsen senast 2026-03-12."
    )
    services.deviation_step(user=w.gr_member, deviation=deviation, action="escalate", text="x")
    services.deviation_step(user=w.lisa_member, deviation=deviation, action="answer", text="x")
    page = client_for(w.lisa_member).get(url)
    assert page.context["next_step"] == (
        "Den regionala nivån (LiSA) avslutar avvikelsen med ett utfall."
    )
    assert [s["action"] for s in page.context["steps"]] == ["close", "comment"]
