"""Forms for deviations (R-DEV-1): the report (one question group per fieldset), a step, the
list's filters and the area report."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from crispy_forms.helper import FormHelper  # type: ignore[import-untyped]
from crispy_forms.layout import (  # type: ignore[import-untyped]
    Column,
    Fieldset,
    Layout,
    Row,
)
from django import forms
from django.utils.translation import gettext_lazy as _

from agreements.models import Agreement
from core.forms import DateField
from core.policy import visible
from domain.deviations import Action
from organisations.models import Principal, Unit
from placements.models import Child, Placement
from placements.policy import visible_child_names
from placements.selectors import placement_name

from .models import DeviationCategory, DeviationStatus
from .selectors import BODY, MINE, PRINCIPAL

TEXT_MAX = 4000
NO_CHOICE = ("", _("– none –"))


def _int_or_none(value: Any) -> int | None:
    return int(value) if value not in (None, "") else None


class DeviationForm(forms.Form):
    """The report. The service asks the rules again (R-DEV-1): the choices here are only what
    this person can see."""

    unit = forms.TypedChoiceField(label=_("Your unit"), coerce=int)
    category = forms.ChoiceField(
        label=_("Category"), choices=DeviationCategory.choices, widget=forms.RadioSelect
    )
    occurred_on = DateField(
        label=_("Date of the deviation"), help_text=_("The day it happened or was noticed.")
    )
    agreed = forms.CharField(
        label=_("What was agreed"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Refer to the agreement or routine. Do not write names or personal identity numbers."
        ),
    )
    happened = forms.CharField(
        label=_("What happened"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Describe the deviation. Personal data only where it is needed."),
    )
    receiving_principal = forms.TypedChoiceField(
        label=_("Municipality concerned"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("Only when you report for a unit of the region."),
    )
    receiving_unit = forms.TypedChoiceField(
        label=_("Unit concerned"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_(
            "Required when the deviation concerns the region. Without a unit, a municipality's "
            "social services receive it."
        ),
    )
    child = forms.TypedChoiceField(
        label=_("Child (optional)"), coerce=int, required=False, empty_value=None
    )
    placement = forms.TypedChoiceField(
        label=_("Placement (optional)"), coerce=int, required=False, empty_value=None
    )
    agreement = forms.TypedChoiceField(
        label=_("Cost-responsibility agreement (optional)"),
        coerce=int,
        required=False,
        empty_value=None,
    )

    def __init__(self, *args: Any, user: Any, units: Iterable[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = list(units)
        unit_field: Any = self.fields["unit"]
        unit_field.choices = [(u.pk, f"{u.name} ({u.principal.name})") for u in units]
        if len(units) == 1:
            self.fields["unit"].initial = units[0].pk
        region_ids = {u.principal.pk for u in units if u.principal.kind == "region"} | {
            u.principal.region_id for u in units if u.principal.region_id
        }
        reports_for_region = any(u.principal.kind == "region" for u in units)
        municipalities = Principal.objects.filter(
            kind=Principal.Kind.MUNICIPALITY, region_id__in=region_ids
        ).order_by("name")
        if reports_for_region:
            municipality_field: Any = self.fields["receiving_principal"]
            municipality_field.choices = [NO_CHOICE] + [(p.pk, p.name) for p in municipalities]
        else:
            del self.fields["receiving_principal"]
        receiving_unit: Any = self.fields["receiving_unit"]
        receiving_unit.choices = self._unit_choices(
            units, municipalities if reports_for_region else Principal.objects.none()
        )
        fields: Any = self.fields
        fields["child"].choices = [NO_CHOICE, *self._child_choices(user)]
        fields["placement"].choices = [NO_CHOICE, *self._placement_choices(user)]
        fields["agreement"].choices = [NO_CHOICE, *self._agreement_choices(user)]
        self.helper = self._layout(with_municipality="receiving_principal" in self.fields)

    @staticmethod
    def _unit_choices(units: list[Unit], municipalities: Any) -> list[Any]:
        """The other principal's units, grouped by principal: the region's for a municipal
        reporter, the municipalities' for a region reporter."""
        principal_ids = {u.principal.region_id for u in units if u.principal.region_id}
        principal_ids |= {m.pk for m in municipalities}
        groups: dict[str, list[tuple[int, str]]] = {}
        for unit in (
            Unit.objects.filter(principal_id__in=principal_ids)
            .select_related("principal")
            .order_by("principal__kind", "principal__name", "name")
        ):
            groups.setdefault(unit.principal.name, []).append((unit.pk, unit.name))
        return [NO_CHOICE, *groups.items()]

    @staticmethod
    def _child_choices(user: Any) -> list[tuple[int, str]]:
        children = list(visible(user, Child).order_by("last_name", "first_name", "pk")[:500])
        names = visible_child_names(user, [c.pk for c in children])
        return [
            (c.pk, names.get(c.pk) or f"{_('protected identity')} ({c.identifier_masked})")
            for c in children
        ]

    @staticmethod
    def _placement_choices(user: Any) -> list[tuple[int, str]]:
        placements = list(
            visible(user, Placement).select_related("child").order_by("-planned_start", "-pk")[:500]
        )
        names = visible_child_names(user, [p.child_id for p in placements])
        return [
            (p.pk, f"{placement_name(p, show_name=p.child_id in names)}, {p.start_date:%Y-%m-%d}")
            for p in placements
        ]

    @staticmethod
    def _agreement_choices(user: Any) -> list[tuple[int, str]]:
        agreements = list(
            visible(user, Agreement).select_related("placement__child").order_by("-pk")[:500]
        )
        names = visible_child_names(user, [a.placement.child_id for a in agreements])
        return [
            (
                a.pk,
                str(_("Agreement for %(placement)s"))
                % {
                    "placement": placement_name(
                        a.placement, show_name=a.placement.child_id in names
                    )
                },
            )
            for a in agreements
        ]

    @staticmethod
    def _layout(*, with_municipality: bool) -> FormHelper:
        helper = FormHelper()
        helper.form_tag = False
        receiver = (
            [
                Row(
                    Column("receiving_principal", css_class="col-md-6"),
                    Column("receiving_unit", css_class="col-md-6"),
                )
            ]
            if with_municipality
            else ["receiving_unit"]
        )
        helper.layout = Layout(
            Fieldset(_("Who reports"), "unit"),
            Fieldset(_("Who the deviation concerns"), *receiver),
            Fieldset(_("What kind of deviation"), "category", "occurred_on"),
            Fieldset(_("What was agreed and what happened"), "agreed", "happened"),
            Fieldset(
                _("Link to a case (optional)"),
                "child",
                Row(
                    Column("placement", css_class="col-md-6"),
                    Column("agreement", css_class="col-md-6"),
                ),
            ),
        )
        return helper


