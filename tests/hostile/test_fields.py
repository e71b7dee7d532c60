"""Issue 10: the one date field (and its month and datetime siblings), the id and date URL
parameters, the safe ``next`` and the guard that every form of the application uses them."""

from __future__ import annotations

import importlib
from datetime import UTC, date, datetime
from typing import Any

import pytest
from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.http import QueryDict
from django.test import RequestFactory
from django.utils import translation

from core import forms as core_forms
from core.redirects import is_safe_next_url, safe_next_url
from core.validators import DATE_MAX, DATE_MIN, validate_plausible_date
from organisations.models import Unit

DATE_RANGE = "Ange ett datum mellan 1900-01-01 och 2100-12-31."


def _error(field: forms.Field, value: Any) -> list[str]:
    with translation.override("sv"), pytest.raises(forms.ValidationError) as raised:
        field.clean(value)
    return raised.value.messages


def test_the_plausible_range_is_1900_to_2100():
    assert (DATE_MIN, DATE_MAX) == (date(1900, 1, 1), date(2100, 12, 31))


@pytest.mark.parametrize("value", ["1900-01-01", "2026-05-15", "2100-12-31"])
def test_the_date_field_accepts_dates_in_the_range(value):
    assert core_forms.DateField().clean(value) == date.fromisoformat(value)


@pytest.mark.parametrize("value", ["0001-01-01", "1899-12-31", "2101-01-01", "9999-12-31"])
def test_the_date_field_refuses_dates_outside_the_range_in_swedish(value):
    assert _error(core_forms.DateField(), value) == [DATE_RANGE]


@pytest.mark.parametrize("value", ["10000-01-01", "2026-02-30", "9" * 10_000, "²"])
def test_the_date_field_refuses_what_is_no_date(value):
    assert _error(core_forms.DateField(), value) == ["Fyll i ett giltigt datum."]


def test_the_date_input_tells_the_browser_the_range():
    html = core_forms.DateField().widget.render("d", None)
    assert 'type="date"' in html and 'min="1900-01-01"' in html and 'max="2100-12-31"' in html


@pytest.mark.parametrize(
    "value", ["0001-01-01T00:30", "0001-01-01T00:00", "9999-12-31T23:59", "1899-12-31T23:59"]
)
def test_the_datetime_field_refuses_times_outside_the_range_without_overflow(value):
    assert _error(core_forms.DateTimeField(), value) == [DATE_RANGE]


def test_the_datetime_field_accepts_a_meeting_time():
    assert core_forms.DateTimeField().clean("2026-05-12T08:30").isoformat() == (
        "2026-05-12T08:30:00+02:00"
    )


@pytest.mark.parametrize(
    "value", [datetime.min.replace(tzinfo=UTC), datetime.max.replace(tzinfo=UTC)]
)
def test_the_validator_refuses_the_ends_of_the_calendar_without_overflow(value):
    with pytest.raises(forms.ValidationError):
        validate_plausible_date(value)


def test_the_month_field_refuses_year_9999_in_swedish():
    assert _error(core_forms.MonthField(), "9999-12") == [
        "Ange en månad mellan 1900-01 och 2100-12."
    ]
    assert core_forms.MonthField().clean("2026-05") == date(2026, 5, 1)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("7", 7), ("", None), ("0", None), ("-1", None), (str(2**63), None), ("²", None), ("x", None)],
)
def test_an_id_parameter_is_a_positive_64_bit_integer_or_none(raw, expected):
    assert core_forms.id_param(QueryDict(f"a={raw}" if raw else ""), "a") == expected


def test_a_date_parameter_gives_a_value_or_a_swedish_message():
    with translation.override("sv"):
        assert core_forms.date_param(QueryDict("on=2026-05-15"), "on") == (date(2026, 5, 15), "")
        assert core_forms.date_param(QueryDict(""), "on") == (None, "")
        assert core_forms.date_param(QueryDict("on=9999-12-31"), "on") == (None, DATE_RANGE)


