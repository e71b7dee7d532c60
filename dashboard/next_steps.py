"""The next-step panel (issue 12): gathers the facts of one or more placements with a bounded
number of queries (whatever the number of placements), asks ``domain.next_steps`` for the
steps, and turns each step's action into a link for the users whose policy allows it.

The dashboard app is the top layer: it may read placements, SIPs and agreements. The rules
stay in the domain; the policy functions of each app decide who sees a link:

- SIP actions: those who may change the SIP (``sip.policy``; creating one: R-SIP-1, any unit
  that may initiate);
- placement and agreement actions: those who may change the child (``placements.policy``);
- signatures: a financial mandate for that principal valid today (R-MEET-3).

Someone who may not act sees the step and who acts instead; a region clinician thus follows
the case without the municipality's buttons.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.db.models import Count, Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from agreements.models import AgreementVersion, CostMeeting
from core.formats import format_date
from core.policy import CHANGE, actor_for, visible
from domain import next_steps as rules
from domain import signing as signing_rules
from domain import sip as sip_rules
from domain.agreements import AgreementStatus
from domain.deadlines import Deadline as EngineDeadline
from domain.deadlines import DeadlineKind, sip_first_meeting
from domain.identity import age_on
from domain.placements import ExamKind
from organisations.models import FinancialMandate
from placements.models import HealthExamination, Placement, RelatedPerson
from placements.policy import child_details_visible, initiating_unit_ids, visible_children
from placements.selectors import placement_name
from sip.models import Consent, Sip, SipMeeting
from sip.services import consent_missing_from, guardians_to_register

from .models import KIND_LABELS, Deadline

# Deadlines the steps already show: not repeated under "other deadlines".
STEP_KINDS = frozenset(
    {
        DeadlineKind.AGREEMENT_BEFORE_START,
        DeadlineKind.ACUTE_SETTLEMENT,
        DeadlineKind.HEALTH_EXAM_OFFER,
        DeadlineKind.SIP_FIRST_MEETING,
    }
)
SETTLED = frozenset({AgreementStatus.SIGNED, AgreementStatus.SUPERSEDED, AgreementStatus.ENDED})
OPEN_VERSION = frozenset({AgreementStatus.DRAFT, AgreementStatus.AWAITING_SIGNATURES})


def _local(value: Any) -> date | None:
    return timezone.localdate(value) if value is not None else None


# --- facts --------------------------------------------------------------------------------------


@dataclass
class _Gathered:
    """Everything read for a set of placements: a fixed number of queries."""

    sips_of_child: dict[int, list[Sip]] = field(default_factory=dict)
    guardians_of_child: dict[int, list[int]] = field(default_factory=dict)
    cost_meeting_on: dict[int, date] = field(default_factory=dict)
    versions_of: dict[int, list[AgreementVersion]] = field(default_factory=dict)
    exams_of: dict[int, list[HealthExamination]] = field(default_factory=dict)


def _gather(placements: Sequence[Placement]) -> _Gathered:
    ids = [p.pk for p in placements]
    child_ids = {p.child_id for p in placements}
    found = _Gathered()
    sips = (
        Sip.objects.filter(child_id__in=child_ids)
        .prefetch_related(
            Prefetch("placements", queryset=Placement.objects.only("pk")),
            Prefetch(
                "meetings",
                queryset=SipMeeting.objects.select_related("plan").order_by("scheduled_on", "pk"),
            ),
            Prefetch("consents", queryset=Consent.objects.select_related("revocation")),
        )
        .order_by("-need_noticed_on", "-pk")
    )
    # The placements' children, where the caller loaded them: a SIP's facts read its child's
    # rule set, without loading the child again per SIP (issue 13).
    loaded = {
        p.child_id: p._state.fields_cache["child"]
        for p in placements
        if "child" in p._state.fields_cache
    }
    for sip in sips:
        if sip.child_id in loaded:
            sip.child = loaded[sip.child_id]
        found.sips_of_child.setdefault(sip.child_id, []).append(sip)
    for child_id, person_id in RelatedPerson.objects.filter(
        child_id__in=child_ids, kind=RelatedPerson.Kind.GUARDIAN
    ).values_list("child_id", "pk"):
        found.guardians_of_child.setdefault(child_id, []).append(person_id)
    # R-MEET-1: a cost meeting counts when it followed a held SIP meeting (the service checks).
    for placement_id, started_at in (
        CostMeeting.objects.filter(placement_id__in=ids, sip_meeting__ended_at__isnull=False)
        .order_by("started_at")
        .values_list("placement_id", "started_at")
    ):
        found.cost_meeting_on.setdefault(placement_id, _local(started_at))  # type: ignore[arg-type]
    versions = (
        AgreementVersion.objects.filter(agreement__placement_id__in=ids)
        .select_related("agreement")
        .annotate(line_count=Count("lines"))
        .prefetch_related("signatures")
        .order_by("number")
    )
    for version in versions:
        found.versions_of.setdefault(version.agreement.placement_id, []).append(version)
    for exam in HealthExamination.objects.filter(placement_id__in=ids):
        found.exams_of.setdefault(exam.placement_id, []).append(exam)
    return found


def _choose_sip(placement: Placement, sips: list[Sip]) -> Sip | None:
    """The SIP the placement's steps run through: one linked to the placement, else one of the
    child's; a SIP whose meeting was held first, then the latest that is still open."""
    linked = [s for s in sips if any(p.pk == placement.pk for p in s.placements.all())]
    candidates = linked or sips
    held = [s for s in candidates if _held_meeting(s) is not None]
    if held:
        return held[0]
    open_sips = [s for s in candidates if s.closed_on is None]
    return open_sips[0] if open_sips else None


