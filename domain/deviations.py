"""Deviations (avvikelser) from the agreements between the principals (R-DEV-1).

003 §4.2 and 002 §4.2: each care provider identifies, documents and reports deviations from what
the agreement and the joint routines say; each sub-regional cooperation area has a joint routine
with the course of a matter and time limits for feedback and measures, and reports regularly to
the regional level (LiSA in Västra Götaland): the most frequent deviations, identified system
deficiencies, measures taken locally or sub-regionally and proposals for the regional level.

This module holds the rule as pure functions over plain values:

- the status table (``ALLOWED_MOVES``): reported → received → answered → closed; reported,
  received or answered → escalated (the level goes up: local → sub-regional → regional,
  ``domain.levels``); an escalated matter is answered or closed at its new level, or passed on
  once more while a level above is left;
- who may take each step (``allowed_actions``): the receiving principal receives and answers;
  either party closes it locally with an outcome or passes it up; above the local level the
  cooperation body of the matter's level answers, closes or passes it on;
- the answer deadline (``answer_due_on``): the day reported plus the area's days for feedback
  (``SubRegion.deviation_feedback_days``); a municipality outside any area gets
  ``DEFAULT_FEEDBACK_DAYS`` (an assumption: 14 days, the default of the areas' routine);
  a matter passed up gets a new answer deadline from the day it was passed on;
- the area report's counts (``area_counts``, ``trend``, ``most_frequent``): pure functions over
  (category, status) counts of two periods of equal length (``previous_period``).

The date is always passed in (``today``, ``on``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from .errors import RuleViolation
from .i18n import gettext_noop as _
from .levels import Level, next_level

RULE = "R-DEV-1"

# An assumption, said in the README: the answer time when the municipality belongs to no
# sub-regional area (the areas' own routine is data, SubRegion.deviation_feedback_days).
DEFAULT_FEEDBACK_DAYS = 14


class Status(StrEnum):
    """Mirrored by deviations.models.DeviationStatus (a test keeps them equal)."""

    REPORTED = "reported"
    RECEIVED = "received"
    ANSWERED = "answered"
    ESCALATED = "escalated"
    CLOSED = "closed"


class Action(StrEnum):
    RECEIVE = "receive"
    ANSWER = "answer"
    ESCALATE = "escalate"
    CLOSE = "close"
    COMMENT = "comment"


class Party(StrEnum):
    """How a person stands to one deviation."""

    REPORTER = "reporter"  # a member of the reporting unit
    RECEIVER = "receiver"  # a member of the receiving unit(s) of the other principal
    BODY = "body"  # a member of the cooperation body of the deviation's current level


# Status moves as data (R-DEV-1). An escalated matter may be passed on once more (sub-regional
# to regional): ``escalated → escalated`` with the level one step up.
ALLOWED_MOVES: dict[Status, frozenset[Status]] = {
    Status.REPORTED: frozenset({Status.RECEIVED, Status.ESCALATED}),
    Status.RECEIVED: frozenset({Status.ANSWERED, Status.ESCALATED}),
    Status.ANSWERED: frozenset({Status.CLOSED, Status.ESCALATED}),
    Status.ESCALATED: frozenset({Status.ANSWERED, Status.CLOSED, Status.ESCALATED}),
    Status.CLOSED: frozenset(),
}

# The status each action leads to (a comment leaves the status as it is).
TARGET: dict[Action, Status | None] = {
    Action.RECEIVE: Status.RECEIVED,
    Action.ANSWER: Status.ANSWERED,
    Action.ESCALATE: Status.ESCALATED,
    Action.CLOSE: Status.CLOSED,
    Action.COMMENT: None,
}

# Who acts at the local level, per action (R-DEV-1: received and answered by the other
# principal; closed with an outcome, or passed to the sub-regional level, by either party).
LOCAL_ACTORS: dict[Action, frozenset[Party]] = {
    Action.RECEIVE: frozenset({Party.RECEIVER}),
    Action.ANSWER: frozenset({Party.RECEIVER}),
    Action.CLOSE: frozenset({Party.REPORTER, Party.RECEIVER}),
    Action.ESCALATE: frozenset({Party.REPORTER, Party.RECEIVER}),
    Action.COMMENT: frozenset({Party.REPORTER, Party.RECEIVER}),
}
# Above the local level the body of the matter's level answers, closes or passes it on; the
# two parties may still add comments (what they did, what they know).
UPPER_ACTORS: dict[Action, frozenset[Party]] = {
    Action.RECEIVE: frozenset(),
    Action.ANSWER: frozenset({Party.BODY}),
    Action.CLOSE: frozenset({Party.BODY}),
    Action.ESCALATE: frozenset({Party.BODY}),
    Action.COMMENT: frozenset({Party.REPORTER, Party.RECEIVER, Party.BODY}),
}
# Actions whose text is required: an answer, an outcome, the reason for passing it on, a comment.
TEXT_REQUIRED = frozenset({Action.ANSWER, Action.CLOSE, Action.ESCALATE, Action.COMMENT})


def check_move(current: Status, target: Status) -> None:
    """R-DEV-1: only the moves of ``ALLOWED_MOVES``."""
    if target not in ALLOWED_MOVES[current]:
        raise RuleViolation(RULE, _("This step is not possible for the deviation in its status."))


def escalation_target(level: Level, *, has_area: bool) -> Level | None:
    """R-DEV-1: the level a matter is passed to. A municipality outside any sub-regional area
    has no sub-regional body: its matters go from the local straight to the regional level.
    None at the top."""
    target = next_level(level)
    if target == Level.SUB_REGIONAL and not has_area:
        target = next_level(target)
    return target


def _status_allows(action: Action, status: Status, level: Level, *, has_area: bool) -> bool:
    if status == Status.CLOSED:
        return False
    if action == Action.COMMENT:
        return True
    if action == Action.ESCALATE:
        return escalation_target(level, has_area=has_area) is not None and (
            Status.ESCALATED in ALLOWED_MOVES[status]
        )
    target = TARGET[action]
    if target is None or target not in ALLOWED_MOVES[status]:
        return False
    if level == Level.LOCAL:
        # Locally the matter goes step by step: received, answered, then closed.
        return status != Status.ESCALATED
    # Above the local level: answered or closed from escalated; closed once answered there.
    return action != Action.RECEIVE


def allowed_actions(
    *, status: Status, level: Level, parties: Iterable[Party], has_area: bool = True
) -> frozenset[Action]:
    """R-DEV-1: the steps these parties may take on a deviation now (the screen offers only
    these, so that no button is shown that would be refused)."""
    parties = frozenset(parties)
    table = LOCAL_ACTORS if level == Level.LOCAL else UPPER_ACTORS
    return frozenset(
        action
        for action in Action
        if table[action] & parties and _status_allows(action, status, level, has_area=has_area)
    )


def check_action(
    action: Action,
    *,
    status: Status,
    level: Level,
    parties: Iterable[Party],
    text: str = "",
    has_area: bool = True,
) -> None:
    """R-DEV-1: refuse a step that the status, the level or the person does not allow, and an
    answer, outcome, reason or comment without text."""
    parties = frozenset(parties)
    if action not in allowed_actions(
        status=status, level=level, parties=parties, has_area=has_area
    ):
        if status == Status.CLOSED:
            raise RuleViolation(RULE, _("The deviation is closed."))
        table = LOCAL_ACTORS if level == Level.LOCAL else UPPER_ACTORS
        if not table[action] & parties:
            raise RuleViolation(RULE, _("You cannot take this step on this deviation."))
        if action == Action.ESCALATE and escalation_target(level, has_area=has_area) is None:
            raise RuleViolation(RULE, _("The deviation is already at the regional level."))
        raise RuleViolation(RULE, _("This step is not possible for the deviation in its status."))
    if action in TEXT_REQUIRED and not text.strip():
        messages = {
            Action.ANSWER: _("Write the answer."),
            Action.CLOSE: _("Write the outcome."),
            Action.ESCALATE: _("Write why the deviation is passed on."),
            Action.COMMENT: _("Write the comment."),
        }
        raise RuleViolation(RULE, messages[action], field="text")


# --- who reports to whom ---------------------------------------------------------------------


@dataclass(frozen=True)
class PrincipalRef:
    pk: int
    kind: str  # "municipality" or "region"
    region_id: int | None = None  # for a municipality: its region


def check_principals(*, reporting: PrincipalRef, receiving: PrincipalRef | None) -> None:
    """R-DEV-1: a deviation is between the two principals of the agreement: a unit of a
    municipality reports to its region, a unit of a region to one of the region's
    municipalities (chosen when it reports)."""
    if receiving is None:
        field = "receiving_principal" if reporting.kind == "region" else None
        raise RuleViolation(RULE, _("Choose the municipality the deviation concerns."), field=field)
    if receiving.kind == reporting.kind:
        raise RuleViolation(
            RULE,
            _(
                "A deviation is reported to the other principal: a municipality to its region, a region to a municipality."
            ),
            field="receiving_principal",
        )
    municipality, region = (
        (reporting, receiving)
        if reporting.kind == "municipality"
        else (
            receiving,
            reporting,
        )
    )
    if municipality.region_id != region.pk:
        raise RuleViolation(
            RULE,
            _("The municipality does not belong to the region."),
            field="receiving_principal",
        )


# --- time --------------------------------------------------------------------------------------


def feedback_days(area_days: int | None) -> int:
    """R-DEV-1: the area's days for an answer; ``DEFAULT_FEEDBACK_DAYS`` without an area."""
    return area_days if area_days is not None else DEFAULT_FEEDBACK_DAYS


