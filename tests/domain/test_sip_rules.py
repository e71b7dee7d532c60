"""SIP rules (domain/sip.py) and the first-meeting deadline (R-SIP-1): consent (R-SIP-2), the
offer to take part (R-SIP-3), the written plan (R-SIP-5) and its follow-up date (R-SIP-6).

No database: plain values in, the day passed in; every date limit one day either side.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from domain import deadlines as dl
from domain import meetings
from domain.deadlines import DeadlineKind, DeadlineStatus
from domain.errors import RuleViolation
from domain.rulesets import OSTERGOTLAND, VASTRA_GOTALAND
from domain.sip import (
    STEPS,
    YOUNG_PERSON,
    ConsentFact,
    InterventionFact,
    SipProgress,
    check_consent_for_sharing,
    check_consent_given_on,
    check_meeting_can_be_held,
    check_offer_date,
    check_plan,
    consent_is_valid,
    primary_care_to_propose,
    required_consenters,
)

ONE_DAY = timedelta(days=1)
MOTHER, FATHER = 11, 12
GIVEN = date(2026, 5, 10)
HELD = date(2026, 5, 15)


# --- R-SIP-1: the first SIP meeting within 3 weeks of the need being noticed ---------------------


@pytest.mark.parametrize("rule_set", [VASTRA_GOTALAND, OSTERGOTLAND], ids=lambda rs: rs.code)
def test_first_sip_meeting_is_due_21_days_after_the_need_was_noticed(rule_set):
    """R-SIP-1: noticed 3 March, due 24 March (Lag (1930:173) 2 §)."""
    deadline = dl.sip_first_meeting(noticed_on=date(2026, 3, 3), held_on=None, rule_set=rule_set)

    assert deadline.kind == DeadlineKind.SIP_FIRST_MEETING
    assert deadline.rule == "R-SIP-1"
    assert deadline.due_on == date(2026, 3, 24)


@pytest.mark.parametrize(
    ("held_on", "status"),
    [
        (date(2026, 3, 23), DeadlineStatus.MET_ON_TIME),
        (date(2026, 3, 24), DeadlineStatus.MET_ON_TIME),
        (date(2026, 3, 25), DeadlineStatus.MET_LATE),
    ],
)
def test_first_sip_meeting_held_on_the_due_day_is_on_time_and_the_day_after_is_late(
    held_on, status
):
    """R-SIP-1, one day either side of the 21st day."""
    deadline = dl.sip_first_meeting(
        noticed_on=date(2026, 3, 3), held_on=held_on, rule_set=VASTRA_GOTALAND
    )

    assert deadline.status(today=date(2026, 6, 1), due_soon_days=7) == status


@pytest.mark.parametrize(
    ("today", "status"),
    [
        (date(2026, 3, 23), DeadlineStatus.DUE_SOON),
        (date(2026, 3, 24), DeadlineStatus.DUE_SOON),
        (date(2026, 3, 25), DeadlineStatus.OVERDUE),
    ],
)
def test_first_sip_meeting_not_held_is_overdue_from_the_day_after_the_due_day(today, status):
    """R-SIP-1: not held and the 21 days passed; due today is not overdue yet."""
    deadline = dl.sip_first_meeting(
        noticed_on=date(2026, 3, 3), held_on=None, rule_set=VASTRA_GOTALAND
    )

    assert deadline.status(today=today, due_soon_days=7) == status


# --- R-SIP-2: consent ----------------------------------------------------------------------------


def test_both_guardians_of_a_minor_must_consent_when_there_are_two():
    """R-SIP-2: both guardians, if there are two."""
    assert required_consenters(guardian_ids=[MOTHER, FATHER], is_minor=True) == {MOTHER, FATHER}


def test_consent_of_one_guardian_of_two_is_not_enough():
    """R-SIP-2: one of two guardians is not enough."""
    consents = [ConsentFact(given_by=MOTHER, given_on=GIVEN)]

    assert not consent_is_valid(consents, guardian_ids=[MOTHER, FATHER], is_minor=True, on=HELD)


def test_consent_of_both_guardians_is_valid():
    consents = [ConsentFact(given_by=g, given_on=GIVEN) for g in (MOTHER, FATHER)]

    assert consent_is_valid(consents, guardian_ids=[MOTHER, FATHER], is_minor=True, on=HELD)


def test_consent_of_the_only_guardian_is_enough():
    consents = [ConsentFact(given_by=MOTHER, given_on=GIVEN)]

    assert consent_is_valid(consents, guardian_ids=[MOTHER], is_minor=True, on=HELD)


def test_the_young_person_cannot_replace_a_guardians_consent_while_a_minor():
    """R-SIP-2: for a minor, the guardians consent."""
    consents = [ConsentFact(given_by=YOUNG_PERSON, given_on=GIVEN)]

    assert not consent_is_valid(consents, guardian_ids=[MOTHER], is_minor=True, on=HELD)


def test_a_minor_without_a_registered_guardian_consents_personally():
    assert required_consenters(guardian_ids=[], is_minor=True) == {YOUNG_PERSON}


def test_a_young_person_of_18_consents_personally_and_the_guardians_consent_is_not_needed():
    """R-SIP-2: the young person (18 or older) consents; former guardians do not count."""
    own = [ConsentFact(given_by=YOUNG_PERSON, given_on=GIVEN)]
    guardians_only = [ConsentFact(given_by=g, given_on=GIVEN) for g in (MOTHER, FATHER)]

    assert required_consenters(guardian_ids=[MOTHER, FATHER], is_minor=False) == {YOUNG_PERSON}
    assert consent_is_valid(own, guardian_ids=[MOTHER, FATHER], is_minor=False, on=HELD)
    assert not consent_is_valid(
        guardians_only, guardian_ids=[MOTHER, FATHER], is_minor=False, on=HELD
    )


def test_no_consent_is_not_valid():
    """R-SIP-2: no consent, no SIP."""
    assert not consent_is_valid([], guardian_ids=[MOTHER], is_minor=True, on=HELD)
    assert not consent_is_valid([], guardian_ids=[], is_minor=False, on=HELD)


@pytest.mark.parametrize(
    ("on", "valid"),
    [(GIVEN - ONE_DAY, False), (GIVEN, True), (GIVEN + ONE_DAY, True)],
)
def test_consent_counts_from_the_day_it_was_given(on, valid):
    consents = [ConsentFact(given_by=MOTHER, given_on=GIVEN)]

    assert consent_is_valid(consents, guardian_ids=[MOTHER], is_minor=True, on=on) is valid


REVOKED_FROM = date(2026, 6, 1)


@pytest.mark.parametrize(
    ("on", "valid"),
    [(REVOKED_FROM - ONE_DAY, True), (REVOKED_FROM, False), (REVOKED_FROM + ONE_DAY, False)],
)
def test_revoked_consent_is_no_longer_valid_from_its_effective_date(on, valid):
    """R-SIP-2: a consent can be revoked at any time; from the effective date it is gone."""
    consents = [
        ConsentFact(given_by=MOTHER, given_on=GIVEN, revoked_from=REVOKED_FROM),
        ConsentFact(given_by=FATHER, given_on=GIVEN),
    ]

    assert consent_is_valid(consents, guardian_ids=[MOTHER, FATHER], is_minor=True, on=on) is valid


def test_a_new_consent_after_a_revocation_makes_the_consent_valid_again():
    consents = [
        ConsentFact(given_by=MOTHER, given_on=GIVEN, revoked_from=REVOKED_FROM),
        ConsentFact(given_by=MOTHER, given_on=REVOKED_FROM + timedelta(days=5)),
    ]

    on = REVOKED_FROM + timedelta(days=3)
    assert not consent_is_valid(consents, guardian_ids=[MOTHER], is_minor=True, on=on)
    on = REVOKED_FROM + timedelta(days=5)
    assert consent_is_valid(consents, guardian_ids=[MOTHER], is_minor=True, on=on)


# --- check_meeting_can_be_held: R-SIP-2 and R-SIP-3 -----------------------------------------------


def test_meeting_cannot_be_held_without_valid_consent():
    """R-SIP-2: no consent, no SIP meeting."""
    with pytest.raises(RuleViolation) as raised:
        check_meeting_can_be_held(
            consent_valid=False, individual_offered_on=HELD - ONE_DAY, held_on=HELD
        )

    assert raised.value.rule == "R-SIP-2"


def test_meeting_cannot_be_held_without_the_offer_to_take_part_recorded():
    """R-SIP-3: the individual and the guardians are offered to take part."""
    with pytest.raises(RuleViolation) as raised:
        check_meeting_can_be_held(consent_valid=True, individual_offered_on=None, held_on=HELD)

    assert raised.value.rule == "R-SIP-3"
    assert raised.value.field == "individual_offered_on"


@pytest.mark.parametrize("offered_on", [HELD - ONE_DAY, HELD])
def test_meeting_can_be_held_when_the_offer_was_made_on_or_before_the_meeting_day(offered_on):
    """R-SIP-3, one day either side: the offer on the day of the meeting is in time."""
    check_meeting_can_be_held(consent_valid=True, individual_offered_on=offered_on, held_on=HELD)


def test_meeting_cannot_be_held_when_the_offer_is_after_the_meeting():
    """R-SIP-3: the offer must come before the meeting."""
    with pytest.raises(RuleViolation) as raised:
        check_meeting_can_be_held(
            consent_valid=True, individual_offered_on=HELD + ONE_DAY, held_on=HELD
        )

    assert raised.value.rule == "R-SIP-3"
    assert raised.value.field == "individual_offered_on"


def test_missing_consent_is_reported_before_the_missing_offer():
    with pytest.raises(RuleViolation) as raised:
        check_meeting_can_be_held(consent_valid=False, individual_offered_on=None, held_on=HELD)

    assert raised.value.rule == "R-SIP-2"


def test_a_meeting_is_recorded_as_held_only_once_it_has_taken_place():
    """R-SIP-1 / R-MEET-1 (domain.meetings): its start and its end not after now, to the
    minute: ended a minute ago is in time, starting or ending a minute from now is refused."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from domain.meetings import check_has_taken_place

    now = datetime(2026, 5, 15, 10, 0, tzinfo=ZoneInfo("Europe/Stockholm"))
    minute = timedelta(minutes=1)
    check_has_taken_place(
        started_at=now - 60 * minute, ended_at=now - minute, now=now, rule="R-SIP-1"
    )
    check_has_taken_place(started_at=now, ended_at=None, now=now, rule="R-MEET-1")
    for started, ended, field in (
        (now + minute, now + 61 * minute, "started_at"),
        (now - 30 * minute, now + minute, "ended_at"),
    ):
        with pytest.raises(RuleViolation) as raised:
            check_has_taken_place(started_at=started, ended_at=ended, now=now, rule="R-SIP-1")
        assert (raised.value.rule, raised.value.field) == ("R-SIP-1", field)


