"""The deadline engine: every deadline of DOMAIN.md, computed the same way (issue 7).

A deadline has a kind, a due date, the date it was met (or None) and a status on a given day. The
numbers come from the region's ``RuleSet`` (Västra Götaland by default); the day is always passed
in as ``today``. Counting follows Lag (1930:173) om beräkning av lagstadgad tid 2 §: "within 21
days of 3 March" ends on 24 March, "within 2 months of 31 December" ends on 28 (29) February, and
a deadline met on its due date is met on time.

The Django layer calls the helpers at the bottom (one per kind), each returning a ``Deadline``.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from .rulesets import DEFAULT_RULE_SET, RuleSet


class DeadlineKind(StrEnum):
    SIP_FIRST_MEETING = "sip_first_meeting"
    ACUTE_SETTLEMENT = "acute_settlement"
    AGREEMENT_BEFORE_START = "agreement_before_start"
    HEALTH_EXAM_OFFER = "health_exam_offer"
    SIP_FOLLOW_UP = "sip_follow_up"
    AGREEMENT_REVIEW = "agreement_review"
    POST_PLACEMENT_FOLLOW_UP = "post_placement_follow_up"
    INVESTIGATION_DECISION = "investigation_decision"
    INVESTIGATION_COMPLETION = "investigation_completion"
    CARE_CONTACT = "care_contact"
    POWER_OF_ATTORNEY = "power_of_attorney"
    PLACEMENT_FOLLOW_UP = "placement_follow_up"
    DISPUTE_SUB_REGIONAL = "dispute_sub_regional"
    DISPUTE_REGIONAL = "dispute_regional"


# The rule each kind enforces. The investigation deadlines have no rule ID in DOMAIN.md; they
# cite their source text (002 §3.3.1) instead.
RULE_OF: dict[DeadlineKind, str] = {
    DeadlineKind.SIP_FIRST_MEETING: "R-SIP-1",
    DeadlineKind.ACUTE_SETTLEMENT: "R-PLAC-3",
    DeadlineKind.AGREEMENT_BEFORE_START: "R-PLAC-2",
    DeadlineKind.HEALTH_EXAM_OFFER: "R-PLAC-4",
    DeadlineKind.SIP_FOLLOW_UP: "R-SIP-6",
    DeadlineKind.AGREEMENT_REVIEW: "R-COST-5",
    DeadlineKind.POST_PLACEMENT_FOLLOW_UP: "R-PLAC-7",
    DeadlineKind.INVESTIGATION_DECISION: "002 §3.3.1",
    DeadlineKind.INVESTIGATION_COMPLETION: "002 §3.3.1",
    DeadlineKind.CARE_CONTACT: "R-PLAC-5",
    DeadlineKind.POWER_OF_ATTORNEY: "R-PLAC-6",
    DeadlineKind.PLACEMENT_FOLLOW_UP: "R-PLAC-7",
    DeadlineKind.DISPUTE_SUB_REGIONAL: "R-DISP-1",
    DeadlineKind.DISPUTE_REGIONAL: "R-DISP-1",
}


class DeadlineStatus(StrEnum):
    MET_ON_TIME = "met_on_time"
    MET_LATE = "met_late"
    OPEN = "open"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"


def add_months(d: date, months: int) -> date:
    """The same day ``months`` later (or earlier, when negative); a day the target month lacks
    becomes its last day: 31 January + 1 month = 28 (29) February (Lag (1930:173) 2 §)."""
    month_index = d.year * 12 + (d.month - 1) + months
    year, month = divmod(month_index, 12)
    month += 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def _days(d: date, n: int) -> date:
    return d + timedelta(days=n)


# How each kind's due date follows from its start date. A row per kind; the numbers come from the
# rule set. For the "dated" kinds (the due date is itself the start) the row is the identity.
_DUE_FROM_START: dict[DeadlineKind, Callable[[date, RuleSet], date]] = {
    # R-SIP-1: the SIP meeting within 3 weeks of the need for coordination being noticed.
    DeadlineKind.SIP_FIRST_MEETING: lambda start, rs: _days(start, rs.sip_meeting_days),
    # R-PLAC-3: an acute placement's cost split settled at the latest 30 days after it started.
    DeadlineKind.ACUTE_SETTLEMENT: lambda start, rs: _days(start, rs.acute_settlement_days),
    # R-PLAC-2: a planned placement's agreement signed on or before the planned start.
    DeadlineKind.AGREEMENT_BEFORE_START: lambda start, rs: start,
    # R-PLAC-4: the appointment offered within 4 weeks of the examination being initiated.
    DeadlineKind.HEALTH_EXAM_OFFER: lambda start, rs: _days(start, rs.health_exam_offer_days),
    # R-SIP-6: the follow-up on the date the plan sets (``start`` is that date).
    DeadlineKind.SIP_FOLLOW_UP: lambda start, rs: start,
    # R-COST-5: the review on its review date (``start`` is that date; see agreement_review_due).
    DeadlineKind.AGREEMENT_REVIEW: lambda start, rs: start,
    # R-PLAC-7: a follow-up after the placement ended must end within 2 months of the end.
    DeadlineKind.POST_PLACEMENT_FOLLOW_UP: lambda start, rs: add_months(
        start, rs.post_placement_followup_months
    ),
    # 002 §3.3.1: the decision to investigate within 2 weeks of the report.
    DeadlineKind.INVESTIGATION_DECISION: lambda start, rs: _days(
        start, rs.investigation_decision_days
    ),
    # 002 §3.3.1: the investigation done within 4 months of the decision to investigate.
    DeadlineKind.INVESTIGATION_COMPLETION: lambda start, rs: add_months(
        start, rs.investigation_completion_months
    ),
    # R-PLAC-5: the permanent care contact is appointed when the SIP is drawn up; without a known
    # SIP due date, the first SIP meeting's limit counted from the placement start.
    DeadlineKind.CARE_CONTACT: lambda start, rs: _days(start, rs.sip_meeting_days),
    # R-PLAC-6: an LVU minor's power of attorney issued on or before the placement start.
    DeadlineKind.POWER_OF_ATTORNEY: lambda start, rs: start,
    # R-PLAC-7 (L24): the next joint follow-up of the placement on the date the last one set.
    DeadlineKind.PLACEMENT_FOLLOW_UP: lambda start, rs: start,
    # R-DISP-1: a dispute not solved within 30 days at the sub-regional level goes to the
    # regional level (``start``: the day it reached the sub-regional level, day 0) ...
    DeadlineKind.DISPUTE_SUB_REGIONAL: lambda start, rs: _days(start, rs.dispute_subregional_days),
    # ... which prepares the matter within 30 days of receiving it.
    DeadlineKind.DISPUTE_REGIONAL: lambda start, rs: _days(start, rs.dispute_regional_days),
}


def due_date(kind: DeadlineKind, *, start: date, rule_set: RuleSet) -> date:
    """The due date of a deadline of ``kind`` whose clock starts on ``start``.

    ``start`` is: the day the need was noticed (SIP_FIRST_MEETING), the actual start of an acute
    placement (ACUTE_SETTLEMENT), the planned start (AGREEMENT_BEFORE_START), the day the health
    examination was initiated (HEALTH_EXAM_OFFER), the placement's end (POST_PLACEMENT_FOLLOW_UP),
    the report received (INVESTIGATION_DECISION), the decision to investigate
    (INVESTIGATION_COMPLETION), the placement start (CARE_CONTACT, POWER_OF_ATTORNEY). For
    SIP_FOLLOW_UP and AGREEMENT_REVIEW the date is set, not computed: ``start`` is the due date
    itself (``agreement_review_due`` computes a review date).
    """
    return _DUE_FROM_START[kind](start, rule_set)


def agreement_review_due(
    *, effective_from: date, rule_set: RuleSet, sip_follow_up_on: date | None = None
) -> date:
    """R-COST-5: the next joint review of an agreement version's split: ``agreement_review_months``
    after the version took effect, or the SIP follow-up date when that comes first. A follow-up
    before the version takes effect cannot review it (the split was not yet in force): the
    interval then applies, so a version signed for a later date is never overdue at once."""
    interval_due = add_months(effective_from, rule_set.agreement_review_months)
    if sip_follow_up_on is None or sip_follow_up_on < effective_from:
        return interval_due
    return min(interval_due, sip_follow_up_on)


def deadline_status(
    *, due_on: date, met_on: date | None, today: date, due_soon_days: int
) -> DeadlineStatus:
    """The status of a deadline on ``today``.

    - met on or before ``due_on``: MET_ON_TIME; met after it: MET_LATE (whatever ``today`` is);
    - not met and ``today`` after ``due_on``: OVERDUE (the day after the due date is the first
      overdue day; due today and not met is not overdue);
    - not met and ``due_on`` at most ``due_soon_days`` days ahead (0 = due today): DUE_SOON;
    - otherwise OPEN.
    """
    if due_soon_days < 0:
        raise ValueError("due_soon_days cannot be negative")
    if met_on is not None:
        return DeadlineStatus.MET_ON_TIME if met_on <= due_on else DeadlineStatus.MET_LATE
    if today > due_on:
        return DeadlineStatus.OVERDUE
    if (due_on - today).days <= due_soon_days:
        return DeadlineStatus.DUE_SOON
    return DeadlineStatus.OPEN


@dataclass(frozen=True)
class Deadline:
    """One deadline of one object. ``subject`` names the object for the caller (for example
    ``"placement:42"``); ``rule`` defaults to the kind's citation in ``RULE_OF``."""

    kind: DeadlineKind
    due_on: date
    met_on: date | None = None
    subject: str = ""
    rule: str = ""

    def __post_init__(self) -> None:
        if not self.rule:
            object.__setattr__(self, "rule", RULE_OF[self.kind])

    def status(self, *, today: date, due_soon_days: int) -> DeadlineStatus:
        return deadline_status(
            due_on=self.due_on, met_on=self.met_on, today=today, due_soon_days=due_soon_days
        )