def _held_meeting(sip: Sip) -> SipMeeting | None:
    held = [m for m in sip.meetings.all() if m.is_held and m.started_at and _has_plan(m)]
    return min(held, key=lambda m: (m.started_at, m.pk)) if held else None


def _has_plan(meeting: SipMeeting) -> bool:
    return hasattr(meeting, "plan")  # the reverse one-to-one raises an AttributeError when none


def _sip_facts(sip: Sip, *, guardian_ids: list[int], birth_date: date, today: date) -> Any:
    consents = [
        sip_rules.ConsentFact(
            given_by=c.guardian_id if c.guardian_id else sip_rules.YOUNG_PERSON,
            given_on=c.given_on,
            revoked_from=c.revocation.effective_from if hasattr(c, "revocation") else None,
        )
        for c in sip.consents.all()
    ]
    consent_valid = today >= birth_date and sip_rules.consent_is_valid(
        consents,
        guardian_ids=guardian_ids,
        is_minor=age_on(birth_date, on=today) < sip_rules.ADULT_AGE,
        on=today,
    )
    held = _held_meeting(sip)
    booked = next((m for m in sip.meetings.all() if not m.is_held), None)
    return rules.SipFacts(
        sip_id=sip.pk,
        noticed_on=sip.need_noticed_on,
        rule_set=sip.child.home_municipality.rule_set_on(sip.need_noticed_on),
        consent_valid=consent_valid,
        held_on=_local(held.started_at) if held else None,
        booked_meeting_id=booked.pk if booked else None,
        booked_meeting_on=booked.scheduled_on if booked else None,
    )


def _agreement_facts(
    placement: Placement, versions: list[AgreementVersion], cost_meeting_on: date | None
) -> tuple[rules.AgreementFacts, AgreementVersion | None]:
    settled = next((v for v in versions if v.status in SETTLED), None)
    current = settled or next((v for v in reversed(versions) if v.status in OPEN_VERSION), None)
    if current is None:
        return rules.AgreementFacts(cost_meeting_on=cost_meeting_on), None
    agreement = current.agreement
    signed = {
        s.principal_id: _local(s.signed_at)
        for s in current.signatures.all()
        if s.signing_round == current.signing_round
    }
    order_ids = signing_rules.signing_order(
        placing_principal_id=placement.placing_principal_id,
        other_principal_id=agreement.region_id
        if placement.placing_principal_id == agreement.municipality_id
        else agreement.municipality_id,
        order=settings.SIGNING_ORDER,
    )
    party = {agreement.municipality_id: rules.MUNICIPALITY, agreement.region_id: rules.REGION}
    return (
        rules.AgreementFacts(
            cost_meeting_on=cost_meeting_on,
            version_id=current.pk,
            status=AgreementStatus(current.status),
            drafted_on=_local(current.created_at),
            sent_on=_local(current.sent_at),
            health_care_provision=current.health_care_provision,
            line_count=getattr(current, "line_count", 0),
            municipality_signed_on=signed.get(agreement.municipality_id),
            region_signed_on=signed.get(agreement.region_id),
            settled_on=_local(current.signed_at) if settled else None,
            signing_order=tuple(party[pk] for pk in order_ids if pk in party),
        ),
        current,
    )


