"""SIP rules: consent (R-SIP-2), the offer to take part (R-SIP-3), primary care for a family
without a care contact (R-SIP-4), the written plan (R-SIP-5), its follow-up (R-SIP-6), and the
seven steps."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Literal

from .errors import RuleViolation, Violations
from .i18n import gettext_noop as _
from .meetings import may_record_as_held

ADULT_AGE = 18
YOUNG_PERSON = "young_person"


@dataclass(frozen=True)
class ConsentFact:
    """One recorded consent: who gave it (a guardian's id or YOUNG_PERSON), from when, and
    from when it is revoked (None = not revoked)."""

    given_by: int | str
    given_on: date
    revoked_from: date | None = None

    def valid_on(self, on: date) -> bool:
        return self.given_on <= on and (self.revoked_from is None or on < self.revoked_from)


def check_need_noticed_on(*, need_noticed_on: date, birth_date: date, today: date) -> None:
    """R-SIP-1: the need for coordination is noticed for a child who exists, and not ahead of
    today (the first meeting's deadline counts from that day: a date decades back made a
    deadline overdue by 46,000 days)."""
    if need_noticed_on > today:
        raise RuleViolation(
            "R-SIP-1",
            _("The need cannot be noticed in the future."),
            field="need_noticed_on",
        )
    if need_noticed_on < birth_date:
        raise RuleViolation(
            "R-SIP-1",
            _("The need cannot be noticed before the child was born."),
            field="need_noticed_on",
        )


def required_consenters(*, guardian_ids: Iterable[int], is_minor: bool) -> set[int | str]:
    """R-SIP-2: for a minor, each guardian (both, when there are two); for a young person of
    18 or more, the young person. A minor without a registered guardian consents personally."""
    guardians = set(guardian_ids)
    if is_minor and guardians:
        return set(guardians)
    return {YOUNG_PERSON}


def guardians_to_register(*, guardian_ids: Iterable[int], is_minor: bool) -> bool:
    """R-SIP-2: a minor's guardians consent, and none is registered: the pages say to register
    them (``required_consenters`` meanwhile falls back to the young person, a question left to
    the team)."""
    return is_minor and not set(guardian_ids)


def missing_consenters(
    consents: Iterable[ConsentFact], *, guardian_ids: Iterable[int], is_minor: bool, on: date
) -> set[int | str]:
    """R-SIP-2: the required persons (guardian ids, or YOUNG_PERSON) without an unrevoked
    consent on the day; empty when the consent is valid."""
    valid_givers = {c.given_by for c in consents if c.valid_on(on)}
    return required_consenters(guardian_ids=guardian_ids, is_minor=is_minor) - valid_givers


def consent_is_valid(
    consents: Iterable[ConsentFact], *, guardian_ids: Iterable[int], is_minor: bool, on: date
) -> bool:
    """R-SIP-2: no consent, no SIP. Valid when every required person has an unrevoked consent
    on the day."""
    return not missing_consenters(consents, guardian_ids=guardian_ids, is_minor=is_minor, on=on)


def check_consent_for_sharing(
    *, consent_valid: bool, action: Literal["book", "invite"], meeting_day: bool = False
) -> None:
    """R-SIP-2: no consent, no SIP. Without a valid consent on the day no SIP meeting is
    booked and no invitation is sent: both share the child's information with other parties.
    ``action`` is "book" or "invite" (the message says which); ``meeting_day``: the day asked is
    the meeting's, not today (the consent may be valid today and end before the meeting: the
    message then says so, next to the meeting's date)."""
    if consent_valid:
        return
    if meeting_day:
        raise RuleViolation(
            "R-SIP-2",
            _("The consent does not cover the day of the meeting: choose a day it covers."),
            field="scheduled_on",
        )
    message = (
        _("A SIP meeting cannot be booked without valid consent.")
        if action == "book"
        else _("Invitations cannot be sent without valid consent.")
    )
    raise RuleViolation("R-SIP-2", message, field=None)


def check_consent_given_on(*, given_on: date, today: date) -> None:
    """R-SIP-2: a consent is documented once it has been given: not with a day ahead of today
    (found by an exploratory review: a consent dated next month was stored and the SIP then
    said "no valid consent" without a word why)."""
    if given_on > today:
        raise RuleViolation(
            "R-SIP-2",
            _("A consent cannot be recorded before it has been given."),
            field="given_on",
        )


def check_offer_date(*, individual_offered_on: date | None, meeting_on: date, today: date) -> None:
    """R-SIP-3: the offer to take part is made before the meeting, and recorded once made
    (when booking, the offer may still be to come: then it is left empty)."""
    if individual_offered_on is None:
        return
    if individual_offered_on > today:
        raise RuleViolation(
            "R-SIP-3",
            _("The offer to take part cannot be recorded before it has been made."),
            field="individual_offered_on",
        )
    if individual_offered_on > meeting_on:
        raise RuleViolation(
            "R-SIP-3",
            _("The offer to take part must be made before the meeting."),
            field="individual_offered_on",
        )


def check_meeting_can_be_held(
    *, consent_valid: bool, individual_offered_on: date | None, held_on: date
) -> None:
    """A SIP meeting may be recorded as held only with valid consent (R-SIP-2) and when the
    individual was offered to take part, recorded on or before the meeting (R-SIP-3). Both
    are reported together when both fail (issue 12). That it has taken place at all is
    ``domain.meetings.check_has_taken_place`` (R-SIP-1)."""
    found = Violations()
    if not consent_valid:
        found.add("R-SIP-2", _("The meeting cannot be recorded as held without valid consent."))
    if individual_offered_on is None:
        found.add(
            "R-SIP-3",
            _("Record that the child and the guardians were offered to take part."),
            field="individual_offered_on",
        )
    elif individual_offered_on > held_on:
        found.add(
            "R-SIP-3",
            _("The offer to take part must be made before the meeting."),
            field="individual_offered_on",
        )
    found.raise_if_any()


def primary_care_to_propose(
    *,
    has_region_care_contact: bool,
    childs_primary_care: Iterable[int],
    region_primary_care: Iterable[int],
) -> list[int]:
    """R-SIP-4: when the family has no ongoing care contact in the region, primary care (the
    vårdcentral) is the one invited (002 §2.2.2). Returns the ids of the units to propose:
    none when there is a care contact; else the child's own vårdcentral (known from the
    child's placements and health examinations), or every vårdcentral of the region when the
    child has none on record."""
    if has_region_care_contact:
        return []
    own = sorted(set(childs_primary_care))
    return own or sorted(set(region_primary_care))


def primary_care_to_tick(
    *,
    has_region_care_contact: bool,
    childs_primary_care: Iterable[int],
    invited: Iterable[int],
) -> list[int]:
    """R-SIP-4: the vårdcentral the invitation form ticks in advance: the child's own, when it
    is known and not yet invited. Without one on record the region's are proposed (listed) but
    none is ticked: the caseworker picks the family's (ticking them all invited every
    vårdcentral of the region with one click; found by an exploratory review)."""
    if has_region_care_contact:
        return []
    return sorted(set(childs_primary_care) - set(invited))


def primary_care_still_to_invite(
    *, has_region_care_contact: bool, primary_care_invited: bool
) -> bool:
    """R-SIP-4: the SIP page asks to invite primary care while the family has no ongoing care
    contact in the region and no vårdcentral is invited (an invitation not declined)."""
    return not has_region_care_contact and not primary_care_invited


@dataclass(frozen=True)
class InterventionFact:
    description: str
    responsible_kind: str  # "unit", "third_party", "close_person", "individual"
    has_unit: bool
    responsible_name: str = ""


def check_plan(
    *,
    needs: str,
    interventions: Iterable[InterventionFact],
    has_overall_responsible: bool,
    next_follow_up_on: date | None,
    held_on: date,
) -> None:
    """R-SIP-5: the written plan states the needs, the interventions with each responsible
    party (a principal's unit, a third party, a close person or the individual), who holds the
    overall responsibility, and (R-SIP-6) when it is followed up — a date after the meeting.
    Every missing part is reported at once (issue 12)."""
    found = Violations()
    if not needs.strip():
        found.add("R-SIP-5", _("Describe the child's needs."), field="needs")
    items = list(interventions)
    if not items:
        found.add("R-SIP-5", _("The plan needs at least one intervention."))
    if any(item.responsible_kind == "unit" and not item.has_unit for item in items):
        found.add("R-SIP-5", _("Each intervention by a principal names the responsible unit."))
    if any(item.responsible_kind != "unit" and not item.responsible_name.strip() for item in items):
        found.add("R-SIP-5", _("Name who is responsible for each intervention by someone else."))
    if not has_overall_responsible:
        found.add(
            "R-SIP-5",
            _("State who holds the overall responsibility for the plan."),
            field="overall_responsible_unit",
        )
    if next_follow_up_on is None:
        found.add(
            "R-SIP-6", _("Set the date when the plan is followed up."), field="next_follow_up_on"
        )
    elif next_follow_up_on <= held_on:
        found.add(
            "R-SIP-6",
            _("The follow-up date must be after the meeting."),
            field="next_follow_up_on",
        )
    found.raise_if_any()


STEPS = (
    "assess_need",
    "consent",
    "prepare",
    "invite",
    "draw_up",
    "follow_up",
    "close",
)


@dataclass(frozen=True)
class SipProgress:
    need_noticed: bool
    consent_valid: bool
    individual_offered: bool
    invited: bool
    plan_drawn_up: bool
    followed_up: bool
    closed: bool

    def steps(self) -> list[tuple[str, bool]]:
        """The seven SIP steps, each done when its data is there."""
        done = (
            self.need_noticed,
            self.consent_valid,
            self.individual_offered,
            self.invited,
            self.plan_drawn_up,
            self.followed_up,
            self.closed,
        )
        return list(zip(STEPS, done, strict=True))


class SipAction(StrEnum):
    """What the SIP page offers as its next step; the Django layer maps it to a form."""

    RECORD_CONSENT = "record_consent"
    INVITE = "invite"
    BOOK_MEETING = "book_meeting"
    RECORD_MEETING_HELD = "record_meeting_held"


@dataclass(frozen=True)
class SipNextStep:
    """The one step a SIP waits for: a step of ``STEPS``, the rule behind it, the action that
    moves it (None while the booked meeting's day has not come: nothing can be done but wait),
    the booked meeting and its day, and the date the step is due by."""

    step: str
    rule: str
    action: SipAction | None
    meeting_id: int | None = None
    due_on: date | None = None
    meeting_on: date | None = None


def sip_next_step(
    progress: SipProgress,
    *,
    booked_meeting_id: int | None,
    booked_meeting_on: date | None = None,
    today: date,
    first_meeting_due: date,
    follow_up_due: date | None,
) -> SipNextStep | None:
    """What comes next for a SIP, following the seven steps: None once it is closed.

    - Consent first, and again when it has been revoked (R-SIP-2: no consent, no SIP).
    - Until the plan is drawn up, due by the first meeting's date (R-SIP-1): invite the parties
      (R-SIP-4), then book the meeting (the booking records the offer to the individual to take
      part, R-SIP-3), then record it as held with the written plan (R-SIP-5) — once its day has
      come: a meeting is not recorded as held ahead of time (``meetings.check_has_taken_place``).
    - Once the plan is drawn up, due by the follow-up date the plan set (R-SIP-6): book the
      follow-up meeting, then record it as held. Closing is a closing meeting the parties
      choose to hold; no step waits for it.

    ``booked_meeting_id`` / ``booked_meeting_on``: a meeting booked and not yet held (the first
    such) and its day, or None."""
    if progress.closed:
        return None
    due = follow_up_due if progress.plan_drawn_up else first_meeting_due
    if not progress.consent_valid:
        return SipNextStep("consent", "R-SIP-2", SipAction.RECORD_CONSENT, due_on=due)
    if not progress.plan_drawn_up:
        if not progress.invited:
            return SipNextStep("invite", "R-SIP-4", SipAction.INVITE, due_on=due)
        if booked_meeting_id is None:
            step = "draw_up" if progress.individual_offered else "prepare"
            return SipNextStep(step, "R-SIP-3", SipAction.BOOK_MEETING, due_on=due)
        step, rule = "draw_up", "R-SIP-5"
    else:
        if booked_meeting_id is None:
            return SipNextStep("follow_up", "R-SIP-6", SipAction.BOOK_MEETING, due_on=due)
        step, rule = "follow_up", "R-SIP-6"
    waits = booked_meeting_on is not None and not may_record_as_held(
        scheduled_on=booked_meeting_on, today=today
    )
    return SipNextStep(
        step,
        rule,
        None if waits else SipAction.RECORD_MEETING_HELD,
        meeting_id=booked_meeting_id,
        due_on=due,
        meeting_on=booked_meeting_on,
    )
