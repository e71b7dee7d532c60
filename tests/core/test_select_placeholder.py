"""A select's empty option reads "Välj …", never Django's "---------" (found by an exploratory
review): templates/django/forms/widgets/select_option.html, through FORM_RENDERER; an empty
option a form names itself ("Alla enheter") keeps its name."""

from __future__ import annotations

import pytest
from django import forms
from django.urls import reverse
from django.utils import translation

from organisations.models import Unit


class _Form(forms.Form):
    unit = forms.ModelChoiceField(queryset=Unit.objects.none())
    named = forms.ModelChoiceField(queryset=Unit.objects.none(), empty_label="Alla enheter")
    kind = forms.ChoiceField(choices=[("", "---------"), ("a", "A")])


@pytest.mark.django_db
def test_the_empty_option_is_named_in_swedish_and_a_named_one_is_kept():
    with translation.override("sv"):
        html = str(_Form())

    assert "---------" not in html
    assert html.count('<option value="" selected>Välj …</option>') == 2
    assert '<option value="" selected>Alla enheter</option>' in html


@pytest.mark.django_db
def test_a_real_form_page_has_no_dashes(client, gbg_caseworker, goteborg, gbg_social):
    from tests.placements.factories import ChildFactory

    child = ChildFactory(home_municipality=goteborg, responsible_unit=gbg_social)
    client.force_login(gbg_caseworker)

    html = client.get(
        reverse("placements:placement_create", args=[child.pk]), HTTP_ACCEPT_LANGUAGE="sv"
    ).content.decode()

    assert "<select" in html
    assert "---------" not in html
    assert "Välj …" in html
