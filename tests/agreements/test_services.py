"""The agreements services: the cost meeting (R-MEET-1, R-MEET-2), the draft and its split
(R-COST-1..3), sending for signature, versions (R-COST-4) and the placement start (R-PLAC-2).

Every refusal leaves nothing behind: no row and no audit row.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from agreements import selectors, services
from agreements.models import (
    Agreement,
    AgreementLine,
    AgreementVersion,
    CostMeeting,
    CostMeetingParticipant,
)
from core.models import AuditAction
from domain.agreements import AgreementStatus
from domain.errors import RuleViolation, violations_of
from domain.rulesets import VASTRA_GOTALAND
from placements import services as placement_services
from placements.models import Placement
from tests.agreements.conftest import (
    HELD_ON,
    SIP_ENDED,
    TODAY,
    at,
    lines_for,
    sign,
    staff,
    version_data,
)
from tests.factories import FinancialMandateFactory, UserFactory
from tests.placements.factories import ChildFactory, PlacementFactory
from tests.sip.factories import SipFactory, SipMeetingFactory

pytestmark = pytest.mark.django_db


def test_the_model_statuses_mirror_the_domain():
    assert {s.value for s in AgreementVersion.Status} == {s.value for s in AgreementStatus}


def test_principals_of_a_municipal_placement_are_the_municipality_and_its_region(
    placement, goteborg, region
):
    assert services.principals_of(placement) == (goteborg, region)


# --- the cost meeting -------------------------------------------------------------------------


def _create_meeting(placement, sip_meeting, user, participants, *, started_at=None, ended_at=None):
    started_at = started_at or at(HELD_ON, 13)
    return services.cost_meeting_create(
        user=user,
        placement=placement,
        sip_meeting=sip_meeting,
        started_at=started_at,
        ended_at=ended_at,
        place="Stadshuset",
        participants=participants,
    )


def _nothing_stored(audit) -> None:
    assert CostMeeting.objects.count() == 0
    assert CostMeetingParticipant.objects.count() == 0
    assert audit.new() == []


def test_a_cost_meeting_with_staff_of_both_principals_is_stored_with_an_audit_row(
    placement,
    sip_meeting,
    gbg_caseworker,
    bup_clinician,
    gbg_signatory,
    bup_signatory,
    goteborg,
    region,
    audit,
):
    meeting = _create_meeting(
        placement,
        sip_meeting,
        gbg_caseworker,
        staff(gbg_caseworker, bup_clinician, gbg_signatory, bup_signatory),
        ended_at=at(HELD_ON, 14),
    )

    assert meeting.sip_meeting == sip_meeting
    assert meeting.started_at == at(HELD_ON, 13)
    assert set(meeting.participant_rows.values_list("user_id", "principal_id")) == {
        (gbg_caseworker.pk, goteborg.pk),
        (bup_clinician.pk, region.pk),
        (gbg_signatory.pk, goteborg.pk),
        (bup_signatory.pk, region.pk),
    }
    [event] = audit.new()
    assert event.action == AuditAction.CREATE
    assert event.object_type == "agreements.costmeeting"
    assert event.object_id == str(meeting.pk)
    assert event.child_id == placement.child_id


def test_a_participant_chosen_twice_is_stored_once(
    placement, sip_meeting, gbg_caseworker, gbg_signatory, bup_signatory
):
    meeting = _create_meeting(
        placement,
        sip_meeting,
        gbg_caseworker,
        staff(gbg_signatory, bup_signatory, gbg_signatory),
    )

    assert meeting.participant_rows.count() == 2


# R-MEET-3: a participant with a financial mandate for each principal, valid on the meeting day.

NO_MUNICIPAL_MANDATE = (
    "No participant holds a financial mandate for the municipality valid on the day of the meeting."
)
NO_REGION_MANDATE = (
    "No participant holds a financial mandate for the region valid on the day of the meeting."
)


def test_no_cost_meeting_for_a_cancelled_placement(
    placement, sip_meeting, gbg_caseworker, bup_clinician, gbg_signatory, bup_signatory, audit
):
    """LIFECYCLE: a cancelled placement never took place; the page no longer offers the
    meeting either (found in an exploratory review: the button led to a dead end)."""
    Placement.objects.filter(pk=placement.pk).update(status=Placement.Status.CANCELLED)
    placement.refresh_from_db()
    audit.mark()

    with pytest.raises(RuleViolation) as exc:
        _create_meeting(
            placement,
            sip_meeting,
            gbg_caseworker,
            staff(gbg_caseworker, bup_clinician, gbg_signatory, bup_signatory),
            ended_at=at(HELD_ON, 14),
        )

    assert exc.value.rule == "LIFECYCLE"
    _nothing_stored(audit)


def test_r_meet_3_a_cost_meeting_without_any_mandate_holder_is_refused(
    placement, sip_meeting, gbg_caseworker, bup_clinician, audit
):
    audit.mark()

    with pytest.raises(RuleViolation) as exc:
        _create_meeting(
            placement, sip_meeting, gbg_caseworker, staff(gbg_caseworker, bup_clinician)
        )

    assert (exc.value.rule, exc.value.field) == ("R-MEET-3", "participants")
    assert exc.value.message == NO_MUNICIPAL_MANDATE
    _nothing_stored(audit)


def test_r_meet_3_a_cost_meeting_without_a_mandate_holder_for_the_region_is_refused(
    placement, sip_meeting, gbg_caseworker, bup_clinician, gbg_signatory, audit
):
    audit.mark()

    with pytest.raises(RuleViolation) as exc:
        _create_meeting(placement, sip_meeting, gbg_caseworker, staff(gbg_signatory, bup_clinician))

    assert (exc.value.rule, exc.value.message) == ("R-MEET-3", NO_REGION_MANDATE)
    _nothing_stored(audit)


@pytest.mark.parametrize(
    ("last_day", "stored"),
    [(HELD_ON - timedelta(days=1), False), (HELD_ON, True)],
    ids=["ended-the-day-before", "ends-on-the-meeting-day"],
)
def test_r_meet_3_the_mandate_must_be_valid_on_the_meeting_day(
    placement, sip_meeting, gbg_caseworker, gbg_signatory, bup_signatory, audit, last_day, stored
):
    mandate = bup_signatory.mandates.get()
    mandate.ended_on = last_day
    mandate.save()
    audit.mark()
    participants = staff(gbg_signatory, bup_signatory)

    if stored:
        meeting = _create_meeting(placement, sip_meeting, gbg_caseworker, participants)
        assert meeting.participant_rows.count() == 2
    else:
        with pytest.raises(RuleViolation) as exc:
            _create_meeting(placement, sip_meeting, gbg_caseworker, participants)
        assert (exc.value.rule, exc.value.message) == ("R-MEET-3", NO_REGION_MANDATE)
        _nothing_stored(audit)


def test_r_meet_3_a_mandate_for_a_third_principal_does_not_count(
    placement, sip_meeting, gbg_caseworker, bup_signatory, molndal, audit
):
    """A Göteborg caseworker who also holds a mandate for Mölndal cannot decide for Göteborg."""
    FinancialMandateFactory(user=gbg_caseworker, principal=molndal)
    audit.mark()

    with pytest.raises(RuleViolation) as exc:
        _create_meeting(
            placement, sip_meeting, gbg_caseworker, staff(gbg_caseworker, bup_signatory)
        )

    assert (exc.value.rule, exc.value.message) == ("R-MEET-3", NO_MUNICIPAL_MANDATE)
    _nothing_stored(audit)


@pytest.mark.parametrize("kind", ["child", "guardian", "close_person"])
def test_r_meet_2_the_family_is_refused_by_the_service_and_nothing_is_stored(
    placement, sip_meeting, gbg_caseworker, bup_clinician, audit, kind
):
    """R-MEET-2: "Den enskilde medverkar inte!" — even next to staff of both principals."""
    audit.mark()
    participants = [
        *staff(gbg_caseworker, bup_clinician),
        services.ParticipantChoice(kind=kind),
    ]

    with pytest.raises(RuleViolation) as exc:
        _create_meeting(placement, sip_meeting, gbg_caseworker, participants)

    assert exc.value.rule == "R-MEET-2"
    _nothing_stored(audit)


def test_r_meet_2_staff_of_a_third_principal_is_refused(
    placement, sip_meeting, gbg_caseworker, bup_clinician, mdl_caseworker, audit
):
    audit.mark()

    with pytest.raises(RuleViolation) as exc:
        _create_meeting(
            placement,
            sip_meeting,
            gbg_caseworker,
            staff(gbg_caseworker, bup_clinician, mdl_caseworker),
        )

    assert exc.value.rule == "R-MEET-2"
    _nothing_stored(audit)


def test_r_meet_2_a_user_of_no_unit_is_refused(
    placement, sip_meeting, gbg_caseworker, bup_clinician, audit
):
    outsider = UserFactory()
    audit.mark()

    with pytest.raises(RuleViolation):
        _create_meeting(
            placement, sip_meeting, gbg_caseworker, staff(gbg_caseworker, bup_clinician, outsider)
        )

    _nothing_stored(audit)


@pytest.mark.parametrize("who", ["gbg_caseworker", "bup_clinician"])
def test_r_meet_2_one_participant_from_each_principal_is_required(
    request, placement, sip_meeting, gbg_caseworker, audit, who
):
    audit.mark()

    with pytest.raises(RuleViolation) as exc:
        _create_meeting(placement, sip_meeting, gbg_caseworker, staff(request.getfixturevalue(who)))

    assert exc.value.rule == "R-MEET-3"
    _nothing_stored(audit)


def test_r_meet_1_a_sip_meeting_not_yet_held_is_refused(
    placement, sip, gbg_caseworker, bup_clinician, audit
):
    scheduled = SipMeetingFactory(sip=sip, scheduled_on=date(2026, 5, 20))
    audit.mark()

    with pytest.raises(RuleViolation) as exc:
        _create_meeting(
            placement,
            scheduled,
            gbg_caseworker,
            staff(gbg_caseworker, bup_clinician),
            started_at=at(date(2026, 5, 21), 13),
        )

    assert exc.value.rule == "R-MEET-1"
    _nothing_stored(audit)


@pytest.mark.parametrize(
    "started_at",
    [SIP_ENDED - timedelta(days=1), at(HELD_ON, 9), SIP_ENDED],
    ids=["day-before", "during-the-sip-meeting", "when-it-ended"],
)
def test_r_meet_1_a_cost_meeting_before_the_sip_meeting_ended_is_refused(
    placement, sip_meeting, gbg_caseworker, bup_clinician, audit, started_at
):
    audit.mark()

    with pytest.raises(RuleViolation) as exc:
        _create_meeting(
            placement,
            sip_meeting,
            gbg_caseworker,
            staff(gbg_caseworker, bup_clinician),
            started_at=started_at,
        )

    assert (exc.value.rule, exc.value.field) == ("R-MEET-1", "started_at")
    _nothing_stored(audit)


@pytest.mark.parametrize(
    "started_at",
    [SIP_ENDED + timedelta(minutes=1), at(HELD_ON, 16), at(date(2026, 5, 14), 9)],
    ids=["one-minute-after", "same-day-later", "another-day"],
)
def test_r_meet_1_a_cost_meeting_after_the_sip_meeting_ended_is_stored(
    placement, sip_meeting, gbg_caseworker, gbg_signatory, bup_signatory, started_at
):
    meeting = _create_meeting(
        placement,
        sip_meeting,
        gbg_caseworker,
        staff(gbg_signatory, bup_signatory),
        started_at=started_at,
    )

    assert CostMeeting.objects.get() == meeting


@pytest.mark.parametrize(
    ("started_at", "ended_at", "field"),
    [(at(TODAY, 10, 1), None, "started_at"), (at(TODAY, 9, 30), at(TODAY, 10, 1), "ended_at")],
    ids=["starts-after-now", "ends-after-now"],
)
def test_r_meet_1_a_cost_meeting_ahead_of_time_is_refused(
    placement,
    sip_meeting,
    gbg_caseworker,
    gbg_signatory,
    bup_signatory,
    audit,
    started_at,
    ended_at,
    field,
):
    """The clock is 10:00: a meeting starting or ending at 10:01 has not taken place (second
    exploratory review: an agreement was signed at 01:09 on a cost meeting "held" at 10:30)."""
    audit.mark()

    with pytest.raises(RuleViolation) as exc:
        _create_meeting(
            placement,
            sip_meeting,
            gbg_caseworker,
            staff(gbg_signatory, bup_signatory),
            started_at=started_at,
            ended_at=ended_at,
        )

    assert ("R-MEET-1", field) in [(v.rule, v.field) for v in violations_of(exc.value)]
    _nothing_stored(audit)


def test_r_meet_1_the_sip_meeting_must_be_one_of_the_childs(
    placement, gbg_caseworker, bup_clinician, gbg_social, bup, goteborg, audit
):
    other_child = ChildFactory(home_municipality=goteborg, responsible_unit=gbg_social)
    other_sip = SipFactory(child=other_child, initiating_unit=gbg_social)
    other_meeting = SipMeetingFactory(
        sip=other_sip, started_at=at(HELD_ON, 8), ended_at=at(HELD_ON, 9)
    )
    audit.mark()

    with pytest.raises(RuleViolation) as exc:
        _create_meeting(
            placement, other_meeting, gbg_caseworker, staff(gbg_caseworker, bup_clinician)
        )

    assert (exc.value.rule, exc.value.field) == ("R-MEET-1", "sip_meeting")
    _nothing_stored(audit)


def test_a_cost_meeting_ending_before_it_starts_is_refused(
    placement, sip_meeting, gbg_caseworker, bup_clinician, audit
):
    audit.mark()

    with pytest.raises(RuleViolation):
        _create_meeting(
            placement,
            sip_meeting,
            gbg_caseworker,
            staff(gbg_caseworker, bup_clinician),
            started_at=at(HELD_ON, 14),
            ended_at=at(HELD_ON, 13),
        )

    _nothing_stored(audit)


# --- the draft and its split --------------------------------------------------------------------


def _save(placement, cost_meeting, user, municipality, region, *, lines=None, version=None, **data):
    return services.agreement_draft_save(
        user=user,
        placement=placement,
        data=version_data(cost_meeting, **data),
        lines=lines if lines is not None else lines_for(municipality, region),
        version=version,
    )


def _no_agreement_stored(audit) -> None:
    assert AgreementVersion.objects.count() == 0
    assert AgreementLine.objects.count() == 0
    assert Agreement.objects.count() == 0
    assert audit.new() == []


def test_r_cost_3_the_standard_split_is_accepted_for_an_hvb_with_an_unclear_split(
    placement, cost_meeting, gbg_caseworker, goteborg, region, sip_meeting, audit
):
    audit.mark()

    version = _save(placement, cost_meeting, gbg_caseworker, goteborg, region)

    assert version.number == 1
    assert version.status == AgreementStatus.DRAFT
    assert version.split_method == "standard"
    assert version.sip_meeting == sip_meeting
    assert version.cost_meeting == cost_meeting
    agreement = version.agreement
    assert (agreement.placement, agreement.municipality, agreement.region) == (
        placement,
        goteborg,
        region,
    )
    assert list(version.lines.values_list("description", "responsible_principal_id")) == [
        ("Neuropsykiatrisk utredning", region.pk),
        ("Boende på HVB", goteborg.pk),
    ]
    [event] = audit.new()
    assert (event.action, event.object_type, event.object_id) == (
        AuditAction.CREATE,
        "agreements.agreementversion",
        str(version.pk),
    )


@pytest.mark.parametrize(
    ("form", "split_unclear"),
    [
        (Placement.Form.FOSTER_HOME, True),
        (Placement.Form.FOSTER_HOME, False),
        (Placement.Form.HVB, False),
    ],
    ids=["foster-home-unclear", "foster-home", "hvb-clear-split"],
)
def test_r_cost_3_the_standard_split_is_refused_unless_an_hvb_with_an_unclear_split(
    placement, cost_meeting, gbg_caseworker, goteborg, region, audit, form, split_unclear
):
    placement.form = form
    placement.save()
    audit.mark()

    with pytest.raises(RuleViolation) as exc:
        _save(
            placement, cost_meeting, gbg_caseworker, goteborg, region, split_unclear=split_unclear
        )

    assert (exc.value.rule, exc.value.field) == ("R-COST-3", "split_method")
    _no_agreement_stored(audit)


@pytest.mark.parametrize("percent", ["0", "25.5", "100"])
def test_r_cost_2_a_percent_split_from_0_to_100_is_accepted_for_a_foster_home(
    placement, cost_meeting, gbg_caseworker, goteborg, region, percent
):
    placement.form = Placement.Form.FOSTER_HOME
    placement.save()

    version = _save(
        placement,
        cost_meeting,
        gbg_caseworker,
        goteborg,
        region,
        split_unclear=False,
        split_method="percent",
        region_percent=Decimal(percent),
        region_amount_per_month=Decimal("999"),
    )

    version.refresh_from_db()
    assert version.region_percent == Decimal(percent)
    assert version.region_amount_per_month is None  # only the chosen method's value is kept


@pytest.mark.parametrize("percent", [None, "-1", "100.5"])
def test_r_cost_2_a_percent_outside_0_to_100_is_refused(
    placement, cost_meeting, gbg_caseworker, goteborg, region, audit, percent
):
    audit.mark()

    with pytest.raises(RuleViolation) as exc:
        _save(
            placement,
            cost_meeting,
            gbg_caseworker,
            goteborg,
            region,
            split_method="percent",
            region_percent=None if percent is None else Decimal(percent),
        )

    assert exc.value.rule == "R-COST-2"
    _no_agreement_stored(audit)


def test_r_cost_2_an_amount_split_in_kronor_per_month_is_accepted(
    placement, cost_meeting, gbg_caseworker, goteborg, region
):
    version = _save(
        placement,
        cost_meeting,
        gbg_caseworker,
        goteborg,
        region,
        split_method="amount",
        region_amount_per_month=Decimal("25000.50"),
        region_percent=Decimal(40),
    )

    version.refresh_from_db()
    assert version.region_amount_per_month == Decimal("25000.50")
    assert version.region_percent is None


@pytest.mark.parametrize("amount", [None, "-0.01"])
def test_r_cost_2_a_missing_or_negative_amount_is_refused(
    placement, cost_meeting, gbg_caseworker, goteborg, region, audit, amount
):
    audit.mark()

    with pytest.raises(RuleViolation):
        _save(
            placement,
            cost_meeting,
            gbg_caseworker,
            goteborg,
            region,
            split_method="amount",
            region_amount_per_month=None if amount is None else Decimal(amount),
        )

    _no_agreement_stored(audit)


def test_r_cost_1_a_lines_responsible_principal_must_be_one_of_the_two(
    placement, cost_meeting, gbg_caseworker, goteborg, region, molndal, audit
):
    audit.mark()
    lines = [
        *lines_for(goteborg, region),
        services.LineData(description="Skolgång i Mölndal", responsible_principal=molndal),
    ]

    with pytest.raises(RuleViolation) as exc:
        _save(placement, cost_meeting, gbg_caseworker, goteborg, region, lines=lines)

    assert exc.value.rule == "R-COST-1"
    _no_agreement_stored(audit)


def test_r_meet_1_a_cost_meeting_of_another_placement_is_refused(
    placement, cost_meeting, gbg_caseworker, goteborg, region, child, audit
):
    """The cost meeting is one held for this placement."""
    other = PlacementFactory(child=child, caseworker=gbg_caseworker, planned_start=date(2026, 9, 1))
    audit.mark()

    with pytest.raises(RuleViolation) as exc:
        _save(other, cost_meeting, gbg_caseworker, goteborg, region)

    assert (exc.value.rule, exc.value.field) == ("R-MEET-1", "cost_meeting")
    _no_agreement_stored(audit)


def test_r_meet_1_a_cost_meeting_stored_before_the_sip_meeting_ended_is_refused(
    placement, sip_meeting, gbg_caseworker, goteborg, region, audit
):
    """Even a cost meeting row that got past the service (an import, an old record) cannot
    carry an agreement when it started before the SIP meeting ended."""
    early = CostMeeting.objects.create(
        placement=placement,
        sip_meeting=sip_meeting,
        started_at=at(HELD_ON, 9),
        created_by=gbg_caseworker,
    )
    audit.mark()

    with pytest.raises(RuleViolation) as exc:
        _save(placement, early, gbg_caseworker, goteborg, region)

    assert exc.value.rule == "R-MEET-1"
    _no_agreement_stored(audit)


def test_a_second_first_version_is_refused(
    draft, placement, cost_meeting, gbg_caseworker, goteborg, region
):
    with pytest.raises(RuleViolation) as exc:
        _save(placement, cost_meeting, gbg_caseworker, goteborg, region)

    assert exc.value.rule == "R-COST-4"
    assert AgreementVersion.objects.count() == 1


def test_a_draft_can_be_changed_with_an_update_audit_row(
    draft, placement, cost_meeting, gbg_caseworker, goteborg, region, audit
):
    audit.mark()

    _save(
        placement,
        cost_meeting,
        gbg_caseworker,
        goteborg,
        region,
        version=draft,
        split_method="percent",
        region_percent=Decimal(40),
        lines=lines_for(goteborg, region)[:1],
    )

    draft.refresh_from_db()
    assert (draft.split_method, draft.region_percent) == ("percent", Decimal(40))
    assert draft.lines.count() == 1
    assert [e.action for e in audit.new()] == [AuditAction.UPDATE]


# --- sending for signature --------------------------------------------------------------------


def test_sending_moves_the_draft_to_awaiting_signatures_with_a_transition_audit_row(
    draft, gbg_caseworker, audit
):
    audit.mark()

    services.agreement_send_for_signature(user=gbg_caseworker, version=draft)

    draft.refresh_from_db()
    assert draft.status == AgreementStatus.AWAITING_SIGNATURES
    assert draft.signing_round == 1
    assert draft.sent_at is not None
    # R-PLAC-3 / R-COST-4: a planned placement's first version applies from the start.
    assert draft.effective_from == date(2026, 6, 1)
    [event] = audit.new()
    assert (event.action, event.object_type, event.object_id) == (
        AuditAction.TRANSITION,
        "agreements.agreementversion",
        str(draft.pk),
    )
    assert event.details["status"] == ["draft", "awaiting_signatures"]


def _acute(placement, start: date = date(2026, 5, 4)) -> Placement:
    placement.is_acute = True
    placement.status = Placement.Status.ACTIVE
    placement.actual_start = start
    placement.save()
    return placement


@pytest.mark.parametrize(
    ("applies_from_start", "expected"), [(False, HELD_ON), (True, date(2026, 5, 4))]
)
def test_r_plac_3_an_acute_first_version_applies_from_the_cost_meeting_day_or_the_start(
    placement, cost_meeting, gbg_caseworker, goteborg, region, applies_from_start, expected
):
    """L22–L23: by default from the day the split was agreed at the cost meeting (12 May), not
    from the second signature; from the placement start when both agreed so. Stated before
    sending, so the signed document carries it."""
    version = _save(
        _acute(placement),
        cost_meeting,
        gbg_caseworker,
        goteborg,
        region,
        applies_from_start=applies_from_start,
    )
    assert version.effective_from == expected

    sent = services.agreement_send_for_signature(user=gbg_caseworker, version=version)

    assert sent.effective_from == expected


def test_r_plac_3_the_principals_may_state_another_day_for_the_acute_split(
    placement, cost_meeting, gbg_caseworker, goteborg, region
):
    version = _save(
        _acute(placement),
        cost_meeting,
        gbg_caseworker,
        goteborg,
        region,
        effective_from=date(2026, 5, 8),
    )

    sent = services.agreement_send_for_signature(user=gbg_caseworker, version=version)

    assert sent.effective_from == date(2026, 5, 8)


@pytest.mark.parametrize(
    "stated", [date(2026, 5, 3), date(2026, 5, 16)], ids=["before-start", "after-today"]
)
def test_r_plac_3_an_acute_split_cannot_apply_before_the_start_or_after_the_signing(
    placement, cost_meeting, gbg_caseworker, goteborg, region, audit, stated
):
    """From the placement start (4 May) to the day of signing: today (15 May) at the earliest."""
    _acute(placement)
    audit.mark()

    with pytest.raises(RuleViolation) as exc:
        _save(placement, cost_meeting, gbg_caseworker, goteborg, region, effective_from=stated)

    assert (exc.value.rule, exc.value.field) == ("R-PLAC-3", "effective_from")
    _no_agreement_stored(audit)


def test_r_plac_3_sending_checks_the_acute_date_again_when_the_start_moved(
    placement, cost_meeting, gbg_caseworker, goteborg, region
):
    version = _save(
        _acute(placement),
        cost_meeting,
        gbg_caseworker,
        goteborg,
        region,
        effective_from=date(2026, 5, 5),
    )
    placement.actual_start = date(2026, 5, 6)
    placement.save()

    with pytest.raises(RuleViolation) as exc:
        services.agreement_send_for_signature(user=gbg_caseworker, version=version)

    assert exc.value.rule == "R-PLAC-3"
    version.refresh_from_db()
    assert version.status == AgreementStatus.DRAFT


def test_a_draft_without_lines_cannot_be_sent(
    placement, cost_meeting, gbg_caseworker, goteborg, region, audit
):
    version = _save(placement, cost_meeting, gbg_caseworker, goteborg, region, lines=[])
    audit.mark()

    with pytest.raises(RuleViolation) as exc:
        services.agreement_send_for_signature(user=gbg_caseworker, version=version)

    assert exc.value.rule == "R-COST-2"
    version.refresh_from_db()
    assert version.status == AgreementStatus.DRAFT
    assert audit.new() == []


def test_r_cost_2_a_draft_without_the_health_care_provision_cannot_be_sent(
    placement, cost_meeting, gbg_caseworker, goteborg, region, audit
):
    """L18: the domain requires it at sending, not only the form."""
    version = _save(placement, cost_meeting, gbg_caseworker, goteborg, region)
    AgreementVersion.objects.filter(pk=version.pk).update(health_care_provision="  ")
    audit.mark()

    with pytest.raises(RuleViolation) as exc:
        services.agreement_send_for_signature(user=gbg_caseworker, version=version)

    assert (exc.value.rule, exc.value.field) == ("R-COST-2", "health_care_provision")
    version.refresh_from_db()
    assert version.status == AgreementStatus.DRAFT
    assert audit.new() == []


# --- R-COST-1: health care the region's, social services and school the municipality's ------------


def _line(principal, kind, reason="", **more) -> services.LineData:
    return services.LineData(
        description="Insats",
        responsible_principal=principal,
        kind=kind,
        deviation_reason=reason,
        **more,
    )


@pytest.mark.parametrize(
    ("kind", "whose"), [("health_care", "municipality"), ("social", "region"), ("school", "region")]
)
def test_r_cost_1_a_line_against_the_main_rule_needs_a_reason(
    placement, cost_meeting, gbg_caseworker, goteborg, region, audit, kind, whose
):
    principal = {"municipality": goteborg, "region": region}[whose]
    audit.mark()

    with pytest.raises(services.LineRuleViolation) as exc:
        _save(
            placement,
            cost_meeting,
            gbg_caseworker,
            goteborg,
            region,
            lines=[_line(goteborg, "social"), _line(principal, kind)],
        )

    assert (exc.value.rule, exc.value.field, exc.value.index) == (
        "R-COST-1",
        "deviation_reason",
        1,
    )
    _no_agreement_stored(audit)


def test_r_cost_1_a_line_against_the_main_rule_with_a_reason_is_saved_and_copied(
    placement, cost_meeting, gbg_caseworker, goteborg, region
):
    reason = "Kommunens HVB har egen sjuksköterska enligt avtal."
    version = _save(
        placement,
        cost_meeting,
        gbg_caseworker,
        goteborg,
        region,
        lines=[_line(goteborg, "health_care", reason), _line(region, "health_care")],
    )

    assert [(line.kind, line.deviation_reason) for line in version.lines.all()] == [
        ("health_care", reason),
        ("health_care", ""),
    ]
    sent = services.agreement_send_for_signature(user=gbg_caseworker, version=version)
    sign(sent, effective_from=date(2026, 6, 1))
    copy = services.agreement_new_version(user=gbg_caseworker, agreement=version.agreement)
    assert [(line.kind, line.deviation_reason) for line in copy.lines.all()] == [
        ("health_care", reason),
        ("health_care", ""),
    ]


def test_r_cost_1_a_line_linked_to_a_sip_intervention_takes_its_kind(
    placement, cost_meeting, gbg_caseworker, goteborg, region, sip_meeting
):
    items = {i.is_health_care: i for i in sip_meeting.plan.interventions.all()}
    version = _save(
        placement,
        cost_meeting,
        gbg_caseworker,
        goteborg,
        region,
        lines=[
            _line(region, None, intervention_id=items[True].pk),
            _line(goteborg, None, intervention_id=items[False].pk),
        ],
    )

    assert [line.kind for line in version.lines.all()] == ["health_care", "social"]


def test_r_cost_1_a_line_of_no_stated_kind_is_refused(
    placement, cost_meeting, gbg_caseworker, goteborg, region, audit
):
    audit.mark()

    with pytest.raises(services.LineRuleViolation) as exc:
        _save(
            placement, cost_meeting, gbg_caseworker, goteborg, region, lines=[_line(goteborg, None)]
        )

    assert (exc.value.rule, exc.value.field, exc.value.index) == ("R-COST-1", "kind", 0)
    _no_agreement_stored(audit)


def test_r_cost_1_sending_refuses_a_line_against_the_main_rule_without_a_reason(
    draft, gbg_caseworker, goteborg
):
    """A draft stored before the rule (migration 0006 invents no reason) is refused at sending."""
    draft.lines.filter(kind="social").update(responsible_principal=draft.agreement.region)

    with pytest.raises(RuleViolation) as exc:
        services.agreement_send_for_signature(user=gbg_caseworker, version=draft)

    assert exc.value.rule == "R-COST-1"
    draft.refresh_from_db()
    assert draft.status == AgreementStatus.DRAFT


@pytest.mark.parametrize("status", ["awaiting_signatures", "signed", "superseded", "ended"])
def test_only_a_draft_is_sent(draft, gbg_caseworker, audit, status):
    draft.status = status
    draft.save()
    audit.mark()

    with pytest.raises(RuleViolation) as exc:
        services.agreement_send_for_signature(user=gbg_caseworker, version=draft)

    assert exc.value.rule == "LIFECYCLE"
    draft.refresh_from_db()
    assert draft.status == status
    assert audit.new() == []


@pytest.mark.parametrize("status", ["awaiting_signatures", "signed", "superseded", "ended"])
def test_r_cost_4_nothing_but_a_draft_is_edited(
    draft, placement, cost_meeting, gbg_caseworker, goteborg, region, audit, status
):
    draft.status = status
    draft.save()
    audit.mark()

    with pytest.raises(RuleViolation) as exc:
        _save(
            placement,
            cost_meeting,
            gbg_caseworker,
            goteborg,
            region,
            version=draft,
            split_method="percent",
            region_percent=Decimal(90),
        )

    assert exc.value.rule == "R-COST-4"
    draft.refresh_from_db()
    assert (draft.status, draft.split_method, draft.region_percent) == (status, "standard", None)
    assert draft.lines.count() == 2
    assert audit.new() == []


# --- new versions (R-COST-4) ----------------------------------------------------------------------


@pytest.mark.parametrize("status", ["draft", "awaiting_signatures"])
def test_r_cost_4_no_new_version_before_the_agreement_is_signed(
    draft, agreement, gbg_caseworker, audit, status
):
    draft.status = status
    draft.save()
    audit.mark()

    with pytest.raises(RuleViolation) as exc:
        services.agreement_new_version(user=gbg_caseworker, agreement=agreement)

    assert exc.value.rule == "R-COST-4"
    assert agreement.versions.count() == 1
    assert audit.new() == []


def test_r_cost_4_a_new_version_of_a_signed_agreement_copies_it_as_a_draft(
    draft, agreement, gbg_caseworker, audit
):
    sign(draft, effective_from=date(2026, 6, 1), signed_on=date(2026, 5, 14))
    audit.mark()

    v2 = services.agreement_new_version(user=gbg_caseworker, agreement=agreement)

    assert (v2.number, v2.status, v2.effective_from) == (2, "draft", None)
    assert (v2.split_method, v2.cost_meeting_id, v2.sip_meeting_id) == (
        draft.split_method,
        draft.cost_meeting_id,
        draft.sip_meeting_id,
    )
    assert list(
        v2.lines.values_list("description", "responsible_principal_id", "amount_per_month")
    ) == list(
        draft.lines.values_list("description", "responsible_principal_id", "amount_per_month")
    )
    draft.refresh_from_db()
    assert draft.status == "signed"  # the signed version stays as it is
    assert draft.lines.count() == 2
    assert [e.action for e in audit.new()] == [AuditAction.CREATE]


def test_r_cost_4_only_one_new_version_at_a_time(draft, agreement, gbg_caseworker):
    sign(draft, effective_from=date(2026, 6, 1))
    services.agreement_new_version(user=gbg_caseworker, agreement=agreement)

    with pytest.raises(RuleViolation):
        services.agreement_new_version(user=gbg_caseworker, agreement=agreement)

    assert agreement.versions.count() == 2


@pytest.mark.parametrize(
    "effective_from",
    [None, date(2026, 5, 31), date(2026, 6, 1)],
    ids=["none", "before", "same-day"],
)
def test_r_cost_4_a_new_version_must_apply_after_the_version_it_replaces(
    draft, agreement, placement, cost_meeting, gbg_caseworker, goteborg, region, effective_from
):
    sign(draft, effective_from=date(2026, 6, 1))
    v2 = services.agreement_new_version(user=gbg_caseworker, agreement=agreement)

    with pytest.raises(RuleViolation) as exc:
        _save(
            placement,
            cost_meeting,
            gbg_caseworker,
            goteborg,
            region,
            version=v2,
            split_method="percent",
            region_percent=Decimal(50),
            effective_from=effective_from,
        )

    assert (exc.value.rule, exc.value.field) == ("R-COST-4", "effective_from")
    v2.refresh_from_db()
    assert (v2.split_method, v2.effective_from) == ("standard", None)


def test_r_cost_4_a_new_version_from_the_day_after_is_saved_and_sent(
    draft, agreement, placement, cost_meeting, gbg_caseworker, goteborg, region
):
    sign(draft, effective_from=date(2026, 6, 1))
    v2 = services.agreement_new_version(user=gbg_caseworker, agreement=agreement)

    _save(
        placement,
        cost_meeting,
        gbg_caseworker,
        goteborg,
        region,
        version=v2,
        split_method="percent",
        region_percent=Decimal(50),
        effective_from=date(2026, 6, 2),
    )
    sent = services.agreement_send_for_signature(user=gbg_caseworker, version=v2)

    assert (sent.status, sent.effective_from) == ("awaiting_signatures", date(2026, 6, 2))


def test_r_cost_4_a_new_version_without_its_date_cannot_be_sent(draft, agreement, gbg_caseworker):
    sign(draft, effective_from=date(2026, 6, 1))
    v2 = services.agreement_new_version(user=gbg_caseworker, agreement=agreement)

    with pytest.raises(RuleViolation) as exc:
        services.agreement_send_for_signature(user=gbg_caseworker, version=v2)

    assert exc.value.rule == "R-COST-4"
    v2.refresh_from_db()
    assert v2.status == "draft"


# --- the mandate's yearly amount ------------------------------------------------------------------


def test_annual_amount_is_each_principals_part_of_a_year_plus_its_lines(draft, goteborg, region):
    """3 200 kr a day × 365 = 1 168 000 kr; the standard split gives the region a third
    (389 333,33, rounded half-up) plus its line of 4 500 kr a month."""
    assert services.annual_amount(draft, region, rule_set=VASTRA_GOTALAND) == Decimal("443333.33")
    assert services.annual_amount(draft, goteborg, rule_set=VASTRA_GOTALAND) == Decimal("778666.67")


# --- R-PLAC-2: a planned placement starts only after the agreement is signed ----------------------


def test_r_plac_2_no_agreement_no_start(placement, gbg_caseworker):
    assert selectors.placement_agreement_signed(placement) is False

    with pytest.raises(RuleViolation) as exc:
        placement_services.placement_transition(
            user=gbg_caseworker, placement=placement, target="active", on=date(2026, 6, 1)
        )

    assert exc.value.rule == "R-PLAC-2"
    placement.refresh_from_db()
    assert placement.status == Placement.Status.PLANNED


@pytest.mark.parametrize("status", ["draft", "awaiting_signatures"])
def test_r_plac_2_an_unsigned_agreement_does_not_let_the_placement_start(
    draft, placement, gbg_caseworker, status
):
    draft.status = status
    draft.save()

    assert selectors.placement_agreement_signed(placement) is False
    with pytest.raises(RuleViolation) as exc:
        placement_services.placement_transition(
            user=gbg_caseworker, placement=placement, target="active", on=date(2026, 6, 1)
        )

    assert exc.value.rule == "R-PLAC-2"


def test_r_plac_2_a_signed_agreement_lets_the_planned_placement_start(
    draft, placement, gbg_caseworker, audit
):
    sign(draft, effective_from=date(2026, 6, 1), signed_on=date(2026, 5, 14))
    audit.mark()

    assert selectors.placement_agreement_signed(placement) is True
    started = placement_services.placement_transition(
        user=gbg_caseworker, placement=placement, target="active", on=date(2026, 6, 1)
    )

    assert (started.status, started.actual_start) == ("active", date(2026, 6, 1))
    assert [e.action for e in audit.new()] == [AuditAction.TRANSITION]


def test_r_plac_2_another_placements_signed_agreement_does_not_count(
    draft, placement, child, gbg_caseworker
):
    sign(draft, effective_from=date(2026, 6, 1))
    other = PlacementFactory(child=child, caseworker=gbg_caseworker, planned_start=date(2026, 9, 1))

    assert selectors.placement_agreement_signed(other) is False


# --- the agreement ends with the placement ------------------------------------------------------


def test_ending_the_placement_ends_the_signed_version_and_its_review_deadline(
    draft, placement, gbg_caseworker, audit
):
    from dashboard.models import Deadline

    signed = sign(draft, effective_from=date(2026, 6, 1), signed_on=date(2026, 5, 14))
    signed.review_on = date(2026, 12, 1)
    signed.save()
    placement_services.placement_transition(
        user=gbg_caseworker, placement=placement, target="active", on=date(2026, 6, 1)
    )
    assert Deadline.objects.filter(kind="agreement_review", met_on__isnull=True).exists()
    audit.mark()

    placement_services.placement_transition(
        user=gbg_caseworker,
        placement=placement,
        target="ended",
        on=date(2026, 8, 15),
        reason="Flyttar hem.",
        end_plan_no_meeting_reason="Inga fortsatta insatser.",
    )

    signed.refresh_from_db()
    assert (signed.status, signed.effective_until) == ("ended", date(2026, 8, 15))
    assert not Deadline.objects.filter(kind="agreement_review").exists()
    events = {(e.object_type, e.action) for e in audit.new()}
    assert ("agreements.agreementversion", AuditAction.TRANSITION) in events
    # August still splits by the ended version up to the last day (15 days of 3 200 kr).
    placement.refresh_from_db()
    august = selectors.placement_statement(placement=placement, year=2026, month=8)
    assert august.days == 15
    assert august.total == Decimal("48000.00")
    assert august.region == Decimal("16000.00")


def test_ending_the_placement_leaves_a_draft_to_be_settled(draft, placement, gbg_caseworker):
    placement.is_acute = True
    placement.save()
    placement_services.placement_transition(
        user=gbg_caseworker, placement=placement, target="active", on=date(2026, 6, 1)
    )

    placement_services.placement_transition(
        user=gbg_caseworker,
        placement=placement,
        target="ended",
        on=date(2026, 6, 20),
        reason="X",
        end_plan_no_meeting_reason="Inga fortsatta insatser.",
    )

    draft.refresh_from_db()
    assert draft.status == "draft"


def test_cancelling_a_planned_placement_ends_its_signed_agreement(draft, placement, gbg_caseworker):
    signed = sign(draft, effective_from=date(2026, 6, 1), signed_on=date(2026, 5, 14))

    placement_services.placement_transition(
        user=gbg_caseworker, placement=placement, target="cancelled", on=date(2026, 5, 20)
    )

    signed.refresh_from_db()
    assert (signed.status, signed.effective_until) == ("ended", None)


def test_r_cost_1_the_line_kinds_of_the_model_are_the_domains():
    from domain.agreements import InterventionKind

    assert set(AgreementLine.Kind.values) == {k.value for k in InterventionKind}


# --- every independent error of one submission at once (issue 12) ---------------------------------


def test_the_draft_save_reports_the_split_and_a_line_together(
    placement, cost_meeting, gbg_caseworker, goteborg, region
):
    from domain.errors import violations_of

    with pytest.raises(RuleViolation) as raised:
        services.agreement_draft_save(
            user=gbg_caseworker,
            placement=placement,
            data=version_data(cost_meeting, split_method="percent", region_percent=Decimal("150")),
            lines=[
                services.LineData(
                    description="Neuropsykiatrisk utredning",
                    responsible_principal=goteborg,  # health care put on the municipality
                    kind="health_care",
                ),
            ],
        )

    found = violations_of(raised.value)
    assert [(v.rule, v.field) for v in found] == [
        ("R-COST-2", "region_percent"),
        ("R-COST-1", "deviation_reason"),
    ]
    assert isinstance(found[1], services.LineRuleViolation) and found[1].index == 0
    assert not AgreementVersion.objects.exists()


def test_the_cost_meeting_reports_the_time_and_the_family_together(
    placement, sip_meeting, gbg_caseworker, gbg_signatory, bup_signatory, mother
):
    from domain.errors import violations_of

    with pytest.raises(RuleViolation) as raised:
        services.cost_meeting_create(
            user=gbg_caseworker,
            placement=placement,
            sip_meeting=sip_meeting,
            started_at=at(HELD_ON, 9),  # before the SIP meeting ended (09:45)
            ended_at=at(HELD_ON, 8),  # and before it started
            place="",
            participants=[
                *staff(gbg_signatory, bup_signatory),
                services.ParticipantChoice(kind="guardian"),
            ],
        )

    assert [(v.rule, v.field) for v in violations_of(raised.value)] == [
        ("R-MEET-1", "started_at"),
        ("R-MEET-1", "ended_at"),
        ("R-MEET-2", "participants"),
    ]
    assert not CostMeeting.objects.exists()
