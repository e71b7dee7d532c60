"""PDF rendering with WeasyPrint from local files only: no network, ever."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

MIME_TYPES = {".css": "text/css", ".png": "image/png", ".svg": "image/svg+xml"}


class LocalStaticFetcher(URLFetcher):
    """Serves ``/static/...`` from the static folders on disk; refuses every other URL."""

    def __init__(self) -> None:
        super().__init__(fail_on_errors=True)

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        path = urlparse(url).path
        if urlparse(url).scheme == "file" and path.startswith(settings.STATIC_URL):
            found = finders.find(path[len(settings.STATIC_URL) :])
            if found:
                content_type = MIME_TYPES.get(Path(found).suffix, "application/octet-stream")
                return URLFetcherResponse(
                    url, Path(found).read_bytes(), {"Content-Type": content_type}
                )
        raise FatalURLFetchingError(f"PDF rendering may only read local static files: {url!r}")


def render_pdf(
    template: str, context: dict[str, Any], *, request: HttpRequest | None = None
) -> bytes:
    # Documents are Swedish whatever language the person's browser asks for.
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(template, context, request=request)
    return HTML(string=html, base_url="file:///", url_fetcher=LocalStaticFetcher()).write_pdf()


def pdf_response(
    template: str, context: dict[str, Any], *, filename: str, request: HttpRequest | None = None
) -> HttpResponse:
    """The PDF as an attachment with a name the server chooses."""
    body = render_pdf(template, context, request=request)
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
