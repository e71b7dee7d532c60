"""SIP services: consent and its revocation (R-SIP-2), invitations and their answers (R-SIP-4),
meetings recorded as held (R-SIP-2, R-SIP-3) with the plan versions they produce (R-SIP-5,
R-SIP-6) and the care contact they appoint (R-PLAC-5).

A refused write stores nothing: no plan version, no participants, the meeting not held, no
audit row.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.forms.models import model_to_dict

from core.models import AuditAction, AuditEvent
from domain.errors import RuleViolation
from placements.models import Placement
from sip import services
from sip.models import (
    Consent,
    ConsentRevocation,
    Intervention,
    Invitation,
    MeetingParticipant,
    PlanVersion,
    SipMeeting,
)
from tests.placements.factories import ChildFactory, PlacementFactory, RelatedPersonFactory
from tests.sip.conftest import at
from tests.sip.factories import TODAY, SipMeetingFactory

pytestmark = pytest.mark.django_db

ONE_DAY = timedelta(days=1)


def _row(obj) -> dict:
    return type(obj).objects.filter(pk=obj.pk).values().get()


def _assert_nothing_held(meeting: SipMeeting) -> None:
    meeting.refresh_from_db()
    assert not meeting.is_held
    assert meeting.started_at is None
    assert not PlanVersion.objects.filter(sip=meeting.sip).exists()
    assert not MeetingParticipant.objects.filter(meeting=meeting).exists()
    assert not Intervention.objects.exists()


# --- creating the SIP -----------------------------------------------------------------------------


def test_sip_create_links_only_the_childs_own_placements(
    child, placement, gbg_caseworker, gbg_social
):
    other_childs = PlacementFactory()

    sip = services.sip_create(
        user=gbg_caseworker,
        child=child,
        initiating_unit=gbg_social,
        need_noticed_on=date(2026, 5, 8),
        need_description="",
        placements=[placement, other_childs],
    )

    assert list(sip.placements.all()) == [placement]
    event = AuditEvent.objects.get(object_type="sip.sip", object_id=str(sip.pk))
    assert (event.action, event.child_id) == (AuditAction.CREATE, child.pk)


# --- R-SIP-2: consent -----------------------------------------------------------------------------


def test_consent_of_one_of_two_guardians_is_not_valid(sip, mother, give_consent):
    """R-SIP-2: both guardians, when there are two."""
    give_consent(sip, mother)

    assert not services.sip_consent_valid(sip, on=TODAY)


def test_consent_of_both_guardians_is_valid(sip, consents):
    assert services.sip_consent_valid(sip, on=TODAY)


def test_consent_counts_from_the_day_it_was_given(sip, consents):
    assert not services.sip_consent_valid(sip, on=date(2026, 5, 9))
    assert services.sip_consent_valid(sip, on=date(2026, 5, 10))


@pytest.mark.parametrize(
    ("on", "young_persons_own_consent_valid"),
    [(date(2026, 5, 14), False), (date(2026, 5, 15), True), (date(2026, 5, 16), True)],
)
def test_from_the_18th_birthday_the_young_person_consents(
    gbg_caseworker, gbg_social, goteborg, give_consent, on, young_persons_own_consent_valid
):
    """R-SIP-2: the guardians consent for a minor, the young person from 18 on (one day either
    side of the 18th birthday)."""
    young = ChildFactory(
        birth_date=date(2008, 5, 15), home_municipality=goteborg, responsible_unit=gbg_social
    )
    guardian = RelatedPersonFactory(child=young)
    sip = services.sip_create(
        user=gbg_caseworker,
        child=young,
        initiating_unit=gbg_social,
        need_noticed_on=date(2026, 5, 1),
        need_description="",
        placements=[],
    )
    give_consent(sip, None, given_on=date(2026, 5, 2))

    assert services.sip_consent_valid(sip, on=on) is young_persons_own_consent_valid

    give_consent(sip, guardian, given_on=date(2026, 5, 2))
    assert services.sip_consent_valid(sip, on=date(2026, 5, 14))  # the guardian, while a minor


def test_a_guardians_consent_does_not_replace_an_adults_own(
    gbg_caseworker, gbg_social, goteborg, give_consent
):
    adult = ChildFactory(
        birth_date=date(2007, 1, 1), home_municipality=goteborg, responsible_unit=gbg_social
    )
    guardian = RelatedPersonFactory(child=adult)
    sip = services.sip_create(
        user=gbg_caseworker,
        child=adult,
        initiating_unit=gbg_social,
        need_noticed_on=date(2026, 5, 1),
        need_description="",
        placements=[],
    )
    give_consent(sip, guardian)

    assert not services.sip_consent_valid(sip, on=TODAY)


def test_consent_must_come_from_one_of_the_childs_own_guardians(sip, give_consent):
    strangers_guardian = RelatedPersonFactory()

    with pytest.raises(RuleViolation) as raised:
        give_consent(sip, strangers_guardian)

    assert (raised.value.rule, raised.value.field) == ("R-SIP-2", "guardian")
    assert not Consent.objects.exists()


def test_a_close_person_cannot_give_a_guardians_consent(sip, aunt, give_consent):
    with pytest.raises(RuleViolation):
        give_consent(sip, aunt)

    assert not Consent.objects.exists()


def test_recording_consent_writes_an_audit_row(sip, mother, give_consent, audit):
    consent = give_consent(sip, mother)

    [event] = audit.new()
    assert (event.action, event.object_type, event.object_id) == (
        AuditAction.CREATE,
        "sip.consent",
        str(consent.pk),
    )
    assert event.child_id == sip.child_id


def test_revoking_keeps_the_consent_row_unchanged_and_adds_a_revocation(
    sip, consents, gbg_caseworker, audit
):
    """R-SIP-2: history is never overwritten; a revocation is a row of its own."""
    consent = consents[0]
    before = _row(consent)

    revocation = services.consent_revoke(
        user=gbg_caseworker,
        consent=consent,
        revoked_on=TODAY,
        revoked_by_name="Eva Göransson",
        effective_from=TODAY,
    )

    assert _row(consent) == before
    assert Consent.objects.count() == 2
    assert ConsentRevocation.objects.get() == revocation
    assert (revocation.consent, revocation.effective_from) == (consent, TODAY)
    assert revocation.recorded_by == gbg_caseworker
    [event] = audit.new()
    assert (event.action, event.object_type) == (AuditAction.UPDATE, "sip.consent")
    assert event.details["effective_from"] == TODAY.isoformat()


@pytest.mark.parametrize(
    ("on", "valid"), [(TODAY - ONE_DAY, True), (TODAY, False), (TODAY + ONE_DAY, False)]
)
def test_revoked_consent_is_no_longer_valid_from_its_effective_date(
    sip, consents, gbg_caseworker, on, valid
):
    """R-SIP-2: a revoked consent stops further sharing, from the day it takes effect."""
    services.consent_revoke(
        user=gbg_caseworker,
        consent=consents[1],
        revoked_on=TODAY - timedelta(days=2),
        revoked_by_name="Per Göransson",
        effective_from=TODAY,
    )

    assert services.sip_consent_valid(sip, on=on) is valid


def test_revoking_twice_is_refused(sip, consents, gbg_caseworker):
    """R-SIP-2: a consent is revoked once; the first revocation stays as it was."""
    first = services.consent_revoke(
        user=gbg_caseworker,
        consent=consents[0],
        revoked_on=TODAY,
        revoked_by_name="Eva Göransson",
        effective_from=TODAY,
    )

    with pytest.raises(RuleViolation) as raised:
        services.consent_revoke(
            user=gbg_caseworker,
            consent=consents[0],
            revoked_on=TODAY + ONE_DAY,
            revoked_by_name="Någon annan",
            effective_from=TODAY + ONE_DAY,
        )

    assert raised.value.rule == "R-SIP-2"
    assert list(ConsentRevocation.objects.values_list("pk", "effective_from")) == [
        (first.pk, TODAY)
    ]


def test_a_revocation_cannot_take_effect_before_the_consent_was_given(
    sip, consents, gbg_caseworker
):
    with pytest.raises(RuleViolation) as raised:
        services.consent_revoke(
            user=gbg_caseworker,
            consent=consents[0],
            revoked_on=TODAY,
            revoked_by_name="Eva Göransson",
            effective_from=consents[0].given_on - ONE_DAY,
        )

    assert raised.value.field == "effective_from"
    assert not ConsentRevocation.objects.exists()


def test_revocation_concerns_every_invited_unit_when_the_consent_named_none(
    sip, consents, gbg_caseworker, bup, primary_care, invite
):
    invite(sip, bup, primary_care)

    revocation = services.consent_revoke(
        user=gbg_caseworker,
        consent=consents[0],
        revoked_on=TODAY,
        revoked_by_name="Eva Göransson",
        effective_from=TODAY,
    )

    assert set(revocation.units.all()) == {bup, primary_care}


def test_revocation_concerns_only_the_parties_the_consent_covered(
    sip, mother, give_consent, gbg_caseworker, bup, primary_care, invite
):
    invite(sip, bup, primary_care)
    consent = give_consent(sip, mother, scope_units=[primary_care])

    revocation = services.consent_revoke(
        user=gbg_caseworker,
        consent=consent,
        revoked_on=TODAY,
        revoked_by_name="Eva Göransson",
        effective_from=TODAY,
    )

    assert list(revocation.units.all()) == [primary_care]


# --- R-SIP-4: invitations -------------------------------------------------------------------------


def test_invitations_are_created_per_unit_and_for_other_participants(
    sip, consents, gbg_caseworker, bup, primary_care, audit
):
    created = services.invitation_create(
        user=gbg_caseworker,
        sip=sip,
        units=[bup, primary_care],
        external_name="  Personal på HVB Solglimten ",
        invited_on=TODAY,
    )

    assert [(i.unit, i.external_name) for i in created] == [
        (bup, ""),
        (primary_care, ""),
        (None, "Personal på HVB Solglimten"),
    ]
    assert all(i.response == Invitation.Response.PENDING for i in created)
    assert [e.action for e in audit.new()] == [AuditAction.CREATE] * 3


def test_a_unit_with_a_live_invitation_is_not_invited_again(sip, gbg_caseworker, bup, invite):
    invite(sip, bup)

    with pytest.raises(RuleViolation) as raised:
        invite(sip, bup)

    assert raised.value.rule == "R-SIP-4"
    assert Invitation.objects.filter(unit=bup).count() == 1


def test_a_unit_that_declined_can_be_invited_again(sip, bup, bup_clinician, bup_invitation, invite):
    services.invitation_respond(user=bup_clinician, invitation=bup_invitation, response="declined")

    [again] = invite(sip, bup)

    assert again.response == Invitation.Response.PENDING


@pytest.mark.parametrize("response", ["accepted", "declined"])
def test_an_invited_unit_accepts_or_declines(bup_invitation, bup_clinician, response, audit):
    services.invitation_respond(
        user=bup_clinician, invitation=bup_invitation, response=response, note="Vi kommer."
    )

    bup_invitation.refresh_from_db()
    assert bup_invitation.response == response
    assert bup_invitation.responded_by == bup_clinician
    assert bup_invitation.responded_at is not None
    assert bup_invitation.response_note == "Vi kommer."
    [event] = audit.new()
    assert (event.action, event.details["response"]) == (AuditAction.UPDATE, response)


def test_forwarding_invites_the_right_unit_with_the_note(
    bup_invitation, bup_clinician, primary_care
):
    """R-SIP-4: an invited party attends or finds the right unit."""
    services.invitation_respond(
        user=bup_clinician,
        invitation=bup_invitation,
        response="forwarded",
        note="Familjen har sin kontakt på vårdcentralen.",
        forward_to=primary_care,
    )

    bup_invitation.refresh_from_db()
    assert bup_invitation.response == Invitation.Response.FORWARDED
    forwarded = bup_invitation.forwarded_to
    assert (forwarded.unit, forwarded.sip, forwarded.response) == (
        primary_care,
        bup_invitation.sip,
        Invitation.Response.PENDING,
    )
    assert (forwarded.invited_by, forwarded.invited_on) == (bup_clinician, TODAY)


@pytest.mark.parametrize(
    ("forward_to", "note", "field"),
    [
        (None, "Till rätt enhet.", "forward_to"),
        ("bup", "Till oss själva.", "forward_to"),
        ("primary_care", "  ", "note"),
    ],
)
def test_forwarding_requires_another_unit_and_a_note(
    request, bup_invitation, bup_clinician, forward_to, note, field
):
    unit = request.getfixturevalue(forward_to) if forward_to else None

    with pytest.raises(RuleViolation) as raised:
        services.invitation_respond(
            user=bup_clinician,
            invitation=bup_invitation,
            response="forwarded",
            note=note,
            forward_to=unit,
        )

    assert (raised.value.rule, raised.value.field) == ("R-SIP-4", field)
    bup_invitation.refresh_from_db()
    assert bup_invitation.response == Invitation.Response.PENDING
    assert Invitation.objects.count() == 1


@pytest.mark.parametrize("second", ["accepted", "declined", "forwarded"])
def test_answering_an_invitation_twice_is_refused(
    bup_invitation, bup_clinician, primary_care, second
):
    services.invitation_respond(user=bup_clinician, invitation=bup_invitation, response="accepted")

    with pytest.raises(RuleViolation) as raised:
        services.invitation_respond(
            user=bup_clinician,
            invitation=bup_invitation,
            response=second,
            note="Ändrat oss.",
            forward_to=primary_care,
        )

    assert raised.value.rule == "R-SIP-4"
    bup_invitation.refresh_from_db()
    assert bup_invitation.response == Invitation.Response.ACCEPTED
    assert Invitation.objects.count() == 1


# --- meetings recorded as held: R-SIP-2, R-SIP-3 --------------------------------------------------


def test_meeting_held_with_both_guardians_consent_creates_plan_version_1(
    sip, consents, meeting, held_kwargs, bup, gbg_social, audit
):
    """R-SIP-5: each held meeting produces a version of the plan."""
    plan = services.meeting_record_held(**held_kwargs(meeting))

    meeting.refresh_from_db()
    assert meeting.is_held
    assert meeting.individual_offered_on == date(2026, 5, 11)
    assert meeting.child_views == "Vill gå kvar i sin skola."
    assert (plan.sip, plan.meeting, plan.number) == (sip, meeting, 1)
    assert plan.overall_responsible_unit == gbg_social
    assert plan.next_follow_up_on == TODAY + timedelta(days=90)
    assert [
        (i.description, i.responsible_unit, i.is_health_care) for i in plan.interventions.all()
    ] == [
        ("Neuropsykiatrisk utredning", bup, True),
        ("Boende på HVB", gbg_social, False),
    ]
    kinds = sorted(meeting.participants.values_list("kind", flat=True))
    assert kinds == ["child", "guardian", "guardian", "staff"]
    [event] = audit.new()
    assert (event.action, event.object_type) == (AuditAction.UPDATE, "sip.sipmeeting")
    assert event.details["plan_version"] == 1


def test_meeting_cannot_be_held_with_only_one_guardians_consent(
    sip, mother, give_consent, meeting, held_kwargs, audit
):
    """R-SIP-2: one of two guardians is not enough; nothing is stored."""
    give_consent(sip, mother)
    audit.mark()

    with pytest.raises(RuleViolation) as raised:
        services.meeting_record_held(**held_kwargs(meeting))

    assert raised.value.rule == "R-SIP-2"
    _assert_nothing_held(meeting)
    assert audit.new() == []


def test_meeting_cannot_be_held_without_any_consent(sip, meeting, held_kwargs):
    """R-SIP-2: no consent, no SIP."""
    with pytest.raises(RuleViolation) as raised:
        services.meeting_record_held(**held_kwargs(meeting))

    assert raised.value.rule == "R-SIP-2"
    _assert_nothing_held(meeting)


def test_meeting_cannot_be_held_on_the_day_a_revocation_takes_effect(
    sip, consents, gbg_caseworker, meeting, held_kwargs
):
    """R-SIP-2: a revoked consent is no longer valid from its effective date."""
    services.consent_revoke(
        user=gbg_caseworker,
        consent=consents[0],
        revoked_on=TODAY - timedelta(days=2),
        revoked_by_name="Eva Göransson",
        effective_from=TODAY,
    )

    with pytest.raises(RuleViolation) as raised:
        services.meeting_record_held(**held_kwargs(meeting))

    assert raised.value.rule == "R-SIP-2"
    _assert_nothing_held(meeting)


def test_meeting_held_the_day_before_a_revocation_takes_effect_is_recorded(
    sip, consents, gbg_caseworker, held_kwargs
):
    yesterday = SipMeetingFactory(sip=sip, scheduled_on=TODAY - ONE_DAY)
    services.consent_revoke(
        user=gbg_caseworker,
        consent=consents[0],
        revoked_on=TODAY - ONE_DAY,
        revoked_by_name="Eva Göransson",
        effective_from=TODAY,
    )

    plan = services.meeting_record_held(**held_kwargs(yesterday))

    assert plan.number == 1


def test_meeting_cannot_be_held_without_the_offer_to_take_part(sip, consents, meeting, held_kwargs):
    """R-SIP-3: that the individual was offered to take part is recorded first."""
    with pytest.raises(RuleViolation) as raised:
        services.meeting_record_held(**held_kwargs(meeting, individual_offered_on=None))

    assert (raised.value.rule, raised.value.field) == ("R-SIP-3", "individual_offered_on")
    _assert_nothing_held(meeting)


def test_meeting_cannot_be_held_when_the_offer_is_after_the_meeting(
    sip, consents, meeting, held_kwargs
):
    """R-SIP-3: the offer is made before the meeting (the day after is too late)."""
    with pytest.raises(RuleViolation) as raised:
        services.meeting_record_held(**held_kwargs(meeting, individual_offered_on=TODAY + ONE_DAY))

    assert raised.value.rule == "R-SIP-3"
    _assert_nothing_held(meeting)


def test_an_offer_on_the_day_of_the_meeting_is_in_time(sip, consents, meeting, held_kwargs):
    plan = services.meeting_record_held(**held_kwargs(meeting, individual_offered_on=TODAY))

    assert plan.meeting.individual_offered_on == TODAY


def test_a_meeting_is_recorded_as_held_once(sip, consents, meeting, held_kwargs):
    services.meeting_record_held(**held_kwargs(meeting))

    with pytest.raises(RuleViolation):
        services.meeting_record_held(**held_kwargs(meeting, needs="Något annat."))

    assert PlanVersion.objects.get().needs.startswith("Stöd i skolan")
    assert meeting.participants.count() == 4


def test_a_meeting_must_end_after_it_started(sip, consents, meeting, held_kwargs):
    with pytest.raises(RuleViolation) as raised:
        services.meeting_record_held(
            **held_kwargs(meeting, started_at=at(TODAY, 9), ended_at=at(TODAY, 9))
        )

    assert raised.value.field == "ended_at"
    _assert_nothing_held(meeting)


# --- the plan: R-SIP-5, R-SIP-6 -------------------------------------------------------------------


def _third_party(name: str) -> services.InterventionData:
    return services.InterventionData(
        description="Fritidsaktivitet",
        responsible_kind=Intervention.ResponsibleKind.THIRD_PARTY,
        responsible_unit=None,
        responsible_name=name,
    )


@pytest.mark.parametrize(
    ("overrides", "rule", "field"),
    [
        ({"needs": "  "}, "R-SIP-5", "needs"),
        ({"interventions": []}, "R-SIP-5", None),
        (
            {
                "interventions": [
                    services.InterventionData(
                        description="Samtalsstöd",
                        responsible_kind=Intervention.ResponsibleKind.UNIT,
                        responsible_unit=None,
                    )
                ]
            },
            "R-SIP-5",
            None,
        ),
        ({"interventions": [_third_party("")]}, "R-SIP-5", None),
        ({"overall_responsible_unit": None}, "R-SIP-5", "overall_responsible_unit"),
        ({"next_follow_up_on": None}, "R-SIP-6", "next_follow_up_on"),
        ({"next_follow_up_on": TODAY}, "R-SIP-6", "next_follow_up_on"),
    ],
    ids=[
        "needs",
        "no-intervention",
        "unit-without-unit",
        "third-party-without-name",
        "overall-responsibility",
        "no-follow-up",
        "follow-up-on-meeting-day",
    ],
)
def test_an_incomplete_plan_is_refused_and_nothing_is_stored(
    sip, consents, meeting, held_kwargs, placement, overrides, rule, field
):
    """R-SIP-5 / R-SIP-6: needs, interventions with their responsible unit or named party,
    overall responsibility and a follow-up date after the meeting."""
    with pytest.raises(RuleViolation) as raised:
        services.meeting_record_held(
            **held_kwargs(meeting, care_contact_name="Sara Lind", **overrides)
        )

    assert (raised.value.rule, raised.value.field) == (rule, field)
    _assert_nothing_held(meeting)
    placement.refresh_from_db()
    assert placement.care_contact_name == ""


def test_follow_up_the_day_after_the_meeting_is_accepted(sip, consents, meeting, held_kwargs):
    """R-SIP-6, the other side of the limit."""
    plan = services.meeting_record_held(**held_kwargs(meeting, next_follow_up_on=TODAY + ONE_DAY))

    assert plan.next_follow_up_on == TODAY + ONE_DAY


def test_interventions_by_others_than_a_unit_keep_their_name_and_no_unit(
    sip, consents, meeting, held_kwargs, bup
):
    """R-SIP-5: interventions by a third party, a close person or the individual."""
    others = [
        services.InterventionData(
            description=f"Insats {kind}",
            responsible_kind=kind,
            responsible_unit=bup,  # chosen by mistake in the form: dropped
            responsible_name="Namngiven",
        )
        for kind in ("third_party", "close_person", "individual")
    ]

    plan = services.meeting_record_held(**held_kwargs(meeting, interventions=others))

    assert list(
        plan.interventions.values_list("responsible_kind", "responsible_unit", "responsible_name")
    ) == [
        ("third_party", None, "Namngiven"),
        ("close_person", None, "Namngiven"),
        ("individual", None, "Namngiven"),
    ]


def test_a_second_held_meeting_creates_version_2_and_version_1_stays_unchanged(
    sip, consents, meeting, held_kwargs, primary_care, time_machine
):
    """R-SIP-5 / R-SIP-6: each held meeting produces a version; earlier versions stay readable."""
    first = services.meeting_record_held(**held_kwargs(meeting))
    first_row = _row(first)
    first_interventions = list(first.interventions.values())
    follow_up = SipMeetingFactory(
        sip=sip, kind=SipMeeting.Kind.FOLLOW_UP, scheduled_on=date(2026, 8, 13)
    )
    time_machine.move_to(at(date(2026, 8, 13), 12), tick=False)  # recorded after it was held

    second = services.meeting_record_held(
        **held_kwargs(
            follow_up,
            needs="Fortsatt stöd i skolan.",
            interventions=[
                services.InterventionData(
                    description="Läkarbesök",
                    responsible_kind=Intervention.ResponsibleKind.UNIT,
                    responsible_unit=primary_care,
                    is_health_care=True,
                )
            ],
        )
    )

    assert (second.number, second.meeting) == (2, follow_up)
    assert _row(first) == first_row
    assert list(first.interventions.values()) == first_interventions
    assert list(sip.plan_versions.values_list("number", "needs")) == [
        (1, "Stöd i skolan och bedömning av koncentrationssvårigheter."),
        (2, "Fortsatt stöd i skolan."),
    ]
    progress = services.sip_progress(sip, today=date(2026, 8, 13))
    assert progress.followed_up and not progress.closed


def test_a_held_closing_meeting_closes_the_sip(sip, consents, held_kwargs):
    closing = SipMeetingFactory(sip=sip, kind=SipMeeting.Kind.CLOSING)

    services.meeting_record_held(**held_kwargs(closing))

    sip.refresh_from_db()
    assert sip.closed_on == TODAY
    assert services.sip_progress(sip, today=TODAY).closed


# --- R-PLAC-5: the care contact appointed in the SIP ----------------------------------------------


def test_care_contact_appointed_in_the_held_meeting_shows_on_the_linked_placements(
    sip, consents, meeting, held_kwargs, placement, bup, child, gbg_caseworker, audit
):
    """R-PLAC-5: the permanent care contact is appointed when the SIP is drawn up."""
    unlinked = PlacementFactory(child=child, caseworker=gbg_caseworker, provider_name="Annat")

    plan = services.meeting_record_held(
        **held_kwargs(meeting, care_contact_name="Sara Lind", care_contact_unit=bup)
    )

    placement.refresh_from_db()
    assert (plan.care_contact_name, plan.care_contact_unit) == ("Sara Lind", bup)
    assert placement.care_contact_name == "Sara Lind"
    assert placement.care_contact_unit == bup
    assert placement.care_contact_appointed_on == TODAY
    assert Placement.objects.get(pk=unlinked.pk).care_contact_name == ""
    placement_events = [e for e in audit.new() if e.object_type == "placements.placement"]
    assert [(e.action, e.object_id) for e in placement_events] == [
        (AuditAction.UPDATE, str(placement.pk))
    ]


def test_a_new_care_contact_is_audited_with_the_one_it_replaces(
    sip, consents, meeting, held_kwargs, placement, bup, audit
):
    Placement.objects.filter(pk=placement.pk).update(
        care_contact_name="Anna Ek", care_contact_appointed_on=date(2026, 1, 15)
    )

    services.meeting_record_held(
        **held_kwargs(meeting, care_contact_name="Sara Lind", care_contact_unit=bup)
    )

    [event] = [e for e in audit.new() if e.object_type == "placements.placement"]
    assert event.details["care_contact_name"] == ["Anna Ek", "Sara Lind"]
    assert event.details["care_contact_unit"] == [None, bup.pk]
    assert event.details["care_contact_appointed_on"] == ["2026-01-15", TODAY.isoformat()]


def test_a_plan_without_a_care_contact_leaves_the_placement_as_it_was(
    sip, consents, meeting, held_kwargs, placement
):
    before = _row(placement)

    services.meeting_record_held(**held_kwargs(meeting))

    assert _row(placement) == before


# --- the seven steps ------------------------------------------------------------------------------


def test_progress_steps_are_done_when_their_data_is_there(
    sip, consents, meeting, held_kwargs, bup, invite
):
    def done():
        return [step for step, ok in services.sip_progress(sip, today=TODAY).steps() if ok]

    assert done() == ["assess_need", "consent", "prepare"]
    invite(sip, bup)
    assert done() == ["assess_need", "consent", "prepare", "invite"]
    services.meeting_record_held(**held_kwargs(meeting))
    assert done() == ["assess_need", "consent", "prepare", "invite", "draw_up"]


def test_progress_consent_step_is_undone_by_a_revocation(sip, consents, gbg_caseworker):
    services.consent_revoke(
        user=gbg_caseworker,
        consent=consents[0],
        revoked_on=TODAY,
        revoked_by_name="Eva Göransson",
        effective_from=TODAY,
    )

    assert not services.sip_progress(sip, today=TODAY).consent_valid
    assert model_to_dict(consents[0])["given_on"] == date(2026, 5, 10)
