"""No two landmarks of the same role share an accessible name (WCAG 2.1 AA 1.3.1 and 2.4.1; axe's
rule "landmark-unique"), on every page a signed-in demo user reaches, checked on the server.

An exploratory axe run found pages where a ``<section aria-labelledby="x">`` (a region landmark
named by its heading) held a scrollable ``<div role="region">`` named by the same heading, or by
an ``aria-label`` with the same text. This module makes sure no page has such a pair again.

The data is the demo's (``manage.py seed_demo``), seeded once for the module in a transaction
rolled back after it, with the clock held still. For each role in ``ROLES`` the test client signs
in with ``force_login`` (as tests/core/test_start_page_links.py does) and walks the site breadth
first from "/": GET only, same-site ``<a href>`` links, one URL per path (the first link found to
it, with its query string), at most ``MAX_PER_PATTERN`` paths per URL pattern (so that ten
children's pages do not crowd out the other kinds of page) and ``MAX_PAGES`` requests in all.
Every answer that is 200 with text/html is checked. ``REQUIRED_PAGES`` are URL patterns a role's
walk must reach; on the pages of the four templates where the duplicates were found the walk must
also meet a region landmark inside a region landmark (the table in its section), so that a walk
that stops reaching the case fails instead of passing quietly.

Not walked: /static/, /media/, the Django admin (/admin/, its own templates), the JSON API
(/api/v1/), sign-out, links with ``format=``, the downloads in ``DOWNLOADS`` (files, and slow to
render), and pages no link leads to (those reached only by a form's POST or a typed URL). No page
reached with GET asks for the second factor (only the signing POST does), so none is skipped for
want of one.

The landmarks are the ones axe's "landmark-unique" looks at (axe-core's landmark-unique-matches):
``<main>``, ``<nav>``, ``<aside>``, ``<search>``; ``<header>`` and ``<footer>`` when not inside
article, aside, main, nav or section (banner and contentinfo); ``<section>`` and ``<form>`` only
with an accessible name; and any element whose explicit ``role`` is a landmark role (an explicit
other role, such as ``role="presentation"``, takes a landmark element out). Elements hidden from
screen readers by markup (``hidden``, ``aria-hidden="true"``, inside ``<template>``) are left out,
as axe leaves them out; CSS is not evaluated. The accessible name is the text of the elements
``aria-labelledby`` points to (joined by spaces, whitespace collapsed), else ``aria-label``, else
``title``. Two landmarks of one role whose names are equal (case-insensitive, as axe compares
them), or which both have no name, are a violation; the failure lists every one, with the page,
the role, the name, and the line and start tag of each landmark in the page's HTML.
"""

from __future__ import annotations

import re
from collections import defaultdict, deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone

from organisations.models import User

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"

ROLES = {
    "caseworker": "handlaggare.goteborg@demo.example",
    "BUP clinician": "bup@demo.example",
    "manager": "chef.goteborg@demo.example",
    "region signatory": "signatur.bup@demo.example",
    # The only one to reach the signing page while the placing municipality signs first.
    "municipal signatory": "signatur.goteborg@demo.example",
    # The principal's administrator: API access and exports (the Django admin is not walked).
    "administrator": "admin.goteborg@demo.example",
    # The area report (deviations/area_report.html) is the cooperation bodies' page only.
    "sub-regional body member": "delregion.gr@demo.example",
}

# The URL patterns each role's walk must reach. On the pages of the four templates where the
# duplicates were found (sip/sip_detail.html, dashboard/overview.html, dashboard/logreview.html,
# deviations/area_report.html) the walk must also meet the case itself, a region landmark inside a
# region landmark (the scrollable table in its section), so that it is checked and not missed.
REQUIRED_PAGES = {
    "caseworker": {"sip:sip_detail"},
    "BUP clinician": {"sip:sip_detail"},
    "manager": {"dashboard:overview", "dashboard:logreview"},
    "region signatory": {"sip:sip_detail"},
    "municipal signatory": {"agreements:version_sign"},
    "administrator": {"api:docs"},
    "sub-regional body member": {"deviations:area_report"},
}
NESTED_REGION_PAGES = {
    "sip:sip_detail",
    "dashboard:overview",
    "dashboard:logreview",
    "deviations:area_report",
}