def test_a_consent_cannot_be_dated_after_today():
    """R-SIP-2: documented once given; today is in time, tomorrow is refused."""
    check_consent_given_on(given_on=HELD, today=HELD)
    with pytest.raises(RuleViolation) as raised:
        check_consent_given_on(given_on=HELD + ONE_DAY, today=HELD)

    assert (raised.value.rule, raised.value.field) == ("R-SIP-2", "given_on")


@pytest.mark.parametrize(
    ("offered_on", "meeting_on", "refused"),
    [
        (None, HELD + 10 * ONE_DAY, False),  # the offer is still to come
        (HELD, HELD, False),
        (HELD - ONE_DAY, HELD + 10 * ONE_DAY, False),
        (HELD + ONE_DAY, HELD + 10 * ONE_DAY, True),  # recorded ahead of today
        (HELD - ONE_DAY, HELD - 2 * ONE_DAY, True),  # after the meeting
    ],
)
def test_the_offer_date_when_booking(offered_on, meeting_on, refused):
    """R-SIP-3: the booking form refuses what the held form would refuse later."""
    if not refused:
        check_offer_date(individual_offered_on=offered_on, meeting_on=meeting_on, today=HELD)
        return
    with pytest.raises(RuleViolation) as raised:
        check_offer_date(individual_offered_on=offered_on, meeting_on=meeting_on, today=HELD)
    assert (raised.value.rule, raised.value.field) == ("R-SIP-3", "individual_offered_on")


