"""The key pages of issue 13, shared by the benchmark (time) and the query-count tests (counts):
who looks at each page and at which address, found in a database built by seed_national."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count
from django.urls import reverse

CASEWORKER = "handlaggare.goteborg@demo.example"
MANAGER = "chef.goteborg@demo.example"
REGION_SIGNATORY = "signatur.bup@demo.example"
SEARCHED_NAME = "Lindqvist"  # the long-history child's surname (demo/national.py)


@dataclass(frozen=True)
class Page:
    name: str
    url: str
    user: str | None  # e-mail of the signed-in user; None: no session (the calendar feed)


def key_pages(*, today: date) -> list[Page]:
    from dashboard.models import CalendarToken
    from organisations.demo import REGION
    from organisations.models import Principal, User
    from placements.models import Child

    caseworker = User.objects.get(email=CASEWORKER)
    token, _ = CalendarToken.objects.get_or_create(user=caseworker)
    child = (
        Child.objects.filter(home_municipality__name="Göteborg")
        .annotate(n=Count("placements"))
        .order_by("-n", "pk")
        .first()
    )
    assert child is not None, "seed_national builds Göteborg children"
    goteborg = Principal.objects.get(name="Göteborg")
    region = Principal.objects.get(name=REGION)
    month = (today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    pair = f"municipality={goteborg.pk}&region={region.pk}&month={month}"
    statement = reverse("agreements:statement_pair")
    return [
        Page("Start page", reverse("start"), CASEWORKER),
        Page("Placement list", reverse("placements:placement_list"), CASEWORKER),
        Page(
            "Placement search by name",
            f"{reverse('placements:placement_list')}?q={SEARCHED_NAME}",
            CASEWORKER,
        ),
        Page(
            "Child page, long history",
            reverse("placements:child_detail", args=[child.pk]),
            CASEWORKER,
        ),
        Page("Manager dashboard", reverse("dashboard:overview"), MANAGER),
        Page("My deadlines", reverse("dashboard:my_deadlines"), CASEWORKER),
        Page("Pair statement, one month", f"{statement}?{pair}", REGION_SIGNATORY),
        Page("Pair statement CSV", f"{statement}?{pair}&format=csv", REGION_SIGNATORY),
        Page("Pair statement XLSX", f"{statement}?{pair}&format=xlsx", REGION_SIGNATORY),
        Page("Dashboard CSV", f"{reverse('dashboard:deadline_list')}?format=csv", MANAGER),
        Page("iCal feed", reverse("dashboard:calendar_feed", args=[token.token]), None),
    ]


def bare_page() -> Page:
    """The bare view of benchmarks/urls.py (only where ROOT_URLCONF is that module)."""
    return Page("Bare page (layout only)", "/bench/bare/", CASEWORKER)
