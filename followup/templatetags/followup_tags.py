"""Formatting of the follow-up's table cells by their kind (count, money, percent, text)."""

from __future__ import annotations

from typing import Any

from django import template

from core.formats import format_amount, format_percent

register = template.Library()


@register.filter
def cell(value: Any, kind: str) -> str:
    if value is None:
        return "–"
    if kind == "count":
        return format_amount(value, decimals=0)
    if kind == "money":
        return format_amount(value)
    if kind == "percent":
        return format_percent(value)
    return str(value)
