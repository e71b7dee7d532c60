"""Log review (loggkontroll, issue 10): the audit log of a principal for its managers and
administrators, filtered, paginated, exported as CSV. Reading the log is itself logged."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from core.audit import audit_record
from core.models import AuditAction, AuditEvent
from core.policy import deny
from core.streaming import csv_response

from . import logreview
from .logreview_forms import LogReviewFilterForm

PAGE_SIZE = 50
OBJECT_TYPE = "core.auditevent"


def _reviewed_principals(request: HttpRequest) -> set[int]:
    """Managers and administrators only; anyone else gets the 404 (with a denied row)."""
    principal_ids = logreview.reviewer_principal_ids(request.user)
    if not principal_ids:
        deny(request, object_type=OBJECT_TYPE, details={"page": "log review"})
    return principal_ids


def _quick_links(request: HttpRequest, current: str) -> list[dict[str, Any]]:
    links = []
    for key, label in logreview.QUICK_VIEWS.items():
        query = request.GET.copy()
        query.pop("page", None)
        query.pop("view", None)
        if key:
            query["view"] = key
        links.append({"label": label, "url": "?" + query.urlencode(), "active": key == current})
    return links


class LogReviewView(View):
    def get(self, request: HttpRequest) -> HttpResponse:
        principal_ids = _reviewed_principals(request)
        form = LogReviewFilterForm(request.GET, principal_ids=principal_ids)
        valid = form.is_valid()
        events = (
            logreview.filtered_events(principal_ids, **form.filters())
            if valid
            else AuditEvent.objects.none()
        )
        page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
        rows = list(page.object_list)
        names = logreview.child_names(request.user, (e.child_id for e in rows))
        for event in rows:
            event.child_name = names.get(event.child_id, "")  # type: ignore[attr-defined]
            event.child_masked = logreview.masked_identifier(event)  # type: ignore[attr-defined]
            event.type_label = logreview.object_type_label(event.object_type)  # type: ignore[attr-defined]
            event.details_text = logreview.safe_details(event)  # type: ignore[attr-defined]
            event.page_path = logreview.page_path(event)  # type: ignore[attr-defined]
        query = request.GET.copy()
        query.pop("page", None)
        audit_record(
            action=AuditAction.VIEW,
            request=request,
            object_type=OBJECT_TYPE,
            details={
                "page": "log review",
                "filters": form.for_audit() if valid else {},
                "valid": valid,
                "page_number": page.number,
                "count": page.paginator.count,
            },
        )
        current_view = form.cleaned_data.get("view", "") if valid else ""
        return render(
            request,
            "dashboard/logreview.html",
            {
                "form": form,
                "valid": valid,
                "page_obj": page,
                "paginator": page.paginator,
                "is_paginated": page.paginator.num_pages > 1,
                "events": rows,
                "querystring": query.urlencode(),
                "quick_links": _quick_links(request, current_view),
                "current_view": current_view,
                "current_view_label": logreview.QUICK_VIEWS.get(current_view, ""),
            },
        )


def csv_headers() -> list[str]:
    return [
        _("Time (Swedish time)"),
        _("Person"),
        _("E-mail address"),
        _("Acting unit"),
        _("Principal"),
        _("Event"),
        _("Object type"),
        _("Object id"),
        _("Child id"),
        _("Child (masked number)"),
        _("Protected identity"),
        _("Page"),
        _("Details"),
    ]


def _csv_rows(events: Any) -> Iterator[list[Any]]:
    yes = _("yes")
    for e in events.iterator(chunk_size=500):
        user = e.user
        unit = e.unit
        yield [
            timezone.localtime(e.at, logreview.STOCKHOLM).strftime("%Y-%m-%d %H:%M:%S"),
            user.get_full_name() if user else "",
            user.email if user else "",
            unit.name if unit else "",
            unit.principal.name if unit else "",
            e.get_action_display(),
            logreview.object_type_label(e.object_type),
            e.object_id,
            e.child_id or "",
            logreview.masked_identifier(e),
            yes if e.child_protected else "",
            logreview.page_path(e),
            logreview.safe_details(e),
        ]


class LogReviewExportView(View):
    """The filtered log as CSV (``;``-separated, UTF-8 with BOM, for Swedish Excel), streamed.
    No child names: the child is its id and masked number."""

    def get(self, request: HttpRequest) -> HttpResponse:
        principal_ids = _reviewed_principals(request)
        form = LogReviewFilterForm(request.GET, principal_ids=principal_ids)
        if not form.is_valid():
            return LogReviewView.as_view()(request)
        audit_record(
            action=AuditAction.EXPORT,
            request=request,
            object_type=OBJECT_TYPE,
            details={"page": "log review", "filters": form.for_audit(), "format": "csv"},
        )
        events = logreview.filtered_events(principal_ids, **form.filters())
        stamp = timezone.localtime(timezone.now(), logreview.STOCKHOLM).strftime("%Y%m%d-%H%M")
        return csv_response(
            [str(h) for h in csv_headers()],
            _csv_rows(events),
            filename=f"loggkontroll-{stamp}.csv",
        )
