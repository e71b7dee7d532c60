"""The managers' dashboard, "my deadlines", reminder preferences and the calendar feed."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View

from core.audit import audit_record
from core.models import AuditAction
from core.policy import actor_for
from organisations.models import Role, Unit, User

from . import selectors
from .calendar import feed_for
from .charts import bar_chart
from .forms import DashboardFilterForm, ReminderPreferenceForm
from .models import STATUS_LABELS, CalendarToken, ReminderPreference, new_token


class OverviewView(View):
    """For the units a manager manages: counts, the overdue and due-soon list, compliance."""

    def get(self, request: HttpRequest) -> HttpResponse:
        actor = actor_for(request.user)
        managed = actor.unit_ids(Role.MANAGER)
        if not managed:
            raise Http404
        today = timezone.localdate()
        base = selectors.deadlines_for(request.user, today=today, managed_only=True)
        units = Unit.objects.filter(pk__in=managed)
        people = User.objects.filter(pk__in=base.order_by().values("responsible_id"))
        form = DashboardFilterForm(request.GET or None, units=units, people=people)
        params = form.cleaned_data if form.is_valid() else {}
        items = base.filter(status__in=("overdue", "due_soon"))
        if params.get("unit"):
            items = items.filter(unit=params["unit"])
        if params.get("responsible"):
            items = items.filter(responsible=params["responsible"])
        if params.get("kind"):
            items = items.filter(kind=params["kind"])
        if params.get("status"):
            items = items.filter(status=params["status"])
        sort = params.get("sort") or "due_on"
        order = {"unit": ["unit__name", "due_on"], "kind": ["kind", "due_on"]}.get(sort, [sort])
        items = items.select_related("child", "unit", "responsible").order_by(*order, "pk")
        if request.GET.get("format") == "csv":
            audit_record(
                action=AuditAction.EXPORT,
                request=request,
                object_type="dashboard.deadline",
                details={"filters": {k: str(v) for k, v in params.items() if v}},
            )
            return _csv(items)
        page = Paginator(items, 25).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        series = selectors.compliance(base, today=today)
        context = {
            "form": form,
            "page_obj": page,
            "paginator": page.paginator,
            "is_paginated": page.paginator.num_pages > 1,
            "items": page.object_list,
            "querystring": query.urlencode(),
            "counts": selectors.counts_by_kind(base),
            "status_labels": STATUS_LABELS,
            "charts": [(s, bar_chart(s)) for s in series],
            "today": today,
        }
        return render(request, "dashboard/overview.html", context)


def _csv(items: Any) -> HttpResponse:
    """No personal data beyond initials: the kind, dates, unit, person and a link."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(
        [_("Kind"), _("Due on"), _("Status"), _("Unit"), _("Responsible"), _("Child"), _("Link")]
    )
    for d in items:
        writer.writerow(
            [
                d.get_kind_display(),
                d.due_on.isoformat(),
                STATUS_LABELS.get(d.status, d.status),
                d.unit.name,
                str(d.responsible or ""),
                d.child.shareable_initials,
                d.url,
            ]
        )
    response = HttpResponse(
        buffer.getvalue().encode("utf-8-sig"), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="tidsfrister.csv"'
    return response


class MyDeadlinesView(View):
    def get(self, request: HttpRequest) -> HttpResponse:
        today = timezone.localdate()
        token = CalendarToken.objects.filter(user=request.user).first()
        return render(
            request,
            "dashboard/my_deadlines.html",
            {
                "deadlines": selectors.my_deadlines(request.user, today=today, limit=200),
                "status_labels": STATUS_LABELS,
                "calendar_url": (
                    request.build_absolute_uri(f"/kalender/{token.token}.ics") if token else None
                ),
                "preference_form": ReminderPreferenceForm(
                    initial={"kinds": _enabled_kinds(request.user)}
                ),
            },
        )


def _enabled_kinds(user: Any) -> list[str]:
    from .models import KIND_LABELS

    pref = ReminderPreference.objects.filter(user=user).first()
    disabled = set(pref.disabled_kinds) if pref else set()
    return [k.value for k in KIND_LABELS if k.value not in disabled]


class ReminderPreferenceView(View):
    def post(self, request: HttpRequest) -> HttpResponse:
        from .models import KIND_LABELS

        form = ReminderPreferenceForm(request.POST)
        if form.is_valid():
            enabled = set(form.cleaned_data["kinds"])
            ReminderPreference.objects.update_or_create(
                user=request.user,
                defaults={
                    "disabled_kinds": sorted(k.value for k in KIND_LABELS if k.value not in enabled)
                },
            )
            messages.success(request, _("Your reminder settings have been saved."))
        return redirect("dashboard:my_deadlines")


class CalendarRenewView(View):
    """Create or renew the personal feed's secret; the old URL stops working at once."""

    def post(self, request: HttpRequest) -> HttpResponse:
        CalendarToken.objects.update_or_create(user=request.user, defaults={"token": new_token()})
        audit_record(
            action=AuditAction.UPDATE, request=request, object_type="dashboard.calendartoken"
        )
        messages.success(
            request, _("You have a new calendar address. The old one no longer works.")
        )
        return redirect("dashboard:my_deadlines")


@method_decorator(login_not_required, name="dispatch")
class CalendarFeedView(View):
    """The personal iCalendar feed, reached by its secret token only."""

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        owner = CalendarToken.objects.filter(token=token).select_related("user").first()
        if owner is None or not owner.user.is_active:
            raise Http404
        today = timezone.localdate()
        deadlines = selectors.my_deadlines(owner.user, today=today, limit=500)
        return HttpResponse(
            feed_for(owner.user, deadlines), content_type="text/calendar; charset=utf-8"
        )


def start_panel(request: HttpRequest) -> dict[str, Any]:
    """ "My deadlines" and "to sign" on everyone's start page."""
    from agreements.models import AgreementVersion
    from agreements.policy import SIGN
    from agreements.signatures import mandate_principal_ids, signable_principals
    from core.policy import visible

    today = timezone.localdate()
    waiting = (
        visible(request.user, AgreementVersion, SIGN)
        .filter(status="awaiting_signatures")
        .select_related(
            "agreement__placement__child", "agreement__municipality", "agreement__region"
        )
        .prefetch_related("signatures")
    )
    waiting_versions = list(waiting)
    mandates = mandate_principal_ids(request.user, on=today) if waiting_versions else set()
    to_sign = [
        v
        for v in waiting_versions
        if signable_principals(request.user, v, on=today, mandate_ids=mandates)
    ]
    return {
        "my_deadlines": selectors.my_deadlines(request.user, today=today, limit=10),
        "deadline_status_labels": STATUS_LABELS,
        "to_sign": to_sign,
    }
