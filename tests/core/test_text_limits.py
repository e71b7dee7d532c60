"""Every free-text field has a length limit (found by an exploratory review: a 100,000-character
address was stored and made the child page 148,000 px tall on a phone). Model text fields get
``core.forms.TEXT_MAX_LENGTH`` through the model forms' field callback; the other forms say it
on the field. A new form field without a limit fails the scan below with its name."""

from __future__ import annotations

import importlib
import inspect

import pytest
from django import forms
from django.urls import reverse

from core.forms import TEXT_MAX_LENGTH
from placements.models import Child


def _project_apps() -> list[str]:
    """The project's own apps (every installed app whose code lies in the repository, outside
    the virtual environment): a new app's forms are scanned without a list to keep."""
    from pathlib import Path

    from django.apps import apps
    from django.conf import settings

    root = Path(settings.BASE_DIR).resolve()
    return [
        config.name
        for config in apps.get_app_configs()
        if Path(config.path).resolve().is_relative_to(root)
        and ".venv" not in Path(config.path).resolve().relative_to(root).parts
    ]


def _form_classes():
    for app in _project_apps():
        try:
            module = importlib.import_module(f"{app}.forms")
        except ModuleNotFoundError:
            continue
        for name, cls in vars(module).items():
            if (
                inspect.isclass(cls)
                and issubclass(cls, forms.BaseForm)
                and cls.__module__ == module.__name__
            ):
                yield f"{app}.forms.{name}", cls


def test_the_scan_finds_the_forms():
    assert {"placements", "sip", "agreements", "api"} <= set(_project_apps())
    names = {name for name, _cls in _form_classes()}
    assert {"placements.forms.ChildForm", "sip.forms.SipForm"} <= names


def test_every_text_field_of_every_form_has_a_length_limit():
    unlimited = [
        f"{name}.{field_name}"
        for name, cls in _form_classes()
        for field_name, field in cls.base_fields.items()
        if isinstance(field, forms.CharField)
        and not isinstance(field.widget, forms.PasswordInput)  # Django's sign-in forms
        and (field.max_length is None or field.max_length > TEXT_MAX_LENGTH)
    ]
    assert unlimited == []


@pytest.mark.django_db
def test_an_overlong_address_is_refused_in_swedish_next_to_the_field_and_kept(
    client, goteborg, gbg_social, gbg_caseworker
):
    from tests.placements.factories import ChildFactory

    child = ChildFactory(home_municipality=goteborg, responsible_unit=gbg_social)
    client.force_login(gbg_caseworker)
    page = client.get(reverse("placements:child_update", args=[child.pk]))
    data = {
        key: value
        for key, value in page.context["form"].initial.items()
        if value is not None and not hasattr(value, "pk")
    }
    data.update(
        home_municipality=goteborg.pk,
        no_identity_number="on" if not child.identity_number else "",
        identity_number_input=child.identity_number or "",
        birth_date=child.birth_date.isoformat(),
        address="Å" * (TEXT_MAX_LENGTH + 1),
    )

    response = client.post(reverse("placements:child_update", args=[child.pk]), data)

    assert response.status_code == 200
    errors = response.context["form"].errors["address"]
    assert errors == [
        f"Säkerställ att detta värde har som mest {TEXT_MAX_LENGTH} tecken (den har "
        f"{TEXT_MAX_LENGTH + 1})."
    ]
    assert "Å" * 100 in response.content.decode()
    child.refresh_from_db()
    assert child.address != "Å" * (TEXT_MAX_LENGTH + 1)
    assert Child.objects.filter(address__startswith="ÅÅÅ").count() == 0
