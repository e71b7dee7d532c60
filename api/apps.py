from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = _("Integration API")

    def ready(self) -> None:
        from core.context_processors import register_nav
        from organisations.models import Role

        from . import policy, schema  # noqa: F401  (access scopes; the token in the schema)

        register_nav("api:account_list", _("API access"), (Role.ADMINISTRATOR,))
