from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SipConfig(AppConfig):
    name = "sip"
    verbose_name = _("Coordinated individual plans (SIP)")

    def ready(self) -> None:
        from core.context_processors import register_nav
        from organisations.models import Role

        from . import policy  # noqa: F401  (registers access scopes and the child timeline)

        register_nav(
            "sip:invitation_inbox",
            _("SIP invitations"),
            (Role.CASEWORKER, Role.CLINICIAN, Role.MANAGER),
        )
        # Everyone's start page: the invitations their units have not answered (R-SIP-4).
        from core.views import START_PANELS

        START_PANELS.append(_invitations_panel)


def _invitations_panel(request: Any) -> dict[str, Any]:
    """R-SIP-4: each invited party attends or finds the right unit; the start page shows the
    invitations waiting for an answer from the person's units, the oldest first (one query,
    two when there are more than five)."""
    from core.policy import actor_for, visible
    from core.querysets import head_and_count
    from placements.policy import CASE_ROLES

    from .models import Invitation
    from .policy import RESPOND

    units = actor_for(request.user).unit_ids(*CASE_ROLES)
    none: dict[str, Any] = {"invitations_to_answer": [], "invitations_to_answer_count": 0}
    # Most people's units have no unanswered invitation: one index lookup says so before the
    # policy's query is built and planned (issue 13: the start page at national scale).
    if (
        not units
        or not Invitation.objects.filter(
            unit_id__in=units, response=Invitation.Response.PENDING
        ).exists()
    ):
        return none
    pending = (
        visible(request.user, Invitation, RESPOND)
        .filter(unit_id__in=units, response=Invitation.Response.PENDING)
        .select_related("unit", "sip__child", "sip__initiating_unit__principal")
        .order_by("invited_on", "pk")
    )
    rows, count = head_and_count(pending, 5)
    return {"invitations_to_answer": rows, "invitations_to_answer_count": count}
