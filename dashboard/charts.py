"""Server-rendered SVG bar charts (no chart library, no script)."""

from __future__ import annotations

from typing import Any

from django.utils.dateformat import format as date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from core.formats import format_percent

WIDTH, HEIGHT, BAR, GAP, TOP, BOTTOM, LEFT = 520, 222, 28, 12, 22, 40, 40


def bar_chart(series: Any) -> SafeString:
    """Twelve bars of the share met on time (the share written above each bar, "–" for a
    month with nothing due), each month labelled with its short name and
    year ("maj" over "2026"); the table next to it is the accessible text. The SVG scales to
    its container's width (viewBox, width 100 %), so it never makes a phone scroll sideways."""
    plot = HEIGHT - TOP - BOTTOM
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="100%" role="img" aria-labelledby="chart-{series.kind}-title" class="chart">',
        f'<title id="chart-{series.kind}-title">{escape(series.label)}: '
        f"{escape(_('share met on time per month, last 12 months'))}</title>",
        f'<line x1="{LEFT}" y1="{TOP + plot}" x2="{WIDTH}" y2="{TOP + plot}" stroke="#333"/>',
    ]
    for tick in (0, 50, 100):
        y = TOP + plot - plot * tick / 100
        parts.append(
            f'<text x="{LEFT - 6}" y="{y + 4:.0f}" text-anchor="end" font-size="10">{tick} %</text>'
        )
    for i, month in enumerate(series.months):
        x = LEFT + GAP + i * (BAR + GAP)
        percent = month.percent
        if percent is not None:
            h = plot * float(percent) / 100
            parts.append(
                f'<rect x="{x}" y="{TOP + plot - h:.1f}" width="{BAR}" height="{h:.1f}" fill="#0a3d91"/>'
                f'<text x="{x + BAR / 2}" y="{TOP + plot - h - 4:.1f}" text-anchor="middle" '
                f'font-size="10">{escape(format_percent(percent))}</text>'
            )
        else:
            parts.append(
                f'<text x="{x + BAR / 2}" y="{TOP + plot - 4}" text-anchor="middle" font-size="9">–</text>'
            )
        parts.append(
            f'<text x="{x + BAR / 2}" y="{HEIGHT - 24}" text-anchor="middle" font-size="11">'
            f"{escape(date_format(month.month, 'b'))}</text>"
            f'<text x="{x + BAR / 2}" y="{HEIGHT - 10}" text-anchor="middle" font-size="11">'
            f"{month.month:%Y}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - built from numbers and escaped labels
