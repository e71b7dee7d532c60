from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from organisations.models import Unit

from .models import KIND_LABELS, STATUS_LABELS

SORTS = [
    ("due_on", _("Due date, earliest first")),
    ("-due_on", _("Due date, latest first")),
    ("kind", _("Kind")),
    ("unit", _("Unit")),
]


class DashboardFilterForm(forms.Form):
    """The drill-down's filters. The units and people offered are those of the manager's own
    deadlines, so an id of another organisation is refused (and the list is then empty)."""

    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), required=False)
    # A person's id, or "none" for the deadlines nobody is assigned to.
    responsible = forms.ChoiceField(label=_("Caseworker"), required=False)
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
            ("unmet", _("All not met")),
            *((status.value, label) for status, label in STATUS_LABELS.items()),
            ("all", _("All")),
        ],
    )
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=SORTS)

    def __init__(self, *args: Any, units: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        # A callable: the people are asked only when the select is drawn or a person is
        # chosen (the CSV without that filter does not need them; issue 13).
        self.fields["responsible"].choices = lambda: [
            ("", _("All")),
            ("none", _("Not assigned")),
            *((str(person.pk), str(person)) for person in people),
        ]


class ReminderPreferenceForm(forms.Form):
    kinds = forms.MultipleChoiceField(
        label=_("Send me reminders about"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(k.value, label) for k, label in KIND_LABELS.items()],
    )