def case_facts(
    placement: Placement, found: _Gathered, *, today: date
) -> tuple[rules.CaseFacts, Sip | None, AgreementVersion | None]:
    child = placement.child
    rules_on = child.home_municipality.rule_set_on
    sip = _choose_sip(placement, found.sips_of_child.get(child.pk, []))
    sip_facts = (
        _sip_facts(
            sip,
            guardian_ids=found.guardians_of_child.get(child.pk, []),
            birth_date=child.birth_date,
            today=today,
        )
        if sip is not None
        else None
    )
    agreement, version = _agreement_facts(
        placement, found.versions_of.get(placement.pk, []), found.cost_meeting_on.get(placement.pk)
    )
    exams = tuple(
        rules.ExamFacts(
            kind=ExamKind(e.kind),
            exam_id=e.pk,
            initiated_on=e.initiated_on,
            rule_set=rules_on(e.initiated_on),
            offered_on=e.offered_on,
            unnecessary=bool(e.unnecessary_reason.strip()),
        )
        for e in found.exams_of.get(placement.pk, [])
    )
    facts = rules.CaseFacts(
        placement=placement.facts(),
        planned_start=placement.planned_start,
        rule_set=rules_on(placement.actual_start or placement.planned_start),
        sip=sip_facts,
        agreement=agreement,
        exams=exams,
    )
    return facts, sip, version


# --- who may act --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Permissions:
    asked_child_ids: frozenset[int]
    change_child_ids: frozenset[int]
    change_sip_ids: frozenset[int]
    view_sip_ids: frozenset[int]
    may_initiate_sip: bool
    mandate_principal_ids: frozenset[int]


def permissions_for(
    user: Any,
    *,
    child_ids: set[int],
    sip_ids: set[int],
    today: date,
    may_change: dict[int, bool] | None = None,
) -> Permissions:
    """``may_change``: whether the user may change some of these children, where the caller
    asked the policy already (the child page asks for its buttons): not asked again."""
    actor = actor_for(user)
    known = may_change or {}
    if all(pk in known for pk in child_ids):
        change_child_ids = frozenset(pk for pk in child_ids if known[pk])
    else:
        change_child_ids = frozenset(
            visible_children(user, CHANGE).filter(pk__in=child_ids).values_list("pk", flat=True)
        )
    return Permissions(
        asked_child_ids=frozenset(child_ids),
        change_child_ids=change_child_ids,
        change_sip_ids=frozenset(
            visible(user, Sip, CHANGE).filter(pk__in=sip_ids).values_list("pk", flat=True)
        ),
        view_sip_ids=frozenset(
            visible(user, Sip).filter(child_id__in=child_ids).values_list("pk", flat=True)
        ),
        may_initiate_sip=bool(initiating_unit_ids(actor)),
        mandate_principal_ids=frozenset(
            FinancialMandate.objects.filter(user=user)
            .valid_on(today)
            .values_list("principal_id", flat=True)
        ),
    )


# --- what the template shows --------------------------------------------------------------------


def _titles() -> dict[rules.StepKind, str]:
    return {
        rules.StepKind.PLACEMENT_STARTED: _("Placement started"),
        rules.StepKind.SIP_INITIATED: _("SIP initiated"),
        rules.StepKind.SIP_MEETING_HELD: _("SIP meeting held, with the plan"),
        rules.StepKind.COST_MEETING_HELD: _("Cost-responsibility meeting held"),
        rules.StepKind.AGREEMENT_DRAFTED: _("Agreement drafted"),
        rules.StepKind.SENT_FOR_SIGNATURE: _("Agreement sent for signature"),
        rules.StepKind.SIGNED_BY_MUNICIPALITY: _("Signed by the municipality"),
        rules.StepKind.SIGNED_BY_REGION: _("Signed by the region"),
    }


def _action_labels() -> dict[rules.Action, str]:
    return {
        rules.Action.CREATE_SIP: _("Create SIP"),
        rules.Action.RECORD_CONSENT: _("Record consent"),
        rules.Action.BOOK_SIP_MEETING: _("Book the SIP meeting"),
        rules.Action.RECORD_SIP_MEETING_HELD: _("Record the SIP meeting as held, with the plan"),
        rules.Action.REGISTER_COST_MEETING: _("Register cost-responsibility meeting"),
        rules.Action.DRAFT_AGREEMENT: _("Draft the agreement"),
        rules.Action.COMPLETE_DRAFT: _("Complete the draft"),
        rules.Action.SEND_FOR_SIGNATURE: _("Send the agreement for signature"),
        rules.Action.SIGN_FOR_MUNICIPALITY: _("Sign for the municipality"),
        rules.Action.SIGN_FOR_REGION: _("Sign for the region"),
        rules.Action.COMPLETE_RECORD: _("Complete the placement record"),
        rules.Action.START_PLACEMENT: _("Start the placement"),
        rules.Action.REQUEST_HEALTH_EXAM: _("Request the examination"),
        rules.Action.RECORD_EXAM_OFFER: _("Record the offered appointment"),
    }


