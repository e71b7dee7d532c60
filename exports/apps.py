from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExportsConfig(AppConfig):
    name = "exports"
    verbose_name = _("Export per principal")

    def ready(self) -> None:
        from core.context_processors import register_nav
        from organisations.models import Role

        register_nav("exports:index", _("Export"), (Role.ADMINISTRATOR,))
