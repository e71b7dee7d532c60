"""Placement rules: the lifecycle table, the target group (0–20) and R-PLAC-1, -2, -3, -4, -6,
-7 as pure functions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from .errors import RuleViolation, Violations
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

MAX_AGE = 20
"""The target group: children and young people up to and including 20 years (002 §1.4)."""


class Provision(StrEnum):
    """R-PLAC-1 (L13): whether a principal performs its interventions itself or through
    another party (L7: each principal may contract a party with the competence)."""

    ITSELF = "itself"
    OTHER_PARTY = "other_party"
    BOTH = "both"


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
    responsibilities: str = ""
    municipality_provision: Provision | None = None
    region_provision: Provision | None = None
    agreement_signed: bool = False
    power_of_attorney_issued_on: date | None = None
    power_of_attorney_scope: str = ""


def can_move(current: PlacementStatus, target: PlacementStatus) -> bool:
    return target in ALLOWED_MOVES[current]


# R-PLAC-6: the homes that get the power of attorney (002 §3.4.7).
POWER_OF_ATTORNEY_FORMS = frozenset(
    {
        PlacementForm.FOSTER_HOME,
        PlacementForm.EMERGENCY_FOSTER_HOME,
        PlacementForm.HVB,
        PlacementForm.SIS,
    }
)


def check_child_in_target_group(
    *, birth_date: date, on: date, field: str | None = None, registering: bool = True
) -> None:
    """Target group (002 §1.4): a child is registered when 0–20 years old on the day of
    registering (a young person who turns 21 later keeps the record: an edit, ``registering``
    False, asks only the next rule). A birth date ahead of ``on`` is refused always."""
    if birth_date > on:
        raise RuleViolation(
            "TARGET-GROUP", _("The date of birth cannot be in the future."), field=field
        )
    if registering and age_on(birth_date, on=on) > MAX_AGE:
        raise RuleViolation(
            "TARGET-GROUP",
            _(
                "The agreement covers children and young people up to and including 20 years: "
                "check the date of birth."
            ),
            field=field,
        )


def check_moved_in(*, actual_start: date | None, today: date) -> None:
    """The actual start is the day the child moved in, once it has happened: never ahead of
    today (a planned day goes in the planned start)."""
    if actual_start is not None and actual_start > today:
        raise RuleViolation(
            "LIFECYCLE",
            _(
                "The day the child moved in cannot be in the future: enter the planned start "
                "instead."
            ),
            field="actual_start",
        )


def takes_new_work(status: PlacementStatus | str) -> bool:
    """LIFECYCLE: a cancelled placement never took place, so nothing new is registered for it:
    no cost-responsibility meeting and no health examination (what was recorded before stays,
    and can be corrected). Pages ask this before they offer either."""
    return PlacementStatus(status) != PlacementStatus.CANCELLED


@dataclass(frozen=True)
class RecordedDates:
    """Dates of things a placement records as having happened (not plans)."""

    report_received_on: date | None = None  # the investigation's report (002 §3.3.1)
    investigation_decided_on: date | None = None
    investigation_completed_on: date | None = None
    care_contact_appointed_on: date | None = None  # R-PLAC-5
    care_contact_named: bool = False  # a name or a unit of the care contact is given
    power_of_attorney_issued_on: date | None = None  # R-PLAC-6

    @classmethod
    def from_fields(cls, get: Callable[[str], Any]) -> RecordedDates:
        """From a placement's fields by name (``getattr`` on a placement, ``dict.get`` on a
        form's cleaned data)."""
        name, unit = get("care_contact_name"), get("care_contact_unit")
        return cls(
            report_received_on=get("investigation_report_on"),
            investigation_decided_on=get("investigation_decided_on"),
            investigation_completed_on=get("investigation_completed_on"),
            care_contact_appointed_on=get("care_contact_appointed_on"),
            care_contact_named=bool((name or "").strip() or unit),
            power_of_attorney_issued_on=get("power_of_attorney_issued_on"),
        )