# --- check_plan: R-SIP-5 and R-SIP-6 --------------------------------------------------------------

BY_UNIT = InterventionFact(description="Utredning på BUP", responsible_kind="unit", has_unit=True)


def _plan(**overrides):
    kwargs = {
        "needs": "Stöd i skolan.",
        "interventions": [BY_UNIT],
        "has_overall_responsible": True,
        "next_follow_up_on": HELD + timedelta(days=90),
        "held_on": HELD,
    } | overrides
    check_plan(**kwargs)


def test_a_complete_plan_passes():
    _plan()


@pytest.mark.parametrize("kind", ["third_party", "close_person", "individual"])
def test_an_intervention_by_someone_else_than_a_unit_passes_with_a_name(kind):
    """R-SIP-5: interventions by a third party, a close person or the individual."""
    _plan(
        interventions=[
            InterventionFact(
                description="Läxhjälp",
                responsible_kind=kind,
                has_unit=False,
                responsible_name="Moster Lena",
            )
        ]
    )


@pytest.mark.parametrize("needs", ["", "   \n"])
def test_plan_requires_the_childs_needs(needs):
    """R-SIP-5: the plan states the child's needs."""
    with pytest.raises(RuleViolation) as raised:
        _plan(needs=needs)

    assert (raised.value.rule, raised.value.field) == ("R-SIP-5", "needs")