MAX_PAGES = 80
MAX_PER_PATTERN = 4
SKIPPED_PREFIXES = ("/static/", "/media/", "/admin/", "/api/v1/")
# Files, not pages: not requested at all (rendering a PDF is slow).
DOWNLOADS = {
    "sip:sip_pdf",
    "agreements:version_document",
    "dashboard:logreview_export",
    "dashboard:calendar_feed",
    "deviations:area_report_csv",
    "followup:report_xlsx",
    "followup:report_pdf",
    "exports:download",
    "api:schema",
}

# --- the checker -------------------------------------------------------------------------------

LANDMARK_ROLES = {
    "banner",
    "complementary",
    "contentinfo",
    "form",
    "main",
    "navigation",
    "region",
    "search",
}
# Elements that are a landmark only with an accessible name.
NAMED_ONLY_TAGS = {"section", "form"}
IMPLICIT_ROLES = {
    "main": "main",
    "nav": "navigation",
    "aside": "complementary",
    "search": "search",
    "header": "banner",
    "footer": "contentinfo",
    "section": "region",
    "form": "form",
}
SECTIONING = {"article", "aside", "main", "nav", "section"}
VOID_ELEMENTS = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    parent: Element | None
    children: list[Element | str] = field(default_factory=list)
    line: int = 0
    source: str = ""

    def ancestors(self) -> Iterator[Element]:
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    def text(self) -> str:
        parts: list[str] = []
        for child in self.children:
            parts.append(child if isinstance(child, str) else f" {child.text()} ")
        return "".join(parts)


class _Tree(HTMLParser):
    """A forgiving tree of the page: an end tag closes the nearest open element of its name (and
    whatever is still open inside it); a stray end tag is ignored."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {}, None)
        self.open = self.root
        self.by_id: dict[str, Element] = {}
        self.elements: list[Element] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(
            tag,
            {name: value or "" for name, value in attrs},
            self.open,
            line=self.getpos()[0],
            source=self.get_starttag_text() or "",
        )
        self.open.children.append(element)
        self.elements.append(element)
        if element.attrs.get("id"):
            self.by_id.setdefault(element.attrs["id"], element)
        if tag not in VOID_ELEMENTS:
            self.open = element

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID_ELEMENTS:
            self.open = self.open.parent or self.root

    def handle_endtag(self, tag: str) -> None:
        node: Element | None = self.open
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.open = node.parent

    def handle_data(self, data: str) -> None:
        self.open.children.append(data)


def _collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _hidden(element: Element) -> bool:
    return any(
        node.tag == "template"
        or "hidden" in node.attrs
        or node.attrs.get("aria-hidden", "").strip().lower() == "true"
        for node in (element, *element.ancestors())
    )


def _name(element: Element, by_id: dict[str, Element]) -> str | None:
    ids = element.attrs.get("aria-labelledby", "").split()
    labelled = _collapse(" ".join(by_id[i].text() for i in ids if i in by_id))
    if labelled:
        return labelled
    for attribute in ("aria-label", "title"):
        value = _collapse(element.attrs.get(attribute, ""))
        if value:
            return value
    return None


def _role(element: Element) -> str | None:
    """The landmark role of the element, if any: an explicit ``role`` (its first token) replaces
    the tag's implicit role."""
    tokens = element.attrs.get("role", "").lower().split()
    if tokens:
        return tokens[0] if tokens[0] in LANDMARK_ROLES else None
    return IMPLICIT_ROLES.get(element.tag)


@dataclass(frozen=True)
class Landmark:
    role: str
    name: str | None
    line: int
    source: str
    in_region: bool  # inside another region landmark