def answer_due_on(*, reported_on: date, area_days: int | None) -> date:
    """R-DEV-1: the receiving principal answers within the area's days for feedback, counted
    from the day the deviation was reported (or passed on to a higher level)."""
    return reported_on + timedelta(days=feedback_days(area_days))


AWAITING_ANSWER = frozenset({Status.REPORTED, Status.RECEIVED, Status.ESCALATED})
# At the local level the receiving principal's units act while the deviation is reported
# (receive it) or received (answer it): ``next_step`` names them for these statuses only.
AWAITING_RECEIVER = frozenset({Status.REPORTED, Status.RECEIVED})


def is_overdue(*, status: Status, due_on: date, today: date) -> bool:
    """R-DEV-1: the answer is late when it has not come by the end of the due day."""
    return status in AWAITING_ANSWER and today > due_on


@dataclass(frozen=True)
class NextStep:
    """What comes next on a deviation: who (a party), what (an action), by when."""

    party: Party | None
    action: Action | None
    due_on: date | None
    overdue: bool


def next_step(*, status: Status, level: Level, due_on: date, today: date) -> NextStep:
    """R-DEV-1: the next step of the matter. Locally the receiving principal receives and
    answers by the due date, then either party closes it with an outcome (or passes it on);
    above the local level the body of the level answers and closes it."""
    overdue = is_overdue(status=status, due_on=due_on, today=today)
    if status == Status.CLOSED:
        return NextStep(None, None, None, False)
    if level != Level.LOCAL:
        action = Action.ANSWER if status == Status.ESCALATED else Action.CLOSE
        due = due_on if status == Status.ESCALATED else None
        return NextStep(Party.BODY, action, due, overdue)
    if status == Status.REPORTED:
        return NextStep(Party.RECEIVER, Action.RECEIVE, due_on, overdue)
    if status == Status.RECEIVED:
        return NextStep(Party.RECEIVER, Action.ANSWER, due_on, overdue)
    return NextStep(None, Action.CLOSE, None, False)  # answered: either party closes


