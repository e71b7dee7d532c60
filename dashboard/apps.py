from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "dashboard"
    verbose_name = _("Deadlines and statistics")

    def ready(self) -> None:
        from core.context_processors import register_nav
        from core.views import START_PANELS
        from organisations.models import Role

        from . import policy, signals  # noqa: F401
        from .views import start_panel

        START_PANELS.append(start_panel)

        register_nav("dashboard:overview", _("Dashboard"), (Role.MANAGER,))
        register_nav("dashboard:logreview", _("Log review"), (Role.MANAGER, Role.ADMINISTRATOR))
        register_nav(
            "dashboard:my_deadlines",
            _("My deadlines"),
            (Role.CASEWORKER, Role.CLINICIAN, Role.MANAGER),
        )
