from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupConfig(AppConfig):
    name = "followup"
    verbose_name = _("Annual follow-up")

    def ready(self) -> None:
        from core.context_processors import register_nav
        from organisations.models import Role

        # Managers; the members of the cooperation bodies hold no role and reach the page
        # through the cooperation bodies' way in (R-FOLLOW-1).
        register_nav("followup:report", _("Annual follow-up"), (Role.MANAGER,))
