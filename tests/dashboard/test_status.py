"""Every deadline kind of issue 7, one day either side of its limit: the records are made, the
signals derive the row through the engine, and the database computes the status for an injected
``today``. Then the database's status is compared with domain.deadlines.deadline_status over a
grid of dates, so the dashboard and the engine cannot disagree."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest

from agreements.models import AgreementVersion
from dashboard.models import Deadline
from domain.deadlines import RULE_OF, DeadlineKind, DeadlineStatus, deadline_status
from placements.models import Placement, PlacementFollowUp
from sip.models import SipMeeting
from tests.dashboard.conftest import DUE_SOON_DAYS, TODAY, status_on
from tests.placements.factories import HealthExaminationFactory

pytestmark = pytest.mark.django_db

START = date(2026, 3, 2)  # a Monday: the day each clock starts in these tests
ENDED = date(2025, 12, 31)  # a placement end whose "2 months later" is clamped to 28 February


@dataclass(frozen=True)
class Case:
    """What a kind's deadline counts from, and the limit the rule sets."""

    due_on: date
    build: Callable[..., str]  # (fixtures, met_on) -> the row's key


def _sip_first_meeting(f, met_on):
    # R-SIP-1: the meeting within 3 weeks of the need being noticed.
    sip = f.make_sip(need_noticed_on=START)
    if met_on:
        f.held_meeting(sip, met_on)
    return f"sip:{sip.pk}:first"


def _acute_settlement(f, met_on):
    # R-PLAC-3: the acute split settled (the agreement signed) within 30 days of the start.
    p = f.make_placement(
        is_acute=True, status=Placement.Status.ACTIVE, planned_start=START, actual_start=START
    )
    if met_on:
        f.agreement_version(p, status=AgreementVersion.Status.SIGNED, signed_on=met_on)
    return f"placement:{p.pk}:acute"


def _agreement_before_start(f, met_on):
    # R-PLAC-2: a planned placement's agreement signed on the planned start at the latest.
    p = f.make_placement(planned_start=START)
    if met_on:
        f.agreement_version(p, status=AgreementVersion.Status.SIGNED, signed_on=met_on)
    return f"placement:{p.pk}:agreement"


def _health_exam_offer(f, met_on):
    # R-PLAC-4: the appointment offered within 4 weeks of the request.
    p = f.make_placement(planned_start=START - timedelta(days=5))
    HealthExaminationFactory(placement=p, initiated_on=START, offered_on=met_on)
    return f"placement:{p.pk}:exam:physical_mental"


def _sip_follow_up(f, met_on):
    # R-SIP-6: the follow-up on the date the plan sets.
    sip = f.make_sip(need_noticed_on=START - timedelta(days=40))
    f.plan(sip, held_on=START - timedelta(days=30), follow_up_on=START)
    if met_on:
        f.held_meeting(sip, met_on, kind=SipMeeting.Kind.FOLLOW_UP)
    return f"sip:{sip.pk}:followup:1"


def _agreement_review(f, met_on):
    # R-COST-5: the joint review on the version's review date; a later signed version is it.
    p = f.make_placement(planned_start=START - timedelta(days=120))
    first = f.agreement_version(
        p,
        status=AgreementVersion.Status.SIGNED,
        signed_on=START - timedelta(days=125),
        review_on=START,
    )
    if met_on:
        first.status = AgreementVersion.Status.SUPERSEDED
        first.save()
        f.agreement_version(p, number=2, status=AgreementVersion.Status.SIGNED, signed_on=met_on)
    return f"placement:{p.pk}:review:{first.pk}"


def _post_placement_follow_up(f, met_on):
    # R-PLAC-7: the follow-up after the placement ends within 2 months of its end.
    p = f.make_placement(
        status=Placement.Status.ENDED,
        planned_start=ENDED - timedelta(days=90),
        actual_start=ENDED - timedelta(days=90),
        actual_end=ENDED,
        follow_up_until=ENDED + timedelta(days=50),
        follow_up_ended_on=met_on,
    )
    return f"placement:{p.pk}:followup"