def _deadline(
    kind: DeadlineKind, *, start: date, met_on: date | None, rule_set: RuleSet | None, subject: str
) -> Deadline:
    """A deadline of ``kind``; kinds whose due date is the start itself need no rule set."""
    due_on = due_date(kind, start=start, rule_set=rule_set or DEFAULT_RULE_SET)
    return Deadline(kind=kind, due_on=due_on, met_on=met_on, subject=subject)


def sip_first_meeting(
    *, noticed_on: date, held_on: date | None, rule_set: RuleSet, subject: str = ""
) -> Deadline:
    """R-SIP-1: the SIP meeting is held within 3 weeks of the need for coordination being
    noticed."""
    return _deadline(
        DeadlineKind.SIP_FIRST_MEETING,
        start=noticed_on,
        met_on=held_on,
        rule_set=rule_set,
        subject=subject,
    )


def acute_settlement(
    *, actual_start: date, settled_on: date | None, rule_set: RuleSet, subject: str = ""
) -> Deadline:
    """R-PLAC-3: an acute placement's cost split is settled (the agreement signed by both
    principals) at the latest 30 days after the placement actually started."""
    return _deadline(
        DeadlineKind.ACUTE_SETTLEMENT,
        start=actual_start,
        met_on=settled_on,
        rule_set=rule_set,
        subject=subject,
    )


