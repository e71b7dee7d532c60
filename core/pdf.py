"""PDF rendering with WeasyPrint from local files only: no network, ever."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import SuspiciousFileOperation
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

MIME_TYPES = {".css": "text/css", ".png": "image/png", ".svg": "image/svg+xml"}


def local_static_file(name: str) -> Path | None:
    """The file on disk behind the static name ``name``, or None.

    In production ``{% static %}`` yields the hashed names that the manifest storage wrote to
    STATIC_ROOT at ``collectstatic`` (``css/pdf.3f2a….css``); those exist only there. In
    development the name is the source name, found in the app and project static folders.
    """
    try:
        found = finders.find(name)
        if isinstance(found, str):
            return Path(found)
        if staticfiles_storage.exists(name):
            return Path(staticfiles_storage.path(name))
    except (SuspiciousFileOperation, NotImplementedError):
        # A name that climbs out of the static folders, or a storage that is not on disk.
        return None
    return None


class LocalStaticFetcher(URLFetcher):
    """Serves ``/static/...`` from the static files on disk; refuses every other URL."""

    def __init__(self) -> None:
        super().__init__(fail_on_errors=True)

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        parsed = urlparse(url)
        if parsed.scheme == "file" and parsed.path.startswith(settings.STATIC_URL):
            found = local_static_file(parsed.path[len(settings.STATIC_URL) :])
            if found is not None:
                content_type = MIME_TYPES.get(found.suffix, "application/octet-stream")
                return URLFetcherResponse(url, found.read_bytes(), {"Content-Type": content_type})
        raise FatalURLFetchingError(f"PDF rendering may only read local static files: {url!r}")


_fonts = threading.local()


def font_config() -> FontConfiguration:
    """This thread's font configuration, made on its first PDF and kept (issue 13).

    WeasyPrint otherwise loads the system's fonts into a new Fontconfig configuration for every
    document and measures them afresh (Pango's font map and glyph caches, the line-height
    struts): about a tenth of a rendering. The output is byte for byte the same. One per
    thread, as Pango's font map is not made to be shared between threads; fonts installed
    after the process started are seen after a restart. The documents use no ``@font-face``,
    so nothing is added to the configuration as documents are rendered."""
    config: FontConfiguration | None = getattr(_fonts, "config", None)
    if config is None:
        config = _fonts.config = FontConfiguration()
    return config


def write_archival_pdf(html: str, *, attachments: list[Any] | None = None) -> bytes:
    """The HTML as an archival PDF: PDF/A-3b (fonts embedded, an sRGB output intent, XMP
    metadata; files may be attached, each with its AFRelationship), tagged for accessibility
    (a structure tree, /MarkInfo /Marked true), from local files only."""
    return HTML(string=html, base_url="file:///", url_fetcher=LocalStaticFetcher()).write_pdf(
        pdf_variant="pdf/a-3b",
        pdf_tags=True,
        attachments=attachments or [],
        font_config=font_config(),
    )


def render_pdf(
    template: str, context: dict[str, Any], *, request: HttpRequest | None = None
) -> bytes:
    # Documents are Swedish whatever language the person's browser asks for.
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(template, context, request=request)
    return HTML(string=html, base_url="file:///", url_fetcher=LocalStaticFetcher()).write_pdf(
        pdf_tags=True, font_config=font_config()
    )


def pdf_response(
    template: str, context: dict[str, Any], *, filename: str, request: HttpRequest | None = None
) -> HttpResponse:
    """The PDF as an attachment with a name the server chooses."""
    body = render_pdf(template, context, request=request)
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
