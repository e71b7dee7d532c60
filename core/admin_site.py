"""The admin site: a signed-in user who is not staff gets the site's 404 on every admin page.

Django's admin answers such a user with its own sign-in page ("you are authenticated as …, but
are not authorised"), which tells a caseworker who guesses ``/admin/`` that the page exists. The
rule of the product is that what a user cannot see is not found (404), so a signed-in user
without admin rights gets the same 404 as for any other address they may not see. A visitor who
is not signed in still gets the admin's sign-in page (staff sign in there)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _


def _signed_in_without_admin_rights(site: admin.AdminSite, request: HttpRequest) -> bool:
    return bool(request.user.is_authenticated) and not site.has_permission(request)


class SiteAdmin(admin.AdminSite):
    def admin_view(self, view: Callable[..., Any], cacheable: bool = False) -> Any:
        inner = super().admin_view(view, cacheable)

        @wraps(inner)
        def staff_only(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if _signed_in_without_admin_rights(self, request):
                raise Http404(_("Not found."))
            response: HttpResponse = inner(request, *args, **kwargs)
            return response

        return staff_only

    @login_not_required  # as Django's: the sign-in page is open to visitors
    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        if _signed_in_without_admin_rights(self, request):
            raise Http404(_("Not found."))
        return super().login(request, extra_context)


class SiteAdminConfig(AdminConfig):
    """Replaces ``django.contrib.admin`` in INSTALLED_APPS so that ``admin.site`` is SiteAdmin."""

    default_site = "core.admin_site.SiteAdmin"
