from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupConfig(AppConfig):
    name = "followup"
    verbose_name = _("Annual follow-up")

    def ready(self) -> None:
        from core.context_processors import register_nav, register_nav_condition
        from organisations.models import Role

        # Managers, and the members of the cooperation bodies, who hold no unit role
        # (R-FOLLOW-1: the sub-regional bodies and LiSA follow up their level).
        register_nav("followup:report", _("Annual follow-up"), (Role.MANAGER,))
        register_nav_condition("followup:report", _member_without_unit_role)


def _member_without_unit_role(user: Any) -> bool:
    """Members of a cooperation body who hold no unit role (asked without a query for staff,
    whose menu follows their roles)."""
    from core.policy import actor_for
    from deviations.policy import is_body_member

    return not actor_for(user).grants and is_body_member(user)
