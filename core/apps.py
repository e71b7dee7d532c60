from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core: audit log and access policy")

    def ready(self) -> None:
        from . import lookups, signals  # noqa: F401
