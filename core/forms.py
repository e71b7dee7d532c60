from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from domain.errors import RuleViolation


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )


def add_rule_error(form: forms.BaseForm, violation: RuleViolation) -> None:
    """Show a domain rule violation next to its field (or above the form), in Swedish."""
    field = violation.field if violation.field in form.fields else None
    form.add_error(field, gettext(violation.message))


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: object) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)