def _who_acts() -> dict[rules.Action, str]:
    placing = _("The placing unit's caseworker does this.")
    running = _("The unit that runs the SIP does this.")
    return {
        rules.Action.CREATE_SIP: _("A unit working with the child initiates the SIP."),
        rules.Action.RECORD_CONSENT: running,
        rules.Action.BOOK_SIP_MEETING: running,
        rules.Action.RECORD_SIP_MEETING_HELD: running,
        rules.Action.SIGN_FOR_MUNICIPALITY: _(
            "A signatory with a financial mandate for the municipality signs."
        ),
        rules.Action.SIGN_FOR_REGION: _(
            "A signatory with a financial mandate for the region signs."
        ),
    } | dict.fromkeys(
        (
            rules.Action.REGISTER_COST_MEETING,
            rules.Action.DRAFT_AGREEMENT,
            rules.Action.COMPLETE_DRAFT,
            rules.Action.SEND_FOR_SIGNATURE,
            rules.Action.COMPLETE_RECORD,
            rules.Action.START_PLACEMENT,
            rules.Action.REQUEST_HEALTH_EXAM,
            rules.Action.RECORD_EXAM_OFFER,
        ),
        placing,
    )


STATE_BADGES = {
    rules.StepState.DONE: ("text-bg-success", "✓"),
    rules.StepState.TODO: ("text-bg-secondary", "○"),
    rules.StepState.DUE: ("text-bg-info", "◷"),
    rules.StepState.DUE_SOON: ("text-bg-warning", "◷"),
    rules.StepState.OVERDUE: ("text-bg-danger", "!"),
}


def _state_label(state: rules.StepState) -> str:
    return {
        rules.StepState.DONE: _("Done"),
        rules.StepState.TODO: _("To do"),
        rules.StepState.DUE: _("Upcoming"),
        rules.StepState.DUE_SOON: _("Due soon"),
        rules.StepState.OVERDUE: _("Overdue"),
    }[state]


def when_text(
    state: rules.StepState, *, due_on: date | None, done_on: date | None, days: int | None
) -> str:
    """ "done 2026-03-02", "due on 2026-04-01 (30 days left)", "due 2026-03-01 (1 day late)"."""
    if state == rules.StepState.DONE:
        return _("done %(date)s") % {"date": format_date(done_on)} if done_on else _("done")
    if due_on is None or days is None:
        return _("no due date")
    if state == rules.StepState.OVERDUE:
        return ngettext(
            "was due on %(date)s (%(days)s day late)",
            "was due on %(date)s (%(days)s days late)",
            days,
        ) % {"date": format_date(due_on), "days": days}
    return ngettext(
        "due on %(date)s (%(days)s day left)", "due on %(date)s (%(days)s days left)", days
    ) % {"date": format_date(due_on), "days": days}


@dataclass
class StepView:
    step: rules.Step
    title: str
    state_label: str
    badge: str
    icon: str
    when: str
    reasons: list[str]
    link_url: str = ""
    link_label: str = ""
    who: str = ""
    is_current: bool = False  # the first step not done: the one the case waits for

    @property
    def is_done(self) -> bool:
        return self.step.is_done

    @property
    def waiting(self) -> bool:
        """Cannot be acted on yet: what is missing is shown instead of an action."""
        return not self.is_done and self.step.action is None


@dataclass
class DeadlineView:
    label: str
    rule: str
    state_label: str
    badge: str
    icon: str
    when: str
    url: str


@dataclass
class Panel:
    placement: Placement
    name: str
    is_acute: bool
    steps: list[StepView]  # the way to the start (or to the settled acute split)
    exam_steps: list[StepView]  # R-PLAC-4, alongside the way
    deadlines: list[DeadlineView]
    can_start: bool = False  # the move to active would succeed now

    @property
    def current(self) -> StepView | None:
        return next((s for s in self.steps + self.exam_steps if not s.is_done), None)

    @property
    def mine(self) -> StepView | None:
        """The first open step this user can take now, when the case's next step is someone
        else's (the region's signature, say): found by an exploratory review, the "Next:" line
        named a step the caseworker could not take while hers lay further down."""
        current = self.current
        if current is None or current.link_url:
            return None
        return next((s for s in self.steps + self.exam_steps if not s.is_done and s.link_url), None)

    @property
    def all_done(self) -> bool:
        """Every step of the way is done (the examinations are shown on their own)."""
        return all(s.is_done for s in self.steps)

    @property
    def has_open_step(self) -> bool:
        return self.current is not None

    @property
    def groups(self) -> list[dict[str, Any]]:
        """The lists the template shows: the way, then the examinations; a list whose steps
        are all done is folded away, and in the others the steps done before the first open
        one (``done_before``: found by an exploratory review, six done steps pushed the one to
        take below the fold on a phone)."""
        groups = []
        for group in self._groups():
            steps = group["steps"]
            first_open = next((i for i, s in enumerate(steps) if not s.is_done), len(steps))
            group["done_before"] = [] if group["folded"] else steps[:first_open]
            group["open_steps"] = steps if group["folded"] else steps[first_open:]
            groups.append(group)
        return groups

    def _groups(self) -> list[dict[str, Any]]:
        groups = []
        if self.steps:
            groups.append(
                {
                    "label": _("Steps to the settled cost split")
                    if self.is_acute
                    else _("Steps to the start of the placement"),
                    "steps": self.steps,
                    "folded": self.all_done,
                    "done_text": _("Every step to the settled cost split is done.")
                    if self.is_acute
                    else _("Every step to the start of the placement is done."),
                }
            )
        if self.exam_steps:
            groups.append(
                {
                    "label": _("Health examinations"),
                    "steps": self.exam_steps,
                    "folded": all(s.is_done for s in self.exam_steps),
                    "done_text": _("Both health examinations are requested and offered."),
                }
            )
        return groups


