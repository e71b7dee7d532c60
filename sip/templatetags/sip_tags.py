from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


def _shows_name(participant: Any, show_details: bool) -> bool:
    """Protected identity (README): staff by name; the child, the family and other
    participants by name only for viewers who may see the protected child's details."""
    return bool(show_details) or participant.kind == participant.Kind.STAFF


@register.filter
def participant_name(participant: Any, show_details: bool) -> str:
    """``{{ p|participant_name:show_details }}``: the name, or the role where it is hidden."""
    if _shows_name(participant, show_details):
        return participant.name
    return str(participant.get_kind_display())


@register.filter
def participant_label(participant: Any, show_details: bool) -> str:
    """``{{ p|participant_label:show_details }}``: "name (role)", or the role alone."""
    role = str(participant.get_kind_display())
    if _shows_name(participant, show_details):
        return f"{participant.name} ({role})"
    return role
