"""The annual follow-up page and its downloads (R-FOLLOW-1)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.views import View

from core.audit import audit_record
from core.models import AuditAction
from domain.followup import previous_period

from . import documents
from .forms import ReportForm
from .policy import report_scopes, scope_or_404
from .sections import build_sections
from .selectors import follow_up_report


class ReportView(View):
    """The form (level, year or range) and the report: charts each followed by its table;
    the same report as XLSX and PDF (``fmt``). A level outside the user's is a 404 with a
    "denied" audit row, and so is the page for a user with no level at all."""

    fmt = "html"

    def get(self, request: HttpRequest) -> HttpResponseBase:
        today = timezone.localdate()
        scope = scope_or_404(request, request.GET.get("scope"))
        scopes = report_scopes(request.user)
        data: Any = (
            request.GET if "year" in request.GET else {"scope": scope.key, "year": today.year}
        )
        form = ReportForm(data, scopes=scopes)
        context: dict[str, Any] = {"form": form, "scope": scope, "report": None}
        if form.is_valid():
            period = form.period()
            report = follow_up_report(
                scope=scope, period=period, previous=previous_period(period), today=today
            )
            if self.fmt in ("xlsx", "pdf"):
                audit_record(
                    action=AuditAction.EXPORT,
                    request=request,
                    object_type="followup.report",
                    object_id=scope.key,
                    details={
                        "format": self.fmt,
                        "first": period.first.isoformat(),
                        "last": period.last.isoformat(),
                    },
                )
                if self.fmt == "xlsx":
                    return documents.xlsx_response(report)
                return documents.pdf_response(report)
            query = form.data.copy() if hasattr(form.data, "copy") else dict(form.data)
            context.update(
                report=report,
                sections=build_sections(report),
                querystring=_querystring(query),
            )
        return render(request, "followup/report.html", context)


def _querystring(query: Any) -> str:
    from urllib.parse import urlencode

    items = query.items() if not hasattr(query, "lists") else query.lists()
    pairs: list[tuple[str, str]] = []
    for key, value in items:
        for v in value if isinstance(value, list) else [value]:
            pairs.append((key, str(v)))
    return urlencode(pairs)
