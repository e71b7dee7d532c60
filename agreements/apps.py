from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgreementsConfig(AppConfig):
    name = "agreements"
    verbose_name = _("Cost-responsibility agreements")

    def ready(self) -> None:
        from core.context_processors import register_nav, register_nav_condition
        from organisations.models import Role
        from placements import hooks

        from . import policy  # noqa: F401  (registers access scopes and the child timeline)
        from .selectors import placement_agreement_signed

        # The placement services ask through these (placements sit below agreements).
        hooks.register_agreement_signed(placement_agreement_signed)
        hooks.placement_closed.connect(
            _end_agreement_with_placement, dispatch_uid="agreements.end_with_placement"
        )

        register_nav(
            "agreements:statement_pair",
            _("Cost statements"),
            (Role.CASEWORKER, Role.MANAGER, Role.CLINICIAN),
        )
        # R-DISP-1: the parties' staff, and the members of the cooperation bodies (no unit role).
        register_nav(
            "agreements:dispute_list",
            _("Disputes"),
            (Role.CASEWORKER, Role.MANAGER, Role.CLINICIAN),
        )
        register_nav_condition("agreements:dispute_list", policy.is_cooperation_member)


def _end_agreement_with_placement(*, user: Any, placement: Any, on: Any, **kwargs: Any) -> None:
    """Ending or cancelling a placement ends its signed agreement (README decisions)."""
    from .services import agreement_end_with_placement

    agreement_end_with_placement(user=user, placement=placement, on=on)
