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


class AmountInput(forms.TextInput):
    """A text input for amounts: a number input would refuse "1 234,50", which is how
    amounts are written in Swedish; inputmode still brings up the numeric keyboard."""

    def __init__(self, attrs: dict[str, str] | None = None) -> None:
        super().__init__({"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})


class AmountField(forms.DecimalField):
    """A decimal field that accepts the way people write amounts: "1 234,50", "1234.50",
    "1.234,50" or "1,234.50". Spaces (also non-breaking) are digit grouping; when both a
    comma and a point occur, the last one is the decimal separator."""

    widget = AmountInput

    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("localize", True)
        super().__init__(**kwargs)
        # localize=True swaps in a plain TextInput; keep ours.
        if not isinstance(self.widget, AmountInput):
            self.widget = AmountInput()
            self.widget.is_localized = True

    def to_python(self, value: object) -> object:
        if isinstance(value, str):
            value = normalise_amount(value)
        return super().to_python(value)


def normalise_amount(text: str) -> str:
    cleaned = "".join(ch for ch in text.strip() if ch not in " \u00a0\u202f\u2009")
    cleaned = cleaned.replace("\u2212", "-")  # a typographic minus
    if "," in cleaned and "." in cleaned:
        decimal_mark = "," if cleaned.rfind(",") > cleaned.rfind(".") else "."
        grouping = "." if decimal_mark == "," else ","
        cleaned = cleaned.replace(grouping, "")
    return cleaned.replace(",", ".") if cleaned.count(",") == 1 else cleaned


class IdField(forms.IntegerField):
    """A hidden reference to a row: a positive 64-bit integer, so a forged value like 10**25
    is a form error instead of an OverflowError in the database driver."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(**kwargs)