# (date, rule) of each recorded date, in the form's order; the form's field where its name
# differs (``_FORM_FIELDS``).
_RECORDED = (
    ("power_of_attorney_issued_on", "R-PLAC-6"),
    ("care_contact_appointed_on", "R-PLAC-5"),
    ("report_received_on", "002 §3.3.1"),
    ("investigation_decided_on", "002 §3.3.1"),
    ("investigation_completed_on", "002 §3.3.1"),
)
_FORM_FIELDS = {"report_received_on": "investigation_report_on"}


def check_recorded_dates(dates: RecordedDates, *, today: date) -> None:
    """What a placement records as done has happened: a report received, a decision taken, an
    investigation completed, a care contact appointed, a power of attorney issued — none of
    them after ``today`` (found by an exploratory review: a report "received" next year made a
    deadline for it). A care contact's appointment date names a care contact (R-PLAC-5).
    Every violation at once, each on its field."""
    found = Violations()
    for name, rule in _RECORDED:
        value = getattr(dates, name)
        if value is not None and value > today:
            found.add(
                rule,
                _("This date cannot be in the future: record it once it has happened."),
                field=_FORM_FIELDS.get(name, name),
            )
    if dates.care_contact_appointed_on is not None and not dates.care_contact_named:
        found.add(
            "R-PLAC-5",
            _("Name the care contact who was appointed, or leave the date empty."),
            field="care_contact_name",
        )
    found.raise_if_any()


def check_open_for_work(status: PlacementStatus | str, *, field: str | None = None) -> None:
    """``takes_new_work`` as a refusal (the services ask it)."""
    if not takes_new_work(status):
        raise RuleViolation(
            "LIFECYCLE",
            _("The placement is cancelled: nothing new can be registered for it."),
            field=field,
        )


def check_age_at_start(*, birth_date: date, start: date, field: str | None = None) -> None:
    """Target group (002 §1.4; DOMAIN.md "Who is involved"): children and young people 0–20.
    A placement of someone who is 21 or older on its start day is refused; one who turns 21
    during the placement is not affected. A start before the birth is refused too."""
    if start < birth_date:
        raise RuleViolation(
            "TARGET-GROUP", _("The placement cannot start before the child was born."), field=field
        )
    if age_on(birth_date, on=start) > MAX_AGE:
        raise RuleViolation(
            "TARGET-GROUP",
            _(
                "The agreement covers children and young people up to and including 20 years: "
                "the young person is 21 or older on the start date."
            ),
            field=field,
        )


def requires_power_of_attorney(
    *, legal_basis: LegalBasis, form: PlacementForm, birth_date: date, on: date
) -> bool:
    """R-PLAC-6: an LVU placement of a minor in a foster home, an HVB or a SiS special youth
    home ("familjehemmet eller HVB, inkl. SIS", 002 §3.4.7) needs a power of attorney."""
    return (
        legal_basis == LegalBasis.LVU
        and form in POWER_OF_ATTORNEY_FORMS
        and age_on(birth_date, on=on) < ADULT_AGE
    )


def missing_record_fields(facts: PlacementFacts) -> list[str]:
    """R-PLAC-1: the placement record states the goal (L10), the individual's wishes (L11),
    each principal's and party's responsibility for the care and support interventions (L12),
    whether each principal performs its interventions itself or through another party (L13,
    one answer per principal), and how school or occupation is provided (L14). Returns the
    names of the fields still empty, in the order of the form."""
    texts = [
        name
        for name, value in (
            ("goal", facts.goal),
            ("wishes", facts.wishes),
            ("schooling", facts.schooling),
            ("responsibilities", facts.responsibilities),
        )
        if not value.strip()
    ]
    provisions = [
        name
        for name, value in (
            ("municipality_provision", facts.municipality_provision),
            ("region_provision", facts.region_provision),
        )
        if value is None
    ]
    return texts + provisions


