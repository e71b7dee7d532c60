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
