from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgreementsConfig(AppConfig):
    name = "agreements"
    verbose_name = _("Cost-responsibility agreements")

    def ready(self) -> None:
        from core.context_processors import register_nav
        from organisations.models import Role

        from . import policy  # noqa: F401  (registers access scopes and the child timeline)

        register_nav(
            "agreements:statement_pair",
            _("Cost statements"),
            (Role.CASEWORKER, Role.MANAGER, Role.CLINICIAN),
        )
