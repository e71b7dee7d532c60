"""The benchmark's URLconf: the application's own, plus a bare page (the same layout, signed
in, an empty content block) that every key page is measured against. Used only by
benchmarks/run.py through ROOT_URLCONF; config/urls.py stays as it is."""

from __future__ import annotations

from pathlib import Path

from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import path

from config.urls import urlpatterns as app_patterns

TEMPLATE = (Path(__file__).resolve().parent / "templates" / "benchmarks" / "bare.html").read_text()


def bare(request: HttpRequest) -> HttpResponse:
    template = engines["django"].from_string(TEMPLATE)
    return HttpResponse(template.render({}, request))


urlpatterns = [path("bench/bare/", bare, name="bench_bare"), *app_patterns]
