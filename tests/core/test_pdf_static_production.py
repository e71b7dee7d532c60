"""PDFs render under the production static storage (issue 10): ``{% static %}`` then yields
hashed names that exist only in STATIC_ROOT after ``collectstatic``; the fetcher must read them
there, and still nothing but local static files."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.templatetags.static import static
from django.test import override_settings
from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError

from core.pdf import LocalStaticFetcher

MANIFEST = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # The hashing of production without its compression step (which only slows the test).
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    """``collectstatic`` once for the module (compressing every file takes a while)."""
    root = tmp_path_factory.mktemp("static")
    with override_settings(STORAGES=MANIFEST, STATIC_ROOT=root):
        call_command("collectstatic", interactive=False, verbosity=0)
        yield root


def test_static_tag_yields_a_hashed_name_that_only_static_root_holds(collected):
    url = static("css/pdf.css")

    assert url != f"{settings.STATIC_URL}css/pdf.css", "the manifest storage hashes names"
    assert (collected / url.removeprefix(settings.STATIC_URL)).is_file()


def test_fetcher_reads_the_hashed_stylesheet_from_static_root(collected):
    url = "file://" + static("css/pdf.css")

    response = LocalStaticFetcher().fetch(url)

    source = Path(settings.BASE_DIR, "static/css/pdf.css").read_bytes()
    body = response.read() if hasattr(response, "read") else response.body
    assert body == source


def test_a_pdf_with_the_hashed_stylesheet_renders(collected):
    html = f'<html><head><link rel="stylesheet" href="{static("css/pdf.css")}"></head><body>x</body></html>'

    pdf = HTML(string=html, base_url="file:///", url_fetcher=LocalStaticFetcher()).write_pdf()

    assert pdf.startswith(b"%PDF")


def test_fetcher_still_refuses_traversal_out_of_static_root(collected):
    with pytest.raises(FatalURLFetchingError):
        LocalStaticFetcher().fetch("file:///static/../../../etc/passwd")
    assert staticfiles_storage.location == str(collected)