def _investigation_decision(f, met_on):
    # 002 §3.3.1: the decision to investigate within 2 weeks of the report.
    p = f.make_placement(investigation_report_on=START, investigation_decided_on=met_on)
    return f"placement:{p.pk}:inv-decision"


def _investigation_completion(f, met_on):
    # 002 §3.3.1: the investigation done within 4 months of the decision.
    p = f.make_placement(
        investigation_report_on=START - timedelta(days=10),
        investigation_decided_on=START,
        investigation_completed_on=met_on,
    )
    return f"placement:{p.pk}:inv-completion"


def _care_contact(f, met_on):
    # R-PLAC-5: a placed child's permanent care contact, by the first SIP's limit.
    p = f.make_placement(
        status=Placement.Status.ACTIVE,
        planned_start=START,
        actual_start=START,
        care_contact_appointed_on=met_on,
    )
    return f"placement:{p.pk}:care-contact"


def _power_of_attorney(f, met_on):
    # R-PLAC-6: an LVU minor's power of attorney issued on the placement start at the latest.
    p = f.make_placement(
        legal_basis=Placement.LegalBasis.LVU,
        form=Placement.Form.HVB,
        planned_start=START,
        power_of_attorney_issued_on=met_on,
    )
    return f"placement:{p.pk}:poa"


def _placement_follow_up(f, met_on):
    # R-PLAC-7 (L24): the next joint follow-up on the date the last one set, met by the next.
    p = f.make_placement(
        status=Placement.Status.ACTIVE,
        planned_start=START - timedelta(days=90),
        actual_start=START - timedelta(days=90),
    )
    first = PlacementFollowUp.objects.create(
        placement=p,
        held_on=START - timedelta(days=60),
        participants="Socialsekreterare och BUP",
        next_follow_up_on=START,
        created_by=p.caseworker,
    )
    if met_on:
        PlacementFollowUp.objects.create(
            placement=p,
            held_on=met_on,
            participants="Socialsekreterare och BUP",
            next_follow_up_on=met_on + timedelta(days=90),
            created_by=p.caseworker,
        )
    p.save()  # the follow-up service saves the placement, which refreshes its deadlines
    return f"placement:{p.pk}:joint-followup:{first.pk}"


def _dispute(f, *, level, sub_regional_since, regional_since=None, closed_on=None, status="open"):
    from agreements.models import Dispute

    p = f.make_placement(
        status=Placement.Status.ACTIVE,
        planned_start=START - timedelta(days=90),
        actual_start=START - timedelta(days=90),
    )
    version = f.agreement_version(
        p, status=AgreementVersion.Status.SIGNED, signed_on=START - timedelta(days=95)
    )
    agreement = version.agreement
    return Dispute.objects.create(
        agreement=agreement,
        subject="cost",
        question="Olika läsning.",
        raised_by_principal=agreement.municipality,
        level=level,
        status=status,
        opened_on=START - timedelta(days=40),
        sub_regional_since=sub_regional_since,
        regional_since=regional_since,
        closed_on=closed_on,
        created_by=p.caseworker,
    )


def _dispute_sub_regional(f, met_on):
    # R-DISP-1: solved sub-regionally, or passed on, within 30 days; here passed on.
    d = _dispute(
        f,
        level="regional" if met_on else "sub_regional",
        sub_regional_since=START,
        regional_since=met_on,
    )
    return f"dispute:{d.pk}:dispute_sub_regional"


def _dispute_regional(f, met_on):
    # R-DISP-1: the regional level prepares the matter within 30 days (the recommendation).
    d = _dispute(
        f,
        level="regional",
        sub_regional_since=START - timedelta(days=31),
        regional_since=START,
        closed_on=met_on,
        status="recommended" if met_on else "open",
    )
    return f"dispute:{d.pk}:dispute_regional"


