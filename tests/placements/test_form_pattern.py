"""Issue 12: the placement form in fieldsets with legends, dates that say which date, the power
of attorney only where it applies; the status form names its date; the shared form piece keeps
what was typed and shows every error at once."""

from __future__ import annotations

import re

from django.urls import reverse

from placements.models import Placement


def test_placement_form_is_in_fieldsets_with_the_power_of_attorney_marked_for_lvu(
    gbg_child, gbg_caseworker, client_for
):
    html = (
        client_for(gbg_caseworker)
        .get(reverse("placements:placement_create", args=[gbg_child.pk]))
        .content.decode()
    )

    legends = re.findall(r"<legend[^>]*>\s*(.*?)\s*</legend>", html, re.S)
    assert len(legends) == 7
    assert "Fullmakt (LVU)" in legends
    fieldset = re.search(
        r'<fieldset[^>]*class="[^"]*when-lvu[^"]*"[^>]*>(.*?)</fieldset>', html, re.S
    )
    assert fieldset and 'name="power_of_attorney_scope"' in fieldset.group(1)
    # Labels that say which date.
    assert "Planerad första dag för placeringen" in html
    assert "Datum för beslut om att inleda utredning" in html


def test_placement_form_with_several_errors_shows_them_all_and_keeps_the_input(
    gbg_child, gbg_caseworker, client_for
):
    client = client_for(gbg_caseworker)
    url = reverse("placements:placement_create", args=[gbg_child.pk])
    response = client.post(
        url,
        {
            "provider_name": "HVB Solgläntan",
            "planned_start": "2026-02-01",
            "planned_end": "2026-01-01",
        },
    )

    assert response.status_code == 200
    assert not Placement.objects.filter(child=gbg_child).exists()
    errors = response.context["form"].errors
    assert {"form", "legal_basis", "planned_end"} <= set(errors)
    html = response.content.decode()
    summary = re.search(r'<div class="error-summary.*?</ul>', html, re.S).group(0)
    for field in ("form", "legal_basis", "planned_end"):
        assert f'href="#id_{field}"' in summary
    assert 'value="HVB Solgläntan"' in html


def test_status_form_names_the_date_it_asks_for(gbg_placement, gbg_caseworker, client_for):
    client = client_for(gbg_caseworker)
    cancel = client.get(
        reverse("placements:placement_transition", args=[gbg_placement.pk, "cancelled"])
    ).content.decode()
    # Only a placement that has started can end (a planned one's page says the change cannot
    # be made, and shows no form).
    Placement.objects.filter(pk=gbg_placement.pk).update(
        status=Placement.Status.ACTIVE, actual_start=gbg_placement.planned_start
    )
    start = client.get(
        reverse("placements:placement_transition", args=[gbg_placement.pk, "ended"])
    ).content.decode()

    assert "Datum då placeringen avslutades" in start and ">Datum<" not in start
    assert (
        "Datum då placeringen avbröts" in cancel and "Skäl till att placeringen avbryts" in cancel
    )


def test_the_start_is_not_offered_as_a_form_while_it_cannot_succeed(
    gbg_placement, gbg_caseworker, client_for
):
    """R-PLAC-2 asked on the way in: without a signed agreement a planned placement cannot
    start, so the page says why and links back to the next step instead of a form that
    would be refused after the date is entered (issue 12)."""
    assert gbg_placement.status == Placement.Status.PLANNED and not gbg_placement.is_acute
    html = (
        client_for(gbg_caseworker)
        .get(reverse("placements:placement_transition", args=[gbg_placement.pk, "active"]))
        .content.decode()
    )

    assert "Placeringen kan inte påbörjas ännu" in html
    assert (
        'name="on"' not in html
        and '<form method="post"' not in html.split("<main")[1].split("</main>")[0]
    )
    assert reverse("placements:placement_detail", args=[gbg_placement.pk]) in html
