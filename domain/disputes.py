"""Disputes between the principals about how the agreement is to be read in a case (R-DISP-1).

003 §4.3 (and 002 §4.3): a dispute about the reading of the agreement (responsibility or cost)
is solved first locally, then sub-regionally within the cooperation (delregional
vårdsamverkan). If it cannot be solved there it may be raised to the regional level (LiSA),
which issues a recommendation; if it is not solved within 30 days at the sub-regional level it
goes directly to LiSA, which prepares the matter within 30 days. Care is never held back: the
parties agree at once, through the SIP, on a temporary split of responsibility while they wait.
The recommendation may adjust responsibility retroactively from the day a joint split existed.

Days are counted as every deadline here is: the day the matter reaches a level is day 0, so the
30 days end on day 30 and the matter goes on on day 31.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from .deadlines import Deadline, DeadlineKind, due_date
from .errors import RuleViolation, Violations
from .i18n import gettext_noop as _
from .levels import Level, next_level
from .rulesets import RuleSet
from .statements import (
    PRINCIPALS,
    Principal,
    SplitVersion,
    monthly_statement,
)

RULE = "R-DISP-1"


class DisputeStatus(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"  # solved by the parties, locally or sub-regionally
    RECOMMENDED = "recommended"  # closed by the regional level's recommendation


class Escalation(StrEnum):
    """Why a dispute moved up."""

    BY_PARTY = "by_party"  # a party raised it (locally unsolved; or after day 30)
    BY_BODY = "by_body"  # the sub-regional body found it could not be solved there
    AUTOMATIC = "automatic"  # day 31 at the sub-regional level: directly to the regional level


@dataclass(frozen=True)
class DisputeState:
    level: Level
    status: DisputeStatus
    opened_on: date
    sub_regional_since: date | None = None
    regional_since: date | None = None


# --- the clocks ---------------------------------------------------------------------------------


def sub_regional_due(since: date, rule_set: RuleSet) -> date:
    """R-DISP-1: the last day to solve the dispute at the sub-regional level (day 30)."""
    return due_date(DeadlineKind.DISPUTE_SUB_REGIONAL, start=since, rule_set=rule_set)


def regional_due(since: date, rule_set: RuleSet) -> date:
    """R-DISP-1: the last day for the regional level to prepare the matter (day 30)."""
    return due_date(DeadlineKind.DISPUTE_REGIONAL, start=since, rule_set=rule_set)


def goes_to_regional_level(state: DisputeState, *, today: date, rule_set: RuleSet) -> bool:
    """R-DISP-1: an open dispute still at the sub-regional level after its 30 days (day 31 on)
    goes directly to the regional level."""
    return (
        state.status == DisputeStatus.OPEN
        and state.level == Level.SUB_REGIONAL
        and state.sub_regional_since is not None
        and today > sub_regional_due(state.sub_regional_since, rule_set)
    )


def dispute_deadlines(
    state: DisputeState, *, closed_on: date | None, rule_set: RuleSet, subject: str = ""
) -> list[Deadline]:
    """The dispute's clocks for the deadline engine (R-DISP-1).

    Sub-regional: met when the dispute was solved there or passed on to the regional level
    (passed on after day 30 it was met late). Regional: met when the recommendation was issued
    or the dispute solved."""
    rows: list[Deadline] = []
    if state.sub_regional_since is not None:
        left_on = state.regional_since or (closed_on if state.level == Level.SUB_REGIONAL else None)
        rows.append(
            Deadline(
                kind=DeadlineKind.DISPUTE_SUB_REGIONAL,
                due_on=sub_regional_due(state.sub_regional_since, rule_set),
                met_on=left_on,
                subject=subject,
            )
        )
    if state.regional_since is not None:
        rows.append(
            Deadline(
                kind=DeadlineKind.DISPUTE_REGIONAL,
                due_on=regional_due(state.regional_since, rule_set),
                met_on=closed_on,
                subject=subject,
            )
        )
    return rows


# --- the steps ----------------------------------------------------------------------------------


def check_escalation(
    state: DisputeState,
    *,
    today: date,
    rule_set: RuleSet,
    how: Escalation,
) -> Level:
    """R-DISP-1: may the dispute move up one level today, and to which level?

    - Only an open dispute moves, and only upwards (local → sub-regional → regional).
    - From local to sub-regional: a party raises it when it cannot be solved locally.
    - From sub-regional to regional: the sub-regional body raises it when it cannot be solved
      there ("kan den lyftas till LiSA"); from day 31 it goes there directly (a party or the
      daily run moves it). Before day 31 a party alone cannot skip the sub-regional body.
    """
    if state.status != DisputeStatus.OPEN:
        raise RuleViolation(RULE, _("A closed dispute cannot be passed on."))
    target = next_level(state.level)
    if target is None:
        raise RuleViolation(RULE, _("The dispute is already at the regional level."))
    if target == Level.SUB_REGIONAL:
        if how == Escalation.AUTOMATIC:
            raise RuleViolation(RULE, _("Only a party passes a dispute to the sub-regional level."))
        return target
    overdue = goes_to_regional_level(state, today=today, rule_set=rule_set)
    if how == Escalation.BY_BODY or overdue:
        return target
    raise RuleViolation(
        RULE,
        _(
            "The sub-regional level has 30 days to solve the dispute; until they have passed "
            "only its cooperation body can pass it to the regional level."
        ),
    )


def check_resolution(state: DisputeState, *, resolved_on: date) -> None:
    """A dispute is solved by the parties at the local or sub-regional level; at the regional
    level it ends with the recommendation."""
    if state.status != DisputeStatus.OPEN:
        raise RuleViolation(RULE, _("The dispute is already closed."))
    if state.level == Level.REGIONAL:
        raise RuleViolation(
            RULE, _("At the regional level the dispute ends with a recommendation.")
        )
    if resolved_on < state.opened_on:
        raise RuleViolation(
            RULE, _("The dispute cannot be solved before it was opened."), field="resolved_on"
        )


def check_recommendation_level(state: DisputeState) -> None:
    """R-DISP-1: only the regional level (LiSA) issues a recommendation, on an open dispute."""
    if state.status != DisputeStatus.OPEN:
        raise RuleViolation(RULE, _("The dispute is already closed."))
    if state.level != Level.REGIONAL:
        raise RuleViolation(
            RULE, _("Only the regional level issues a recommendation on a dispute.")
        )


@dataclass(frozen=True)
class TemporarySplitTerms:
    """The temporary split the parties agree at once through the SIP (R-DISP-1)."""

    sip_meeting_held_on: date | None
    sip_meeting_of_the_child: bool
    effective_from: date | None
    region_percent: Decimal | None
    region_amount_per_month: Decimal | None


def opening_refused(*, has_open_dispute: bool, placement_started: bool) -> str | None:
    """R-DISP-1: why no dispute can be opened on the agreement now, or None when one can: one
    open dispute at a time, and none before the placement has started (there is no cost to
    dispute yet). The service refuses with this message; the agreement page shows it to the
    parties instead of the button, and the opening page sends them back with it."""
    if has_open_dispute:
        return _("The agreement already has an open dispute.")
    if not placement_started:
        return _(
            "A dispute can be opened once the placement has started: until then there is no "
            "cost to dispute."
        )
    return None


def check_opening(*, opened_on: date, terms: TemporarySplitTerms) -> None:
    """R-DISP-1: opening a dispute requires the temporary split agreed at once, through a held
    SIP meeting of the child, in force from the day the dispute is opened at the latest, with
    exactly one of a percentage and an amount."""
    found = Violations()
    if terms.sip_meeting_held_on is None or not terms.sip_meeting_of_the_child:
        found.add(
            RULE,
            _("Choose the held SIP meeting of the child where the temporary split was agreed."),
            field="sip_meeting",
        )
    elif terms.sip_meeting_held_on > opened_on:
        found.add(
            RULE,
            _("The SIP meeting cannot be after the day the dispute is opened."),
            field="sip_meeting",
        )
    if terms.effective_from is None:
        found.add(
            RULE, _("State from which day the temporary split applies."), field="effective_from"
        )
    elif terms.effective_from > opened_on:
        found.add(
            RULE,
            _(
                "Care is never held back: the temporary split applies at the latest from the day "
                "the dispute is opened."
            ),
            field="effective_from",
        )
    if (terms.region_percent is None) == (terms.region_amount_per_month is None):
        found.add(
            RULE,
            _("State the region's part either in percent or in kronor per month."),
            field="region_percent",
        )
    elif terms.region_percent is not None and not (0 <= terms.region_percent <= 100):
        found.add(RULE, _("The percentage must be between 0 and 100."), field="region_percent")
    elif terms.region_amount_per_month is not None and terms.region_amount_per_month < 0:
        found.add(RULE, _("The amount cannot be negative."), field="region_amount_per_month")
    found.raise_if_any()


# --- the recommendation and its retroactive correction ------------------------------------------


@dataclass(frozen=True)
class RecommendedSplit:
    """A recommendation's adjusted split (R-DISP-1): from ``adjusted_from`` the region bears
    ``region_percent`` percent or ``region_amount_per_month`` kronor per month; issued on
    ``issued_on``."""

    issued_on: date
    adjusted_from: date
    region_percent: Decimal | None = None
    region_amount_per_month: Decimal | None = None

    def as_version(self) -> SplitVersion:
        return SplitVersion(
            effective_from=self.adjusted_from,
            effective_until=None,
            region_percent=self.region_percent,
            region_amount_per_month=self.region_amount_per_month,
            label="rekommendation",
        )


def check_recommendation(
    *, adjusted_from: date | None, issued_on: date, first_joint_split_on: date | None
) -> None:
    """R-DISP-1: a recommendation may adjust responsibility retroactively, but only from the day
    a joint split existed, and not from a day after it was issued."""
    if adjusted_from is None:
        return
    if first_joint_split_on is None:
        raise RuleViolation(
            RULE,
            _("No joint split has existed in the case: there is nothing to adjust."),
            field="adjusted_from",
        )
    if adjusted_from < first_joint_split_on:
        raise RuleViolation(
            RULE,
            _(
                "Responsibility can be adjusted retroactively only from the day a joint split "
                "existed."
            ),
            field="adjusted_from",
        )
    if adjusted_from > issued_on:
        raise RuleViolation(
            RULE,
            _("The adjustment cannot start after the day the recommendation is issued."),
            field="adjusted_from",
        )


def first_joint_split_on(versions: Sequence[SplitVersion]) -> date | None:
    """The first day a joint split (a signed version or a temporary split) was in force."""
    return min((v.effective_from for v in versions), default=None)


def with_recommendation(
    versions: Sequence[SplitVersion], recommended: RecommendedSplit
) -> list[SplitVersion]:
    """The versions as they should have been: from ``adjusted_from`` the recommended split
    replaces every version that started on or before the day the recommendation was issued;
    a version agreed later (starting after that day) still replaces it from its own date
    (R-COST-4). Versions that ran into the adjusted period end the day before it."""
    kept: list[SplitVersion] = []
    for v in versions:
        if v.effective_from > recommended.issued_on:
            kept.append(v)
        elif v.effective_from < recommended.adjusted_from:
            until = recommended.adjusted_from - timedelta(days=1)
            if v.effective_until is None or v.effective_until > until:
                v = SplitVersion(
                    effective_from=v.effective_from,
                    effective_until=until,
                    region_percent=v.region_percent,
                    region_amount_per_month=v.region_amount_per_month,
                    label=v.label,
                )
            kept.append(v)
    kept.append(recommended.as_version())
    return kept


@dataclass(frozen=True)
class Correction:
    """One month's correction line: what each principal was invoiced for (``paid_*``), what it
    should have borne (``due_*``) and the difference (due − paid; the two differences cancel)."""

    year: int
    month: int
    paid_region: Decimal
    paid_municipality: Decimal
    due_region: Decimal
    due_municipality: Decimal

    @property
    def region_difference(self) -> Decimal:
        return self.due_region - self.paid_region

    @property
    def municipality_difference(self) -> Decimal:
        return self.due_municipality - self.paid_municipality

    @property
    def net(self) -> Decimal:
        """What moves because of the correction, net: positive when the region owes the
        municipality, negative when the municipality owes the region. The placing principal
        invoices the other for its part (domain.statements.pair_balance); whoever placed, the
        region's difference is the net (the two differences cancel)."""
        return self.region_difference


