"""The placement list: filter bar, the next deadline and the agreement status per row."""

from __future__ import annotations

from typing import Any

from django.views.generic import ListView

from core.audit import audit_record
from core.models import AuditAction
from core.policy import actor_for, units_acted_for

from . import forms, selectors
from .policy import CASE_ROLES, EDIT_ROLES


def _editing_units(user: Any) -> Any:
    return units_acted_for(user, *EDIT_ROLES).filter(principal__kind="municipality")


class PlacementListView(ListView):
    template_name = "placements/placement_list.html"
    paginate_by = 25
    context_object_name = "placements"

    def get_queryset(self) -> Any:
        self.filter_form = forms.PlacementFilterForm(self.request.GET or None)
        params = self.filter_form.cleaned_data if self.filter_form.is_valid() else {}
        return selectors.placement_list(
            user=self.request.user,
            q=params.get("q", ""),
            status=params.get("status", ""),
            form=params.get("form", ""),
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        actor = actor_for(self.request.user)
        my_units = actor.unit_ids(*CASE_ROLES)  # as policy.may_see_protected_details
        for placement in context["placements"]:
            child = placement.child
            placement.show_name = not child.protected_identity or (
                child.responsible_unit_id in my_units or placement.placing_unit_id in my_units
            )
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            filter_form=self.filter_form,
            querystring=query.urlencode(),
            can_create=bool(_editing_units(self.request.user)),
        )
        audit_record(
            action=AuditAction.SEARCH,
            request=self.request,
            object_type="placements.placement",
            details={"list": True, "count": context["paginator"].count},
        )
        return context
