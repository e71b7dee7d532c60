"""Every URL requires sign-in, except the sign-in pages themselves (issue 2, section 3).

The test walks every pattern of ``config.urls``. A pattern that takes arguments needs sample
arguments below; a new pattern without them fails ``test_every_url_pattern_with_arguments_has_
sample_arguments`` with its name. To add one, put a line in ``URL_SAMPLES`` (keyed by the route
name, with its namespace: ``"placements:detail": {"pk": 1}``), or in ``UNNAMED_URL_SAMPLES``
(keyed by the route as ``resolve(path).route`` spells it) for a pattern without a name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.contrib import admin
from django.shortcuts import resolve_url
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.resolvers import RegexPattern, RoutePattern
from django.utils.regex_helper import normalize

# --- samples: extend these when you add a URL pattern with arguments ---------------------------

URL_SAMPLES: dict[str, dict[str, Any]] = {
    # config.urls and the admin
    "password_reset_confirm": {"uidb64": "MQ", "token": "set-password"},
    "admin:app_list": {"app_label": "organisations"},
    "admin:view_on_site": {"content_type_id": 1, "object_id": 1},
    "admin:auth_user_password_change": {"id": 1},
    # placements
    "placements:child_detail": {"pk": 1},
    "placements:child_update": {"pk": 1},
    "placements:related_person_create": {"child_pk": 1},
    "placements:related_person_update": {"pk": 1},
    "placements:placement_create": {"child_pk": 1},
    "placements:placement_detail": {"pk": 1},
    "placements:placement_update": {"pk": 1},
    "placements:placement_transition": {"pk": 1, "target": "ended"},
    "placements:health_exam_create": {"placement_pk": 1},
    "placements:health_exam_update": {"pk": 1},
    "placements:placement_follow_up_create": {"placement_pk": 1},
    "placements:post_placement_follow_up": {"placement_pk": 1},
    # sip
    "sip:sip_create": {"child_pk": 1},
    "sip:sip_detail": {"pk": 1},
    "sip:sip_pdf": {"pk": 1},
    "sip:consent_create": {"sip_pk": 1},
    "sip:consent_revoke": {"pk": 1},
    "sip:invitation_create": {"sip_pk": 1},
    "sip:invitation_respond": {"pk": 1},
    "sip:meeting_create": {"sip_pk": 1},
    "sip:meeting_held": {"pk": 1},
    "sip:plan_compare": {"sip_pk": 1},
    # agreements
    "agreements:cost_meeting_create": {"placement_pk": 1},
    "agreements:agreement_create": {"placement_pk": 1},
    "agreements:placement_statement": {"placement_pk": 1},
    "agreements:agreement_detail": {"pk": 1},
    "agreements:agreement_new_version": {"pk": 1},
    "agreements:version_edit": {"pk": 1},
    "agreements:version_send": {"pk": 1},
    "agreements:version_review": {"pk": 1},
    "agreements:version_sign": {"pk": 1},
    "dashboard:calendar_feed": {"token": "not-a-real-token"},
    "agreements:version_decline": {"pk": 1},
    "agreements:version_document": {"pk": 1},
    # disputes (issue 14, R-DISP-1)
    "agreements:dispute_open": {"pk": 1},
    "agreements:dispute_detail": {"pk": 1},
    "agreements:dispute_escalate": {"pk": 1},
    "agreements:dispute_resolve": {"pk": 1},
    "agreements:dispute_recommend": {"pk": 1},
    "agreements:dispute_comment": {"pk": 1},
    # deviations (issue 14, R-DEV-1)
    "deviations:deviation_detail": {"pk": 1},
    "deviations:deviation_receive": {"pk": 1},
    "deviations:deviation_answer": {"pk": 1},
    "deviations:deviation_escalate": {"pk": 1},
    "deviations:deviation_close": {"pk": 1},
    "deviations:deviation_comment": {"pk": 1},
    # api (issue 15): the API answers 401 without a token; the token pages need sign-in
    "api:child_detail": {"pk": 1},
    "api:placement_detail": {"pk": 1},
    "api:health_examination_create": {"pk": 1},
    "api:placement_statement": {"pk": 1},
    "api:sip_detail": {"pk": 1},
    "api:cost_meeting_detail": {"pk": 1},
    "api:agreement_detail": {"pk": 1},
    "api:version_document": {"pk": 1},
    "api:deadline_detail": {"pk": 1},
    "api:deviation_detail": {"pk": 1},
    "api:account_detail": {"pk": 1},
    "api:token_revoke": {"pk": 1},
    # exports
    "exports:principal": {"pk": 1},
    "exports:download": {"pk": 1},
    # dashboard and later apps: add yours here
}

UNNAMED_URL_SAMPLES: dict[str, dict[str, Any]] = {
    "admin/(?P<url>.*)$": {"url": "no-such-page/"},
}


def _admin_model_samples() -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    """The admin makes the same four object pages for every registered model."""
    named: dict[str, dict[str, Any]] = {}
    unnamed: dict[str, dict[str, Any]] = {}
    for model in admin.site._registry:
        opts = model._meta
        for page in ("history", "delete", "change"):
            named[f"admin:{opts.app_label}_{opts.model_name}_{page}"] = {"object_id": 1}
        unnamed[f"admin/{opts.app_label}/{opts.model_name}/<path:object_id>/"] = {"object_id": 1}
    return named, unnamed


_ADMIN_NAMED, _ADMIN_UNNAMED = _admin_model_samples()
ALL_NAMED_SAMPLES = {**_ADMIN_NAMED, **URL_SAMPLES}
ALL_UNNAMED_SAMPLES = {**_ADMIN_UNNAMED, **UNNAMED_URL_SAMPLES}

# Pages an anonymous visitor may open: signing in and resetting a forgotten password.
PUBLIC_URL_NAMES = {
    "login",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "set_language",
    "admin:login",  # the admin's own sign-in form (same backends, same lockout)
}

# --- the walk ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    route: str  # as ResolverMatch.route spells it
    name: str | None  # with namespaces, e.g. "admin:index"
    patterns: tuple[RoutePattern | RegexPattern, ...]
    argument_count: int

    @property
    def label(self) -> str:
        return f"{self.name} ({self.route!r})" if self.name else f"unnamed ({self.route!r})"

    @property
    def is_admin(self) -> bool:
        return (self.name or "").startswith("admin:") or self.route.startswith("admin/")

    @property
    def sample(self) -> dict[str, Any] | None:
        if self.argument_count == 0:
            return {}
        if self.name and self.name in ALL_NAMED_SAMPLES:
            return ALL_NAMED_SAMPLES[self.name]
        return ALL_UNNAMED_SAMPLES.get(self.route)

    def path(self) -> str:
        """The URL path for the sample arguments, built pattern by pattern."""
        sample = self.sample
        if sample is None:
            raise LookupError(f"No sample arguments for {self.label}")
        text = ""
        for pattern in self.patterns:
            if isinstance(pattern, RoutePattern):
                text += re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(sample[m.group(1)]), str(pattern))
            else:
                candidates = [
                    fmt for fmt, params in normalize(str(pattern)) if set(params) <= set(sample)
                ]
                text += candidates[0] % {key: str(value) for key, value in sample.items()}
        return "/" + text


def _join_route(prefix: str, route: str) -> str:
    """Join the way django.urls.resolvers does for ResolverMatch.route."""
    return prefix + route.removeprefix("^") if prefix else route


def _walk(
    entries: list[Any], prefix: str = "", namespace: str = "", parents: tuple[Any, ...] = ()
) -> list[Route]:
    routes: list[Route] = []
    for entry in entries:
        route = _join_route(prefix, str(entry.pattern))
        chain = (*parents, entry.pattern)
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            routes += _walk(entry.url_patterns, route, inner, chain)
        elif isinstance(entry, URLPattern):
            name = None
            if entry.name:
                name = f"{namespace}:{entry.name}" if namespace else entry.name
            count = sum(p.regex.groups for p in chain)
            routes.append(Route(route=route, name=name, patterns=chain, argument_count=count))
    return routes


ROUTES = _walk(get_resolver().url_patterns)
PUBLIC = [r for r in ROUTES if r.name in PUBLIC_URL_NAMES]
PROTECTED = [r for r in ROUTES if r.name not in PUBLIC_URL_NAMES]


def _ids(routes: list[Route]) -> list[str]:
    return [r.name or r.route for r in routes]


def _path_or_fail(route: Route) -> str:
    if route.sample is None:
        pytest.fail(f"{route.label} takes arguments but has no sample in URL_SAMPLES")
    return route.path()


# --- the tests ---------------------------------------------------------------------------------


def test_the_walk_finds_the_projects_url_patterns():
    names = {r.name for r in ROUTES}

    assert {"start", "login", "logout", "admin:index"} <= names


def test_every_url_pattern_with_arguments_has_sample_arguments():
    missing = [r.label for r in ROUTES if r.argument_count and r.sample is None]

    assert not missing, (
        "These URL patterns take arguments but have no sample arguments. Add them to "
        "URL_SAMPLES (or UNNAMED_URL_SAMPLES) in tests/core/test_url_walk.py:\n  "
        + "\n  ".join(missing)
    )


def test_every_sample_belongs_to_an_existing_url_pattern():
    names = {r.name for r in ROUTES}
    routes = {r.route for r in ROUTES}

    stale = [n for n in URL_SAMPLES if n not in names]
    stale += [r for r in UNNAMED_URL_SAMPLES if r not in routes]

    assert not stale, f"Samples for URL patterns that no longer exist: {stale}"


def test_every_sample_url_resolves_to_the_pattern_it_was_made_for():
    wrong = []
    for route in ROUTES:
        if route.sample is None:
            continue
        try:
            path = route.path()
            resolved = resolve(path).route
        except Exception as exc:  # noqa: BLE001 - reported below with the pattern's name
            wrong.append(f"{route.label}: {exc!r}")
            continue
        if resolved != route.route:
            wrong.append(f"{route.label}: {path} resolves to {resolved!r}")

    assert not wrong, "Sample arguments that do not fit their pattern:\n  " + "\n  ".join(wrong)


def test_every_public_page_in_the_allowlist_exists():
    names = {r.name for r in ROUTES}

    assert PUBLIC_URL_NAMES <= names, f"Unknown public pages: {PUBLIC_URL_NAMES - names}"


@pytest.mark.django_db
@pytest.mark.parametrize("route", PROTECTED, ids=_ids(PROTECTED))
def test_anonymous_request_is_sent_to_sign_in_or_refused(client, route):
    path = _path_or_fail(route)
    sign_in_pages = {resolve_url(settings.LOGIN_URL)}
    if route.is_admin:
        sign_in_pages.add(reverse("admin:login"))

    response = client.get(path)

    if response.status_code in (401, 403, 404, 405):
        return
    assert response.status_code == 302, (
        f"{route.label}: anonymous GET {path} answered {response.status_code}, "
        "expected a redirect to sign-in or 401/403/404/405"
    )
    location = urlsplit(response["Location"])
    assert location.path in sign_in_pages, (
        f"{route.label}: anonymous GET {path} redirects to {response['Location']}, "
        f"not to sign-in ({sorted(sign_in_pages)})"
    )
    assert parse_qs(location.query).get("next") == [path]


@pytest.mark.django_db
@pytest.mark.parametrize("route", PUBLIC, ids=_ids(PUBLIC))
def test_public_page_answers_anonymous_request_without_sign_in(client, route):
    path = _path_or_fail(route)

    response = client.get(path)

    assert response.status_code < 400, f"{route.label} answered {response.status_code}"
    if response.status_code in (301, 302):
        assert urlsplit(response["Location"]).path != resolve_url(settings.LOGIN_URL)
