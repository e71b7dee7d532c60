"""Forms of the dispute pages (R-DISP-1). The rules are asked of domain.disputes by the
services; the forms only shape what was typed."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import AmountField, DateField
from organisations.models import Principal
from sip.models import SipMeeting

from .models import Dispute

TEXT_MAX = 4000


class SplitChoice(forms.Form):
    """The region's part of a split: a percentage or kronor per month."""

    SPLIT_CHOICES = [
        ("percent", _("Agreed percentage")),
        ("amount", _("Region's part in kronor per month")),
    ]
    split_method = forms.ChoiceField(
        label=_("How the cost is split"), choices=SPLIT_CHOICES, widget=forms.RadioSelect
    )
    region_percent = AmountField(
        label=_("Region's share (%)"),
        required=False,
        min_value=Decimal(0),
        max_value=Decimal(100),
        max_digits=6,
        decimal_places=3,
    )
    region_amount_per_month = AmountField(
        label=_("Region's part (SEK per month)"),
        required=False,
        min_value=Decimal(0),
        max_digits=12,
        decimal_places=2,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        method = data.get("split_method")
        if method == "percent":
            data["region_amount_per_month"] = None
            if data.get("region_percent") is None and "region_percent" not in self.errors:
                self.add_error("region_percent", _("State the region's share in percent."))
        elif method == "amount":
            data["region_percent"] = None
            if (
                data.get("region_amount_per_month") is None
                and "region_amount_per_month" not in self.errors
            ):
                self.add_error(
                    "region_amount_per_month", _("State the region's part in kronor per month.")
                )
        return data


class DisputeOpenForm(SplitChoice):
    subject = forms.ChoiceField(
        label=_("The dispute is about"), choices=Dispute.Subject.choices, widget=forms.RadioSelect
    )
    question = forms.CharField(
        label=_("How each principal reads the agreement"),
        max_length=TEXT_MAX,
        widget=forms.Textarea({"rows": 4}),
        help_text=_("Describe the question, not the child: personal data only where needed."),
    )
    raised_by_principal: forms.ModelChoiceField[Principal] = forms.ModelChoiceField(
        label=_("Raised by"), queryset=None, empty_label=None
    )
    sip_meeting: forms.ModelChoiceField[SipMeeting] = forms.ModelChoiceField(
        label=_("The SIP meeting where the temporary split was agreed"),
        queryset=None,
        help_text=_(
            "Care is never held back: the parties agree at once, through the SIP, on a temporary "
            "split while the dispute is solved."
        ),
    )
    effective_from = DateField(label=_("The temporary split applies from"))

    field_order = [
        "subject",
        "question",
        "raised_by_principal",
        "sip_meeting",
        "effective_from",
        "split_method",
        "region_percent",
        "region_amount_per_month",
    ]

    def __init__(self, *args: Any, principals: Any, sip_meetings: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        principal_field = self.fields["raised_by_principal"]
        meeting_field = self.fields["sip_meeting"]
        assert isinstance(principal_field, forms.ModelChoiceField)
        assert isinstance(meeting_field, forms.ModelChoiceField)
        principal_field.queryset = principals
        meeting_field.queryset = sip_meetings
        meeting_field.label_from_instance = _meeting_label  # type: ignore[assignment]


def _meeting_label(meeting: Any) -> str:
    return _("SIP meeting %(date)s") % {"date": f"{meeting.scheduled_on:%Y-%m-%d}"}


class DisputeEscalateForm(forms.Form):
    text = forms.CharField(
        label=_("Why it cannot be solved at this level"),
        max_length=TEXT_MAX,
        widget=forms.Textarea({"rows": 3}),
    )


class DisputeResolveForm(forms.Form):
    resolved_on = DateField(label=_("Solved on"))
    resolution = forms.CharField(
        label=_("How it was solved"), max_length=TEXT_MAX, widget=forms.Textarea({"rows": 3})
    )


class DisputeRecommendForm(SplitChoice):
    text = forms.CharField(
        label=_("Recommendation"), max_length=8000, widget=forms.Textarea({"rows": 5})
    )
    adjusts = forms.BooleanField(
        label=_("The recommendation adjusts responsibility retroactively"), required=False
    )
    adjusted_from = DateField(
        label=_("Adjusted from"),
        required=False,
        help_text=_("At the earliest the day a joint split existed in the case."),
    )

    field_order = [
        "text",
        "adjusts",
        "adjusted_from",
        "split_method",
        "region_percent",
        "region_amount_per_month",
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["split_method"].required = False

    def clean(self) -> dict[str, Any]:
        if not (self.data.get(self.add_prefix("adjusts"))):
            # Nothing is adjusted: the split fields are not asked.
            data = forms.Form.clean(self) or {}
            data.update(adjusted_from=None, region_percent=None, region_amount_per_month=None)
            for name in ("region_percent", "region_amount_per_month", "adjusted_from"):
                self.errors.pop(name, None)
            return data
        data = super().clean()
        if data.get("adjusted_from") is None and "adjusted_from" not in self.errors:
            self.add_error("adjusted_from", _("State from which day the split is adjusted."))
        if not data.get("split_method") and "split_method" not in self.errors:
            self.add_error("split_method", _("Choose how the cost is split."))
        return data


class DisputeCommentForm(forms.Form):
    text = forms.CharField(
        label=_("Comment"), max_length=TEXT_MAX, widget=forms.Textarea({"rows": 2})
    )