def _action_url(
    step: rules.Step,
    placement: Placement,
    *,
    sip_id: int | None,
    version: AgreementVersion | None,
    perms: Permissions,
) -> str | None:
    """The URL of the step's action when this user may take it, else None."""
    action, ref = step.action, step.ref
    may_change = placement.child_id in perms.change_child_ids
    if action == rules.Action.CREATE_SIP:
        if not perms.may_initiate_sip:
            return None
        # The SIP form ticks this placement as linked (its steps follow the SIP).
        return f"{reverse('sip:sip_create', args=[placement.child_id])}?placement={placement.pk}"
    if action in (rules.Action.RECORD_CONSENT, rules.Action.BOOK_SIP_MEETING):
        if ref not in perms.change_sip_ids:
            return None
        name = (
            "sip:consent_create" if action == rules.Action.RECORD_CONSENT else "sip:meeting_create"
        )
        return reverse(name, args=[ref])
    if action == rules.Action.RECORD_SIP_MEETING_HELD:
        return reverse("sip:meeting_held", args=[ref]) if sip_id in perms.change_sip_ids else None
    if action in (rules.Action.SIGN_FOR_MUNICIPALITY, rules.Action.SIGN_FOR_REGION):
        if version is None:
            return None
        agreement = version.agreement
        principal = (
            agreement.municipality_id
            if action == rules.Action.SIGN_FOR_MUNICIPALITY
            else agreement.region_id
        )
        if principal not in perms.mandate_principal_ids:
            return None
        return reverse("agreements:version_sign", args=[ref])
    if not may_change:
        return None
    if action == rules.Action.REGISTER_COST_MEETING:
        return reverse("agreements:cost_meeting_create", args=[placement.pk])
    if action == rules.Action.DRAFT_AGREEMENT:
        return reverse("agreements:agreement_create", args=[placement.pk])
    if action == rules.Action.COMPLETE_DRAFT:
        return reverse("agreements:version_edit", args=[ref])
    if action == rules.Action.SEND_FOR_SIGNATURE and version is not None:
        return reverse("agreements:agreement_detail", args=[version.agreement_id])
    if action == rules.Action.COMPLETE_RECORD:
        return reverse("placements:placement_update", args=[placement.pk])
    if action == rules.Action.START_PLACEMENT:
        return reverse("placements:placement_transition", args=[placement.pk, "active"])
    if action == rules.Action.REQUEST_HEALTH_EXAM:
        return f"{reverse('placements:health_exam_create', args=[placement.pk])}?kind={ref}"
    if action == rules.Action.RECORD_EXAM_OFFER:
        return reverse("placements:health_exam_update", args=[ref])
    return None


def _step_view(
    step: rules.Step,
    placement: Placement,
    *,
    sip: Sip | None,
    version: AgreementVersion | None,
    perms: Permissions,
) -> StepView:
    if step.kind == rules.StepKind.HEALTH_EXAM:
        title = _("Health examination requested and offered within 4 weeks: %(kind)s") % {
            "kind": HealthExamination.Kind(str(step.exam_kind)).label
        }
    elif step.kind == rules.StepKind.SIGNED_BY_REGION and placement.is_acute:
        title = _("Signed by the region: the cost split is settled")
    else:
        title = _titles()[step.kind]
    waiting = not step.is_done and step.action is None
    if waiting and step.state != rules.StepState.OVERDUE:
        state_label, badge, icon = _("Waiting"), "text-bg-light border", "…"
    else:
        badge, icon = STATE_BADGES[step.state]
        state_label = _state_label(step.state)
    view = StepView(
        step=step,
        title=title,
        state_label=state_label,
        badge=badge,
        icon=icon,
        when=when_text(step.state, due_on=step.due_on, done_on=step.done_on, days=step.days),
        reasons=[_reason_text(reason) for reason in step.missing],
    )
    if step.action is not None:
        url = _action_url(
            step, placement, sip_id=sip.pk if sip else None, version=version, perms=perms
        )
        if url:
            view.link_url, view.link_label = url, _action_labels()[step.action]
        else:
            view.who = _who_acts().get(step.action, "")
    return view