CASES: dict[DeadlineKind, Case] = {
    DeadlineKind.SIP_FIRST_MEETING: Case(date(2026, 3, 23), _sip_first_meeting),
    DeadlineKind.ACUTE_SETTLEMENT: Case(date(2026, 4, 1), _acute_settlement),
    DeadlineKind.AGREEMENT_BEFORE_START: Case(START, _agreement_before_start),
    DeadlineKind.HEALTH_EXAM_OFFER: Case(date(2026, 3, 30), _health_exam_offer),
    DeadlineKind.SIP_FOLLOW_UP: Case(START, _sip_follow_up),
    DeadlineKind.AGREEMENT_REVIEW: Case(START, _agreement_review),
    DeadlineKind.POST_PLACEMENT_FOLLOW_UP: Case(date(2026, 2, 28), _post_placement_follow_up),
    DeadlineKind.INVESTIGATION_DECISION: Case(date(2026, 3, 16), _investigation_decision),
    DeadlineKind.INVESTIGATION_COMPLETION: Case(date(2026, 7, 2), _investigation_completion),
    DeadlineKind.CARE_CONTACT: Case(date(2026, 3, 23), _care_contact),
    DeadlineKind.POWER_OF_ATTORNEY: Case(START, _power_of_attorney),
    DeadlineKind.PLACEMENT_FOLLOW_UP: Case(START, _placement_follow_up),
    DeadlineKind.DISPUTE_SUB_REGIONAL: Case(date(2026, 4, 1), _dispute_sub_regional),
    DeadlineKind.DISPUTE_REGIONAL: Case(date(2026, 4, 1), _dispute_regional),
}
KINDS = list(CASES)


class Fixtures:
    def __init__(self, request: pytest.FixtureRequest) -> None:
        for name in ("make_placement", "make_sip", "held_meeting", "plan", "agreement_version"):
            setattr(self, name, request.getfixturevalue(name))


@pytest.fixture
def build(request):
    """``build(kind, met_on)``: the records of one deadline of ``kind``; returns the row's key."""
    fixtures = Fixtures(request)
    return lambda kind, met_on=None: CASES[kind].build(fixtures, met_on)


def test_every_kind_has_a_case():
    assert set(CASES) == set(DeadlineKind)


@pytest.mark.parametrize("kind", KINDS)
def test_sync_makes_one_row_due_on_the_limit(build, gbg_social, kind):
    key = build(kind)

    row = Deadline.objects.get(key=key)
    assert row.kind == kind.value
    assert row.due_on == CASES[kind].due_on
    assert row.met_on is None
    assert row.rule == RULE_OF[kind]
    assert row.unit == gbg_social
    assert row.url.startswith("/")


# Open deadlines around the limit: a week and a day ahead is open, a week ahead is due soon, the
# due date itself is still due soon, the day after is overdue.
OPEN_CASES = [
    (-(DUE_SOON_DAYS + 1), DeadlineStatus.OPEN),
    (-DUE_SOON_DAYS, DeadlineStatus.DUE_SOON),
    (0, DeadlineStatus.DUE_SOON),
    (1, DeadlineStatus.OVERDUE),
]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(("today_offset", "expected"), OPEN_CASES)
def test_an_unmet_deadline_is_open_due_soon_then_overdue(build, kind, today_offset, expected):
    key = build(kind)
    today = CASES[kind].due_on + timedelta(days=today_offset)

    assert status_on(key, today) == expected


