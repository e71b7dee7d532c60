"""Sign-in, sign-out and failed sign-ins go to the audit log."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.utils import timezone

from .audit import audit_record
from .middleware import SESSION_AUTH_AT, SESSION_SEEN_AT
from .models import AuditAction


@receiver(user_logged_in)
def _on_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    now = timezone.now().isoformat()
    if request is not None:
        request.session[SESSION_AUTH_AT] = now
        request.session[SESSION_SEEN_AT] = now
    audit_record(action=AuditAction.LOGIN, user=user, obj=user, request=request)


@receiver(user_logged_out)
def _on_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit_record(action=AuditAction.LOGOUT, user=user, obj=user)


@receiver(user_login_failed)
def _on_login_failed(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kw: Any
) -> None:
    audit_record(
        action=AuditAction.LOGIN_FAILED,
        details={"username": str(credentials.get("username", ""))[:254]},
    )
