from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeviationsConfig(AppConfig):
    name = "deviations"
    verbose_name = _("Deviations")

    def ready(self) -> None:
        from core.context_processors import register_nav, register_nav_condition
        from organisations.models import Role

        from . import policy  # noqa: F401  (registers the access scopes)

        register_nav(
            "deviations:deviation_list",
            _("Deviations"),
            (Role.CASEWORKER, Role.CLINICIAN, Role.MANAGER),
        )
        # Members of a cooperation body hold no role in a unit: the menu entry is theirs too.
        register_nav_condition("deviations:deviation_list", policy.is_body_member)
