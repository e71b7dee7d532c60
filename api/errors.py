"""Errors as JSON: a rule of DOMAIN.md is 422 with its ID and the Swedish message; a form-like
validation error is 400 with the messages per field; outside the scope is 404, as on the
pages. Messages follow Accept-Language (LocaleMiddleware), Swedish by default."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from domain.errors import RuleViolation, violations_of


def rule_response(error: RuleViolation) -> Response:
    singles = violations_of(error)
    body: dict[str, Any] = {
        "rule": error.rule,
        "detail": gettext(error.message),
        "field": error.field,
    }
    if len(singles) > 1:
        body["violations"] = [
            {"rule": v.rule, "detail": gettext(v.message), "field": v.field} for v in singles
        ]
    return Response(body, status=status.HTTP_422_UNPROCESSABLE_ENTITY)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, RuleViolation):
        return rule_response(exc)
    if isinstance(exc, ValidationError):
        detail = exc.detail
        errors = detail if isinstance(detail, dict) else {"non_field_errors": detail}
        return Response({"errors": errors}, status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(exc, context)
