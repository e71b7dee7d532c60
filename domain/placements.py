"""Placement rules: the lifecycle table and R-PLAC-1, -2, -3, -6, -7 as pure functions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from .errors import RuleViolation
from .i18n import gettext_noop as _
from .identity import age_on


class PlacementStatus(StrEnum):
    PLANNED = "planned"
    ACTIVE = "active"
    ENDED = "ended"
    CANCELLED = "cancelled"


class PlacementForm(StrEnum):
    HVB = "hvb"
    FOSTER_HOME = "foster_home"
    EMERGENCY_FOSTER_HOME = "emergency_foster_home"
    SIS = "sis"
    SUPPORTED_HOUSING = "supported_housing"
    SHORT_TERM_HOME = "short_term_home"


class LegalBasis(StrEnum):
    SOL = "sol"
    LVU = "lvu"
    LVM = "lvm"
    LSS = "lss"


# The lifecycle: the allowed moves, as data.
ALLOWED_MOVES: dict[PlacementStatus, frozenset[PlacementStatus]] = {
    PlacementStatus.PLANNED: frozenset({PlacementStatus.ACTIVE, PlacementStatus.CANCELLED}),
    PlacementStatus.ACTIVE: frozenset({PlacementStatus.ENDED}),
    PlacementStatus.ENDED: frozenset(),
    PlacementStatus.CANCELLED: frozenset(),
}

ADULT_AGE = 18


@dataclass(frozen=True)
class PlacementFacts:
    """What the rules need to know about a placement, as plain values."""

    status: PlacementStatus
    is_acute: bool
    form: PlacementForm
    legal_basis: LegalBasis
    birth_date: date
    actual_start: date | None = None
    goal: str = ""
    wishes: str = ""
    schooling: str = ""
    agreement_signed: bool = False
    power_of_attorney_issued_on: date | None = None
    power_of_attorney_scope: str = ""


def can_move(current: PlacementStatus, target: PlacementStatus) -> bool:
    return target in ALLOWED_MOVES[current]


def requires_power_of_attorney(
    *, legal_basis: LegalBasis, form: PlacementForm, birth_date: date, on: date
) -> bool:
    """R-PLAC-6: an LVU placement of a minor in a foster home or HVB needs a power of attorney."""
    return (
        legal_basis == LegalBasis.LVU
        and form
        in {PlacementForm.FOSTER_HOME, PlacementForm.EMERGENCY_FOSTER_HOME, PlacementForm.HVB}
        and age_on(birth_date, on=on) < ADULT_AGE
    )


def missing_record_fields(facts: PlacementFacts) -> list[str]:
    """R-PLAC-1: the placement record states the goal, the individual's wishes and how school
    or occupation is provided. Returns the names of the fields still empty."""
    return [
        name
        for name, value in (
            ("goal", facts.goal),
            ("wishes", facts.wishes),
            ("schooling", facts.schooling),
        )
        if not value.strip()
    ]


def check_move(
    facts: PlacementFacts,
    target: PlacementStatus,
    *,
    on: date,
    end_date: date | None = None,
    end_reason: str = "",
) -> None:
    """Raise RuleViolation unless the placement may move to ``target`` on ``on``."""
    if not can_move(facts.status, target):
        raise RuleViolation(
            "LIFECYCLE", _("This status change is not allowed for the placement."), field=None
        )
    if target == PlacementStatus.ACTIVE:
        check_record_complete(facts, on=facts.actual_start or on)
        # R-PLAC-2: a planned placement cannot start before both principals have signed.
        # R-PLAC-3: an acute placement may be active without an agreement.
        if not facts.is_acute and not facts.agreement_signed:
            raise RuleViolation(
                "R-PLAC-2",
                _(
                    "A planned placement cannot start before its cost agreement is signed by "
                    "both principals."
                ),
            )
    if target == PlacementStatus.ENDED:
        if end_date is None:
            raise RuleViolation("LIFECYCLE", _("Enter the end date."), field="end_date")
        if not end_reason.strip():
            raise RuleViolation("LIFECYCLE", _("Enter the reason for ending."), field="reason")
        if facts.actual_start is not None and end_date < facts.actual_start:
            raise RuleViolation(
                "LIFECYCLE",
                _("The end date cannot be before the placement started."),
                field="end_date",
            )


def check_record_complete(facts: PlacementFacts, *, on: date) -> None:
    """R-PLAC-1 and R-PLAC-6: what a placement must state before it starts (``on`` is the
    start), and must keep stating once it has started: an edit cannot take it away again."""
    missing = missing_record_fields(facts)
    if missing:
        raise RuleViolation(
            "R-PLAC-1",
            _(
                "The placement must state its goal, the individual's wishes and how school "
                "or occupation is provided before it starts."
            ),
            field=missing[0],
        )
    if requires_power_of_attorney(
        legal_basis=facts.legal_basis, form=facts.form, birth_date=facts.birth_date, on=on
    ):
        if facts.power_of_attorney_issued_on is None:
            raise RuleViolation(
                "R-PLAC-6",
                _(
                    "An LVU placement of a minor in a foster home or HVB needs a power of "
                    "attorney before it starts."
                ),
                field="power_of_attorney_issued_on",
            )
        if not facts.power_of_attorney_scope.strip():
            raise RuleViolation(
                "R-PLAC-6",
                _("State the scope of the power of attorney."),
                field="power_of_attorney_scope",
            )


def check_update(facts: PlacementFacts, *, on: date) -> None:
    """An edit of a placement that has started keeps R-PLAC-1 and R-PLAC-6 satisfied
    (checked as of its start). A planned placement may still be incomplete."""
    if facts.status in {PlacementStatus.ACTIVE, PlacementStatus.ENDED}:
        check_record_complete(facts, on=facts.actual_start or on)


def check_follow_up_period(*, ended_on: date, follow_up_until: date, limit: date) -> None:
    """R-PLAC-7: a follow-up after the placement has ended must end within 2 months (limit)."""
    if follow_up_until < ended_on:
        raise RuleViolation(
            "R-PLAC-7",
            _("The follow-up cannot end before the placement ended."),
            field="follow_up_until",
        )
    if follow_up_until > limit:
        raise RuleViolation(
            "R-PLAC-7",
            _("A follow-up after the placement must end within 2 months of the end date."),
            field="follow_up_until",
        )


class ExamKind(StrEnum):
    PHYSICAL_MENTAL = "physical_mental"
    ORAL = "oral"


def check_health_exam(
    *,
    initiated_on: date,
    offered_on: date | None,
    done_on: date | None,
    unnecessary_reason: str,
) -> None:
    """R-PLAC-4: initiated → appointment offered → done, or "obviously unnecessary" with a
    reason. Dates run forwards; a step needs the one before it."""
    if unnecessary_reason.strip() and (offered_on or done_on):
        raise RuleViolation(
            "R-PLAC-4",
            _("An examination marked obviously unnecessary cannot also be offered or done."),
            field="unnecessary_reason",
        )
    if offered_on is not None and offered_on < initiated_on:
        raise RuleViolation(
            "R-PLAC-4",
            _("The appointment cannot be offered before the examination was initiated."),
            field="offered_on",
        )
    if done_on is not None:
        if offered_on is None:
            raise RuleViolation(
                "R-PLAC-4",
                _("Record when the appointment was offered before it is done."),
                field="offered_on",
            )
        if done_on < offered_on:
            raise RuleViolation(
                "R-PLAC-4",
                _("The examination cannot be done before the appointment was offered."),
                field="done_on",
            )


MAX_GUARDIANS = 2


def check_guardian_count(existing: int) -> None:
    """A child has 0, 1 or 2 guardians (DOMAIN.md, "Who is involved")."""
    if existing >= MAX_GUARDIANS:
        raise RuleViolation("GUARDIANS", _("A child can have at most two guardians."), field="kind")