def test_plan_requires_at_least_one_intervention():
    """R-SIP-5: the plan states the interventions."""
    with pytest.raises(RuleViolation) as raised:
        _plan(interventions=[])

    assert raised.value.rule == "R-SIP-5"


def test_an_intervention_by_a_principal_names_the_responsible_unit():
    """R-SIP-5: each principal's responsibility per intervention, at unit level."""
    without_unit = InterventionFact(description="Samtal", responsible_kind="unit", has_unit=False)

    with pytest.raises(RuleViolation) as raised:
        _plan(interventions=[BY_UNIT, without_unit])

    assert raised.value.rule == "R-SIP-5"


@pytest.mark.parametrize("name", ["", "  "])
def test_an_intervention_by_a_third_party_names_who_is_responsible(name):
    """R-SIP-5: interventions by a third party name it."""
    unnamed = InterventionFact(
        description="Fritidsaktivitet",
        responsible_kind="third_party",
        has_unit=False,
        responsible_name=name,
    )

    with pytest.raises(RuleViolation) as raised:
        _plan(interventions=[BY_UNIT, unnamed])

    assert raised.value.rule == "R-SIP-5"


def test_plan_requires_who_holds_the_overall_responsibility():
    """R-SIP-5: who has the overall responsibility for the plan."""
    with pytest.raises(RuleViolation) as raised:
        _plan(has_overall_responsible=False)

    assert (raised.value.rule, raised.value.field) == ("R-SIP-5", "overall_responsible_unit")


def test_plan_requires_a_follow_up_date():
    """R-SIP-6: the SIP is followed up at the date it sets."""
    with pytest.raises(RuleViolation) as raised:
        _plan(next_follow_up_on=None)

    assert (raised.value.rule, raised.value.field) == ("R-SIP-6", "next_follow_up_on")


@pytest.mark.parametrize("follow_up_on", [HELD - ONE_DAY, HELD])
def test_follow_up_date_on_or_before_the_meeting_day_is_refused(follow_up_on):
    """R-SIP-6: the follow-up date must be after the meeting; the meeting day is not."""
    with pytest.raises(RuleViolation) as raised:
        _plan(next_follow_up_on=follow_up_on)

    assert (raised.value.rule, raised.value.field) == ("R-SIP-6", "next_follow_up_on")


def test_follow_up_date_the_day_after_the_meeting_passes():
    """R-SIP-6, the other side of the limit."""
    _plan(next_follow_up_on=HELD + ONE_DAY)


# --- the seven steps ------------------------------------------------------------------------------


def test_progress_has_the_seven_steps_in_order():
    progress = SipProgress(
        need_noticed=True,
        consent_valid=True,
        individual_offered=False,
        invited=True,
        plan_drawn_up=False,
        followed_up=False,
        closed=False,
    )

    assert progress.steps() == [
        ("assess_need", True),
        ("consent", True),
        ("prepare", False),
        ("invite", True),
        ("draw_up", False),
        ("follow_up", False),
        ("close", False),
    ]
    assert len(STEPS) == 7


# --- R-SIP-2: no booking and no invitation without consent ---------------------------------------


@pytest.mark.parametrize("action", ["book", "invite"])
def test_no_meeting_is_booked_and_no_invitation_sent_without_valid_consent(action):
    """R-SIP-2: no consent, no SIP: booking a meeting and inviting share the child's
    information, so both need a valid consent."""
    with pytest.raises(RuleViolation) as excinfo:
        check_consent_for_sharing(consent_valid=False, action=action)
    assert excinfo.value.rule == "R-SIP-2"


@pytest.mark.parametrize("action", ["book", "invite"])
def test_with_valid_consent_meetings_are_booked_and_invitations_sent(action):
    check_consent_for_sharing(consent_valid=True, action=action)


# --- R-SIP-4: primary care when the family has no care contact in the region -----------------


def test_without_a_care_contact_the_childs_own_vardcentral_is_proposed():
    """R-SIP-4 (002 §2.2.2): no ongoing care contact in the region: primary care is invited,
    the child's own vårdcentral first."""
    proposed = primary_care_to_propose(
        has_region_care_contact=False, childs_primary_care=[7, 7], region_primary_care=[7, 8, 9]
    )
    assert proposed == [7]