# Deadlines whose action is on the placement page itself: the link goes to the form instead.
def _deadline_url(row: Deadline, placement_id: int | None, perms: Permissions) -> str:
    if row.placement_id is None or row.placement_id != placement_id or row.sip_id:
        return row.url
    if row.child_id not in perms.change_child_ids:
        return row.url
    kind = DeadlineKind(row.kind)
    if kind == DeadlineKind.PLACEMENT_FOLLOW_UP:
        return reverse("placements:placement_follow_up_create", args=[placement_id])
    if kind == DeadlineKind.POST_PLACEMENT_FOLLOW_UP:
        return reverse("placements:post_placement_follow_up", args=[placement_id])
    if kind in (
        DeadlineKind.CARE_CONTACT,
        DeadlineKind.POWER_OF_ATTORNEY,
        DeadlineKind.INVESTIGATION_DECISION,
        DeadlineKind.INVESTIGATION_COMPLETION,
    ):
        return reverse("placements:placement_update", args=[placement_id])
    return row.url


def deadline_views(
    rows: Sequence[Deadline], *, today: date, perms: Permissions, placement_id: int | None = None
) -> list[DeadlineView]:
    """Open deadlines as the engine states them, with days left or late and the page to act."""
    by_deadline = {}
    engine_rows = []
    for row in rows:
        deadline = EngineDeadline(
            kind=DeadlineKind(row.kind), due_on=row.due_on, met_on=row.met_on, rule=row.rule
        )
        by_deadline[id(deadline)] = row
        engine_rows.append(deadline)
    views = []
    for item in rules.open_deadlines(
        engine_rows, today=today, due_soon_days=settings.DEADLINE_DUE_SOON_DAYS
    ):
        row = by_deadline[id(item.deadline)]
        badge, icon = STATE_BADGES[item.state]
        views.append(
            DeadlineView(
                label=str(KIND_LABELS[item.deadline.kind]),
                rule=item.deadline.rule,
                state_label=_state_label(item.state),
                badge=badge,
                icon=icon,
                when=when_text(
                    item.state, due_on=item.deadline.due_on, done_on=None, days=item.days
                ),
                url=_deadline_url(row, placement_id or row.placement_id, perms),
            )
        )
    return views


def _deadline_rows(q: Q, *, perms: Permissions) -> list[Deadline]:
    """Open deadline rows; SIP rows only of SIPs this user may see."""
    rows = Deadline.objects.filter(q, met_on__isnull=True).order_by("due_on", "pk")
    return [r for r in rows if r.sip_id is None or r.sip_id in perms.view_sip_ids]


def panels_for(
    placements: Sequence[Placement], *, user: Any, today: date | None = None
) -> list[Panel]:
    """One panel per placement, with a fixed number of queries for any number of placements.
    Each placement needs its child and the child's home municipality loaded (and its
    placements, for the protected-identity rule)."""
    return _panels_and_permissions(placements, user=user, today=today or timezone.localdate())[0]


def child_next_steps(
    child: Any,
    placements: Sequence[Placement],
    *,
    user: Any,
    today: date | None = None,
    may_change: bool | None = None,
) -> tuple[list[Panel], list[DeadlineView]]:
    """The child page's panels (``panels_for``) and open deadlines (``child_deadlines``),
    asking who may act once for both (issue 13). ``may_change``: whether the user may change
    the child, if the page asked the policy already."""
    today = today or timezone.localdate()
    child_rows = Q(child_id=child.pk)
    panels, perms, rows = _panels_and_permissions(
        placements,
        user=user,
        today=today,
        also=child_rows,
        may_change=None if may_change is None else {child.pk: may_change},
    )
    if perms is None or child.pk not in perms.asked_child_ids:
        return panels, child_deadlines(child, user=user, today=today)
    # The child's rows came with the panels' (one query): the same rows as child_deadlines.
    own = [r for r in rows if r.child_id == child.pk]
    return panels, deadline_views(own, today=today, perms=perms)


