"""``core.form_renderer``: selects written in Python give the very HTML of Django's templates
(``select.html``, ``select_option.html`` with the project's "Välj …", ``attrs.html``), for
generated choices, groups, attributes, values and labels with markup; other widgets and
selects with their own option template go through the templates."""

from __future__ import annotations

import pytest
from django import forms
from django.conf import settings
from django.forms.renderers import TemplatesSetting
from django.utils import translation
from django.utils.safestring import mark_safe
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from core.form_renderer import SELECT_TEMPLATE, FormRenderer
from organisations.models import Unit

TEXT = st.text(alphabet=st.sampled_from("ab<>&\"' –åä0-"), max_size=8)
VALUE = st.one_of(TEXT, st.integers(-5, 10**6), st.none(), st.just(""))
LABEL = st.one_of(TEXT, st.just("---------"), TEXT.map(mark_safe))
CHOICES = st.lists(st.tuples(VALUE, LABEL), max_size=6)
GROUPED = st.lists(
    st.one_of(st.tuples(VALUE, LABEL), st.tuples(TEXT.filter(bool), CHOICES)), max_size=5
)
ATTRS = st.dictionaries(
    st.sampled_from(["class", "id", "required", "disabled", "aria-describedby", "data-x"]),
    st.one_of(st.booleans(), TEXT, st.integers(0, 9), TEXT.map(mark_safe)),
    max_size=4,
)


def _both(widget: forms.Select, value, attrs) -> tuple[str, str]:
    context = widget.get_context("field<&>", value, attrs)
    fast = FormRenderer().render(SELECT_TEMPLATE, context)
    slow = TemplatesSetting().render(SELECT_TEMPLATE, context)
    return fast, slow


def test_the_project_renders_forms_with_it():
    assert settings.FORM_RENDERER == "core.form_renderer.FormRenderer"


@hsettings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    choices=GROUPED,
    value=st.one_of(VALUE, st.lists(VALUE, max_size=3)),
    attrs=ATTRS,
    multiple=st.booleans(),
    language=st.sampled_from(["sv", "en"]),
)
def test_the_same_html_as_the_templates(choices, value, attrs, multiple, language):
    widget = (forms.SelectMultiple if multiple else forms.Select)(choices=choices)
    with translation.override(language):
        fast, slow = _both(widget, value, attrs)
    assert fast == slow


@pytest.mark.django_db
def test_a_model_choice_field_renders_the_same(gbg_social, mdl_social):
    field = forms.ModelChoiceField(queryset=Unit.objects.order_by("pk"))
    with translation.override("sv"):
        fast, slow = _both(field.widget, gbg_social.pk, {"id": "id_unit", "class": "form-select"})

    assert fast == slow
    assert "Välj …" in fast and f'value="{gbg_social.pk}" selected' in fast


def test_an_own_option_template_goes_through_the_templates(monkeypatch):
    class OwnOptions(forms.Select):
        option_template_name = "django/forms/widgets/input_option.html"

    seen = []
    original = TemplatesSetting.render

    def spy(self, name, context, request=None):
        seen.append(name)
        return original(self, name, context, request)

    monkeypatch.setattr(TemplatesSetting, "render", spy)

    FormRenderer().render(
        SELECT_TEMPLATE, OwnOptions(choices=[("a", "A")]).get_context("f", "a", {})
    )
    FormRenderer().render(
        SELECT_TEMPLATE, forms.Select(choices=[("a", "A")]).get_context("f", "a", {})
    )

    assert seen == [SELECT_TEMPLATE]  # only the select with its own option template
