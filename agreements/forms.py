from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.forms import formset_factory
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.formats import format_percent
from core.forms import (
    FORMSET_LIMITS,
    TEXT_MAX_LENGTH,
    AmountField,
    DateField,
    DateTimeField,
    IdField,
    ModelForm,
    MonthField,
)
from organisations.models import FinancialMandate, Principal
from sip.models import SipMeeting

from .models import AgreementLine, AgreementVersion


class CostMeetingForm(forms.Form):
    sip_meeting = forms.ModelChoiceField(
        label=_("The held SIP meeting it is based on"), queryset=SipMeeting.objects.none()
    )
    started_at = DateTimeField(label=_("The meeting started"))
    ended_at = DateTimeField(label=_("The meeting ended"), required=False)
    place = forms.CharField(label=_("Place or video link"), max_length=200, required=False)
    participants = forms.MultipleChoiceField(
        label=_("Participants"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Only staff of the two principals, among them one person with a financial mandate "
            "for each. The child and the family never take part in this meeting."
        ),
    )

    def __init__(
        self,
        *args: Any,
        sip_meetings: Any,
        staff: Any,
        family: list[tuple[str, str]],
        principals: Sequence[Principal] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sip_meeting"].queryset = sip_meetings
        held = _mandates_held(staff, principals)
        staff_choices = [
            (
                f"user:{u.pk}",
                " – ".join(
                    [
                        u.get_full_name() or u.email,
                        u.principal_name,
                        *(
                            gettext("mandate for %(principal)s") % {"principal": n}
                            for n in held.get(u.pk, [])
                        ),
                    ]
                ),
            )
            for u in staff
        ]
        self.fields["participants"].choices = [
            (_("Staff of the two principals"), staff_choices),
            (_("The child and the family"), family),
        ]


def _mandates_held(staff: Any, principals: Sequence[Principal]) -> dict[int, list[str]]:
    """R-MEET-3: the names of the principals each staff member holds a financial mandate for,
    valid today, among the meeting's two principals (the meeting needs one for each)."""
    if not principals:
        return {}
    held: dict[int, list[str]] = {}
    for user_id, name in (
        FinancialMandate.objects.filter(
            user__in=[u.pk for u in staff], principal__in=[p.pk for p in principals]
        )
        .valid_on(timezone.localdate())
        .order_by("principal__kind", "principal__name")
        .values_list("user_id", "principal__name")
        .distinct()
    ):
        held.setdefault(user_id, []).append(name)
    return held


class AgreementVersionForm(ModelForm):
    class Meta:
        model = AgreementVersion
        fields = [
            "cost_meeting",
            "health_care_provision",
            "split_unclear",
            "split_method",
            "region_percent",
            "region_amount_per_month",
            "applies_from_start",
            "effective_from",
        ]
        field_classes = {"region_percent": AmountField, "region_amount_per_month": AmountField}
        widgets = {
            "health_care_provision": forms.Textarea({"rows": 3}),
            "split_method": forms.RadioSelect,
        }

    def __init__(
        self, *args: Any, cost_meetings: Any, is_acute: bool, first_version: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cost_meeting"].queryset = cost_meetings
        self.fields["split_method"].choices = AgreementVersion.SplitMethod.choices
        self.fields["cost_meeting"].empty_label = None  # offered only when there is one
        instance = self.instance
        if instance.pk and instance.region_percent is not None:
            # "25", not the stored "25,000" (issue 12).
            self.initial["region_percent"] = format_percent(instance.region_percent, unit=False)
        if "effective_from" in self.fields:
            self.fields["effective_from"].label = _("The agreement applies from")
        if not is_acute or not first_version:
            del self.fields["applies_from_start"]
        if first_version and not is_acute:
            del self.fields["effective_from"]  # a planned placement: from its start
        elif first_version:
            # R-PLAC-3: the acute split applies from a stated day, by default the cost meeting's.
            self.fields["effective_from"].required = False
            self.fields["effective_from"].help_text = _(
                "Leave empty for the day of the cost meeting, when the split was agreed. Any day "
                "from the placement start up to today; before it the placing principal bears "
                "the whole cost."
            )
        else:
            self.fields["effective_from"].required = True


class LineForm(forms.Form):
    description = forms.CharField(label=_("Intervention"), max_length=500)
    responsible_principal = forms.ModelChoiceField(
        label=_("Responsible principal"), queryset=Principal.objects.none()
    )
    kind = forms.ChoiceField(
        label=_("Kind of intervention"),
        choices=[("", "---------"), *AgreementLine.Kind.choices],  # an untouched row stays empty
    )
    amount_per_month = AmountField(
        label=_("Cost (SEK per month)"),
        required=False,
        max_digits=12,
        decimal_places=2,
        min_value=0,
    )
    deviation_reason = forms.CharField(
        label=_("Reason, if the other principal bears it"),
        required=False,
        max_length=1000,
        help_text=_(
            "Health care is the region's, social services and school the municipality's (L15). "
            "State why when this line puts it otherwise."
        ),
    )
    intervention_id = IdField()

    def __init__(self, *args: Any, principals: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if principals is not None:
            self.fields["responsible_principal"].queryset = principals


LineFormSet = formset_factory(LineForm, extra=2, **FORMSET_LIMITS)


class JointReviewForm(forms.Form):
    held_on = DateField(label=_("Review held on"))
    next_review_on = DateField(label=_("Date of the next joint review"))
    note = forms.CharField(
        max_length=TEXT_MAX_LENGTH,
        label=_("Note (optional)"),
        required=False,
        widget=forms.Textarea({"rows": 2}),
    )


class MonthForm(forms.Form):
    month = MonthField(label=_("Month"))


class PairForm(MonthForm):
    municipality = forms.ModelChoiceField(
        label=_("Municipality"), queryset=Principal.objects.none()
    )
    region = forms.ModelChoiceField(label=_("Region"), queryset=Principal.objects.none())

    def __init__(self, *args: Any, municipalities: Any, regions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities
        self.fields["region"].queryset = regions

    def outside_choices(self) -> list[str]:
        """The principal fields given a value that is not one of the user's choices."""
        return [
            name
            for name in ("municipality", "region")
            if self.has_error(name, code="invalid_choice")
        ]