def _panels_and_permissions(
    placements: Sequence[Placement],
    *,
    user: Any,
    today: date,
    also: Q | None = None,
    may_change: dict[int, bool] | None = None,
) -> tuple[list[Panel], Permissions | None, list[Deadline]]:
    """The panels, who may act, and the open deadline rows the panels read (with those of
    ``also``, in the same query, in ``_deadline_rows``'s order)."""
    if not placements:
        return [], None, []
    found = _gathered_for(placements)
    chosen: dict[int, tuple[rules.CaseFacts, Sip | None, AgreementVersion | None]] = {
        p.pk: case_facts(p, found, today=today) for p in placements
    }
    sip_ids = {s.pk for _f, s, _v in chosen.values() if s is not None}
    perms = permissions_for(
        user,
        child_ids={p.child_id for p in placements},
        sip_ids=sip_ids,
        today=today,
        may_change=may_change,
    )
    ids = [p.pk for p in placements]
    panel_q = Q(placement_id__in=ids, sip__isnull=True) | Q(sip_id__in=sip_ids)
    rows = _deadline_rows(panel_q if also is None else panel_q | also, perms=perms)
    placement_ids = set(ids)
    panel_rows = [
        r
        for r in rows
        if (r.placement_id in placement_ids and r.sip_id is None) or r.sip_id in sip_ids
    ]
    panels = []
    for placement in placements:
        facts, sip, version = chosen[placement.pk]
        steps = rules.next_steps(facts, today=today, due_soon_days=settings.DEADLINE_DUE_SOON_DAYS)
        own_rows = [
            r
            for r in panel_rows
            if DeadlineKind(r.kind) not in STEP_KINDS
            and (r.placement_id == placement.pk or (sip is not None and r.sip_id == sip.pk))
        ]
        views = [_step_view(s, placement, sip=sip, version=version, perms=perms) for s in steps]
        way = [v for v in views if v.step.kind != rules.StepKind.HEALTH_EXAM]
        exams = [v for v in views if v.step.kind == rules.StepKind.HEALTH_EXAM]
        current = next((v for v in way + exams if not v.is_done), None)
        if current is not None:
            current.is_current = True
        panels.append(
            Panel(
                placement=placement,
                name=placement_name(
                    placement, show_name=child_details_visible(user, placement.child)
                ),
                is_acute=placement.is_acute,
                steps=way,
                exam_steps=exams,
                deadlines=deadline_views(
                    own_rows, today=today, perms=perms, placement_id=placement.pk
                ),
                can_start=not rules.start_reasons(facts, today=today),
            )
        )
    return panels, perms, rows


def _gathered_for(placements: Sequence[Placement]) -> _Gathered:
    return _gather(placements)


def child_deadlines(
    child: Any, *, user: Any, today: date | None = None, perms: Permissions | None = None
) -> list[DeadlineView]:
    """The child's open deadlines (every placement and the SIPs this user may see). ``perms``:
    permissions already asked for this child (the SIPs it may see and whether it may change
    the child are what the deadlines use)."""
    today = today or timezone.localdate()
    if perms is None or child.pk not in perms.asked_child_ids:
        perms = permissions_for(user, child_ids={child.pk}, sip_ids=set(), today=today)
    rows = _deadline_rows(Q(child_id=child.pk), perms=perms)
    return deadline_views(rows, today=today, perms=perms)


# --- the SIP page ---------------------------------------------------------------------------------


@dataclass
class SipPanel:
    """What the SIP page says comes next (``domain.sip.sip_next_step``), its open deadlines,
    and the placements the SIP is linked to (their own pages carry the way to the agreement)."""

    closed: bool
    plan_drawn_up: bool = False
    title: str = ""
    rule: str = ""
    state_label: str = ""
    badge: str = ""
    icon: str = ""
    when: str = ""
    link_url: str = ""
    link_label: str = ""
    who: str = ""
    reasons: list[str] = field(default_factory=list)  # what the step still lacks
    deadlines: list[DeadlineView] = field(default_factory=list)
    placements: list[tuple[str, str]] = field(default_factory=list)  # (name, URL)


def _reason_text(reason: rules.Reason) -> str:
    if reason.on is None:
        return _(reason.message)
    return _(reason.message) % {"date": format_date(reason.on)}


def _sip_step_title(step: sip_rules.SipNextStep) -> str:
    action = sip_rules.SipAction
    if step.action is None:  # the booked meeting's day has not come
        on = format_date(step.meeting_on)
        if step.step == "follow_up":
            return _(
                "The follow-up meeting is booked for %(date)s: record it as held once it has "
                "taken place"
            ) % {"date": on}
        return _(
            "The SIP meeting is booked for %(date)s: record it as held, with the plan, once it "
            "has taken place"
        ) % {"date": on}
    if step.action == action.RECORD_CONSENT:
        return _("Record the consent to the SIP")
    if step.action == action.INVITE:
        return _("Invite the parties to the SIP meeting")
    if step.step == "follow_up":
        if step.action == action.BOOK_MEETING:
            return _("Book the follow-up meeting")
        return _("Hold the follow-up meeting")
    if step.action == action.BOOK_MEETING:
        if step.step == "prepare":
            return _("Book the SIP meeting and offer the child and the guardians to take part")
        return _("Book the SIP meeting")
    return _("Hold the SIP meeting and draw up the plan")


