"""Forms of the token administration pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from deviations.forms import DeviationForm
from organisations.models import Principal, Unit


class SystemAccountForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the system"),
        max_length=200,
        help_text=_("For example the social-services case system. Shown in the audit log."),
    )
    principal = forms.ModelChoiceField(label=_("Principal"), queryset=Principal.objects.none())
    units = forms.ModelMultipleChoiceField(
        label=_("Units"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "The units whose cases the system may read and write. None chosen: every unit of "
            "the principal."
        ),
    )

    def __init__(self, *args: Any, principals: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["principal"].queryset = Principal.objects.filter(  # type: ignore[attr-defined]
            pk__in=[p.pk for p in principals]
        )
        units = Unit.objects.filter(principal__in=principals).select_related("principal")
        self.fields["units"].queryset = units  # type: ignore[attr-defined]
        if len(principals) == 1:
            self.fields["principal"].initial = principals[0].pk


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the API key"),
        max_length=200,
        help_text=_("For example the server or environment that uses it."),
    )


class ApiDeviationForm(DeviationForm):
    """The deviation report form of the page, with its own field validation (unit, category,
    date, texts, the unit concerned), without the page's lists of cases to link: the API
    checks a linked child, placement or agreement through the policy (404 outside it) and the
    service checks it against the two principals (R-DEV-1)."""

    @staticmethod
    def _child_choices(user: Any) -> list[tuple[int, str]]:
        return []

    @staticmethod
    def _placement_choices(user: Any) -> list[tuple[int, str]]:
        return []

    @staticmethod
    def _agreement_choices(user: Any) -> list[tuple[int, str]]:
        return []
