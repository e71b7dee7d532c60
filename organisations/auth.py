"""Sign-in helpers: django-axes counts failures per normalised e-mail address."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from .models import normalise_email


def axes_username(request: HttpRequest | None, credentials: dict[str, Any] | None) -> str:
    """AXES_USERNAME_CALLABLE: the address as sign-in looks it up (stripped, lowercased), so
    that "Anna@X.se" and "anna@x.se " count against the same lockout."""
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials:
        value = credentials.get(field)
    else:
        data = getattr(request, "data", None) or getattr(request, "POST", {})
        value = data.get(field)
    return normalise_email(value if isinstance(value, str) else None)