@pytest.mark.django_db
@pytest.mark.parametrize("forged", [str(2**63), str(10**25), str(-(2**63) - 1)])
def test_a_multiple_choice_of_rows_refuses_ids_beyond_64_bits(forged):
    field = core_forms.ModelMultipleChoiceField(queryset=Unit.objects.all())
    with pytest.raises(forms.ValidationError) as raised:
        field.clean([forged])
    assert raised.value.code == "invalid_pk_value"


@pytest.mark.parametrize(
    ("target", "safe"),
    [
        ("/placeringar/", True),
        ("/placeringar/?status=active", True),
        ("placeringar", False),
        ("//evil.example/", False),
        ("/\\evil.example", False),
        ("https://evil.example/", False),
        ("http://testserver/placeringar/", False),
        ("javascript:alert(1)", False),
        ("/a\x00b", False),
        ("", False),
    ],
)
def test_only_a_path_on_the_site_is_a_safe_next(target, safe):
    assert is_safe_next_url(RequestFactory().get("/"), target) is safe


def test_an_unsafe_next_falls_back_to_the_default_page():
    request = RequestFactory().get("/", {"next": "placeringar"})
    assert safe_next_url(request) == "/"
    assert safe_next_url(request, "placements:placement_list") == "/placeringar/"


# --- the guard: every form of the application uses the fields above ----------------------------

FORM_MODULES = [
    "core.forms",
    "placements.forms",
    "sip.forms",
    "agreements.forms",
    "agreements.signing_views",
    "dashboard.forms",
    "dashboard.logreview_forms",
    "followup.forms",
]


def _project_forms() -> list[type[forms.BaseForm]]:
    for name in FORM_MODULES:
        importlib.import_module(name)
    found: list[type[forms.BaseForm]] = []
    stack: list[type] = [forms.BaseForm]
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        module = cls.__module__
        if module.split(".")[0] in {
            "core",
            "placements",
            "sip",
            "agreements",
            "dashboard",
            "followup",
        } and (hasattr(cls, "base_fields")):
            found.append(cls)
    return found


def test_the_guard_finds_the_forms():
    names = {cls.__name__ for cls in _project_forms()}
    assert {"PlacementForm", "MeetingHeldForm", "MonthForm", "SignForm", "ChildForm"} <= names


@pytest.mark.parametrize(
    "form_class", _project_forms(), ids=lambda c: f"{c.__module__}.{c.__name__}"
)
def test_every_date_field_of_every_form_is_the_applications(form_class):
    for name, field in form_class.base_fields.items():
        where = f"{form_class.__name__}.{name}"
        if isinstance(field, forms.DateTimeField):
            assert isinstance(field, core_forms.DateTimeField), where
        elif isinstance(field, forms.DateField):
            assert isinstance(field, core_forms.DateField), where
        elif isinstance(field, forms.ModelMultipleChoiceField):
            assert isinstance(field, core_forms.ModelMultipleChoiceField), where


@pytest.mark.parametrize(
    ("model", "field"),
    [
        ("placements.Placement", "planned_start"),
        ("placements.Child", "birth_date"),
        ("sip.Sip", "need_noticed_on"),
        ("sip.SipMeeting", "started_at"),
        ("agreements.JointReview", "next_review_on"),
        ("agreements.CostMeeting", "started_at"),
    ],
)
def test_the_models_hold_their_dates_to_the_range_too(model, field):
    """So ``full_clean()`` (the admin, any later form) refuses what the forms refuse."""
    model_field = apps.get_model(model)._meta.get_field(field)
    is_datetime = isinstance(model_field, models.DateTimeField)
    with translation.override("sv"), pytest.raises(ValidationError) as raised:
        model_field.run_validators(datetime(1, 1, 1, tzinfo=UTC) if is_datetime else date(1, 1, 1))
    assert raised.value.messages == [DATE_RANGE]
