"""A start page per role with no dead links: after ``seed_demo`` every demo login's start page
links only to pages that answer (200, or a redirect to an internal page that answers 200)."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from agreements.models import AgreementVersion
from organisations.demo import DEMO_LOGINS
from organisations.models import User

pytestmark = pytest.mark.django_db

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
START = "/"


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "a":
            return
        href = dict(attrs).get("href")
        if href is not None:
            self.hrefs.append(href)


def _internal_links(html: str) -> list[str]:
    """Every internal link of the page, once each, in page order: paths starting with "/"
    except static files, sign-out and anchors."""
    parser = _Links()
    parser.feed(html)
    logout = reverse("logout")
    links: list[str] = []
    for href in parser.hrefs:
        href = href.strip()
        if not href.startswith("/") or href.startswith("//"):
            continue  # anchors ("#main"), external and protocol-relative links
        path = urlsplit(href).path
        if path.startswith("/static/") or path == logout:
            continue
        href = href.split("#", 1)[0]
        if href and href not in links:
            links.append(href)
    return links


@pytest.fixture(autouse=True)
def frozen_now(time_machine):
    time_machine.move_to(timezone.now(), tick=False)


@pytest.fixture
def demo(db):
    call_command("seed_demo", "--quiet-logins")


def _start_page(client, email: str) -> str:
    user = User.objects.get(email=email)
    client.force_login(user, backend=MODEL_BACKEND)
    response = client.get(START)
    assert response.status_code == 200, f"{email}: start page answered {response.status_code}"
    return response.content.decode()


def _dead_links(client, links: list[str]) -> list[str]:
    """The links that do not answer 200, directly or after one internal redirect."""
    login = reverse("login")
    dead = []
    for href in links:
        response = client.get(href)
        if response.status_code == 200:
            continue
        if response.status_code == 302:
            target = response["Location"]
            target_path = urlsplit(target).path
            internal = target.startswith("/") and not target.startswith("//")
            if internal and target_path != login and client.get(target).status_code == 200:
                continue
            dead.append(f"{href} -> 302 {target}")
            continue
        dead.append(f"{href} -> {response.status_code}")
    return dead


@pytest.mark.parametrize("email", [d.email for d in DEMO_LOGINS])
@pytest.mark.usefixtures("demo")
def test_every_link_on_the_start_page_answers(client, email):
    links = _internal_links(_start_page(client, email))

    assert START in links  # the brand link, at least
    assert len(links) >= 2, f"{email}: the start page links nowhere: {links}"
    dead = _dead_links(client, links)
    assert not dead, f"{email}: dead links on the start page:\n  " + "\n  ".join(dead)


# What each role's panel must offer (the links the start page promises for that role).
ROLE_LINKS = {
    "handlaggare.goteborg@demo.example": [
        "placements:placement_list",
        "placements:child_search",
        "placements:child_create",
    ],
    "handlaggare.molndal@demo.example": [
        "placements:placement_list",
        "placements:child_search",
        "placements:child_create",
    ],
    "chef.goteborg@demo.example": ["placements:placement_list", "dashboard:overview"],
    "chef.molndal@demo.example": ["placements:placement_list", "dashboard:overview"],
    "signatur.goteborg@demo.example": ["placements:placement_list", "dashboard:overview"],
    "bup@demo.example": ["placements:placement_list"],
    "signatur.bup@demo.example": ["placements:placement_list"],
    "vardcentral@demo.example": ["placements:placement_list"],
    "admin.goteborg@demo.example": ["admin:index"],
    "admin.molndal@demo.example": ["admin:index"],
    "admin.vgr@demo.example": ["admin:index"],
    # Members of cooperation bodies (issue 14): no unit, their level's matters.
    **dict.fromkeys(
        ["lisa@demo.example", "delregion.gr@demo.example", "delregion.fyrbodal@demo.example"],
        [
            "deviations:deviation_list",
            "agreements:dispute_list",
            "deviations:area_report",
            "followup:report",
        ],
    ),
}


def test_role_links_cover_every_demo_login():
    assert set(ROLE_LINKS) == {d.email for d in DEMO_LOGINS}


@pytest.mark.parametrize(("email", "names"), list(ROLE_LINKS.items()))
@pytest.mark.usefixtures("demo")
def test_each_role_gets_its_own_links(client, email, names):
    links = _internal_links(_start_page(client, email))

    for name in names:
        assert reverse(name) in links, f"{email}: no link to {name} on the start page"
    if not email.startswith("admin."):
        assert reverse("admin:index") not in links
    if email.startswith(("admin.", "bup@", "vardcentral@")):
        assert reverse("placements:child_create") not in links


def _versions_to_sign() -> set[str]:
    waiting = AgreementVersion.objects.filter(status="awaiting_signatures")
    return {reverse("agreements:version_sign", args=[v.pk]) for v in waiting}


def _agreements_awaiting() -> set[str]:
    waiting = AgreementVersion.objects.filter(status="awaiting_signatures")
    return {reverse("agreements:agreement_detail", args=[v.agreement_id]) for v in waiting}


@pytest.mark.usefixtures("demo")
def test_the_municipal_signatory_finds_the_agreements_to_sign(client, settings):
    """The demo sends two agreements for signature; the placing municipality signs first, so
    Göteborg's signatory finds both under "Awaiting your signature", each link opening the
    signing page."""
    settings.SIGNING_ORDER = "placing_first"
    expected = _versions_to_sign()

    html = _start_page(client, "signatur.goteborg@demo.example")

    assert len(expected) == 2
    assert 'id="awaited-heading"' in html
    assert expected <= set(_internal_links(html))
    for href in expected:
        assert client.get(href).status_code == 200


@pytest.mark.usefixtures("demo")
def test_the_region_signatory_waits_for_the_municipality_then_can_open_them(client, settings):
    """With the placing municipality first, the region's signatory has nothing to sign yet and
    is told it awaits the municipality (links to the agreements, none to a signing page); in
    any order, both signing pages are on its start page."""
    settings.SIGNING_ORDER = "placing_first"
    html = _start_page(client, "signatur.bup@demo.example")
    links = set(_internal_links(html))
    assert not _versions_to_sign() & links
    assert _agreements_awaiting() <= links
    assert html.count("väntar på underskrift av Göteborg") == 2

    settings.SIGNING_ORDER = "any"
    links = _internal_links(_start_page(client, "signatur.bup@demo.example"))
    assert _versions_to_sign() <= set(links)
    assert not _dead_links(client, links)