STEP_TEXT_LABELS = {
    Action.RECEIVE: _("Note (optional)"),
    Action.ANSWER: _("Answer"),
    Action.ESCALATE: _("Why the deviation is passed on"),
    Action.CLOSE: _("Outcome"),
    Action.COMMENT: _("Comment"),
}


class StepForm(forms.Form):
    text = forms.CharField(
        label=_("Text"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, action: Action, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["text"].label = STEP_TEXT_LABELS[action]
        self.helper = FormHelper()
        self.helper.form_tag = False


class DeviationFilterForm(forms.Form):
    whose = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[
            ("", _("All I can see")),
            (MINE, _("My units' deviations")),
            (PRINCIPAL, _("My principal's deviations")),
            (BODY, _("My cooperation body's deviations")),
        ],
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *DeviationStatus.choices]
    )
    category = forms.ChoiceField(
        label=_("Category"),
        required=False,
        choices=[("", _("All")), *DeviationCategory.choices],
    )


class AreaReportPeriodForm(forms.Form):
    area = forms.TypedChoiceField(label=_("Area"), coerce=int)
    start = DateField(label=_("From"))
    end = DateField(label=_("To"))

    def __init__(self, *args: Any, areas: Iterable[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        area: Any = self.fields["area"]
        area.choices = [(a.pk, a.name) for a in areas]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("The period cannot end before it starts."))
        return cleaned


class AreaReportTextsForm(forms.Form):
    system_deficiencies = forms.CharField(
        label=_("Identified system deficiencies"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    measures_taken = forms.CharField(
        label=_("Measures taken locally or sub-regionally"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    proposals = forms.CharField(
        label=_("Proposed measures at the regional level"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        for field in self.fields.values():
            field.help_text = _("No personal data: no names, no personal identity numbers.")
