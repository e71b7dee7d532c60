"""The form renderer (``FORM_RENDERER``): Django's ``TemplatesSetting`` — widgets render through
TEMPLATES, so ``templates/django/forms/`` may adjust one — with selects written in Python.

A select renders Django's option template once per option: the pair statement's list of 290
municipalities took about 7 ms of template work per page (issue 13). ``render_select`` writes
the same HTML as ``django/forms/widgets/select.html`` and ``select_option.html`` (with this
project's "Välj …" for Django's empty "---------"), character for character; a test compares
the two over generated selects. A select whose options use another template (a widget's own
``option_template_name``) still renders through the templates."""

from __future__ import annotations

from typing import Any

from django.forms.renderers import TemplatesSetting
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import gettext

SELECT_TEMPLATE = "django/forms/widgets/select.html"
OPTION_TEMPLATE = "django/forms/widgets/select_option.html"
DJANGO_EMPTY_LABEL = "---------"


def _text(value: Any) -> str:
    """``{{ value|stringformat:'s' }}`` under autoescape: safe text as it is, else escaped."""
    return str(value) if isinstance(value, SafeData) else str(conditional_escape(str(value)))


def _attrs(attrs: dict[str, Any]) -> str:
    """``django/forms/widgets/attrs.html``."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        out.append(f" {conditional_escape(name)}")
        if value is not True:
            out.append(f'="{_text(value)}"')
    return "".join(out)


def _option(option: dict[str, Any]) -> str:
    label = option["label"]
    if label == DJANGO_EMPTY_LABEL:
        label = gettext("Choose …")
    return (
        f'<option value="{_text(option["value"])}"{_attrs(option["attrs"])}>'
        f"{conditional_escape(label)}</option>"
    )


def render_select(widget: dict[str, Any]) -> str:
    """The HTML of ``select.html`` for a widget context (``Select.get_context()["widget"]``)."""
    out = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            out.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in group_choices:
            # The option template ends with a newline, as Django's own: kept, as it renders.
            out.append(f"\n  {_option(option)}\n")
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>")
    return "".join(out).strip()


class FormRenderer(TemplatesSetting):
    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        if template_name == SELECT_TEMPLATE:
            widget = context["widget"]
            if all(
                option["template_name"] == OPTION_TEMPLATE
                for _name, options, _index in widget["optgroups"]
                for option in options
            ):
                return mark_safe(render_select(widget))
        return str(super().render(template_name, context, request))
