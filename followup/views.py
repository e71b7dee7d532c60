"""The annual follow-up page and its downloads (R-FOLLOW-1)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.views import View

from core.audit import audit_record
from core.models import AuditAction
from domain.followup import comparison_period

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
        scopes = report_scopes(request.user)
        scope = scope_or_404(request, request.GET.get("scope"), scopes=scopes)
        data = request.GET.copy()
        data.setdefault("scope", scope.key)
        data.setdefault("year", str(today.year))
        form = ReportForm(data, scopes=scopes, today=today)
        context: dict[str, Any] = {"form": form, "scope": scope, "report": None}
        if form.is_valid():
            asked = form.period()
            # R-FOLLOW-1: a period still running is reported up to today, and compared with
            # the same days before it (domain.followup.comparison_period).
            period = form.counted_period()
            report = follow_up_report(
                scope=scope,
                period=period,
                previous=comparison_period(asked, period),
                today=today,
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
            query = {"scope": scope.key, "year": form.cleaned_data["year"]}
            if form.cleaned_data.get("first") and form.cleaned_data.get("last"):
                query |= {"first": period.first.isoformat(), "last": period.last.isoformat()}
            context.update(
                report=report,
                so_far=period != asked,
                sections=build_sections(report),
                querystring=urlencode(query),
            )
        return render(request, "followup/report.html", context)