def _sip_step_link(step: sip_rules.SipNextStep, sip: Sip) -> tuple[str, str]:
    """The form that takes the step (a step that waits has none: not asked)."""
    action = sip_rules.SipAction
    if step.action == action.RECORD_CONSENT:
        return reverse("sip:consent_create", args=[sip.pk]), _("Record consent")
    if step.action == action.INVITE:
        return reverse("sip:invitation_create", args=[sip.pk]), _("Invite")
    if step.action == action.BOOK_MEETING:
        return reverse("sip:meeting_create", args=[sip.pk]), _("Schedule a SIP meeting")
    return reverse("sip:meeting_held", args=[step.meeting_id]), _("Record as held, with the plan")


def sip_panel(
    sip: Sip,
    *,
    user: Any,
    progress: sip_rules.SipProgress,
    may_change: bool,
    today: date | None = None,
) -> SipPanel:
    """The SIP page's next step. ``sip`` comes with its child (and the child's home
    municipality), meetings and placements loaded; ``progress``: ``sip.services.sip_progress``;
    ``may_change``: the page's answer to whether the user may change the SIP. Two queries at
    most: the SIP's open deadlines, and which linked placements the user sees (only when the
    SIP has any)."""
    today = today or timezone.localdate()
    rows = list(
        Deadline.objects.filter(sip_id=sip.pk, met_on__isnull=True).order_by("due_on", "pk")
    )
    follow_ups = [r.due_on for r in rows if r.kind == DeadlineKind.SIP_FOLLOW_UP]
    booked = next((m for m in sip.meetings.all() if not m.is_held), None)
    step = sip_rules.sip_next_step(
        progress,
        booked_meeting_id=booked.pk if booked else None,
        booked_meeting_on=booked.scheduled_on if booked else None,
        today=today,
        first_meeting_due=sip_first_meeting(
            noticed_on=sip.need_noticed_on,
            held_on=None,
            rule_set=sip.child.home_municipality.rule_set_on(sip.need_noticed_on),
        ).due_on,
        follow_up_due=min(follow_ups) if follow_ups else None,
    )
    # The step shows the first meeting's and the nearest follow-up's dates: not repeated below.
    shown = {DeadlineKind.SIP_FIRST_MEETING}
    nearest = min(follow_ups) if step is not None and follow_ups else None
    others = [
        r
        for r in rows
        if r.kind not in shown
        and not (r.kind == DeadlineKind.SIP_FOLLOW_UP and r.due_on == nearest)
    ]
    # Every row is the SIP's own (the user sees the SIP): no permission decides a link.
    no_one = Permissions(frozenset(), frozenset(), frozenset(), frozenset(), False, frozenset())
    panel = SipPanel(
        closed=step is None,
        plan_drawn_up=progress.plan_drawn_up,
        deadlines=deadline_views(others, today=today, perms=no_one),
    )
    linked = [p for p in sip.placements.all() if p.status != Placement.Status.CANCELLED]
    show_name = child_details_visible(user, sip.child)
    if linked:
        seen = set(
            visible(user, Placement)
            .filter(pk__in=[p.pk for p in linked])
            .values_list("pk", flat=True)
        )
        for placement in linked:
            if placement.pk in seen:
                placement.child = sip.child
                panel.placements.append(
                    (
                        placement_name(placement, show_name=show_name),
                        reverse("placements:placement_detail", args=[placement.pk]),
                    )
                )
    if step is None:
        return panel
    state, days = rules.step_state(
        due_on=step.due_on,
        done=False,
        today=today,
        due_soon_days=settings.DEADLINE_DUE_SOON_DAYS,
    )
    panel.badge, panel.icon = STATE_BADGES[state]
    panel.state_label = _state_label(state)
    panel.title = _sip_step_title(step)
    panel.rule = step.rule
    panel.when = when_text(state, due_on=step.due_on, done_on=None, days=days)
    if step.action == sip_rules.SipAction.RECORD_CONSENT:
        # R-SIP-2: who has yet to consent (a name only for those who see the family's).
        who = [
            (person.name if show_name else _("a guardian"))
            if person is not None
            else _("the young person")
            for person in consent_missing_from(sip, on=today)
        ]
        if who:
            panel.reasons.append(
                _("Consent still missing from: %(who)s.") % {"who": ", ".join(who)}
            )
        if guardians_to_register(sip.child, on=today):
            panel.reasons.append(
                _(
                    "No guardian of the child is registered. A minor's guardians consent: "
                    "register them (or a specially appointed guardian) on the child's page first."
                )
            )
    if step.action is None:
        return panel  # waiting for the meeting's day: nothing to offer
    if may_change:
        panel.link_url, panel.link_label = _sip_step_link(step, sip)
    else:
        panel.who = _("The unit that runs the SIP does this.")
    return panel
