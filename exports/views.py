"""The export page of a principal, for its administrators only (issue 15). Anyone else gets
the same 404 as for a principal that does not exist, with a "denied" audit row."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views import View

from core.policy import deny
from organisations.models import Principal

from .sections import case_sections
from .selectors import exportable_principals
from .services import export_filename, principal_export_start

OBJECT_TYPE = "organisations.principal"


def _principal_or_404(request: HttpRequest, pk: int, page: str) -> Principal:
    principal = exportable_principals(request.user).filter(pk=pk).first()
    if principal is None:
        deny(
            request,
            obj=Principal.objects.filter(pk=pk).first(),
            object_type=OBJECT_TYPE,
            object_id=str(pk),
            details={"page": page},
        )
    return principal


class ExportIndexView(View):
    """The principals the user may export; one of them: straight to its page's content."""

    def get(self, request: HttpRequest) -> HttpResponse:
        principals = list(exportable_principals(request.user))
        if not principals:
            deny(request, object_type=OBJECT_TYPE, details={"page": "exports:index"})
        return render(request, "exports/index.html", {"principals": principals})


class PrincipalExportView(View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        principal = _principal_or_404(request, pk, "exports:principal")
        context: dict[str, Any] = {
            "principal": principal,
            "sections": [
                {"filename": s.filename, "label": s.model._meta.verbose_name_plural}
                for s in case_sections()
                if not s.model._meta.auto_created
            ],
        }
        return render(request, "exports/principal.html", context)


class PrincipalExportDownloadView(View):
    """POST only: the download is heavy and writes an audit row, so no link or prefetch
    starts it (and it carries the CSRF token)."""

    def post(self, request: HttpRequest, pk: int) -> StreamingHttpResponse:
        principal = _principal_or_404(request, pk, "exports:download")
        chunks = principal_export_start(
            principal=principal, request=request, via="exports:download"
        )
        response = StreamingHttpResponse(chunks, content_type="application/zip")
        filename = export_filename(principal, on=timezone.localdate())
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["Cache-Control"] = "no-store"
        return response
