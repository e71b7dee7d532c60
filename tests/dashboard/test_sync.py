"""The deadline table follows the records: a change to a placement, an examination, a SIP
meeting, a plan or an agreement version refreshes the rows derived from it (dashboard.signals),
and rebuild_all recomputes the whole table."""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from agreements.models import AgreementVersion
from dashboard import sync
from dashboard.models import Deadline
from domain.deadlines import DeadlineStatus
from placements.models import HealthExamination, Placement
from sip.models import SipMeeting
from tests.dashboard.conftest import TODAY, at, status_on
from tests.placements.factories import ChildFactory, HealthExaminationFactory

pytestmark = pytest.mark.django_db


def keys_of(obj_prefix: str) -> set[str]:
    return set(Deadline.objects.filter(key__startswith=obj_prefix).values_list("key", flat=True))


def test_offering_the_health_exam_turns_overdue_into_met_late(make_placement):
    """R-PLAC-4: initiated 1 April, due 29 April; offered on 30 April, a day late."""
    placement = make_placement()
    exam = HealthExaminationFactory(placement=placement, initiated_on=date(2026, 4, 1))
    key = f"placement:{placement.pk}:exam:physical_mental"
    assert status_on(key, TODAY) == DeadlineStatus.OVERDUE

    exam.offered_on = date(2026, 4, 30)
    exam.save()

    assert Deadline.objects.get(key=key).met_on == date(2026, 4, 30)
    assert status_on(key, TODAY) == DeadlineStatus.MET_LATE


def test_an_examination_judged_unnecessary_is_met_on_the_day_it_was_initiated(make_placement):
    placement = make_placement()
    HealthExaminationFactory(
        placement=placement,
        kind=HealthExamination.Kind.ORAL,
        initiated_on=date(2026, 4, 1),
        unnecessary_reason="Undersökt hos Folktandvården förra månaden.",
    )

    row = Deadline.objects.get(key=f"placement:{placement.pk}:exam:oral")
    assert row.met_on == date(2026, 4, 1)
    assert status_on(row.key, TODAY) == DeadlineStatus.MET_ON_TIME


def test_an_examination_with_an_examining_unit_stays_the_placing_units_deadline(
    make_placement, primary_care
):
    """R-PLAC-4: the examining unit may not see the child, so the deadline stays with the
    placing unit and its caseworker, who follow it up; otherwise nobody would see it."""
    placement = make_placement()
    HealthExaminationFactory(placement=placement, unit=primary_care)

    row = Deadline.objects.get(key=f"placement:{placement.pk}:exam:physical_mental")
    assert row.unit == placement.placing_unit
    assert row.responsible == placement.caseworker


def test_deleting_an_examination_removes_its_deadline(make_placement):
    placement = make_placement()
    exam = HealthExaminationFactory(placement=placement)
    key = f"placement:{placement.pk}:exam:physical_mental"
    assert Deadline.objects.filter(key=key).exists()

    exam.delete()

    assert not Deadline.objects.filter(key=key).exists()


def test_holding_the_first_sip_meeting_meets_the_deadline(make_sip, gbg_caseworker):
    """R-SIP-1: noticed 20 April, due 11 May; a scheduled meeting does not count, a held one
    does, on the Swedish day it started."""
    sip = make_sip(need_noticed_on=date(2026, 4, 20))
    key = f"sip:{sip.pk}:first"
    meeting = SipMeeting.objects.create(
        sip=sip,
        kind=SipMeeting.Kind.INITIAL,
        scheduled_on=date(2026, 5, 8),
        created_by=gbg_caseworker,
    )
    assert status_on(key, TODAY) == DeadlineStatus.OVERDUE

    meeting.started_at = at(date(2026, 5, 8), 9)
    meeting.ended_at = at(date(2026, 5, 8), 10)
    meeting.save()

    assert Deadline.objects.get(key=key).met_on == date(2026, 5, 8)
    assert status_on(key, TODAY) == DeadlineStatus.MET_ON_TIME


def test_a_meeting_that_has_started_but_not_ended_is_not_yet_held(make_sip, gbg_caseworker):
    sip = make_sip(need_noticed_on=date(2026, 4, 20))
    SipMeeting.objects.create(
        sip=sip,
        kind=SipMeeting.Kind.INITIAL,
        scheduled_on=TODAY,
        started_at=at(TODAY, 9),
        created_by=gbg_caseworker,
    )

    assert Deadline.objects.get(key=f"sip:{sip.pk}:first").met_on is None