def landmarks(html: str) -> list[Landmark]:
    """The page's landmarks, in document order, the way axe's landmark-unique selects them."""
    tree = _Tree()
    tree.feed(html)
    tree.close()
    found = []
    regions: set[int] = set()  # id() of the region landmarks met so far (ancestors come first)
    for element in tree.elements:
        role = _role(element)
        if role is None or _hidden(element):
            continue
        if element.tag in ("header", "footer") and any(
            a.tag in SECTIONING for a in element.ancestors()
        ):
            continue
        name = _name(element, tree.by_id)
        if element.tag in NAMED_ONLY_TAGS and name is None:
            continue
        in_region = any(id(a) in regions for a in element.ancestors())
        if role == "region":
            regions.add(id(element))
        found.append(Landmark(role, name, element.line, element.source, in_region))
    return found


def duplicate_landmarks(found: list[Landmark] | str) -> list[str]:
    """One line per role and name that more than one landmark of the page (given as HTML or as
    its landmarks) has, with the line and start tag of each."""
    if isinstance(found, str):
        found = landmarks(found)
    groups: dict[tuple[str, str | None], list[Landmark]] = defaultdict(list)
    for landmark in found:
        key = (landmark.role, landmark.name.casefold() if landmark.name else None)
        groups[key].append(landmark)
    problems = []
    for (role, _), same in groups.items():
        if len(same) < 2:
            continue
        name = repr(same[0].name) if same[0].name else "(no name)"
        where = "; ".join(f"line {m.line}: {_snippet(m.source)}" for m in same)
        problems.append(f"{len(same)} × {role} {name}: {where}")
    return problems


def _snippet(source: str, limit: int = 160) -> str:
    source = _collapse(source)
    return source if len(source) <= limit else source[: limit - 1] + "…"


# --- the walk ----------------------------------------------------------------------------------


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href") if tag == "a" else None
        if href:
            self.hrefs.append(href.strip())


