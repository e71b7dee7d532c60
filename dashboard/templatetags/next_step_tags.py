"""The next-step panel in any page (issue 12):

    {% load next_step_tags %}
    {% next_steps_for_placement placement %}
    {% next_steps_for_child child can_change=can_edit %}  {# can_edit: the page's answer #}
    {% next_steps_for_sip sip progress can_edit %}  {# the SIP page's own answers #}
    {% possible_moves placement as moves %}  {# the status buttons that can succeed now #}

The panel of a placement is computed once per request and kept on the placement object, so
the status buttons of the same page ask no further query.
"""

from __future__ import annotations

from typing import Any

from django import template

from dashboard import next_steps
from domain import placements as placement_rules
from domain.next_steps import StepKind
from placements.models import Placement

register = template.Library()

_PANEL = "_next_steps_panel"


def _user(context: Any) -> Any:
    request = context.get("request")
    return getattr(request, "user", None)


def placement_panel(context: Any, placement: Placement) -> next_steps.Panel | None:
    cached = getattr(placement, _PANEL, None)
    if cached is None:
        panels = next_steps.panels_for([placement], user=_user(context))
        cached = panels[0] if panels else None
        setattr(placement, _PANEL, cached)
    return cached


@register.inclusion_tag("dashboard/_next_steps.html", takes_context=True)
def next_steps_for_placement(context: Any, placement: Placement) -> dict[str, Any]:
    panel = placement_panel(context, placement)
    return {
        "scope": "placement",
        "panels": [panel] if panel is not None else [],
        "deadlines": panel.deadlines if panel is not None else [],
        "heading_id": f"next-steps-{placement.pk}",
        "cancelled": placement.status == Placement.Status.CANCELLED,
    }


@register.inclusion_tag("dashboard/_next_steps.html", takes_context=True)
def next_steps_for_child(
    context: Any, child: Any, can_change: bool | None = None
) -> dict[str, Any]:
    """``can_change``: the page's own answer to whether the user may change the child (the
    policy asked once for the page's buttons and the panel's links)."""
    user = _user(context)
    placements = [p for p in child.placements.all() if p.status != Placement.Status.CANCELLED]
    for placement in placements:
        placement.child = child  # already loaded: no query per placement
    panels, deadlines = next_steps.child_next_steps(
        child, placements, user=user, may_change=can_change
    )
    return {
        "scope": "child",
        "panels": [panel for panel in panels if panel.has_open_step],
        "deadlines": deadlines,
        "heading_id": f"next-steps-child-{child.pk}",
    }


@register.inclusion_tag("dashboard/_sip_next_steps.html", takes_context=True)
def next_steps_for_sip(context: Any, sip: Any, progress: Any, can_change: bool) -> dict[str, Any]:
    """The SIP page's next step: ``progress`` and ``can_change`` are the page's own answers
    (``sip.services.sip_progress`` and whether the user may change the SIP)."""
    panel = next_steps.sip_panel(sip, user=_user(context), progress=progress, may_change=can_change)
    return {"sip": sip, "panel": panel}


@register.simple_tag(takes_context=True)
def possible_moves(context: Any, placement: Placement) -> list[tuple[str, str]]:
    """The status moves of the placement that can succeed now: the move to active only when
    nothing keeps the placement from starting (R-PLAC-1, -2, -6; the panel says why)."""
    panel = placement_panel(context, placement)
    can_start = panel.can_start if panel is not None else False
    return [
        (target, str(Placement.Status(target).label))
        for target in placement.allowed_moves
        if target != Placement.Status.ACTIVE or can_start
    ]


@register.simple_tag(takes_context=True)
def cost_meeting_possible(context: Any, placement: Placement) -> bool:
    """R-MEET-1: a cost meeting can be registered once a SIP meeting has been held; the button
    is not offered before (the panel says why)."""
    if not placement_rules.takes_new_work(placement.status):
        return False
    panel = placement_panel(context, placement)
    if panel is None:
        return True
    step = next(
        (s for s in panel.steps if s.step.kind == StepKind.COST_MEETING_HELD),
        None,
    )
    return step is None or not step.step.missing
