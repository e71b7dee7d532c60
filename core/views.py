"""The start page, one per role, and the sign-in views' small additions."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.utils.decorators import method_decorator
from django.views.generic import TemplateView

from organisations.models import FinancialMandate, Role

from .forms import EmailAuthenticationForm
from .policy import actor_for, units_acted_for
from .redirects import is_safe_next_url


class StartView(TemplateView):
    template_name = "core/start.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        actor = actor_for(user)
        context.update(
            units=units_acted_for(user),
            is_caseworker=actor.has_role(Role.CASEWORKER),
            is_clinician=actor.has_role(Role.CLINICIAN),
            is_manager=actor.has_role(Role.MANAGER),
            is_administrator=actor.has_role(Role.ADMINISTRATOR),
            mandates=FinancialMandate.objects.filter(user=user).select_related("principal"),
        )
        for panel in START_PANELS:
            context.update(panel(self.request))
        return context


# Apps add context for their start-page panels: (request) -> dict.
START_PANELS: list[Any] = []


@method_decorator(login_not_required, name="dispatch")
class LoginView(auth_views.LoginView):
    form_class = EmailAuthenticationForm
    redirect_authenticated_user = True

    def get_redirect_url(self) -> str:
        """Only a path on this site (``core.redirects``); else the start page."""
        target = self.request.POST.get(
            self.redirect_field_name, self.request.GET.get(self.redirect_field_name, "")
        )
        return target if is_safe_next_url(self.request, target) else ""
