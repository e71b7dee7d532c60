from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from organisations.models import Unit, User

from .models import KIND_LABELS

SORTS = [
    ("due_on", _("Due date, earliest first")),
    ("-due_on", _("Due date, latest first")),
    ("kind", _("Kind")),
    ("unit", _("Unit")),
]


class DashboardFilterForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), required=False)
    responsible = forms.ModelChoiceField(
        label=_("Caseworker"), queryset=User.objects.none(), required=False
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("All"))] + [(k.value, label) for k, label in KIND_LABELS.items()],
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("Overdue and due soon")),
            ("overdue", _("Overdue")),
            ("due_soon", _("Due soon")),
        ],
    )
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=SORTS)

    def __init__(self, *args: Any, units: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["responsible"].queryset = people


class ReminderPreferenceForm(forms.Form):
    kinds = forms.MultipleChoiceField(
        label=_("Send me reminders about"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(k.value, label) for k, label in KIND_LABELS.items()],
    )