def correction_lines(
    *,
    placement_start: date,
    placement_end: date | None,
    cost_per_day: Decimal,
    versions: Sequence[SplitVersion],
    recommended: RecommendedSplit,
    placing_principal: Principal,
) -> list[Correction]:
    """R-DISP-1: the months already invoiced that the recommendation adjusts retroactively.

    The months from the one of ``adjusted_from`` through the month before the recommendation
    was issued were invoiced by the statements of their time (``versions``); the statement from
    the month of issue on already uses the recommendation. For each such month with placement
    days: paid (split by ``versions``), due (split by :func:`with_recommendation`), one line;
    months without a difference are left out."""
    if placing_principal not in PRINCIPALS:
        raise ValueError(f"placing_principal must be one of {PRINCIPALS}")
    adjusted = with_recommendation(versions, recommended)
    lines: list[Correction] = []
    year, month = recommended.adjusted_from.year, recommended.adjusted_from.month
    while (year, month) < (recommended.issued_on.year, recommended.issued_on.month):
        last = date(year, month, calendar.monthrange(year, month)[1])
        first = date(year, month, 1)
        if placement_start <= last and (placement_end is None or placement_end >= first):
            common = {
                "year": year,
                "month": month,
                "placement_start": placement_start,
                "placement_end": placement_end,
                "cost_per_day": cost_per_day,
                "placing_principal": placing_principal,
            }
            paid = monthly_statement(versions=versions, **common)  # type: ignore[arg-type]
            due = monthly_statement(versions=adjusted, **common)  # type: ignore[arg-type]
            if (paid.region, paid.municipality) != (due.region, due.municipality):
                lines.append(
                    Correction(
                        year=year,
                        month=month,
                        paid_region=paid.region,
                        paid_municipality=paid.municipality,
                        due_region=due.region,
                        due_municipality=due.municipality,
                    )
                )
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return lines


