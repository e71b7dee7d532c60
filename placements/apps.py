from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacementsConfig(AppConfig):
    name = "placements"
    verbose_name = _("Children and placements")

    def ready(self) -> None:
        from core.context_processors import register_nav
        from organisations.models import Role

        from . import policy  # noqa: F401  (registers the access scopes)

        register_nav(
            "placements:placement_list",
            _("Placements"),
            (Role.CASEWORKER, Role.MANAGER, Role.CLINICIAN),
        )
        register_nav("placements:child_search", _("Find a child"), (Role.CASEWORKER, Role.MANAGER))