# Met deadlines: the day before and the due date itself are on time, the day after is late,
# whatever the day it is now.
MET_CASES = [
    (-1, DeadlineStatus.MET_ON_TIME),
    (0, DeadlineStatus.MET_ON_TIME),
    (1, DeadlineStatus.MET_LATE),
]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(("met_offset", "expected"), MET_CASES)
def test_a_met_deadline_is_on_time_up_to_the_limit_and_late_after(
    build, kind, met_offset, expected
):
    due_on = CASES[kind].due_on
    key = build(kind, due_on + timedelta(days=met_offset))

    row = Deadline.objects.get(key=key)
    assert row.met_on == due_on + timedelta(days=met_offset)
    for today in (due_on - timedelta(days=30), due_on, due_on + timedelta(days=1), TODAY):
        assert status_on(key, today) == expected


def test_a_settlement_is_dated_by_the_swedish_day_it_was_signed(make_placement, agreement_version):
    """R-PLAC-3: signed at 22:30 UTC on the due date is 00:30 the next day in Sweden: late."""
    start = date(2026, 3, 1)  # due 31 March
    placement = make_placement(
        is_acute=True, status=Placement.Status.ACTIVE, planned_start=start, actual_start=start
    )
    version = agreement_version(placement)
    version.status = AgreementVersion.Status.SIGNED
    version.signed_at = datetime(2026, 3, 31, 22, 30, tzinfo=UTC)
    version.save()

    row = Deadline.objects.get(key=f"placement:{placement.pk}:acute")
    assert row.due_on == date(2026, 3, 31)
    assert row.met_on == date(2026, 4, 1)
    assert status_on(row.key, TODAY) == DeadlineStatus.MET_LATE


# The database's CASE expression against the engine, day by day around one due date.
DUE = date(2026, 2, 28)
MET_VARIANTS = [None, DUE - timedelta(days=1), DUE, DUE + timedelta(days=1)]


@pytest.mark.parametrize("due_soon_days", [0, 1, DUE_SOON_DAYS])
@pytest.mark.parametrize("today_offset", range(-9, 4))
def test_database_status_equals_the_engine(bulk_deadlines, due_soon_days, today_offset):
    today = DUE + timedelta(days=today_offset)
    rows = [bulk_deadlines(1, due_on=DUE, met_on=met_on)[0] for met_on in MET_VARIANTS]

    computed = dict(
        Deadline.objects.with_status(today=today, due_soon_days=due_soon_days)
        .filter(pk__in=[r.pk for r in rows])
        .values_list("pk", "status")
    )

    for row in rows:
        expected = deadline_status(
            due_on=row.due_on, met_on=row.met_on, today=today, due_soon_days=due_soon_days
        )
        assert computed[row.pk] == expected, (row.met_on, today, due_soon_days)


def test_the_status_said_on_the_columns_selects_what_the_computed_status_selects(
    bulk_deadlines,
):
    """``status_q`` (the filters of the dashboard's drill-down, its CSV and the start page's
    overdue count, issue 13) against ``with_status`` for every set of statuses, with deadlines
    due on each day around today and the due-soon window, met before, on and after the day."""
    from itertools import combinations

    statuses = [s.value for s in DeadlineStatus]
    soon = TODAY + timedelta(days=DUE_SOON_DAYS)
    days = [TODAY + timedelta(days=d) for d in range(-3, DUE_SOON_DAYS + 4)]
    for due_on in days:
        bulk_deadlines(1, due_on=due_on)
        for met in (-1, 0, 1):
            bulk_deadlines(1, due_on=due_on, met_on=due_on + timedelta(days=met))
    assert {soon - timedelta(days=1), soon, soon + timedelta(days=1)} <= set(days)
    rows = Deadline.objects.with_status(today=TODAY, due_soon_days=DUE_SOON_DAYS)
    assert {r.status for r in rows} == set(statuses)
    for size in range(len(statuses) + 1):
        for chosen in combinations(statuses, size):
            by_case = {r.pk for r in rows if r.status in chosen}
            by_columns = set(
                rows.in_status(*chosen, today=TODAY, due_soon_days=DUE_SOON_DAYS).values_list(
                    "pk", flat=True
                )
            )
            assert by_columns == by_case, chosen