# --- the area's report to the regional level -----------------------------------------------


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def check_period(period: Period) -> None:
    if period.end < period.start:
        raise RuleViolation(RULE, _("The period cannot end before it starts."), field="end")


def previous_period(period: Period) -> Period:
    """The period of equal length just before ``period`` (the trend compares the two)."""
    end = period.start - timedelta(days=1)
    return Period(start=end - timedelta(days=period.days - 1), end=end)


Counts = Mapping[tuple[str, str], int]  # (category, status) -> number of deviations


@dataclass(frozen=True)
class CategoryRow:
    category: str
    by_status: dict[str, int]
    total: int
    previous: int

    @property
    def change(self) -> int:
        return self.total - self.previous


@dataclass(frozen=True)
class AreaCounts:
    rows: list[CategoryRow]
    by_status: dict[str, int]
    total: int
    previous: int

    @property
    def change(self) -> int:
        return self.total - self.previous


def area_counts(current: Counts, previous: Counts, *, categories: Iterable[str]) -> AreaCounts:
    """R-DEV-1 (003 §4.2): the area report's table: per category the number per status and in
    all, with the number of the previous period of equal length beside it; a row for every
    category, also one with none."""
    statuses = [s.value for s in Status]
    rows = []
    for category in categories:
        by_status = {s: current.get((category, s), 0) for s in statuses}
        rows.append(
            CategoryRow(
                category=category,
                by_status=by_status,
                total=sum(by_status.values()),
                previous=sum(n for (c, _s), n in previous.items() if c == category),
            )
        )
    return AreaCounts(
        rows=rows,
        by_status={s: sum(r.by_status[s] for r in rows) for s in statuses},
        total=sum(r.total for r in rows),
        previous=sum(r.previous for r in rows),
    )


class Trend(StrEnum):
    UP = "up"
    DOWN = "down"
    SAME = "same"
    NEW = "new"  # none in the previous period, some now


def trend(*, current: int, previous: int) -> Trend:
    """R-DEV-1: more, fewer or as many as in the previous period of equal length."""
    if current == previous:
        return Trend.SAME
    if previous == 0:
        return Trend.NEW
    return Trend.UP if current > previous else Trend.DOWN


def most_frequent(counts: AreaCounts, *, top: int = 3) -> list[CategoryRow]:
    """R-DEV-1 (003 §4.2, "de mest frekventa avvikelserna"): the categories with the most
    deviations in the period, most first (ties in the order of the categories), none with
    zero."""
    ranked = sorted(
        (row for row in counts.rows if row.total > 0),
        key=lambda row: -row.total,
    )
    return ranked[:top]
