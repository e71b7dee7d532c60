"""The managers' dashboard, "my deadlines", reminder preferences and the calendar feed."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View

from core.audit import audit_record
from core.models import AuditAction
from core.policy import actor_for
from core.streaming import csv_response
from organisations.models import Role, Unit, User

from . import selectors, worklist
from .calendar import feed_for
from .charts import bar_chart
from .forms import DashboardFilterForm, ReminderPreferenceForm
from .models import STATUS_LABELS, CalendarToken, Deadline, ReminderPreference, new_token


def _manager_deadlines(request: HttpRequest, today: Any) -> Any:
    """The deadlines the units this manager manages act on; 404 for anyone else."""
    if not actor_for(request.user).unit_ids(Role.MANAGER):
        raise Http404
    return selectors.deadlines_for(request.user, today=today, managed_only=True)


class OverviewView(View):
    """For the units a manager manages: headline figures, the figures per unit and per
    caseworker (each count a link to the drill-down), the counts per kind, compliance."""

    def get(self, request: HttpRequest) -> HttpResponse:
        if request.GET.get("format") == "csv":  # the export's old address keeps working
            return DeadlineListView.as_view()(request)
        today = timezone.localdate()
        base = _manager_deadlines(request, today)
        first, last = selectors.compliance_window(today)
        overview = selectors.overview(base, today=today)
        context = {
            "figures": overview.figures,
            "by_unit": overview.by_unit,
            "by_responsible": overview.by_responsible,
            "window_first": first,
            "window_last": last,
            "due_soon_days": settings.DEADLINE_DUE_SOON_DAYS,
            "list_url": reverse("dashboard:deadline_list"),
            "counts": overview.counts,
            "status_labels": STATUS_LABELS,
            "charts": [(s, bar_chart(s)) for s in overview.compliance],
            "today": today,
        }
        return render(request, "dashboard/overview.html", context)


class DeadlineListView(View):
    """The drill-down from the dashboard's counts: the manager's deadlines filtered by unit,
    caseworker, kind and status, with the child's name where the manager may see it; as CSV
    too. Filters outside the manager's own deadlines are refused and give an empty list."""

    def get(self, request: HttpRequest) -> HttpResponse:
        today = timezone.localdate()
        base = _manager_deadlines(request, today)
        units = Unit.objects.filter(pk__in=base.order_by().values("unit_id"))
        people = User.objects.filter(pk__in=base.order_by().values("responsible_id"))
        form = DashboardFilterForm(request.GET or None, units=units, people=people)
        if form.is_bound and not form.is_valid():
            items = base.none()
            params: dict[str, Any] = {}
        else:
            params = form.cleaned_data if form.is_bound else {}
            items = selectors.filter_deadlines(base, params, today=today)
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
        rows = list(page.object_list)
        names = selectors.child_names(request.user, (d.child for d in rows))
        due_soon_days = settings.DEADLINE_DUE_SOON_DAYS
        context = {
            "form": form,
            "page_obj": page,
            "paginator": page.paginator,
            "is_paginated": page.paginator.num_pages > 1,
            "items": [
                worklist.work_item(d, today=today, due_soon_days=due_soon_days) for d in rows
            ],
            "names": names,
            "querystring": query.urlencode(),
            "status_labels": STATUS_LABELS,
            "due_soon_days": due_soon_days,
            "today": today,
        }
        return render(request, "dashboard/deadline_list.html", context)


def _csv(items: Any) -> StreamingHttpResponse:
    """No personal data beyond initials: the kind, dates, unit, person and a link. Streamed
    from a database cursor as plain rows, memory flat in the number of rows (issue 13)."""
    # The labels in the request's language, translated once here, not once per row.
    kinds = {k: str(v) for k, v in (Deadline._meta.get_field("kind").choices or [])}
    statuses = {k: str(v) for k, v in STATUS_LABELS.items()}
    rows = items.values_list(
        "kind",
        "due_on",
        "status",
        "unit__name",
        "responsible__first_name",
        "responsible__last_name",
        "responsible__email",
        "child__first_name",
        "child__last_name",
        "child__protected_identity",
        "url",
    ).iterator(chunk_size=2000)

    def lines() -> Any:
        for kind, due_on, status, unit, first, last, email, c_first, c_last, protected, url in rows:
            person = f"{first or ''} {last or ''}".strip() or (email or "")
            initials = "" if protected else f"{c_first[:1]}{c_last[:1]}".upper()
            yield [
                kinds.get(kind, kind),
                due_on.isoformat(),
                statuses.get(status, status),
                unit,
                person,
                initials,
                url,
            ]

    header = [
        _("Kind"),
        _("Due on"),
        _("Status"),
        _("Unit"),
        _("Responsible"),
        _("Child"),
        _("Link"),
    ]
    return csv_response([str(h) for h in header], lines(), filename="tidsfrister.csv")


class MyDeadlinesView(View):
    def get(self, request: HttpRequest) -> HttpResponse:
        today = timezone.localdate()
        token = CalendarToken.objects.filter(user=request.user).first()
        deadlines = selectors.my_deadlines(request.user, today=today, limit=200)
        return render(
            request,
            "dashboard/my_deadlines.html",
            {
                "deadlines": deadlines,
                "worklist": _worklist(request.user, deadlines, today=today),
                "calendar_url": (
                    request.build_absolute_uri(f"/kalender/{token.token}.ics") if token else None
                ),
                "preference_form": ReminderPreferenceForm(
                    initial={"kinds": _enabled_kinds(request.user)}
                ),
            },
        )


def _worklist(user: Any, deadlines: list[Any], *, today: Any) -> list[worklist.ChildGroup]:
    return worklist.group_by_child(
        deadlines,
        today=today,
        names=selectors.child_names(user, (d.child for d in deadlines)),
        due_soon_days=settings.DEADLINE_DUE_SOON_DAYS,
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
    """ "My deadlines" per child, and for a manager the overdue deadlines of the managed units,
    on everyone's start page (the agreements awaiting signature come from the
    ``signatures_awaited`` tag of the agreements app)."""
    today = timezone.localdate()
    deadlines = selectors.my_deadlines(request.user, today=today, limit=10)
    managed = bool(actor_for(request.user).unit_ids(Role.MANAGER))
    return {
        "my_deadlines": deadlines,
        "my_worklist": _worklist(request.user, deadlines, today=today),
        "managed_overdue": (
            selectors.managed_overdue_count(request.user, today=today) if managed else None
        ),
    }
