"""Mixins for thin views: load through the access policy in ``setup``, audit what is shown."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models
from django.http import HttpRequest, HttpResponse

from .audit import audit_record
from .models import AuditAction
from .policy import VIEW, get_or_404


class PolicyObjectMixin:
    """Fetches ``self.object`` through the access policy: outside the scope is a 404 with an
    audited denial, whatever the method."""

    policy_model: ClassVar[type[models.Model]]
    policy_action: ClassVar[str] = VIEW
    policy_kwarg: ClassVar[str] = "pk"
    request: HttpRequest

    def get_policy_queryset(self, qs: models.QuerySet[Any]) -> models.QuerySet[Any]:
        return qs

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.object = get_or_404(
            request,
            self.policy_model,
            action=self.policy_action,
            queryset=self.get_policy_queryset,
            pk=kwargs[self.policy_kwarg],
        )
        response = super().dispatch(request, *args, **kwargs)  # type: ignore[misc]
        # Every page about an object shows personal data (a form filled in with it, a
        # confirmation step): a GET that showed one gets a "view" row, unless the view wrote
        # its own row (detail pages, downloads) for this request.
        if (
            request.method == "GET"
            and response.status_code == 200
            and not getattr(request, "_audited", False)
        ):
            match = getattr(request, "resolver_match", None)
            audit_record(
                action=AuditAction.VIEW,
                request=request,
                obj=self.object,
                details={"page": match.view_name if match else ""},
            )
        return response

    def get_object(self, queryset: Any = None) -> Any:
        return self.object


class AuditViewMixin:
    """Writes a "view" row for every GET that shows personal data."""

    request: HttpRequest
    object: Any

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().get(request, *args, **kwargs)  # type: ignore[misc]
        audit_record(action=AuditAction.VIEW, request=request, obj=self.object)
        return response
