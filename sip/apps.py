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