def test_each_plan_version_has_its_own_follow_up_met_by_the_next_meeting(make_sip, plan):
    """R-SIP-6: plan 1 (held 1 March) sets 1 April; plan 2 is drawn up at the follow-up on
    3 April (late) and sets 1 July."""
    sip = make_sip(need_noticed_on=date(2026, 2, 20))
    plan(sip, held_on=date(2026, 3, 1), follow_up_on=date(2026, 4, 1))
    first = Deadline.objects.get(key=f"sip:{sip.pk}:followup:1")
    assert (first.due_on, first.met_on) == (date(2026, 4, 1), None)

    plan(sip, held_on=date(2026, 4, 3), follow_up_on=date(2026, 7, 1), number=2)

    first = Deadline.objects.get(key=f"sip:{sip.pk}:followup:1")
    second = Deadline.objects.get(key=f"sip:{sip.pk}:followup:2")
    assert first.met_on == date(2026, 4, 3)
    assert status_on(first.key, TODAY) == DeadlineStatus.MET_LATE
    assert (second.due_on, second.met_on) == (date(2026, 7, 1), None)
    assert status_on(second.key, TODAY) == DeadlineStatus.OPEN


def test_signing_the_agreement_settles_the_acute_split(make_placement, agreement_version):
    """R-PLAC-3: acute placement started 1 May (due 31 May); signed by both on 12 May."""
    placement = make_placement(
        is_acute=True,
        status=Placement.Status.ACTIVE,
        planned_start=date(2026, 5, 1),
        actual_start=date(2026, 5, 1),
    )
    version = agreement_version(placement)
    key = f"placement:{placement.pk}:acute"
    assert Deadline.objects.get(key=key).met_on is None
    assert status_on(key, TODAY) == DeadlineStatus.OPEN

    version.status = AgreementVersion.Status.SIGNED
    version.signed_at = at(date(2026, 5, 12), 14)
    version.save()

    assert Deadline.objects.get(key=key).met_on == date(2026, 5, 12)
    assert status_on(key, TODAY) == DeadlineStatus.MET_ON_TIME


def test_a_signed_version_with_a_review_date_gets_a_review_deadline_linking_the_agreement(
    make_placement, agreement_version
):
    placement = make_placement()
    version = agreement_version(
        placement,
        status=AgreementVersion.Status.SIGNED,
        signed_on=date(2026, 2, 20),
        review_on=date(2026, 8, 20),
    )

    row = Deadline.objects.get(key=f"placement:{placement.pk}:review:{version.pk}")
    assert row.due_on == date(2026, 8, 20)
    assert row.url == reverse("agreements:agreement_detail", args=[version.agreement_id])


def test_a_draft_version_with_a_review_date_has_no_review_deadline(
    make_placement, agreement_version
):
    placement = make_placement()
    agreement_version(placement, status=AgreementVersion.Status.DRAFT, review_on=date(2026, 8, 20))

    assert not keys_of(f"placement:{placement.pk}:review:")


def test_starting_a_placement_adds_the_care_contact_deadline(make_placement):
    """R-PLAC-5: counted from the actual start, so a planned placement has none yet."""
    placement = make_placement(planned_start=date(2026, 5, 4))
    assert not keys_of(f"placement:{placement.pk}:care-contact")

    placement.status = Placement.Status.ACTIVE
    placement.actual_start = date(2026, 5, 5)
    placement.save()

    row = Deadline.objects.get(key=f"placement:{placement.pk}:care-contact")
    assert row.due_on == date(2026, 5, 26)


def test_an_adult_needs_no_power_of_attorney(goteborg, gbg_social, make_placement):
    """R-PLAC-6 is for minors only."""
    adult = ChildFactory(
        birth_date=date(2007, 1, 1), home_municipality=goteborg, responsible_unit=gbg_social
    )
    placement = make_placement(
        child=adult, legal_basis=Placement.LegalBasis.LVU, planned_start=date(2026, 6, 1)
    )

    assert not keys_of(f"placement:{placement.pk}:poa")


def test_cancelling_a_placement_removes_its_deadlines(make_placement):
    placement = make_placement(investigation_report_on=date(2026, 4, 1))
    assert keys_of(f"placement:{placement.pk}:")

    placement.status = Placement.Status.CANCELLED
    placement.end_reason = "Behovet föll bort."
    placement.save()

    assert not keys_of(f"placement:{placement.pk}:")


def test_rows_carry_the_placing_unit_and_caseworker(make_placement, gbg_social, gbg_caseworker):
    placement = make_placement(investigation_report_on=date(2026, 4, 1))

    rows = Deadline.objects.filter(key__startswith=f"placement:{placement.pk}:")
    assert {r.unit for r in rows} == {gbg_social}
    assert {r.responsible for r in rows} == {gbg_caseworker}
    assert {r.child_id for r in rows} == {placement.child_id}
    assert {r.url for r in rows} == {reverse("placements:placement_detail", args=[placement.pk])}


