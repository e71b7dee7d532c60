from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import models
from django.forms.models import ModelFormMetaclass
from django.http import QueryDict
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from domain.errors import RuleViolation, violations_of

from .validators import DATE_MAX, DATE_MIN, date_in_range, validate_plausible_date


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    # Our own wording: Django's Swedish "Ange ett korrekt %(username)s" does not agree with
    # "e-postadress", and the address is not case-sensitive (only the password is).
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "Please enter a correct e-mail address and password. Note that the password is "
            "case-sensitive."
        ),
    }


def add_rule_error(form: forms.BaseForm, violation: RuleViolation) -> None:
    """Show a domain rule violation next to its field (or above the form), in Swedish; every
    violation of a group (``RuleViolations``) at once."""
    for single in violations_of(violation):
        field = single.field if single.field in form.fields else None
        message = gettext(single.message)
        if message not in form.errors.get(field or NON_FIELD_ERRORS, []):
            form.add_error(field, message)


def ask_rule(form: forms.BaseForm, check: Callable[..., object], /, *args: Any, **kw: Any) -> bool:
    """Ask a domain rule from ``Form.clean`` with what was entered, so that its errors arrive
    together with the form's own on the first submission (issue 12). The service asks the same
    rule again when it saves: this is the early question, not the enforcement."""
    try:
        check(*args, **kw)
    except RuleViolation as violation:
        add_rule_error(form, violation)
        return False
    return True


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: object) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateField(forms.DateField):
    """The one date field of the application: ISO dates (what ``<input type="date">`` sends)
    between 1900-01-01 and 2100-12-31 (``core.validators``), with a Swedish message outside."""

    widget = DateInput
    default_validators = [validate_plausible_date]

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        if getattr(widget, "input_type", None) == "date":
            attrs.update(min=DATE_MIN.isoformat(), max=DATE_MAX.isoformat())
        return attrs


def validate_plausible_month(value: date) -> None:
    if value is not None and not date_in_range(value):
        raise forms.ValidationError(
            _("Enter a month between %(min)s and %(max)s."),
            code="date_range",
            params={"min": f"{DATE_MIN:%Y-%m}", "max": f"{DATE_MAX:%Y-%m}"},
        )


class MonthField(DateField):
    """A month as "2026-05" (``<input type="month">``), cleaned to its first day."""

    input_formats = ["%Y-%m"]
    default_validators = [validate_plausible_month]

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "month"}, format="%Y-%m"))
        super().__init__(**kwargs)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        attrs.update(min=f"{DATE_MIN:%Y-%m}", max=f"{DATE_MAX:%Y-%m}")
        return attrs


class DateTimeField(forms.DateTimeField):
    """The one date-and-time field (meeting times): the same plausible range by the local
    date, so a time never lands where the conversion to UTC leaves the calendar."""

    default_validators = [validate_plausible_date]

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget",
            forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        )
        super().__init__(**kwargs)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        if getattr(widget, "input_type", None) == "datetime-local":
            attrs.update(min=f"{DATE_MIN.isoformat()}T00:00", max=f"{DATE_MAX.isoformat()}T23:59")
        return attrs


DB_INT_MIN, DB_INT_MAX = -(2**63), 2**63 - 1


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's field, but a forged id beyond a 64-bit integer (``2**63``, ``10**25``) is an
    invalid choice instead of an ``OverflowError`` from the database driver (the ``pk__in``
    query Django runs does not guard the range, unlike its ``pk=`` lookups)."""

    def _check_values(self, value: Any) -> Any:
        for pk in value if isinstance(value, list | tuple) else []:
            try:
                number = int(str(pk).strip())
            except ValueError:
                continue  # not a number: Django's own check answers
            if not DB_INT_MIN <= number <= DB_INT_MAX:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)


# The most a free-text field takes (about three pages of text, as the API's serializers): a
# note or a goal that long is a mistake or an attack, and a page showing 100,000 characters is
# unreadable (found by an exploratory review). Django's own message, in Swedish, says how many.
TEXT_MAX_LENGTH = 8_000


def model_formfield(db_field: models.Field, **kwargs: Any) -> forms.Field | None:
    """The model forms' ``formfield_callback``: model date and datetime fields get the
    application's ``DateField`` and ``DateTimeField``, many-to-many fields its
    ``ModelMultipleChoiceField``, text fields at most ``TEXT_MAX_LENGTH`` characters
    (``Meta.field_classes`` still wins)."""
    if isinstance(db_field, models.TextField) and db_field.max_length is None:
        kwargs.setdefault("max_length", TEXT_MAX_LENGTH)
    if isinstance(db_field, models.DateTimeField):
        kwargs.setdefault("form_class", DateTimeField)
    elif isinstance(db_field, models.DateField):
        kwargs.setdefault("form_class", DateField)
    elif isinstance(db_field, models.ManyToManyField):
        kwargs.setdefault("form_class", ModelMultipleChoiceField)
    return db_field.formfield(**kwargs)


class _ModelFormMetaclass(ModelFormMetaclass):
    def __new__(mcs, name: str, bases: tuple[type, ...], attrs: dict[str, Any]) -> Any:
        meta = attrs.get("Meta")
        if meta is not None and not hasattr(meta, "formfield_callback"):
            meta.formfield_callback = staticmethod(model_formfield)
        return super().__new__(mcs, name, bases, attrs)


class ModelForm(forms.ModelForm, metaclass=_ModelFormMetaclass):
    """The base of every model form: its fields are the application's (``model_formfield``)."""


def date_param(query: QueryDict, name: str, *, month: bool = False) -> tuple[date | None, str]:
    """A date (or a month, "2026-05") from a URL parameter: ``(value, "")`` when it is valid
    or absent (``value`` None), ``(None, message)`` in Swedish when it is not."""
    raw = query.get(name, "")
    if not raw:
        return None, ""
    field = MonthField() if month else DateField()
    try:
        return field.clean(raw), ""
    except forms.ValidationError as error:
        return None, " ".join(str(m) for m in error.messages)


def id_param(query: QueryDict, name: str) -> int | None:
    """A row id from a URL parameter: a positive 64-bit integer, else None."""
    try:
        return IdField().clean(query.get(name, ""))
    except forms.ValidationError:
        return None


# Rows of a formset (participants, interventions, lines): a forged TOTAL_FORMS of 10**25 is a
# form error, not 1 000 forms built and rendered (Django's default ceiling).
FORMSET_LIMITS = {"max_num": 50, "absolute_max": 50}


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


def mark_required_by_rule(form: forms.BaseForm, *names: str) -> None:
    """Fields a rule requires are left optional in the form, so that the service reports them
    with the rule's message together with every other rule of the submission (issue 12); they
    are marked as required all the same: ``aria-required`` on the control, and the asterisk of
    Django's required fields through app.css (found by an exploratory review: "Next follow-up"
    was refused when empty but not marked)."""
    for name in names:
        form.fields[name].widget.attrs["aria-required"] = "true"
