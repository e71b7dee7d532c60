"""Session limits (idle and absolute) and no-store caching for pages with personal data."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.contrib.messages.storage import default_storage
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

SESSION_AUTH_AT = "_auth_at"
SESSION_SEEN_AT = "_seen_at"


def _parse(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


class SessionLimitsMiddleware:
    """Sign out after SESSION_IDLE_TIMEOUT without a request, and SESSION_ABSOLUTE_TIMEOUT
    after sign-in, whatever the activity."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = timezone.now()
            auth_at = _parse(request.session.get(SESSION_AUTH_AT))
            seen_at = _parse(request.session.get(SESSION_SEEN_AT))
            if auth_at is None:
                auth_at = now
                request.session[SESSION_AUTH_AT] = now.isoformat()
            expired = now - auth_at > settings.SESSION_ABSOLUTE_TIMEOUT or (
                seen_at is not None and now - seen_at > settings.SESSION_IDLE_TIMEOUT
            )
            if expired:
                logout(request)
                # This middleware runs before MessageMiddleware and answers without calling it,
                # so it stores the message itself.
                storage = default_storage(request)
                storage.add(messages.INFO, _("You were signed out. Please sign in again."))
                response = redirect_to_login(request.get_full_path())
                storage.update(response)
                return response
            # Activity is written at most once per SESSION_ACTIVITY_RESOLUTION: a page view
            # within it leaves the session unchanged, so it is not saved (three statements
            # less per request; issue 13). The idle limit counts from the activity written, so
            # a user is signed out up to that much earlier, never later.
            if seen_at is None or now - seen_at >= settings.SESSION_ACTIVITY_RESOLUTION:
                request.session[SESSION_SEEN_AT] = now.isoformat()
        return self.get_response(request)


class NoStoreMiddleware:
    """Nothing a signed-in user sees may stay in a browser or proxy cache."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith(settings.STATIC_URL):
            patch_cache_control(response, no_store=True, private=True)
        return response