def test_without_a_known_vardcentral_every_vardcentral_of_the_region_is_proposed():
    """R-SIP-4: no vårdcentral on record for the child: the region's are proposed."""
    proposed = primary_care_to_propose(
        has_region_care_contact=False, childs_primary_care=[], region_primary_care=[9, 8]
    )
    assert proposed == [8, 9]


def test_with_a_care_contact_in_the_region_nothing_is_proposed():
    """R-SIP-4: the proposal is only for a family without an ongoing care contact."""
    proposed = primary_care_to_propose(
        has_region_care_contact=True, childs_primary_care=[7], region_primary_care=[7, 8]
    )
    assert proposed == []


def test_only_the_childs_own_vardcentral_not_yet_invited_is_ticked():
    """R-SIP-4: the own vårdcentral is ticked; with none on record nothing is; an invited one
    is not ticked again; a family with a care contact in the region gets nothing ticked."""
    from domain.sip import primary_care_to_tick

    assert primary_care_to_tick(
        has_region_care_contact=False, childs_primary_care=[7, 7], invited=[]
    ) == [7]
    assert (
        primary_care_to_tick(has_region_care_contact=False, childs_primary_care=[], invited=[])
        == []
    )
    assert primary_care_to_tick(
        has_region_care_contact=False, childs_primary_care=[7, 8], invited=[7]
    ) == [8]
    assert (
        primary_care_to_tick(has_region_care_contact=True, childs_primary_care=[7], invited=[])
        == []
    )


@pytest.mark.parametrize(
    ("contact", "invited", "asks"),
    [(False, False, True), (False, True, False), (True, False, False)],
)
def test_the_sip_page_asks_for_primary_care_until_one_is_invited(contact, invited, asks):
    from domain.sip import primary_care_still_to_invite

    assert (
        primary_care_still_to_invite(has_region_care_contact=contact, primary_care_invited=invited)
        is asks
    )


def test_missing_consenters_names_who_has_yet_to_consent():
    """R-SIP-2: a minor's guardians each, a revoked consent counts as missing, an adult's own."""
    from domain.sip import YOUNG_PERSON, missing_consenters

    day = date(2026, 5, 15)
    mother_only = [ConsentFact(given_by=1, given_on=day)]
    revoked = [ConsentFact(given_by=1, given_on=day, revoked_from=day), ConsentFact(2, day)]

    assert missing_consenters(mother_only, guardian_ids=[1, 2], is_minor=True, on=day) == {2}
    assert missing_consenters(revoked, guardian_ids=[1, 2], is_minor=True, on=day) == {1}
    assert missing_consenters([], guardian_ids=[1], is_minor=False, on=day) == {YOUNG_PERSON}
    assert missing_consenters(mother_only, guardian_ids=[1], is_minor=True, on=day) == set()


def test_a_booked_meeting_is_offered_for_recording_from_its_day():
    """One day either side: the day before no, the day itself yes."""
    from domain.meetings import may_record_as_held

    assert not may_record_as_held(scheduled_on=HELD + ONE_DAY, today=HELD)
    assert may_record_as_held(scheduled_on=HELD, today=HELD)
    assert may_record_as_held(scheduled_on=HELD - ONE_DAY, today=HELD)


@pytest.mark.parametrize("rule", ["SIP", "R-MEET-1"])
def test_a_meeting_ends_after_it_starts(rule):
    """One rule for both meetings (domain.meetings), asked with each service's rule id."""
    start = datetime(2026, 5, 15, 9, 0, tzinfo=UTC)
    meetings.check_ends_after_start(started_at=start, ended_at=None, rule=rule)
    meetings.check_ends_after_start(
        started_at=start, ended_at=start + timedelta(minutes=1), rule=rule
    )
    for ended_at in (start, start - timedelta(minutes=1)):
        with pytest.raises(RuleViolation) as caught:
            meetings.check_ends_after_start(started_at=start, ended_at=ended_at, rule=rule)
        assert (caught.value.rule, caught.value.field) == (rule, "ended_at")


def test_r_sip_2_a_minor_without_a_registered_guardian_has_guardians_to_register():
    from domain.sip import guardians_to_register

    assert guardians_to_register(guardian_ids=[], is_minor=True)
    assert not guardians_to_register(guardian_ids=[MOTHER], is_minor=True)
    assert not guardians_to_register(guardian_ids=[], is_minor=False)