def agreement_before_start(
    *, planned_start: date, signed_on: date | None, subject: str = ""
) -> Deadline:
    """R-PLAC-2: a planned placement's agreement is signed by both principals before it starts:
    on the planned start day at the latest."""
    return _deadline(
        DeadlineKind.AGREEMENT_BEFORE_START,
        start=planned_start,
        met_on=signed_on,
        rule_set=None,
        subject=subject,
    )


def health_exam_offer(
    *, initiated_on: date, offered_on: date | None, rule_set: RuleSet, subject: str = ""
) -> Deadline:
    """R-PLAC-4: the vårdcentral offers an appointment within 4 weeks of the request."""
    return _deadline(
        DeadlineKind.HEALTH_EXAM_OFFER,
        start=initiated_on,
        met_on=offered_on,
        rule_set=rule_set,
        subject=subject,
    )


def sip_follow_up(*, follow_up_on: date, held_on: date | None, subject: str = "") -> Deadline:
    """R-SIP-6: the SIP is followed up at the date it sets."""
    return _deadline(
        DeadlineKind.SIP_FOLLOW_UP,
        start=follow_up_on,
        met_on=held_on,
        rule_set=None,
        subject=subject,
    )


def sip_follow_up_at_change(
    *, changed_on: date, held_on: date | None, subject: str = ""
) -> Deadline:
    """R-SIP-6 (002 §3.1, §3.5.1): the SIP is followed up "at the latest at changes such as a
    change or end of placement". Decision: due on the day of the change itself (the move or the
    end), the latest day the rule allows; a SIP meeting held for the change on or before it
    meets it on time, one held later meets it late."""
    return _deadline(
        DeadlineKind.SIP_FOLLOW_UP,
        start=changed_on,
        met_on=held_on,
        rule_set=None,
        subject=subject,
    )


