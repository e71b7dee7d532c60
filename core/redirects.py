"""Redirects to a target the request names (``?next=``): only to a path on this site.

Every view that follows a ``next`` parameter goes through ``safe_next_url``: the target must be a
path on this host (``url_has_allowed_host_and_scheme``, and beginning with one "/"); anything
else, a view name such as ``placeringar`` included, falls back to a safe page. The response is a
plain redirect to the path, never ``redirect(target)``, which would try to reverse the text as a
view name and fail with ``NoReverseMatch``.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme

REDIRECT_FIELD_NAME = "next"


def is_safe_next_url(request: HttpRequest, target: str) -> bool:
    """True for a path on this site: "/placeringar/?status=active", not "placeringar",
    "//evil.example" or "https://evil.example/"."""
    return (
        target.startswith("/")
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        and "\x00" not in target
    )


def safe_next_url(
    request: HttpRequest, default: Any = "start", *, field_name: str = REDIRECT_FIELD_NAME
) -> str:
    """The request's ``next`` (from the POST data, else the query string) when it is safe,
    else ``default`` (a URL name, model or path, as for ``resolve_url``)."""
    for data in (request.POST, request.GET):
        target = data.get(field_name, "")
        if isinstance(target, str) and target and is_safe_next_url(request, target):
            return target
    return resolve_url(default)


def redirect_to_next(
    request: HttpRequest, default: Any = "start", *, field_name: str = REDIRECT_FIELD_NAME
) -> HttpResponseRedirect:
    return HttpResponseRedirect(safe_next_url(request, default, field_name=field_name))
