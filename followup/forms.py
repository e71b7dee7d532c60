"""The annual follow-up's choice of level and period (R-FOLLOW-1)."""

from __future__ import annotations

from datetime import date
from typing import Any

from crispy_forms.helper import FormHelper  # type: ignore[import-untyped]
from crispy_forms.layout import Column, Fieldset, Layout, Row  # type: ignore[import-untyped]
from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DateField
from core.validators import DATE_MAX, DATE_MIN
from domain.followup import Period, counted_period, period_for_year

from .policy import ReportScope

MAX_DAYS = 3700  # about ten years: a longer range is no follow-up


class ReportForm(forms.Form):
    scope = forms.ChoiceField(label=_("Level"))
    year = forms.IntegerField(
        label=_("Year"),
        min_value=DATE_MIN.year + 1,
        max_value=DATE_MAX.year - 1,
        help_text=_("The follow-up is yearly. Or give a date range below instead."),
    )
    first = DateField(label=_("From (date)"), required=False)
    last = DateField(label=_("To and including (date)"), required=False)

    def __init__(self, *args: Any, scopes: list[ReportScope], today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        scope_field = self.fields["scope"]
        assert isinstance(scope_field, forms.ChoiceField)
        scope_field.choices = [(s.key, s.label) for s in scopes]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            "scope",
            Fieldset(
                _("Period"),
                "year",
                Row(Column("first", css_class="col-sm-6"), Column("last", css_class="col-sm-6")),
            ),
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, last = cleaned.get("first"), cleaned.get("last")
        if first and not last:
            self.add_error("last", _("Give the last day of the range too."))
        elif last and not first:
            self.add_error("first", _("Give the first day of the range too."))
        elif first and last:
            if last < first:
                self.add_error("last", _("The last day cannot be before the first day."))
            elif (last - first).days + 1 > MAX_DAYS:
                self.add_error("last", _("Choose a range of at most ten years."))
        if not self.errors and counted_period(self.period(), self.today) is None:
            # R-FOLLOW-1 reports what has happened (domain.followup.counted_period).
            field = "first" if first else "year"
            self.add_error(field, _("The period has not begun yet: choose one that has."))
        return cleaned

    def counted_period(self) -> Period:
        """The part of the chosen period up to and including today (R-FOLLOW-1)."""
        counted = counted_period(self.period(), self.today)
        assert counted is not None, "clean() refuses a period that has not begun"
        return counted

    def period(self) -> Period:
        """The range when one was given, otherwise the calendar year."""
        first, last = self.cleaned_data.get("first"), self.cleaned_data.get("last")
        if first and last:
            return Period(first, last)
        return period_for_year(self.cleaned_data["year"])
