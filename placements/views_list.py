"""The placement list: filter bar, the next deadline and the agreement status per row."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.generic import ListView

from core.audit import audit_record
from core.models import AuditAction
from core.policy import actor_for, units_acted_for

from . import forms, selectors
from .policy import CASE_ROLES, EDIT_ROLES


def _editing_units(user: Any) -> Any:
    return units_acted_for(user, *EDIT_ROLES).filter(principal__kind="municipality")


def agreement_status_labels() -> dict[str, str]:
    return {
        "none": _("No agreement"),
        "draft": _("Draft"),
        "awaiting_signatures": _("Awaiting signatures"),
        "signed": _("Signed"),
        "ended": _("Ended"),
    }


def _next_deadline(placement: Any, *, kinds: dict[str, str], today: Any) -> dict[str, Any] | None:
    """The row's first open deadline (annotated by the selector): kind, date, days left or
    late."""
    due_on = getattr(placement, "next_deadline_due_on", None)
    if due_on is None:
        return None
    days = (due_on - today).days
    if days < 0:
        when = ngettext("%(days)s day late", "%(days)s days late", -days) % {"days": -days}
    else:
        when = ngettext("%(days)s day left", "%(days)s days left", days) % {"days": days}
    return {
        "kind": kinds.get(placement.next_deadline_kind, placement.next_deadline_kind),
        "due_on": due_on,
        "when": when,
        "overdue": days < 0,
    }


class PlacementListView(ListView):  # type: ignore[type-arg]
    template_name = "placements/placement_list.html"
    paginate_by = 25
    context_object_name = "placements"

    def get_queryset(self) -> Any:
        self.filter_form = forms.PlacementFilterForm(self.request.GET or None)
        params = self.filter_form.cleaned_data if self.filter_form.is_valid() else {}
        page = self.request.GET.get(self.page_kwarg) or "1"
        # Only a plain page number is told to the source; anything else ("last", "²", a
        # thousand digits) is left to the paginator, which answers it as before (404 or the
        # last page).
        number = int(page) if page.isascii() and page.isdigit() and len(page) <= 6 else None
        number = number if number and number > 0 else None
        size = self.paginate_by or 25
        return selectors.placement_page_source(
            expected=slice((number - 1) * size, number * size) if number else None,
            user=self.request.user,
            q=params.get("q", ""),
            status=params.get("status", ""),
            form=params.get("form", ""),
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        actor = actor_for(self.request.user)
        my_units = actor.unit_ids(*CASE_ROLES)  # as policy.may_see_protected_details
        today = timezone.localdate()
        kinds = selectors.deadline_kind_labels()
        statuses = agreement_status_labels()
        for placement in context["placements"]:
            child = placement.child
            placement.show_name = not child.protected_identity or (
                child.responsible_unit_id in my_units or placement.placing_unit_id in my_units
            )
            placement.name = selectors.placement_name(placement, show_name=placement.show_name)
            placement.agreement_label = statuses[placement.agreement_status or "none"]
            placement.next_deadline = _next_deadline(placement, kinds=kinds, today=today)
            # Read twice per row (the phone's card and the table): said once here (issue 13).
            placement.url = reverse("placements:placement_detail", args=[placement.pk])
            placement.status_label = placement.get_status_display()
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
