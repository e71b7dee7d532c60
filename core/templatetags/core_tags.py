from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(mapping: dict[Any, Any], key: Any) -> Any:
    """``{{ mapping|get_item:key }}`` for dictionaries keyed by ids."""
    return mapping.get(key) if mapping else None


@register.filter
def shown_if(value: Any, show: bool) -> Any:
    """``{{ name|shown_if:show_details }}``: a name tied to a child with protected identity,
    replaced for those who may not see it (R-PLAC protected identity, README)."""
    from django.utils.translation import gettext

    return value if show else gettext("protected identity")


@register.filter
def kr(value: Any, decimals: int = 2) -> str:
    """``{{ amount|kr }}`` → ``936 833,33 kr`` (Swedish thousands separator and decimal
    comma); ``{{ amount|kr:0 }}`` for whole kronor."""
    from core.formats import format_amount

    return format_amount(value, decimals=int(decimals), unit="kr") if value is not None else ""


@register.filter
def amount(value: Any, decimals: int = 2) -> str:
    """``{{ amount|amount }}`` → ``936 833,33`` without the unit, for table cells whose
    header names it."""
    from core.formats import format_amount

    return format_amount(value, decimals=int(decimals))


@register.filter
def percent(value: Any) -> str:
    """``{{ 25.000|percent }}`` → ``25 %``; ``33.33`` → ``33,33 %``."""
    from core.formats import format_percent

    return format_percent(value)


@register.filter
def sv_date(value: Any) -> str:
    """ÅÅÅÅ-MM-DD whatever the language."""
    from core.formats import format_date

    return format_date(value)


@register.filter
def sv_datetime(value: Any) -> str:
    """Local time with the zone: ``2026-12-03 14:05 CET``."""
    from core.formats import format_datetime

    return format_datetime(value)


@register.inclusion_tag("includes/error_summary.html")
def error_summary(form: Any, *formsets: Any) -> dict[str, Any]:
    """The error summary of a form and the formsets submitted with it (WCAG 3.3.1: every error
    listed and linked, the formsets' row by row). Marks the form so that crispy's own summary
    (templates/bootstrap5/errors.html) is not shown a second time."""
    form.error_summary_shown = True
    return {
        "form": form,
        "formsets": formsets,
        "formset_errors": any(
            formset.is_bound and formset.total_error_count() for formset in formsets
        ),
    }
