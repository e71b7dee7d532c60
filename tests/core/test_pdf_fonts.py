"""Issue 13: each thread keeps one WeasyPrint font configuration for all its PDFs instead of
loading the system's fonts for every document; the documents come out byte for byte as with a
fresh configuration."""

from __future__ import annotations

import threading

from django.templatetags.static import static
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration

from core import pdf

HTML_DOC = """<!doctype html><html lang="sv"><head><meta charset="utf-8"><title>Prov</title>
<link rel="stylesheet" href="{css}"></head><body><main><h1>Överenskommelse</h1>
<table><tr><th scope="row">Kostnad per dygn</th><td class="num">4 850,00 kr</td></tr></table>
<p class="small">Åtta öar i ån, {n}.</p></main></body></html>"""


def _html(n: int) -> str:
    return HTML_DOC.format(css=static("css/pdf.css"), n=n)


def _fresh(html: str, **options: object) -> bytes:
    """The PDF as WeasyPrint makes it with a font configuration of its own."""
    document = HTML(string=html, base_url="file:///", url_fetcher=pdf.LocalStaticFetcher())
    data: bytes = document.write_pdf(font_config=FontConfiguration(), **options)
    return data


def test_a_thread_keeps_its_font_configuration_and_another_thread_has_its_own() -> None:
    mine = pdf.font_config()
    assert pdf.font_config() is mine

    theirs: list[FontConfiguration] = []
    thread = threading.Thread(target=lambda: theirs.append(pdf.font_config()))
    thread.start()
    thread.join()

    assert len(theirs) == 1
    assert theirs[0] is not mine


def test_documents_with_the_kept_configuration_are_those_of_a_fresh_one() -> None:
    for n in range(3):  # the second and third reuse what the first measured
        html = _html(n)
        assert pdf.write_archival_pdf(html) == _fresh(html, pdf_variant="pdf/a-3b", pdf_tags=True)
