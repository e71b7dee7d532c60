"""The log review's filter (issue 10): person, child, acting unit, event, period, quick view."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import DateField
from core.models import AuditAction
from domain.identity import InvalidIdentityNumber, normalise_identity_number
from organisations.models import Unit, User

from .logreview import QUICK_VIEWS, ChildRef

_CHILD_ID = re.compile(r"\d{1,9}")
_RESERVE_NUMBER = re.compile(r"RES-\d{4}-\d{5}", re.IGNORECASE)


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        name = obj.get_full_name()
        return f"{name} ({obj.email})" if name else obj.email


class LogReviewFilterForm(forms.Form):
    view = forms.ChoiceField(label=_("Show"), required=False, choices=list(QUICK_VIEWS.items()))
    person = PersonChoiceField(
        label=_("Person"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Everyone"),
    )
    child = forms.CharField(
        label=_("Child"),
        required=False,
        max_length=40,
        help_text=_("Personal identity number, reserve number or the child's id."),
    )
    unit = forms.ModelChoiceField(
        label=_("Acting unit"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("All units"),
    )
    action = forms.ChoiceField(
        label=_("Event"),
        required=False,
        choices=[("", _("All events"))] + list(AuditAction.choices),
    )
    # The application's one date field: 1900-01-01 – 2100-12-31, Swedish message outside.
    date_from = DateField(label=_("From date"), required=False)
    date_to = DateField(label=_("To date"), required=False)

    def __init__(self, *args: Any, principal_ids: set[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ids = sorted(principal_ids)
        self.fields["person"].queryset = (
            User.objects.filter(memberships__unit__principal_id__in=ids)
            .distinct()
            .order_by("first_name", "last_name", "email")
        )
        self.fields["unit"].queryset = (
            Unit.objects.filter(principal_id__in=ids)
            .select_related("principal")
            .order_by("principal__name", "name")
        )

    def clean_child(self) -> ChildRef | None:
        raw = self.cleaned_data.get("child", "").strip()
        if not raw:
            return None
        if _CHILD_ID.fullmatch(raw):
            return ChildRef(pk=int(raw))
        if _RESERVE_NUMBER.fullmatch(raw):
            return ChildRef(reserve_number=raw.upper())
        try:
            number = normalise_identity_number(raw, today=timezone.localdate())
        except InvalidIdentityNumber:
            raise forms.ValidationError(
                _(
                    "Enter a personal identity number (for example 20150312-1236), a reserve "
                    "number (RES-2026-00001) or the child's id (a number)."
                ),
                code="child",
            ) from None
        return ChildRef(identity_number=number)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The to date must not be before the from date."))
        return cleaned

    def filters(self) -> dict[str, Any]:
        """The cleaned values as keyword arguments of ``logreview.filtered_events``."""
        data = self.cleaned_data
        return {
            "person": data.get("person"),
            "unit": data.get("unit"),
            "child": data.get("child"),
            "action": data.get("action") or "",
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
            "view": data.get("view") or "",
        }

    def for_audit(self) -> dict[str, Any]:
        """The filter as the log of the log records it: ids, dates, a masked number."""
        values = self.filters()
        out: dict[str, Any] = {}
        for key, value in values.items():
            if value in (None, ""):
                continue
            if isinstance(value, ChildRef):
                out[key] = value.for_audit()
            elif hasattr(value, "pk"):
                out[key] = value.pk
            elif isinstance(value, date):
                out[key] = value.isoformat()
            else:
                out[key] = str(value)
        return out
