"""R-DEV-1, issue 10: hostile input to the deviation forms never gives a server error; a forged
id of another organisation's child or placement is a message next to its field."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from deviations import services
from deviations.models import AreaReport, Deviation, DeviationCategory
from tests.deviations.conftest import report
from tests.hostile.strategies import DATE, TEXT, choice, ids, optional

HOSTILE = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    print_blob=False,
)


def _post(client, url, values):
    """Post in a savepoint rolled back afterwards: every example starts from the same world."""
    with transaction.atomic():
        response = client.post(url, {k: v for k, v in values.items() if v is not None})
        saved = list(Deviation.objects.all())
        for row in saved:
            row.full_clean()
        transaction.set_rollback(True)
    return response, saved


@given(data=st.data())
@HOSTILE
def test_r_dev_1_the_report_form_takes_any_input_without_a_server_error(w, client_for, data):
    client = client_for(w.caseworker)
    values = data.draw(
        st.fixed_dictionaries(
            {
                "unit": optional(ids(w.gbg_social, w.mdl_social)),
                "category": optional(choice(DeviationCategory.values)),
                "occurred_on": optional(DATE),
                "agreed": optional(TEXT),
                "happened": optional(TEXT),
                "receiving_unit": optional(ids(w.bup, w.mdl_social)),
                "receiving_principal": optional(ids(w.goteborg, w.region)),
                "child": optional(ids(w.child, w.mdl_child)),
                "placement": optional(ids(w.placement, w.mdl_placement)),
                "agreement": optional(ids(1)),
            }
        )
    )
    response, saved = _post(client, reverse("deviations:deviation_create"), values)
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert response.context["form"].errors
        assert not saved
    else:
        (deviation,) = saved
        assert deviation.child_id in (None, w.child.pk)


@given(text=TEXT, step=st.sampled_from(["receive", "answer", "escalate", "close", "comment"]))
@HOSTILE
def test_r_dev_1_the_step_forms_take_any_input_without_a_server_error(w, client_for, text, step):
    deviation = Deviation.objects.first() or report(w)
    client = client_for(w.clinician)
    url = reverse(f"deviations:deviation_{step}", args=[deviation.pk])
    with transaction.atomic():
        response = client.post(url, {f"{step}-text": text})
        deviation.refresh_from_db()
        deviation.full_clean()
        transaction.set_rollback(True)
    assert response.status_code in (200, 302)


@given(
    area=ids(1, 2, 3),
    start=DATE,
    end=DATE,
    texts=st.fixed_dictionaries(
        {"system_deficiencies": TEXT, "measures_taken": TEXT, "proposals": TEXT}
    ),
)
@HOSTILE
def test_r_dev_1_the_area_report_takes_any_input_without_a_server_error(
    w, client_for, area, start, end, texts
):
    client = client_for(w.gr_member)
    url = reverse("deviations:area_report")
    assert client.get(url, {"area": area, "start": start, "end": end}).status_code in (200, 404)
    csv = client.get(
        reverse("deviations:area_report_csv"), {"area": area, "start": start, "end": end}
    )
    assert csv.status_code in (200, 404)
    with transaction.atomic():
        response = client.post(f"{url}?area={w.gr.pk}&start={start}&end={end}", texts)
        for row in AreaReport.objects.all():
            row.full_clean()
        transaction.set_rollback(True)
    assert response.status_code in (200, 302)


@pytest.mark.parametrize(
    ("field", "forged"),
    [("child", "mdl_child"), ("placement", "mdl_placement")],
)
def test_r_dev_1_another_organisations_child_or_placement_is_a_field_message(
    w, client_for, field, forged
):
    response = client_for(w.caseworker).post(
        reverse("deviations:deviation_create"),
        {
            "unit": w.gbg_social.pk,
            "category": "other",
            "occurred_on": "2026-02-01",
            "agreed": "a",
            "happened": "b",
            "receiving_unit": w.bup.pk,
            field: getattr(w, forged).pk,
        },
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    assert not Deviation.objects.exists()


def test_r_dev_1_the_service_refuses_a_forged_id_the_form_never_offered(w):
    """The API calls the service with plain ids: the service asks the policies itself."""
    with pytest.raises(Exception) as exc:
        services.report_deviation(
            user=w.caseworker,
            unit=w.gbg_social,
            data=services.DeviationData(
                category="other",
                occurred_on=date(2026, 2, 1),
                agreed="a",
                happened="b",
                receiving_unit_id=w.bup.pk,
                child_id=2**63 - 1,
                placement_id=w.mdl_placement.pk,
            ),
        )
    assert {v.field for v in getattr(exc.value, "violations", [exc.value])} == {
        "child",
        "placement",
    }
