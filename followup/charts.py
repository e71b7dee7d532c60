"""Server-rendered SVG bar charts of counts for the follow-up (no chart library, no script).

The same approach as dashboard/charts.py (its ``bar_chart`` draws twelve months of a share; the
follow-up needs bars per category): an ``<svg role="img">`` with a ``<title>``, scaled to its
container's width by its viewBox, every value written next to its bar so that nothing is told by
colour or length alone; the table after each chart is the accessible text."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from core.formats import format_amount

# Narrower than the dashboard's 520: the labels stay legible when a phone scales it down.
WIDTH, ROW, BAR, LABEL_GAP, LEFT, VALUE_SPACE = 320, 36, 14, 16, 4, 80
FILL = "#0a3d91"


def count_chart(
    chart_id: str, title: str, items: Sequence[tuple[str, int | Decimal]], *, decimals: int = 0
) -> SafeString:
    """Horizontal bars, one per (label, value): the label above its bar, the value after it."""
    height = max(len(items), 1) * ROW + 8
    biggest = max((float(v) for _l, v in items), default=0.0) or 1.0
    span = WIDTH - LEFT - VALUE_SPACE
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'role="img" aria-labelledby="{chart_id}-title" class="chart">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
    ]
    for i, (label, value) in enumerate(items):
        y = i * ROW + LABEL_GAP
        length = span * float(value) / biggest
        parts.append(
            f'<text x="{LEFT}" y="{y - 3}" font-size="12">{escape(label)}</text>'
            f'<rect x="{LEFT}" y="{y}" width="{length:.1f}" height="{BAR}" fill="{FILL}"/>'
            f'<text x="{LEFT + length + 6:.1f}" y="{y + BAR - 3}" font-size="12">'
            f"{escape(format_amount(value, decimals=decimals))}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - built from numbers and escaped labels