__all__ = [
    "RULE",
    "Correction",
    "DisputeState",
    "DisputeStatus",
    "Escalation",
    "Level",
    "NextStep",
    "RecommendedSplit",
    "TemporarySplitTerms",
    "check_escalation",
    "check_opening",
    "check_recommendation",
    "check_recommendation_level",
    "check_resolution",
    "correction_lines",
    "dispute_deadlines",
    "first_joint_split_on",
    "goes_to_regional_level",
    "next_step",
    "regional_due",
    "sub_regional_due",
    "with_recommendation",
]


@dataclass(frozen=True)
class NextStep:
    """What comes next in a dispute, for its page (issue 12: each case page says it)."""

    message: str
    due_on: date | None = None


def next_step(state: DisputeState, *, today: date, rule_set: RuleSet) -> NextStep:
    """R-DISP-1: who must do what next, and by when."""
    if state.status != DisputeStatus.OPEN:
        return NextStep(_("The dispute is closed. The temporary split no longer applies."))
    if state.level == Level.LOCAL:
        return NextStep(
            _(
                "The nearest managers of the two principals try to solve the dispute. If they "
                "cannot, either party passes it to the sub-regional level."
            )
        )
    if state.level == Level.SUB_REGIONAL:
        assert state.sub_regional_since is not None
        due = sub_regional_due(state.sub_regional_since, rule_set)
        if today > due:
            return NextStep(
                _(
                    "The 30 days at the sub-regional level have passed: the dispute goes "
                    "directly to the regional level."
                ),
                due,
            )
        return NextStep(
            _(
                "The sub-regional cooperation solves the dispute within 30 days, or passes it "
                "to the regional level."
            ),
            due,
        )
    assert state.regional_since is not None
    return NextStep(
        _("The regional level prepares the matter within 30 days and issues a recommendation."),
        regional_due(state.regional_since, rule_set),
    )