def check_move(
    facts: PlacementFacts,
    target: PlacementStatus,
    *,
    on: date,
    end_date: date | None = None,
    end_reason: str = "",
    end_plan: EndPlan | None = None,
) -> None:
    """Raise RuleViolation unless the placement may move to ``target`` on ``on``. Ending needs
    the joint plan for further interventions (``end_plan``, R-PLAC-7, L25)."""
    if not can_move(facts.status, target):
        raise RuleViolation(
            "LIFECYCLE", _("This status change is not allowed for the placement."), field=None
        )
    if target == PlacementStatus.ACTIVE:
        check_age_at_start(birth_date=facts.birth_date, start=facts.actual_start or on, field="on")
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
        check_end_plan(end_plan or EndPlan(), end_date=end_date)


def check_record_complete(facts: PlacementFacts, *, on: date) -> None:
    """R-PLAC-1 and R-PLAC-6: what a placement must state before it starts (``on`` is the
    start), and must keep stating once it has started: an edit cannot take it away again."""
    missing = missing_record_fields(facts)
    if missing:
        raise RuleViolation(
            "R-PLAC-1",
            _(
                "Before the placement starts it must state its goal, the individual's wishes, "
                "how school or occupation is provided, each principal's and party's "
                "responsibility for the interventions, and whether each principal performs "
                "them itself or through another party."
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
                    "An LVU placement of a minor in a foster home, an HVB or a SiS youth home "
                    "needs a power of attorney before it starts."
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


@dataclass(frozen=True)
class EndPlan:
    """R-PLAC-7 (L25): how the joint plan for further interventions was made before the end:
    the day a SIP meeting of the child's SIP was held for it, or why there was none."""

    sip_meeting_held_on: date | None = None
    no_meeting_reason: str = ""


def check_end_plan(plan: EndPlan, *, end_date: date) -> None:
    """R-PLAC-7 (L25, 002 §3.5.1): before a placement ends the principals plan the further
    interventions together, at a new SIP meeting for the move home or to another placement.
    Ending needs either a held SIP meeting of the child's SIP, on or before the end date, or a
    stated reason why there is none (for example no further need of both principals)."""
    if plan.sip_meeting_held_on is None:
        if not plan.no_meeting_reason.strip():
            raise RuleViolation(
                "R-PLAC-7",
                _(
                    "Before the placement ends the further interventions are planned jointly: "
                    "choose the SIP meeting held for it, or state why there was none."
                ),
                field="end_plan_meeting",
            )
        return
    if plan.sip_meeting_held_on > end_date:
        raise RuleViolation(
            "R-PLAC-7",
            _("The SIP meeting on the further interventions is held on or before the end date."),
            field="end_plan_meeting",
        )


def check_joint_follow_up(
    *,
    held_on: date,
    next_on: date | None,
    municipality_units: int,
    region_units: int,
    today: date,
    placement_start: date | None,
) -> None:
    """R-PLAC-7 (L24): the placement is followed up jointly and regularly by the principals'
    units concerned: at least one unit of the municipality and one of the region take part,
    the follow-up has been held (not in the future, not before the placement started), and
    the next follow-up is set after it."""
    if held_on > today:
        raise RuleViolation(
            "R-PLAC-7", _("A follow-up cannot be recorded before it is held."), field="held_on"
        )
    if placement_start is not None and held_on < placement_start:
        raise RuleViolation(
            "R-PLAC-7",
            _("The follow-up cannot be held before the placement started."),
            field="held_on",
        )
    if municipality_units < 1:
        raise RuleViolation(
            "R-PLAC-7",
            _("The follow-up is joint: at least one unit of the municipality takes part."),
            field="municipality_units",
        )
    if region_units < 1:
        raise RuleViolation(
            "R-PLAC-7",
            _("The follow-up is joint: at least one unit of the region takes part."),
            field="region_units",
        )
    if next_on is None:
        raise RuleViolation(
            "R-PLAC-7",
            _("The follow-up is regular: set the date of the next follow-up."),
            field="next_follow_up_on",
        )
    if next_on <= held_on:
        raise RuleViolation(
            "R-PLAC-7",
            _("The next follow-up must be after this one."),
            field="next_follow_up_on",
        )


def check_follow_up_done(
    *, ended_on: date, follow_up_until: date | None, done_on: date, today: date
) -> None:
    """R-PLAC-7 (002 §3.5.2): the follow-up after the end, once opened, is recorded as ended
    on the day it ended: not before the placement ended and not in the future. Ending it after
    its 2 months is allowed to record (the deadline then shows it met late)."""
    if follow_up_until is None:
        raise RuleViolation(
            "R-PLAC-7",
            _("No follow-up after the placement was opened."),
            field="follow_up_ended_on",
        )
    if done_on < ended_on:
        raise RuleViolation(
            "R-PLAC-7",
            _("The follow-up cannot end before the placement ended."),
            field="follow_up_ended_on",
        )
    if done_on > today:
        raise RuleViolation(
            "R-PLAC-7",
            _("The follow-up cannot be recorded as ended before it has ended."),
            field="follow_up_ended_on",
        )


class ExamKind(StrEnum):
    PHYSICAL_MENTAL = "physical_mental"
    ORAL = "oral"


# R-PLAC-4: which kind of unit (organisations.Unit.Kind values) of a region examines what.
# Oral: only Folktandvården (002 §3.4.3.2). Physical and mental: the vårdcentral the child is
# listed at or the nearest one (002 §3.4.3.1); BUP is accepted as well, for the mental part
# when the child is already in child and adolescent psychiatry.
EXAMINING_UNIT_KINDS: dict[ExamKind, frozenset[str]] = {
    ExamKind.ORAL: frozenset({"dental_care"}),
    ExamKind.PHYSICAL_MENTAL: frozenset({"primary_care", "bup"}),
}


def check_examining_unit(*, kind: ExamKind, unit_kind: str | None, unit_in_region: bool) -> None:
    """R-PLAC-4: the examining unit, when named, is a region's health-care unit of the kind
    that does this examination: an oral examination by Folktandvården (a dental unit), a
    physical and mental one by a vårdcentral (or BUP)."""
    if unit_kind is None:
        return
    if not unit_in_region or unit_kind not in EXAMINING_UNIT_KINDS[kind]:
        message = (
            _("An oral examination is done by Folktandvården: choose a dental care unit.")
            if kind == ExamKind.ORAL
            else _(
                "A physical and mental examination is done by a vårdcentral (or BUP): "
                "choose a primary care or BUP unit of the region."
            )
        )
        raise RuleViolation("R-PLAC-4", message, field="unit")


def check_health_exam(
    *,
    initiated_on: date,
    offered_on: date | None,
    done_on: date | None,
    unnecessary_reason: str,
    kind: ExamKind,
    unit_kind: str | None,
    unit_in_region: bool,
    today: date,
) -> None:
    """R-PLAC-4: initiated → appointment offered → done, or "obviously unnecessary" with a
    reason. Dates run forwards; a step needs the one before it; each step is recorded once it
    has happened (found by exploratory reviews: "done 2027-01-10" was stored). The
    examining unit fits the kind of examination (``check_examining_unit``)."""
    check_examining_unit(kind=kind, unit_kind=unit_kind, unit_in_region=unit_in_region)
    # Initiated and offered are recorded once done: a date ahead would meet R-PLAC-4's
    # deadline by accident (found by an exploratory review).
    for name, value in (("initiated_on", initiated_on), ("offered_on", offered_on)):
        if value is not None and value > today:
            raise RuleViolation(
                "R-PLAC-4",
                _("This date cannot be in the future: record it once it has happened."),
                field=name,
            )
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
        if done_on > today:
            raise RuleViolation(
                "R-PLAC-4",
                _("An examination cannot be recorded as done before it has taken place."),
                field="done_on",
            )


MAX_GUARDIANS = 2


def check_guardian_count(existing: int) -> None:
    """A child has 0, 1 or 2 guardians (DOMAIN.md, "Who is involved")."""
    if existing >= MAX_GUARDIANS:
        raise RuleViolation("GUARDIANS", _("A child can have at most two guardians."), field="kind")
