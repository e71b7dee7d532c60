"""Cost-responsibility agreements: the two-meetings rule (R-MEET-1, R-MEET-2), the split
(R-COST-1..3), time and versions (R-PLAC-3, R-COST-4, R-COST-5) and the status table."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, localcontext
from enum import StrEnum

from .errors import RuleViolation
from .i18n import gettext_noop as _
from .mandates import Mandate, mandate_is_valid_on
from .money import standard_split, to_ore


class AgreementStatus(StrEnum):
    DRAFT = "draft"
    AWAITING_SIGNATURES = "awaiting_signatures"
    SIGNED = "signed"
    SUPERSEDED = "superseded"
    ENDED = "ended"


# Status moves as data. A declined signature returns the version to draft.
ALLOWED_MOVES: dict[AgreementStatus, frozenset[AgreementStatus]] = {
    AgreementStatus.DRAFT: frozenset({AgreementStatus.AWAITING_SIGNATURES}),
    AgreementStatus.AWAITING_SIGNATURES: frozenset({AgreementStatus.SIGNED, AgreementStatus.DRAFT}),
    AgreementStatus.SIGNED: frozenset({AgreementStatus.SUPERSEDED, AgreementStatus.ENDED}),
    AgreementStatus.SUPERSEDED: frozenset(),
    AgreementStatus.ENDED: frozenset(),
}


def check_move(current: AgreementStatus, target: AgreementStatus) -> None:
    if target not in ALLOWED_MOVES[current]:
        raise RuleViolation("LIFECYCLE", _("This status change is not allowed for the agreement."))


# --- the two meetings --------------------------------------------------------------------------

FAMILY_KINDS = frozenset({"child", "guardian", "close_person"})


@dataclass(frozen=True)
class CostParticipant:
    kind: str  # "staff" or one of FAMILY_KINDS
    principal_id: int | None  # for staff: the principal they act for
    mandates: tuple[Mandate, ...] = ()  # for staff: the financial mandates they hold


def check_cost_meeting_participants(
    participants: Iterable[CostParticipant], *, principal_ids: tuple[int, int]
) -> None:
    """R-MEET-2: the individual, guardians and close persons never take part in the cost
    meeting; participants are staff of the two principals, at least one from each (R-MEET-3:
    persons with a financial mandate take part and sign, one per principal)."""
    items = list(participants)
    if any(p.kind in FAMILY_KINDS for p in items):
        raise RuleViolation(
            "R-MEET-2",
            _(
                "The child, guardians and close persons never take part in the cost-"
                "responsibility meeting. It is a separate meeting from the SIP meeting."
            ),
            field="participants",
        )
    if any(p.kind != "staff" or p.principal_id not in principal_ids for p in items):
        raise RuleViolation(
            "R-MEET-2",
            _("Only staff of the two principals can take part in the cost meeting."),
            field="participants",
        )
    present = {p.principal_id for p in items}
    if not set(principal_ids) <= present:
        raise RuleViolation(
            "R-MEET-3",
            _("At least one participant from each principal must take part."),
            field="participants",
        )


def check_cost_meeting_mandates(
    participants: Iterable[CostParticipant], *, principal_ids: tuple[int, int], on: date
) -> None:
    """R-MEET-3: persons with the mandate to make financial decisions take part in the cost
    meeting, one for each principal: for each of the two principals (municipality, region) at
    least one staff participant holds a financial mandate for it, valid on the meeting day."""
    holders = {
        m.principal_id
        for p in participants
        if p.kind == "staff"
        for m in p.mandates
        if mandate_is_valid_on(m, on=on)
    }
    municipality_id, region_id = principal_ids
    if municipality_id not in holders:
        raise RuleViolation(
            "R-MEET-3",
            _(
                "No participant holds a financial mandate for the municipality valid on the "
                "day of the meeting."
            ),
            field="participants",
        )
    if region_id not in holders:
        raise RuleViolation(
            "R-MEET-3",
            _(
                "No participant holds a financial mandate for the region valid on the day of "
                "the meeting."
            ),
            field="participants",
        )


@dataclass(frozen=True)
class MeetingRef:
    kind: str  # "sip" or "cost"
    pk: int
    started_at: datetime | None
    ended_at: datetime | None


def check_two_meetings(*, sip_meeting: MeetingRef, cost_meeting: MeetingRef) -> None:
    """R-MEET-1: the agreement is based on a SIP meeting that has been held, and the cost
    meeting is a different meeting that starts after the SIP meeting ended (the same day is
    allowed when it is later)."""
    if sip_meeting.kind != "sip" or cost_meeting.kind != "cost":
        raise RuleViolation(
            "R-MEET-1",
            _("The SIP meeting and the cost-responsibility meeting are two different meetings."),
            field="cost_meeting",
        )
    if sip_meeting.ended_at is None:
        raise RuleViolation(
            "R-MEET-1",
            _("The agreement must be based on a SIP meeting that has been held."),
            field="sip_meeting",
        )
    if cost_meeting.started_at is None or cost_meeting.started_at <= sip_meeting.ended_at:
        raise RuleViolation(
            "R-MEET-1",
            _("The cost meeting must start after the SIP meeting has ended."),
            field="started_at",
        )


# --- time ----------------------------------------------------------------------------------------


def effective_from(
    *,
    is_acute: bool,
    placement_start: date,
    settled_on: date | None,
    applies_from_start: bool,
    stated_from: date | None = None,
) -> date | None:
    """R-PLAC-3 / R-COST-4: when a version applies, as it is settled by the second signature.

    A version states its date before it is sent for signature (a later version: the date it
    states, R-COST-4; the first of an acute placement: see :func:`acute_effective_from`), and
    the stated date is kept. The first version of a planned placement applies from the placement
    start. Only an acute version sent before the date was stated (it says "from the day both
    principals have signed") applies from ``settled_on``; None while not settled: until then
    the placing principal bears the whole cost (L23)."""
    if stated_from is not None:
        return stated_from
    if not is_acute or applies_from_start:
        return placement_start
    return settled_on


def acute_effective_from(
    *,
    placement_start: date,
    agreed_on: date,
    stated_from: date | None,
    applies_from_start: bool,
) -> date:
    """R-PLAC-3 (L22, L23): the day the first split of an acute placement applies from.

    By default the day the principals agreed the split at the cost meeting (``agreed_on``, the
    meeting's local date), not the day the second signature lands: the weeks between the
    meeting and the signatures follow the agreed split. The principals may state another day
    (``stated_from``), or agree that the split applies from the placement start
    (``applies_from_start``: the placement start date). The range is checked by
    :func:`check_acute_effective_from`."""
    if applies_from_start:
        return placement_start
    return stated_from if stated_from is not None else agreed_on


def check_acute_effective_from(
    *, effective_from: date, placement_start: date, latest: date
) -> None:
    """R-PLAC-3 (L22, L23): an acute split applies from a day between the placement start and
    the day the agreement is signed. ``latest`` is the day of the check (saving the draft,
    sending it for signature): it is signed that day or later, so a day up to ``latest`` never
    lies after the signing. Before the stated day the placing principal bears the whole cost."""
    if effective_from < placement_start:
        raise RuleViolation(
            "R-PLAC-3",
            _("The split cannot apply from a day before the placement started."),
            field="effective_from",
        )
    if effective_from > latest:
        raise RuleViolation(
            "R-PLAC-3",
            _(
                "The split of an acute placement applies from a day that has come: at the "
                "latest the day the agreement is signed."
            ),
            field="effective_from",
        )


def check_new_version_date(*, previous_from: date | None, stated_from: date | None) -> None:
    """R-COST-4: a new version replaces the old one from a stated date, never before it."""
    if stated_from is None:
        raise RuleViolation(
            "R-COST-4",
            _("State from which date the new version applies."),
            field="effective_from",
        )
    if previous_from is not None and stated_from <= previous_from:
        raise RuleViolation(
            "R-COST-4",
            _("A new version must apply from a date after the version it replaces."),
            field="effective_from",
        )


def check_joint_review(
    *, status: AgreementStatus, held_on: date, next_review_on: date | None, today: date
) -> None:
    """R-COST-5: the principals review the split jointly. A review that changes nothing is
    recorded on the version in force (a change is a new version, R-COST-4) with the date it
    was held (not in the future) and the next review date, after it."""
    if status != AgreementStatus.SIGNED:
        raise RuleViolation("R-COST-5", _("Only the version in force can be reviewed."), field=None)
    if held_on > today:
        raise RuleViolation(
            "R-COST-5", _("A review cannot be recorded before it is held."), field="held_on"
        )
    if next_review_on is None:
        raise RuleViolation(
            "R-COST-5", _("Enter the date of the next joint review."), field="next_review_on"
        )
    if next_review_on <= held_on:
        raise RuleViolation(
            "R-COST-5",
            _("The next joint review must come after this one."),
            field="next_review_on",
        )


# --- the split -----------------------------------------------------------------------------------


class SplitMethod(StrEnum):
    STANDARD = "standard"  # R-COST-3: region one third, municipality two thirds
    PERCENT = "percent"
    AMOUNT = "amount"  # the region's part in kronor per month


def standard_split_offered(*, is_hvb: bool, split_unclear: bool) -> bool:
    """R-COST-3: the standard split is offered when an HVB provides both social and health-care
    interventions and the split is unclear."""
    return is_hvb and split_unclear


def region_percent_for(
    *, method: SplitMethod, region_percent: Decimal | None, standard_share: Decimal
) -> Decimal | None:
    """The region's percent of the placement cost for a percent-based method."""
    if method == SplitMethod.STANDARD:
        return standard_share * 100
    if method == SplitMethod.PERCENT:
        return region_percent
    return None


def check_split(
    *,
    method: SplitMethod,
    region_percent: Decimal | None,
    region_amount_per_month: Decimal | None,
    standard_allowed: bool,
) -> None:
    """R-COST-2: the split in kronor or percent; R-COST-3: the standard split when offered."""
    if method == SplitMethod.STANDARD and not standard_allowed:
        raise RuleViolation(
            "R-COST-3",
            _("The standard split is for an HVB placement whose split is marked unclear."),
            field="split_method",
        )
    if method == SplitMethod.PERCENT and (
        region_percent is None or not Decimal(0) <= region_percent <= Decimal(100)
    ):
        raise RuleViolation(
            "R-COST-2",
            _("Enter the region's share as a percentage between 0 and 100."),
            field="region_percent",
        )
    if method == SplitMethod.AMOUNT and (
        region_amount_per_month is None or region_amount_per_month < 0
    ):
        raise RuleViolation(
            "R-COST-2",
            _("Enter the region's part in kronor per month."),
            field="region_amount_per_month",
        )


# --- each principal's own costs (R-COST-1) and what the agreement states (R-COST-2) -----------


class InterventionKind(StrEnum):
    SOCIAL = "social"  # social services (SoL, LSS, LVU, LVM): the municipality's (L5)
    SCHOOL = "school"  # schooling under the Education Act: the municipality's (L5)
    HEALTH_CARE = "health_care"  # health care: the region's (L6)


MAIN_RULE_PRINCIPAL: dict[InterventionKind, str] = {
    InterventionKind.SOCIAL: "municipality",
    InterventionKind.SCHOOL: "municipality",
    InterventionKind.HEALTH_CARE: "region",
}


def check_line_principal(*, kind: InterventionKind, responsible: str, reason: str) -> None:
    """R-COST-1 (L15, with L5–L6): each principal bears the costs of its own responsibility,
    whether it performs the intervention itself or through another party: a health-care
    intervention is the region's, a social or school intervention the municipality's.
    ``responsible`` is "municipality" or "region". A line that puts it otherwise states why."""
    if responsible != MAIN_RULE_PRINCIPAL[kind] and not reason.strip():
        raise RuleViolation(
            "R-COST-1",
            _(
                "Health care is the region's and social services and school the "
                "municipality's: state why this intervention is the other principal's."
            ),
            field="deviation_reason",
        )


def check_agreement_content(*, health_care_provision: str, line_count: int) -> None:
    """R-COST-2 (L17–L18): before it is sent for signature, the agreement states each
    principal's responsibility for the interventions (at least one line) and how the
    health-care interventions are provided."""
    if not health_care_provision.strip():
        raise RuleViolation(
            "R-COST-2",
            _("State how the health-care interventions are provided."),
            field="health_care_provision",
        )
    if line_count == 0:
        raise RuleViolation(
            "R-COST-2", _("The agreement must list the interventions and their principals.")
        )


# --- the annual amounts a mandate's limit is checked against ----------------------------------

DAYS_PER_YEAR = 365
MONTHS_PER_YEAR = 12


@dataclass(frozen=True)
class AnnualAmounts:
    municipality: Decimal
    region: Decimal


def annual_amounts(
    *,
    cost_per_day: Decimal,
    method: SplitMethod,
    region_percent: Decimal | None,
    region_amount_per_month: Decimal | None,
    standard_share: Decimal,
    municipality_lines_per_month: Iterable[Decimal] = (),
    region_lines_per_month: Iterable[Decimal] = (),
) -> AnnualAmounts:
    """R-MEET-3: each principal's yearly amount under a version — what the annual limit of its
    signatory's financial mandate is checked against.

    The placement's yearly cost, ``to_ore(cost_per_day × 365)``, is split as agreed (R-COST-2,
    R-COST-3): the standard split gives the region the rule set's share; a percent split gives
    the region ``region_percent / 100`` of the yearly cost (a percent, 0–100, never a
    fraction); a split in kronor gives the region ``region_amount_per_month × 12``, at most the
    yearly cost. The region's part is rounded half-up to öre exactly (domain.money, as in the
    monthly statements) and the municipality bears the rest, so the two parts sum to the
    yearly cost whatever the active decimal context. Each principal's own intervention lines
    (R-COST-1) add ``amount per month × 12``."""
    check_split(
        method=method,
        region_percent=region_percent,
        region_amount_per_month=region_amount_per_month,
        standard_allowed=True,
    )
    with localcontext() as ctx:
        ctx.prec = 60  # every product below is exact: no öre lost to a narrow context
        yearly = to_ore(cost_per_day * DAYS_PER_YEAR)
        if method == SplitMethod.STANDARD:
            region_part, _rest = standard_split(yearly, region_share=standard_share)
        elif method == SplitMethod.PERCENT:
            assert region_percent is not None  # checked by check_split
            region_part, _rest = standard_split(yearly, region_share=region_percent.scaleb(-2))
        else:
            assert region_amount_per_month is not None  # checked by check_split
            region_part = min(yearly, to_ore(region_amount_per_month * MONTHS_PER_YEAR))
        municipality_lines = sum(
            (to_ore(a * MONTHS_PER_YEAR) for a in municipality_lines_per_month), Decimal("0.00")
        )
        region_lines = sum(
            (to_ore(a * MONTHS_PER_YEAR) for a in region_lines_per_month), Decimal("0.00")
        )
        return AnnualAmounts(
            municipality=yearly - region_part + municipality_lines,
            region=region_part + region_lines,
        )