def placement_follow_up(*, follow_up_on: date, held_on: date | None, subject: str = "") -> Deadline:
    """R-PLAC-7 (L24): the placement is followed up jointly and regularly: the next joint
    follow-up is due on the date the previous one set, and met by the next one recorded."""
    return _deadline(
        DeadlineKind.PLACEMENT_FOLLOW_UP,
        start=follow_up_on,
        met_on=held_on,
        rule_set=None,
        subject=subject,
    )


def agreement_review(*, review_on: date, reviewed_on: date | None, subject: str = "") -> Deadline:
    """R-COST-5: the joint review of the cost split on its review date (see
    ``agreement_review_due``)."""
    return _deadline(
        DeadlineKind.AGREEMENT_REVIEW,
        start=review_on,
        met_on=reviewed_on,
        rule_set=None,
        subject=subject,
    )


def post_placement_follow_up(
    *, ended_on: date, follow_up_ended_on: date | None, rule_set: RuleSet, subject: str = ""
) -> Deadline:
    """R-PLAC-7: a follow-up after the placement has ended must end within 2 months of the
    placement's end."""
    return _deadline(
        DeadlineKind.POST_PLACEMENT_FOLLOW_UP,
        start=ended_on,
        met_on=follow_up_ended_on,
        rule_set=rule_set,
        subject=subject,
    )


def investigation_decision(
    *, report_received_on: date, decided_on: date | None, rule_set: RuleSet, subject: str = ""
) -> Deadline:
    """002 §3.3.1: the decision whether to open an investigation within 2 weeks of a report."""
    return _deadline(
        DeadlineKind.INVESTIGATION_DECISION,
        start=report_received_on,
        met_on=decided_on,
        rule_set=rule_set,
        subject=subject,
    )


def investigation_completion(
    *, decided_on: date, completed_on: date | None, rule_set: RuleSet, subject: str = ""
) -> Deadline:
    """002 §3.3.1: the investigation is done within 4 months of the decision to investigate."""
    return _deadline(
        DeadlineKind.INVESTIGATION_COMPLETION,
        start=decided_on,
        met_on=completed_on,
        rule_set=rule_set,
        subject=subject,
    )


def care_contact(
    *,
    placement_start: date,
    appointed_on: date | None,
    rule_set: RuleSet,
    first_sip_due_on: date | None = None,
    subject: str = "",
) -> Deadline:
    """R-PLAC-5: a placed child has a permanent care contact, appointed when the SIP is drawn up.

    Due on the first SIP meeting's due date when the caller knows it (``first_sip_due_on``),
    otherwise ``sip_meeting_days`` after the placement start.
    """
    if first_sip_due_on is not None:
        return Deadline(
            kind=DeadlineKind.CARE_CONTACT,
            due_on=first_sip_due_on,
            met_on=appointed_on,
            subject=subject,
        )
    return _deadline(
        DeadlineKind.CARE_CONTACT,
        start=placement_start,
        met_on=appointed_on,
        rule_set=rule_set,
        subject=subject,
    )


def power_of_attorney(
    *, placement_start: date, issued_on: date | None, subject: str = ""
) -> Deadline:
    """R-PLAC-6: for an LVU placement of a minor in a foster home or HVB, the power of attorney
    is issued on the placement start at the latest. Whether one is needed at all is decided by
    ``domain.placements.requires_power_of_attorney``; call this only when it is."""
    return _deadline(
        DeadlineKind.POWER_OF_ATTORNEY,
        start=placement_start,
        met_on=issued_on,
        rule_set=None,
        subject=subject,
    )


def compliance_share(deadlines: Iterable[Deadline], *, today: date) -> Decimal | None:
    """The share of due deadlines met on time: on time / (on time + late + overdue), unrounded.

    Open and due-soon deadlines are not yet due and do not count. None when nothing is due.
    ``today`` is needed to tell an overdue deadline from one that is not yet due.
    """
    on_time = counted = 0
    for deadline in deadlines:
        status = deadline.status(today=today, due_soon_days=0)
        if status in (DeadlineStatus.OPEN, DeadlineStatus.DUE_SOON):
            continue
        counted += 1
        on_time += status == DeadlineStatus.MET_ON_TIME
    if counted == 0:
        return None
    return Decimal(on_time) / Decimal(counted)
