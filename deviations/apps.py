from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeviationsConfig(AppConfig):
    name = "deviations"
    verbose_name = _("Deviations")

    def ready(self) -> None:
        from core.context_processors import register_nav, register_nav_condition
        from organisations.models import Role

        from . import policy  # noqa: F401  (registers the access scopes)

        register_nav(
            "deviations:deviation_list",
            _("Deviations"),
            (Role.CASEWORKER, Role.CLINICIAN, Role.MANAGER),
        )
        # Members of a cooperation body hold no role in a unit: the menu entry is theirs too.
        register_nav_condition("deviations:deviation_list", policy.is_body_member)

        # The start page of a member of a cooperation body (no unit role): their bodies and
        # what the bodies handle (deviations and disputes at their level, the area report,
        # the annual follow-up).
        from core.views import START_PANELS

        START_PANELS.append(_cooperation_panel)
        # Everyone's start page: the deviations their units are to receive and answer.
        START_PANELS.append(_to_answer_panel)


def _cooperation_panel(request: Any) -> dict[str, Any]:
    """For people without a unit role only: staff reach the same pages through their roles'
    menu, and their start page keeps its query count."""
    from core.policy import actor_for

    from .policy import bodies_of

    if actor_for(request.user).grants:
        return {"cooperation_bodies": []}
    return {"cooperation_bodies": list(bodies_of(request.user).select_related("sub_region"))}


def _to_answer_panel(request: Any) -> dict[str, Any]:
    """R-DEV-1: the receiving units answer within the area's days; the start page shows what
    is waiting for the person's units, the earliest answer date first."""
    from django.utils import timezone

    from .selectors import awaiting_my_units

    items, count = awaiting_my_units(request.user, today=timezone.localdate())
    return {"deviations_to_answer": items, "deviations_to_answer_count": count}
