"""Issue 11, browser journey (R-PLAC-3, L22–L23): an acute HVB placement; the principals agree
the standard split at the cost meeting three weeks ago; both sign today. The month's statement
page splits from the cost meeting's day: the days before it are the placing municipality's, the
days from it follow the split.

The SIP, the cost meeting, the agreement and both signatures are made through the services in
the setup (signing through the browser is its own journey, test_journey_signing.py); the browser
reads the agreement page and the statement page, each checked with axe."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from agreements import services as agreement_services
from agreements import signatures
from agreements.models import AgreementVersion
from agreements.signing.pki import PkiPaths
from organisations.demo import DEMO_PASSWORD, seed_organisations
from organisations.models import Unit, User
from placements.demo import seed_children
from placements.models import Child, Placement
from sip import services as sip_services
from sip.models import SipMeeting
from tests.browser.conftest import assert_no_serious_axe_violations, login
from tests.browser.journey_setup import BUP_SIGNATORY, CASEWORKER, MUNICIPAL_SIGNATORY
from tests.browser.test_journey_signing import issue_certificates

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COST_PER_DAY = Decimal("3000.00")


def at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


@pytest.fixture
def dev_pki(settings, tmp_path):
    """A throwaway development PKI; live_server runs in this process, so it sees the setting."""
    settings.SIGNING_KEY_DIR = tmp_path / "signing"
    return PkiPaths(settings.SIGNING_KEY_DIR)


@dataclass
class Dates:
    start: date  # the acute placement started
    meeting: date  # the cost meeting agreed the split
    signed: date  # both signed (today)


def _dates(today: date) -> Dates:
    """The cost meeting three weeks ago (never on the 1st, so its month has days before it);
    the placement ten days before that."""
    meeting = today - timedelta(days=21)
    if meeting.day == 1:
        meeting -= timedelta(days=1)
    return Dates(start=meeting - timedelta(days=10), meeting=meeting, signed=today)


def _acute_placement_signed_weeks_after_the_meeting(dates: Dates, dev_pki) -> AgreementVersion:
    seed_organisations()
    seed_children(today=dates.signed)
    caseworker = User.objects.get(email=CASEWORKER)
    child = Child.objects.get(first_name="Alva", last_name="Andersson")  # an acute HVB
    Placement.objects.filter(child=child).update(
        actual_start=dates.start, planned_start=dates.start, cost_per_day=COST_PER_DAY
    )
    placement = child.placements.get()
    assert placement.is_acute and placement.form == Placement.Form.HVB
    unit = placement.placing_unit
    bup = Unit.objects.get(name="BUP Göteborg")
    held_on = dates.start + timedelta(days=3)
    sip = sip_services.sip_create(
        user=caseworker,
        child=child,
        initiating_unit=unit,
        need_noticed_on=dates.start,
        need_description="Samordning av boende och psykiatri.",
        placements=[placement],
    )
    for guardian in child.related_persons.filter(kind="guardian"):
        sip_services.consent_record(
            user=caseworker,
            sip=sip,
            given_by_kind="guardian",
            guardian=guardian,
            form="written",
            given_on=dates.start,
            scope="Alla inbjudna parter.",
            scope_units=[],
        )
    sip_services.invitation_create(
        user=caseworker, sip=sip, units=[bup], external_name="", invited_on=dates.start
    )
    meeting = sip_services.meeting_schedule(
        user=caseworker,
        sip=sip,
        meeting=SipMeeting(
            kind=SipMeeting.Kind.INITIAL,
            scheduled_on=held_on,
            scheduled_time=time(10),
            place="Socialtjänsten Göteborg",
            individual_offered_on=dates.start + timedelta(days=1),
        ),
    )
    sip_services.meeting_record_held(
        user=caseworker,
        meeting=meeting,
        started_at=at(held_on, 10),
        ended_at=at(held_on, 11),
        individual_offered_on=dates.start + timedelta(days=1),
        child_views="Vill bo kvar.",
        participants=[
            sip_services.ParticipantData(kind="child", name=child.full_name),
            sip_services.ParticipantData(kind="staff", name=bup.name, unit=bup),
        ],
        needs="Stöd i skolan och behandling.",
        interventions=[
            sip_services.InterventionData(
                description="Behandlingssamtal på BUP",
                responsible_kind="unit",
                responsible_unit=bup,
                is_health_care=True,
            ),
            sip_services.InterventionData(
                description="Boende och stöd på HVB", responsible_kind="unit", responsible_unit=unit
            ),
        ],
        overall_responsible_unit=unit,
        next_follow_up_on=dates.signed + timedelta(days=90),
    )
    meeting.refresh_from_db()
    municipal, regional = (
        User.objects.get(email=email) for email in (MUNICIPAL_SIGNATORY, BUP_SIGNATORY)
    )
    cost_meeting = agreement_services.cost_meeting_create(
        user=caseworker,
        placement=placement,
        sip_meeting=meeting,
        started_at=at(dates.meeting, 13),
        ended_at=at(dates.meeting, 14),
        place="Stadshuset",
        participants=[
            agreement_services.ParticipantChoice(kind="staff", user=municipal),
            agreement_services.ParticipantChoice(kind="staff", user=regional),
        ],
    )
    municipality, region = agreement_services.principals_of(placement)
    version = agreement_services.agreement_draft_save(
        user=caseworker,
        placement=placement,
        data=agreement_services.VersionData(
            cost_meeting=cost_meeting,
            health_care_provision="BUP Göteborg ger behandlingen på mottagningen.",
            split_unclear=True,
            split_method="standard",
            region_percent=None,
            region_amount_per_month=None,
            applies_from_start=False,  # nor another day: the cost meeting's day, the default
        ),
        lines=[
            agreement_services.LineData(
                description=i.description,
                responsible_principal=region if i.is_health_care else municipality,
                intervention_id=i.pk,
            )
            for i in meeting.plan.interventions.order_by("pk")
        ],
    )
    version = agreement_services.agreement_send_for_signature(user=caseworker, version=version)
    issue_certificates(dev_pki, [municipality, region])
    now = timezone.now()
    for user, principal in ((municipal, municipality), (regional, region)):
        signatures.agreement_sign(
            user=user,
            version=version,
            principal=principal,
            second_factor_at=now - timedelta(minutes=1),
        )
    version.refresh_from_db()
    return version


def _kr(amount: Decimal) -> str:
    """As the Swedish page shows it (issue 12): a no-break space between thousands and a
    decimal comma, ``30 000,00``."""
    whole, fraction = f"{amount:.2f}".split(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return "\u00a0".join([whole, *groups]) + "," + fraction


def test_the_acute_statement_splits_from_the_cost_meeting_day_not_the_signing(
    page, live_server, dev_pki
):
    dates = _dates(timezone.localdate())
    version = _acute_placement_signed_weeks_after_the_meeting(dates, dev_pki)
    assert version.status == "signed"
    assert version.effective_from == dates.meeting  # not dates.signed
    placement = version.agreement.placement

    login(page, live_server, CASEWORKER, DEMO_PASSWORD)
    page.goto(live_server.url + reverse("agreements:agreement_detail", args=[version.agreement_id]))
    assert f"{dates.meeting:%Y-%m-%d}" in page.locator("main").inner_text()
    assert_no_serious_axe_violations(page)

    month = dates.meeting.replace(day=1)
    url = reverse("agreements:placement_statement", args=[placement.pk])
    page.goto(f"{live_server.url}{url}?month={month:%Y-%m}")
    assert_no_serious_axe_violations(page)

    # By hand: the days of the month before the meeting are Göteborg's alone; from the meeting
    # day to the month's end the region bears a third (the placement is ongoing).
    first = max(month, dates.start)
    last = month.replace(day=calendar.monthrange(month.year, month.month)[1])
    before = (dates.meeting - first).days
    after = (last - dates.meeting).days + 1
    interim_cost = COST_PER_DAY * before
    split_cost = COST_PER_DAY * after
    region_part = (split_cost / 3).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    rows = page.locator("main table tbody tr")
    assert rows.count() == 2
    interim, split = (rows.nth(i).locator("td").all_inner_texts() for i in (0, 1))
    assert interim[0].startswith(f"{first:%Y-%m-%d}")
    assert interim[0].endswith(f"{dates.meeting - timedelta(days=1):%Y-%m-%d}")
    assert [interim[1], interim[3], interim[4], interim[5]] == [
        str(before),
        _kr(interim_cost),
        _kr(interim_cost),
        "0,00",
    ]
    assert split[0].startswith(f"{dates.meeting:%Y-%m-%d}")
    assert [split[1], split[3], split[4], split[5]] == [
        str(after),
        _kr(split_cost),
        _kr(split_cost - region_part),
        _kr(region_part),
    ]
