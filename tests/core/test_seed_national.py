"""`manage.py seed_national` (issue 13): the national data set is consistent at a small scale,
and every key page and export costs the same number of queries at two data sizes."""

from __future__ import annotations

from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from agreements.models import Agreement, AgreementVersion, CostMeeting
from benchmarks.pages import SEARCHED_NAME, key_pages
from dashboard.models import Deadline
from dashboard.sync import rebuild_all
from domain.identity import birth_date_of, normalise_identity_number
from organisations.models import Principal, User
from placements.models import Child, Placement
from sip.models import SipMeeting

SCALE = 0.002  # 60 children
DEADLINE_FIELDS = (
    "key",
    "kind",
    "due_on",
    "met_on",
    "rule",
    "child_id",
    "placement_id",
    "sip_id",
    "unit_id",
    "partner_unit_id",
    "responsible_id",
    "url",
)


def _seed(scale: float) -> None:
    call_command("seed_national", "--scale", str(scale), verbosity=0)


@pytest.mark.django_db
def test_seed_national_builds_consistent_data_in_proportion():
    _seed(SCALE)
    today = timezone.localdate()

    # The organisations in full, the demo's names and logins among them.
    assert Principal.objects.filter(kind="municipality").count() == 290
    assert Principal.objects.filter(kind="region").count() == 21
    assert {"Göteborg", "Mölndal", "Västra Götalandsregionen"} <= set(
        Principal.objects.values_list("name", flat=True)
    )
    assert User.objects.filter(email="handlaggare.goteborg@demo.example").exists()

    # The cases in proportion to the full size (30,000 children, 2,000 in Göteborg,
    # 40,000 placements, 97,000 meetings, 27,000 agreements, 250,000 deadlines).
    children = Child.objects.count()
    assert children == 60
    assert Child.objects.filter(home_municipality__name="Göteborg").count() == 4
    meetings = SipMeeting.objects.count() + CostMeeting.objects.count()
    for count, per_child in (
        (Placement.objects.count(), 40 / 30),
        (meetings, 97 / 30),
        (Agreement.objects.count(), 27 / 30),
        (Deadline.objects.count(), 250 / 30),
    ):
        assert 0.6 * per_child * children <= count <= 1.6 * per_child * children
    assert AgreementVersion.objects.filter(signed_at__isnull=False).exists()

    # Every child has a valid personnummer (check digit included), each its own.
    numbers = list(Child.objects.values_list("identity_number", "birth_date"))
    for number, birth in numbers:
        assert normalise_identity_number(number, today=today) == number  # checks the digit
        assert birth_date_of(number) == birth
    assert len({n for n, _b in numbers}) == len(numbers)

    # A placement's child and unit belong to the same municipality, which placed it.
    for placement in Placement.objects.select_related("child", "placing_unit"):
        assert placement.placing_unit.principal_id == placement.child.home_municipality_id
        assert placement.placing_principal_id == placement.child.home_municipality_id
        assert placement.child.responsible_unit.principal_id == placement.child.home_municipality_id

    # R-PLAC-2: a started non-acute placement has a version signed by both principals.
    started = Placement.objects.filter(status__in=["active", "ended"], is_acute=False)
    assert started.exists()
    for placement in started:
        assert placement.agreement.versions.filter(signed_at__isnull=False).exists()

    # R-MEET-1: each cost meeting rests on a held SIP meeting of the child's SIP, held first.
    for meeting in CostMeeting.objects.select_related("sip_meeting__sip", "placement"):
        assert meeting.sip_meeting.ended_at is not None
        assert meeting.sip_meeting.sip.child_id == meeting.placement.child_id
        assert meeting.sip_meeting.started_at < meeting.started_at

    # The deadlines exist (built by the one engine, dashboard.sync); a second rebuild changes nothing.
    seeded = set(Deadline.objects.values_list(*DEADLINE_FIELDS))
    kinds = Counter(row[1] for row in seeded)
    assert len(kinds) >= 10
    rebuild_all()
    assert set(Deadline.objects.values_list(*DEADLINE_FIELDS)) == seeded


@pytest.mark.django_db
def test_seed_national_refuses_a_database_that_already_has_children():
    _seed(0.001)

    with pytest.raises(CommandError):
        _seed(0.001)


# --- query counts at two data sizes --------------------------------------------------------------

SMALL, LARGE = SCALE, 2 * SCALE
PAGES = [
    "Start page",
    "Placement list",
    "Placement search by name",
    "Child page, long history",
    "Manager dashboard",
    "My deadlines",
    "Pair statement, one month",
    "Pair statement CSV",
    "Pair statement XLSX",
    "Dashboard CSV",
    "iCal feed",
]


def _body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def _shows_data(name: str, response, body: bytes) -> bool:
    """The page has something to show at this size (so the comparison means something)."""
    if name == "Pair statement CSV":
        return body.count(b"\n") > 1
    if name == "Pair statement XLSX":
        return body.startswith(b"PK")  # a zip container: the workbook
    if name.startswith("Pair statement"):
        return bool(response.context and response.context["result"].rows)
    if name == "Dashboard CSV":
        return body.count(b"\n") > 1
    if name == "iCal feed":
        return b"BEGIN:VEVENT" in body
    if name == "Manager dashboard":
        return True
    # The demo caseworker's child with the long history, the same at every size.
    return SEARCHED_NAME.encode() in body


def _page_queries() -> dict[str, int]:
    """The queries of each key page, asked a second time (the first warms the caches)."""
    counts = {}
    for page in key_pages(today=timezone.localdate()):
        client = Client()
        if page.user:
            client.force_login(User.objects.get(email=page.user))
        warm_up = client.get(page.url)
        _body(warm_up)
        assert warm_up.status_code == 200, page.name
        with CaptureQueriesContext(connection) as queries:
            response = client.get(page.url)
            body = _body(response)  # a streamed export queries while it is read
        assert response.status_code == 200, page.name
        assert _shows_data(page.name, response, body), page.name
        counts[page.name] = len(queries)
    return counts


@pytest.fixture(scope="module")
def query_counts(django_db_setup, django_db_blocker):
    """Both data sizes measured once for the module, each in a transaction rolled back."""
    counts = {}
    with django_db_blocker.unblock():
        for scale in (SMALL, LARGE):
            with transaction.atomic():
                _seed(scale)
                counts[scale] = _page_queries()
                transaction.set_rollback(True)
    return counts


@pytest.mark.parametrize("page", PAGES)
def test_key_page_costs_the_same_queries_at_twice_the_data(query_counts, page):
    assert query_counts[LARGE][page] == query_counts[SMALL][page]
