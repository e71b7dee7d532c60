from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupConfig(AppConfig):
    name = "followup"
    verbose_name = _("Annual follow-up")

    def ready(self) -> None:
        from core.context_processors import register_nav, register_nav_condition
        from deviations.policy import is_body_member
        from organisations.models import Role

        # Managers, and the members of the cooperation bodies, who hold no unit role
        # (R-FOLLOW-1: the sub-regional bodies and LiSA follow up their level).
        register_nav("followup:report", _("Annual follow-up"), (Role.MANAGER,))
        register_nav_condition("followup:report", is_body_member)