def test_rebuild_all_recomputes_the_same_rows(make_placement, make_sip, plan):
    placement = make_placement(
        is_acute=True,
        status=Placement.Status.ACTIVE,
        planned_start=date(2026, 4, 1),
        actual_start=date(2026, 4, 1),
        investigation_report_on=date(2026, 3, 1),
    )
    HealthExaminationFactory(placement=placement)
    sip = make_sip(need_noticed_on=date(2026, 3, 1))
    plan(sip, held_on=date(2026, 3, 10), follow_up_on=date(2026, 6, 10))
    before = set(Deadline.objects.values_list("key", "kind", "due_on", "met_on"))
    Deadline.objects.all().delete()

    count = sync.rebuild_all()

    assert count == len(before)
    assert set(Deadline.objects.values_list("key", "kind", "due_on", "met_on")) == before


def test_rebuild_deadlines_command_reports_the_count(make_placement):
    make_placement(investigation_report_on=date(2026, 4, 1))
    Deadline.objects.all().delete()
    out = StringIO()

    call_command("rebuild_deadlines", stdout=out)

    assert str(Deadline.objects.count()) in out.getvalue()
    assert Deadline.objects.count() > 0


def test_refreshing_twice_does_not_duplicate_rows(make_placement):
    placement = make_placement(investigation_report_on=date(2026, 4, 1))
    before = Deadline.objects.count()

    sync.refresh_placement(placement.pk)
    sync.refresh_placement(placement.pk)

    assert Deadline.objects.count() == before


def test_correcting_the_day_the_need_was_noticed_moves_the_due_date(make_sip):
    sip = make_sip(need_noticed_on=date(2026, 5, 1))
    sip.need_noticed_on = date(2026, 5, 4)
    sip.save()

    assert Deadline.objects.get(key=f"sip:{sip.pk}:first").due_on == date(2026, 5, 4) + timedelta(
        days=21
    )


def test_closing_the_sip_leaves_no_follow_up_to_wait_for(make_sip, plan):
    """R-SIP-6: the closing meeting meets the last follow-up; the plan drawn up at the closing
    meeting sets no further follow-up that could ever be met."""
    sip = make_sip(need_noticed_on=date(2026, 2, 20))
    plan(sip, held_on=date(2026, 3, 1), follow_up_on=date(2026, 4, 1))
    plan(
        sip,
        held_on=date(2026, 3, 30),
        follow_up_on=date(2026, 5, 1),
        number=2,
        kind=SipMeeting.Kind.CLOSING,
    )
    sip.closed_on = date(2026, 3, 30)
    sip.save()

    rows = Deadline.objects.filter(key__startswith=f"sip:{sip.pk}:followup:")
    assert [(r.key, r.met_on) for r in rows] == [(f"sip:{sip.pk}:followup:1", date(2026, 3, 30))]
    assert (
        not Deadline.objects.with_status(today=TODAY, due_soon_days=7)
        .filter(sip=sip, status="overdue")
        .exists()
    )


def test_seed_demo_gives_deadlines_in_every_status():
    """Issue 7: a newcomer's dashboard is not empty."""
    call_command("seed_demo", "--quiet-logins", stdout=StringIO())

    statuses = set(
        Deadline.objects.with_status(today=TODAY, due_soon_days=7).values_list("status", flat=True)
    )
    assert statuses == {s.value for s in DeadlineStatus}


def test_a_new_regional_agreement_does_not_change_the_deadlines_of_earlier_cases(
    make_sip, monkeypatch
):
    """Issue 11: each deadline uses the rule set in force on the day it is computed from. A new
    Västra Götaland agreement from 1 May with 14 days for the first SIP meeting: a need noticed
    on 30 April keeps 21 days (due 21 May), one noticed on 1 May gets 14 (due 15 May)."""
    import dataclasses

    from domain.rulesets import RULE_SET_HISTORY, VASTRA_GOTALAND

    newer = dataclasses.replace(
        VASTRA_GOTALAND, valid_from=date(2026, 5, 1), valid_until=None, sip_meeting_days=14
    )
    monkeypatch.setitem(RULE_SET_HISTORY, "VG", (VASTRA_GOTALAND, newer))

    before = make_sip(need_noticed_on=date(2026, 4, 30))
    after = make_sip(need_noticed_on=date(2026, 5, 1))

    assert Deadline.objects.get(key=f"sip:{before.pk}:first").due_on == date(2026, 5, 21)
    assert Deadline.objects.get(key=f"sip:{after.pk}:first").due_on == date(2026, 5, 15)
