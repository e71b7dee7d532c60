"""Reading a page's HTML in tests."""

from __future__ import annotations


def section_of(html: str, heading_id: str) -> str:
    """The section under the heading with this id, up to its end ("" when the page has none)."""
    marker = f'id="{heading_id}"'
    if marker not in html:
        return ""
    return html.split(marker, 1)[1].split("</section>", 1)[0]
