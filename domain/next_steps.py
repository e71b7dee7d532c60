"""The next steps of a case (issue 12): each step on the way to a started placement — or, for
an acute placement, to a settled cost split — with its state on a given day, its due date,
what is still missing, and the one action that moves it.

Pure functions over plain facts (no Django): the Django layer gathers the facts
(``dashboard.next_steps``), turns each action into a link for those whose policy allows it,
and shows the reasons. The steps follow the rule book:

- planned placement (R-PLAC-2): SIP initiated → SIP meeting held with the plan (R-SIP-1,
  R-SIP-2, R-SIP-5) → cost-responsibility meeting held after it (R-MEET-1) → agreement drafted
  (R-MEET-1, R-COST-2) → sent for signature (R-COST-2) → signed by the municipality → signed by
  the region (R-MEET-3) → placement started (R-PLAC-1, R-PLAC-2, R-PLAC-6);
- acute placement (R-PLAC-3): placement started → the same steps up to the second signature,
  which settles the split, due 30 days after the start;
- health examinations (R-PLAC-4): each kind requested, and the appointment offered within 4
  weeks of the request.

A step whose action cannot succeed yet gets no action, only the reasons (``missing``), so the
screen never offers a button that will be refused. The date is always passed in (``today``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from . import deadlines as engine
from . import placements as placement_rules
from .agreements import AgreementStatus, check_agreement_content
from .errors import RuleViolation
from .i18n import gettext_noop as _
from .meetings import may_record_as_held
from .placements import ExamKind, PlacementFacts, PlacementStatus
from .rulesets import RuleSet


class StepKind(StrEnum):
    PLACEMENT_STARTED = "placement_started"
    SIP_INITIATED = "sip_initiated"
    SIP_MEETING_HELD = "sip_meeting_held"
    COST_MEETING_HELD = "cost_meeting_held"
    AGREEMENT_DRAFTED = "agreement_drafted"
    SENT_FOR_SIGNATURE = "sent_for_signature"
    SIGNED_BY_MUNICIPALITY = "signed_by_municipality"
    SIGNED_BY_REGION = "signed_by_region"
    HEALTH_EXAM = "health_exam"


class StepState(StrEnum):
    DONE = "done"
    TODO = "todo"  # not done, no due date
    DUE = "due"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"


class Action(StrEnum):
    """What the one link of a step does; the Django layer maps it to a URL and a policy."""

    CREATE_SIP = "create_sip"
    RECORD_CONSENT = "record_consent"
    BOOK_SIP_MEETING = "book_sip_meeting"
    RECORD_SIP_MEETING_HELD = "record_sip_meeting_held"
    REGISTER_COST_MEETING = "register_cost_meeting"
    DRAFT_AGREEMENT = "draft_agreement"
    COMPLETE_DRAFT = "complete_draft"
    SEND_FOR_SIGNATURE = "send_for_signature"
    SIGN_FOR_MUNICIPALITY = "sign_for_municipality"
    SIGN_FOR_REGION = "sign_for_region"
    COMPLETE_RECORD = "complete_record"
    START_PLACEMENT = "start_placement"
    REQUEST_HEALTH_EXAM = "request_health_exam"
    RECORD_EXAM_OFFER = "record_exam_offer"


MUNICIPALITY = "municipality"
REGION = "region"


@dataclass(frozen=True)
class Reason:
    """Why a step cannot be done yet: the rule and a message (a msgid the views translate)."""

    rule: str
    message: str
    on: date | None = None  # the date the message names as %(date)s, if any


@dataclass(frozen=True)
class SipFacts:
    """The SIP the placement's steps run through (the one linked to it, else the child's)."""

    sip_id: int
    noticed_on: date
    rule_set: RuleSet  # in force on ``noticed_on`` (issue 11)
    consent_valid: bool  # R-SIP-2, on the day
    held_on: date | None = None  # the first meeting held with its plan (R-SIP-5)
    booked_meeting_id: int | None = None  # a meeting booked and not yet held
    booked_meeting_on: date | None = None  # its day


@dataclass(frozen=True)
class AgreementFacts:
    """The cost meeting and the agreement version on the way to the signatures."""

    cost_meeting_on: date | None = None  # a cost meeting held after the SIP meeting (R-MEET-1)
    version_id: int | None = None
    status: AgreementStatus | None = None
    drafted_on: date | None = None
    sent_on: date | None = None
    health_care_provision: str = ""
    line_count: int = 0
    municipality_signed_on: date | None = None
    region_signed_on: date | None = None
    settled_on: date | None = None  # both principals signed (a version in force or past)
    signing_order: tuple[str, ...] = ()  # (MUNICIPALITY, REGION), the reverse, or () = any


@dataclass(frozen=True)
class ExamFacts:
    kind: ExamKind
    exam_id: int
    initiated_on: date
    rule_set: RuleSet  # in force on ``initiated_on``
    offered_on: date | None = None
    unnecessary: bool = False


@dataclass(frozen=True)
class CaseFacts:
    placement: PlacementFacts
    planned_start: date
    rule_set: RuleSet  # in force on the placement start (R-PLAC-3)
    sip: SipFacts | None = None
    agreement: AgreementFacts = AgreementFacts()
    exams: tuple[ExamFacts, ...] = ()


@dataclass(frozen=True)
class Step:
    kind: StepKind
    rule: str
    state: StepState
    due_on: date | None = None
    done_on: date | None = None
    days: int | None = None  # days left (DUE, DUE_SOON) or days late (OVERDUE)
    action: Action | None = None
    ref: int | str | None = None  # what the action acts on (a meeting, a version, an exam kind)
    missing: tuple[Reason, ...] = ()
    exam_kind: ExamKind | None = None

    @property
    def is_done(self) -> bool:
        return self.state == StepState.DONE


def step_state(
    *, due_on: date | None, done: bool, today: date, due_soon_days: int
) -> tuple[StepState, int | None]:
    """The state of a step on ``today`` and its days left (or late), with the deadline engine's
    boundaries: due today is not overdue, the day after the due date is the first day late."""
    if done:
        return StepState.DONE, None
    if due_on is None:
        return StepState.TODO, None
    status = engine.deadline_status(
        due_on=due_on, met_on=None, today=today, due_soon_days=due_soon_days
    )
    if status == engine.DeadlineStatus.OVERDUE:
        return StepState.OVERDUE, (today - due_on).days
    left = (due_on - today).days
    return (StepState.DUE_SOON if status == engine.DeadlineStatus.DUE_SOON else StepState.DUE), left


def _step(
    kind: StepKind,
    *,
    rule: str,
    done_on: date | None,
    done: bool,
    due_on: date | None,
    today: date,
    due_soon_days: int,
    action: Action | None = None,
    ref: int | str | None = None,
    missing: Iterable[Reason] = (),
    exam_kind: ExamKind | None = None,
) -> Step:
    state, days = step_state(due_on=due_on, done=done, today=today, due_soon_days=due_soon_days)
    return Step(
        kind=kind,
        rule=rule,
        state=state,
        due_on=due_on,
        done_on=done_on,
        days=days,
        action=None if done else action,
        ref=None if done else ref,
        missing=() if done else tuple(missing),
        exam_kind=exam_kind,
    )


SENT_STATUSES = frozenset(
    {
        AgreementStatus.AWAITING_SIGNATURES,
        AgreementStatus.SIGNED,
        AgreementStatus.SUPERSEDED,
        AgreementStatus.ENDED,
    }
)

PLANNED_START_NEEDS_AGREEMENT = _(
    "A planned placement cannot start before its cost agreement is signed by both principals."
)


def start_reasons(facts: CaseFacts, *, today: date) -> list[Reason]:
    """What keeps the placement from starting today: the target group (002 §1.4), R-PLAC-1
    and R-PLAC-6 (``domain.placements.check_record_complete``), and for a planned placement
    R-PLAC-2 (both principals have signed). Empty when the move to active would succeed."""
    placement = facts.placement
    if not placement_rules.can_move(placement.status, PlacementStatus.ACTIVE):
        return [Reason("LIFECYCLE", _("This status change is not allowed for the placement."))]
    reasons: list[Reason] = []
    start = placement.actual_start or today
    try:
        placement_rules.check_age_at_start(birth_date=placement.birth_date, start=start)
    except RuleViolation as violation:
        reasons.append(Reason(violation.rule, violation.message))
    try:
        placement_rules.check_record_complete(placement, on=start)
    except RuleViolation as violation:
        reasons.append(Reason(violation.rule, violation.message))
        if violation.rule == "R-PLAC-1":
            # The power of attorney is checked after the record: ask it on its own too, so that
            # every missing item is named at once.
            complete = replace(
                placement,
                goal="-",
                wishes="-",
                schooling="-",
                responsibilities="-",
                municipality_provision=placement_rules.Provision.ITSELF,
                region_provision=placement_rules.Provision.ITSELF,
            )
            try:
                placement_rules.check_record_complete(complete, on=start)
            except RuleViolation as poa:
                reasons.append(Reason(poa.rule, poa.message))
    if not placement.is_acute and facts.agreement.settled_on is None:
        reasons.append(Reason("R-PLAC-2", PLANNED_START_NEEDS_AGREEMENT))
    return reasons


def _started_step(
    facts: CaseFacts, *, due_on: date | None, today: date, due_soon_days: int
) -> Step:
    placement = facts.placement
    started = placement.status in (PlacementStatus.ACTIVE, PlacementStatus.ENDED)
    reasons = [] if started else start_reasons(facts, today=today)
    fixable = {"R-PLAC-1", "R-PLAC-6"}
    if not reasons:
        action: Action | None = Action.START_PLACEMENT
    elif any(r.rule in fixable for r in reasons):
        action = Action.COMPLETE_RECORD  # the record can be completed now
    else:
        action = None
    return _step(
        StepKind.PLACEMENT_STARTED,
        rule="R-PLAC-3" if placement.is_acute else "R-PLAC-2",
        done=started,
        done_on=placement.actual_start,
        due_on=due_on,
        today=today,
        due_soon_days=due_soon_days,
        action=action,
        missing=reasons,
    )


def _agreement_steps(
    facts: CaseFacts, *, due_on: date | None, today: date, due_soon_days: int
) -> list[Step]:
    """SIP initiated → SIP meeting held → cost meeting → drafted → sent → both signatures.
    ``due_on`` is the limit of the whole way (the planned start, or the acute settlement)."""
    sip, agreement = facts.sip, facts.agreement
    settled = agreement.settled_on is not None
    steps: list[Step] = []

    # SIP initiated (R-SIP-1: any party that sees the child may initiate one).
    steps.append(
        _step(
            StepKind.SIP_INITIATED,
            rule="R-SIP-1",
            done=sip is not None or settled,
            done_on=sip.noticed_on if sip else None,
            due_on=due_on,
            action=Action.CREATE_SIP,
            today=today,
            due_soon_days=due_soon_days,
        )
    )

    # SIP meeting held, with the plan (R-SIP-1 within 3 weeks; R-SIP-2 consent first).
    meeting_held = (sip is not None and sip.held_on is not None) or settled
    meeting_due, meeting_rule = due_on, "R-SIP-1"
    missing: list[Reason] = []
    action: Action | None = None
    ref: int | None = None
    if sip is None:
        missing.append(
            Reason("R-SIP-1", _("The SIP meeting can be held once a SIP has been initiated."))
        )
    else:
        sip_due = engine.sip_first_meeting(
            noticed_on=sip.noticed_on, held_on=None, rule_set=sip.rule_set
        ).due_on
        if due_on is None or sip_due <= due_on:
            meeting_due = sip_due
        else:
            meeting_rule = "R-PLAC-3" if facts.placement.is_acute else "R-PLAC-2"
        if not sip.consent_valid:
            missing.append(
                Reason(
                    "R-SIP-2",
                    _(
                        "No consent, no SIP: the meeting is booked and held once consent is recorded."
                    ),
                )
            )
            action, ref = Action.RECORD_CONSENT, sip.sip_id
        elif sip.booked_meeting_id is None:
            action, ref = Action.BOOK_SIP_MEETING, sip.sip_id
        elif sip.booked_meeting_on is not None and not may_record_as_held(
            scheduled_on=sip.booked_meeting_on, today=today
        ):
            # Recorded as held only once it has taken place (domain.meetings): waited for.
            missing.append(
                Reason(
                    "R-SIP-1",
                    _(
                        "The SIP meeting is booked for %(date)s: record it as held, with the "
                        "plan, once it has taken place"
                    ),
                    on=sip.booked_meeting_on,
                )
            )
            ref = sip.booked_meeting_id
        else:
            action, ref = Action.RECORD_SIP_MEETING_HELD, sip.booked_meeting_id
    steps.append(
        _step(
            StepKind.SIP_MEETING_HELD,
            rule=meeting_rule,
            done=meeting_held,
            done_on=sip.held_on if sip else None,
            due_on=meeting_due,
            action=action,
            ref=ref,
            missing=missing,
            today=today,
            due_soon_days=due_soon_days,
        )
    )

    # The cost-responsibility meeting, a separate meeting after the SIP meeting (R-MEET-1).
    cost_held = agreement.cost_meeting_on is not None or settled
    steps.append(
        _step(
            StepKind.COST_MEETING_HELD,
            rule="R-MEET-1",
            done=cost_held,
            done_on=agreement.cost_meeting_on,
            due_on=due_on,
            action=Action.REGISTER_COST_MEETING if meeting_held else None,
            missing=()
            if meeting_held
            else [
                Reason(
                    "R-MEET-1",
                    _("The cost meeting can be held once the SIP meeting has been held."),
                )
            ],
            today=today,
            due_soon_days=due_soon_days,
        )
    )

    # The agreement drafted from the cost meeting (R-MEET-1, R-COST-2).
    drafted = agreement.status is not None or settled
    steps.append(
        _step(
            StepKind.AGREEMENT_DRAFTED,
            rule="R-COST-2",
            done=drafted,
            done_on=agreement.drafted_on,
            due_on=due_on,
            action=Action.DRAFT_AGREEMENT if cost_held else None,
            missing=()
            if cost_held
            else [
                Reason(
                    "R-MEET-1",
                    _(
                        "The agreement can be drafted once the cost-responsibility meeting has "
                        "been held."
                    ),
                )
            ],
            today=today,
            due_soon_days=due_soon_days,
        )
    )

    # Sent for signature: the draft states what R-COST-2 asks.
    sent = agreement.status in SENT_STATUSES or settled
    missing = []
    action, ref = None, None
    if not drafted:
        missing.append(Reason("R-COST-2", _("The agreement can be sent once it has been drafted.")))
    else:
        try:
            check_agreement_content(
                health_care_provision=agreement.health_care_provision,
                line_count=agreement.line_count,
            )
        except RuleViolation as violation:
            missing.append(Reason(violation.rule, violation.message))
            action, ref = Action.COMPLETE_DRAFT, agreement.version_id
        else:
            action, ref = Action.SEND_FOR_SIGNATURE, agreement.version_id
    steps.append(
        _step(
            StepKind.SENT_FOR_SIGNATURE,
            rule="R-COST-2",
            done=sent,
            done_on=agreement.sent_on,
            due_on=due_on,
            action=action,
            ref=ref,
            missing=missing,
            today=today,
            due_soon_days=due_soon_days,
        )
    )

    # The two signatures, in the signing order when one is set (R-MEET-3).
    signed_on = {
        MUNICIPALITY: agreement.municipality_signed_on,
        REGION: agreement.region_signed_on,
    }
    for party, kind, sign in (
        (MUNICIPALITY, StepKind.SIGNED_BY_MUNICIPALITY, Action.SIGN_FOR_MUNICIPALITY),
        (REGION, StepKind.SIGNED_BY_REGION, Action.SIGN_FOR_REGION),
    ):
        done = signed_on[party] is not None or settled
        missing = []
        if not sent:
            missing.append(
                Reason(
                    "R-MEET-3",
                    _("The agreement can be signed once it has been sent for signature."),
                )
            )
        elif agreement.signing_order:
            before = agreement.signing_order[: agreement.signing_order.index(party)]
            for other in before:
                if signed_on[other] is None:
                    missing.append(
                        Reason(
                            "R-MEET-3",
                            _("The municipality signs first.")
                            if other == MUNICIPALITY
                            else _("The region signs first."),
                        )
                    )
        steps.append(
            _step(
                kind,
                rule="R-MEET-3",
                done=done,
                done_on=signed_on[party] or (agreement.settled_on if settled else None),
                due_on=due_on,
                action=None if missing else sign,
                ref=None if missing else agreement.version_id,
                missing=missing,
                today=today,
                due_soon_days=due_soon_days,
            )
        )
    return steps


def _exam_steps(facts: CaseFacts, *, today: date, due_soon_days: int) -> list[Step]:
    """R-PLAC-4: a physical and mental and an oral examination are requested (or marked
    obviously unnecessary), and the appointment is offered within 4 weeks of the request."""
    by_kind = {exam.kind: exam for exam in facts.exams}
    steps = []
    for kind in (ExamKind.PHYSICAL_MENTAL, ExamKind.ORAL):
        exam = by_kind.get(kind)
        if exam is None:
            steps.append(
                _step(
                    StepKind.HEALTH_EXAM,
                    rule="R-PLAC-4",
                    done=False,
                    done_on=None,
                    due_on=None,
                    action=Action.REQUEST_HEALTH_EXAM,
                    ref=kind.value,
                    exam_kind=kind,
                    today=today,
                    due_soon_days=due_soon_days,
                )
            )
            continue
        offered = exam.offered_on is not None or exam.unnecessary
        steps.append(
            _step(
                StepKind.HEALTH_EXAM,
                rule="R-PLAC-4",
                done=offered,
                done_on=exam.offered_on or (exam.initiated_on if exam.unnecessary else None),
                due_on=engine.health_exam_offer(
                    initiated_on=exam.initiated_on, offered_on=None, rule_set=exam.rule_set
                ).due_on,
                action=Action.RECORD_EXAM_OFFER,
                ref=exam.exam_id,
                exam_kind=kind,
                today=today,
                due_soon_days=due_soon_days,
            )
        )
    return steps


def next_steps(facts: CaseFacts, *, today: date, due_soon_days: int = 7) -> list[Step]:
    """The ordered steps of the case on ``today``.

    Planned: the way to the agreement, due on the planned start (R-PLAC-2; the SIP meeting on
    its own R-SIP-1 date when that comes first), then the start. Acute: the start, then the way
    to the settled split, due ``acute_settlement_days`` after the actual start (R-PLAC-3).
    Then the health examinations (R-PLAC-4). A cancelled placement has no steps; an ended
    one only those still open of an acute split (its draft stays, README "Agreements end with
    their placement")."""
    placement = facts.placement
    if placement.status == PlacementStatus.CANCELLED:
        return []
    if placement.is_acute:
        started = placement.actual_start
        settle_due = (
            engine.acute_settlement(
                actual_start=started, settled_on=None, rule_set=facts.rule_set
            ).due_on
            if started is not None
            else None
        )
        steps = [
            _started_step(
                facts, due_on=facts.planned_start, today=today, due_soon_days=due_soon_days
            )
        ]
        steps += _agreement_steps(
            facts, due_on=settle_due, today=today, due_soon_days=due_soon_days
        )
    else:
        steps = _agreement_steps(
            facts, due_on=facts.planned_start, today=today, due_soon_days=due_soon_days
        )
        steps.append(
            _started_step(
                facts, due_on=facts.planned_start, today=today, due_soon_days=due_soon_days
            )
        )
    if placement.status == PlacementStatus.ENDED:
        if all(step.is_done for step in steps):
            return []
        return steps
    return steps + _exam_steps(facts, today=today, due_soon_days=due_soon_days)


def current_step(steps: Iterable[Step]) -> Step | None:
    """The first step not done: the one the case waits for."""
    return next((step for step in steps if not step.is_done), None)


@dataclass(frozen=True)
class DeadlineItem:
    """An open deadline of the engine, with its state and days left or late on a day."""

    deadline: engine.Deadline
    state: StepState
    days: int | None


def open_deadlines(
    items: Iterable[engine.Deadline], *, today: date, due_soon_days: int = 7
) -> list[DeadlineItem]:
    """The deadlines not yet met, in due order, each with its state on ``today``."""
    rows = []
    for deadline in sorted(items, key=lambda d: (d.due_on, d.kind.value)):
        if deadline.met_on is not None:
            continue
        state, days = step_state(
            due_on=deadline.due_on, done=False, today=today, due_soon_days=due_soon_days
        )
        rows.append(DeadlineItem(deadline=deadline, state=state, days=days))
    return rows