def _links(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return parser.hrefs


def _route_name(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name or match.route


@dataclass
class Walk:
    visited: list[str] = field(default_factory=list)  # URLs requested, in order
    checked: list[str] = field(default_factory=list)  # URLs answering 200 text/html
    routes: set[str] = field(default_factory=set)  # URL patterns of the checked pages
    nested: set[str] = field(default_factory=set)  # ... with a region inside a region
    violations: list[str] = field(default_factory=list)


def walk(client: Client, start: str = "/") -> Walk:
    logout = reverse("logout")
    result = Walk()
    queue = deque([start])
    seen_paths = {urlsplit(start).path}
    per_route: dict[str | None, int] = defaultdict(int)
    while queue and len(result.visited) < MAX_PAGES:
        url = queue.popleft()
        result.visited.append(url)
        response = client.get(url)
        content_type = response.get("Content-Type", "")
        if response.status_code != 200 or not content_type.startswith("text/html"):
            continue
        html = response.content.decode(response.charset or "utf-8")
        route = _route_name(urlsplit(url).path) or ""
        found = landmarks(html)
        result.checked.append(url)
        result.routes.add(route)
        if any(landmark.in_region for landmark in found):
            result.nested.add(route)
        result.violations += [f"{url}: {problem}" for problem in duplicate_landmarks(found)]
        for href in _links(html):
            if not href.startswith("/") or href.startswith("//"):
                continue
            href = href.split("#", 1)[0]
            parts = urlsplit(href)
            if (
                parts.path in seen_paths
                or parts.path.startswith(SKIPPED_PREFIXES)
                or parts.path == logout
                or "format=" in parts.query
            ):
                continue
            target = _route_name(parts.path)
            if target in DOWNLOADS or per_route[target] >= MAX_PER_PATTERN:
                continue
            per_route[target] += 1
            seen_paths.add(parts.path)
            queue.append(href)
    return result


# --- fixtures ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo data, seeded once for the module in a transaction rolled back after it; each test
    runs in a savepoint inside it (pytest-django's ``db``)."""
    with (
        django_db_blocker.unblock(),
        time_machine.travel(timezone.now(), tick=False),
        transaction.atomic(),
    ):
        call_command("seed_demo", "--quiet-logins")
        yield
        transaction.set_rollback(True)


# --- the tests ---------------------------------------------------------------------------------

BUG = """<main><section aria-labelledby="inv-heading">
<h2 id="inv-heading">Inbjudningar</h2>
<div class="table-responsive" tabindex="0" role="region" aria-label="{label}">
<table><caption>Inbjudningar</caption></table></div>
</section></main>"""


def test_the_checker_reports_a_table_region_named_like_its_section():
    html = BUG.format(label="Inbjudningar")

    problems = duplicate_landmarks(html)

    assert [(m.role, m.name, m.in_region) for m in landmarks(html)] == [
        ("main", None, False),
        ("region", "Inbjudningar", False),
        ("region", "Inbjudningar", True),
    ]
    assert len(problems) == 1
    assert problems[0].startswith("2 × region 'Inbjudningar': line 1: <section")


def test_the_checker_reports_a_table_region_labelled_by_its_sections_heading():
    html = BUG.replace('aria-label="{label}"', 'aria-labelledby="inv-heading"')

    assert duplicate_landmarks(html) == [
        "2 × region 'Inbjudningar': line 1: <section aria-labelledby=\"inv-heading\">; "
        'line 3: <div class="table-responsive" tabindex="0" role="region" '
        'aria-labelledby="inv-heading">'
    ]


def test_the_checker_accepts_the_table_region_named_apart():
    assert duplicate_landmarks(BUG.format(label="Tabell: Inbjudningar")) == []


def test_the_checker_follows_axes_landmark_rules():
    html = """<header>top</header><nav aria-label="Huvudmeny"></nav>
    <main><section><h2>Unnamed</h2></section><section aria-label="a"></section>
    <article><header>not a banner</header></article>
    <form></form><form aria-label="Sök"></form><div role="search" aria-label="sök"></div>
    <nav aria-label="Sidor"></nav><nav aria-label="huvudmeny " hidden></nav>
    <nav role="presentation" aria-label="Huvudmeny"></nav>
    <aside></aside><aside></aside></main><footer>bottom</footer>"""

    found = [(m.role, m.name) for m in landmarks(html)]

    assert found == [
        ("banner", None),
        ("navigation", "Huvudmeny"),
        ("main", None),
        ("region", "a"),
        ("form", "Sök"),
        ("search", "sök"),
        ("navigation", "Sidor"),
        ("complementary", None),
        ("complementary", None),
        ("contentinfo", None),
    ]
    assert [p.split(":")[0] for p in duplicate_landmarks(html)] == ["2 × complementary (no name)"]


@pytest.mark.parametrize("role", ROLES)
def test_no_page_has_two_landmarks_with_the_same_role_and_name(demo, db, client, settings, role):
    settings.SIGNING_ORDER = "placing_first"  # what REQUIRED_PAGES expects of the signatories
    client.force_login(User.objects.get(email=ROLES[role]), backend=MODEL_BACKEND)

    result = walk(client)

    assert "start" in result.routes, f"{role}: the start page did not answer 200 with HTML"
    missing = REQUIRED_PAGES[role] - result.routes
    assert not missing, (
        f"{role}: the walk ({len(result.checked)} pages) no longer reaches {sorted(missing)}; "
        f"it checked: {result.checked}"
    )
    no_table = (REQUIRED_PAGES[role] & NESTED_REGION_PAGES) - result.nested
    assert not no_table, f"{role}: no region inside a region on {sorted(no_table)} any more"
    assert not result.violations, (
        f"{role}: landmarks of the same role with the same accessible name (axe's "
        f"landmark-unique) on {len(result.checked)} pages walked:\n  "
        + "\n  ".join(result.violations)
    )
