"""Services for disputes (R-DISP-1): open with a temporary split, pass on, solve, recommend.

Every rule is asked of domain.disputes; this module locks the rows, records the step, writes
the audit row, and leaves the signed agreement versions untouched. Who acts as what (a party,
the sub-regional body, the regional body) is decided by the caller through agreements.policy.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop as _

from core.audit import audit_record
from core.models import AuditAction
from domain import disputes as rules
from domain.errors import RuleViolation
from domain.levels import Level
from sip.models import SipMeeting

from .models import Agreement, Dispute, DisputeStep, Recommendation, TemporarySplit
from .selectors import split_versions


@dataclass(frozen=True)
class OpeningData:
    subject: str
    question: str
    raised_by_principal_id: int
    sip_meeting: SipMeeting | None
    effective_from: date | None
    region_percent: Decimal | None
    region_amount_per_month: Decimal | None


def state_of(dispute: Dispute) -> rules.DisputeState:
    return rules.DisputeState(
        level=Level(dispute.level),
        status=rules.DisputeStatus(dispute.status),
        opened_on=dispute.opened_on,
        sub_regional_since=dispute.sub_regional_since,
        regional_since=dispute.regional_since,
    )


def rule_set_of(dispute: Dispute) -> Any:
    return dispute.agreement.placement.child.home_municipality.rule_set_on(dispute.opened_on)


def _step(dispute: Dispute, kind: str, *, user: Any, on: date, text: str = "") -> DisputeStep:
    return DisputeStep.objects.create(
        dispute=dispute, kind=kind, level=dispute.level, on=on, text=text, by=user
    )


def _sip_meeting_terms(agreement: Agreement, data: OpeningData) -> rules.TemporarySplitTerms:
    meeting = data.sip_meeting
    held_on = timezone.localdate(meeting.started_at) if meeting and meeting.started_at else None
    of_child = bool(meeting) and meeting.sip.child_id == agreement.placement.child_id  # type: ignore[union-attr]
    return rules.TemporarySplitTerms(
        sip_meeting_held_on=held_on,
        sip_meeting_of_the_child=of_child,
        effective_from=data.effective_from,
        region_percent=data.region_percent,
        region_amount_per_month=data.region_amount_per_month,
    )


@transaction.atomic
def dispute_open(
    *, user: Any, agreement: Agreement, data: OpeningData, today: date | None = None
) -> Dispute:
    """R-DISP-1: a dispute is opened locally, and only together with the temporary split the
    parties agreed at once through the SIP; the statements use the split from its date."""
    today = today or timezone.localdate()
    locked = (
        Agreement.objects.select_for_update()
        .select_related("placement__child__home_municipality")
        .get(pk=agreement.pk)
    )
    if data.raised_by_principal_id not in locked.principal_ids:
        raise RuleViolation(rules.RULE, _("Only the two principals of the agreement dispute it."))
    refused = rules.opening_refused(
        has_open_dispute=locked.disputes.filter(status=Dispute.Status.OPEN).exists(),
        placement_started=locked.placement.actual_start is not None,
    )
    if refused:
        raise RuleViolation(rules.RULE, refused)
    rules.check_opening(opened_on=today, terms=_sip_meeting_terms(locked, data))
    assert data.sip_meeting is not None and data.effective_from is not None  # checked above
    dispute = Dispute.objects.create(
        agreement=locked,
        subject=data.subject,
        question=data.question,
        raised_by_principal_id=data.raised_by_principal_id,
        sub_region_id=locked.placement.child.home_municipality.sub_region_id,
        opened_on=today,
        created_by=user,
    )
    split = TemporarySplit.objects.create(
        dispute=dispute,
        agreement=locked,
        sip_meeting=data.sip_meeting,
        effective_from=data.effective_from,
        region_percent=data.region_percent,
        region_amount_per_month=data.region_amount_per_month,
        recorded_by=user,
    )
    _step(dispute, DisputeStep.Kind.OPENED, user=user, on=today, text=data.question)
    audit_record(
        action=AuditAction.CREATE,
        user=user,
        obj=dispute,
        details={
            "subject": data.subject,
            "temporary_split": {
                "effective_from": split.effective_from.isoformat(),
                "region_percent": str(split.region_percent),
                "region_amount_per_month": str(split.region_amount_per_month),
            },
        },
    )
    return dispute


@transaction.atomic
def dispute_escalate(
    *,
    user: Any,
    dispute: Dispute,
    how: rules.Escalation,
    text: str = "",
    today: date | None = None,
) -> Dispute:
    """R-DISP-1: pass the dispute one level up, recorded with the date and who did it (nobody
    for the automatic move on day 31)."""
    today = today or timezone.localdate()
    locked = Dispute.objects.select_for_update().get(pk=dispute.pk)
    target = rules.check_escalation(
        state_of(locked), today=today, rule_set=rule_set_of(locked), how=how
    )
    locked.level = target.value
    if target == Level.SUB_REGIONAL:
        locked.sub_regional_since = today
    else:
        locked.regional_since = today
    locked.save(update_fields=["level", "sub_regional_since", "regional_since", "updated_at"])
    _step(locked, DisputeStep.Kind.ESCALATED, user=user, on=today, text=text)
    audit_record(
        action=AuditAction.TRANSITION,
        user=user,
        obj=locked,
        details={"level": [state_of(dispute).level.value, target.value], "how": how.value},
    )
    return locked


def _end_temporary_split(dispute: Dispute, *, on: date) -> None:
    """The temporary split applies until the dispute is closed: it ends the day before."""
    split = TemporarySplit.objects.filter(dispute=dispute).first()
    if split is not None and split.effective_until is None:
        split.effective_until = max(on - timedelta(days=1), split.effective_from)
        split.save(update_fields=["effective_until"])


@transaction.atomic
def dispute_resolve(
    *, user: Any, dispute: Dispute, resolution: str, resolved_on: date | None = None
) -> Dispute:
    """R-DISP-1: the parties solved the dispute (locally or sub-regionally). The temporary split
    ends; a changed split is then agreed as a new agreement version, signed as usual."""
    resolved_on = resolved_on or timezone.localdate()
    locked = Dispute.objects.select_for_update().get(pk=dispute.pk)
    rules.check_resolution(state_of(locked), resolved_on=resolved_on)
    locked.status = Dispute.Status.RESOLVED
    locked.closed_on = resolved_on
    locked.resolution = resolution
    locked.save(update_fields=["status", "closed_on", "resolution", "updated_at"])
    _end_temporary_split(locked, on=resolved_on)
    _step(locked, DisputeStep.Kind.RESOLVED, user=user, on=resolved_on, text=resolution)
    audit_record(
        action=AuditAction.TRANSITION,
        user=user,
        obj=locked,
        details={"status": ["open", "resolved"]},
    )
    return locked


@dataclass(frozen=True)
class RecommendationData:
    text: str
    adjusted_from: date | None
    region_percent: Decimal | None
    region_amount_per_month: Decimal | None


@transaction.atomic
def dispute_recommend(
    *,
    user: Any,
    dispute: Dispute,
    data: RecommendationData,
    issued_on: date | None = None,
) -> Recommendation:
    """R-DISP-1: the regional level's recommendation closes the dispute. When it adjusts the
    split it does so from ``adjusted_from`` (not before the day a joint split existed); the
    statements carry correction lines for the months already invoiced. The signed versions
    stay as they are."""
    issued_on = issued_on or timezone.localdate()
    locked = Dispute.objects.select_for_update().select_related("agreement").get(pk=dispute.pk)
    rules.check_recommendation_level(state_of(locked))
    if data.adjusted_from is not None and (
        (data.region_percent is None) == (data.region_amount_per_month is None)
    ):
        raise RuleViolation(
            rules.RULE,
            _("State the region's part either in percent or in kronor per month."),
            field="region_percent",
        )
    if data.adjusted_from is None and (
        data.region_percent is not None or data.region_amount_per_month is not None
    ):
        raise RuleViolation(
            rules.RULE, _("State from which day the split is adjusted."), field="adjusted_from"
        )
    rules.check_recommendation(
        adjusted_from=data.adjusted_from,
        issued_on=issued_on,
        first_joint_split_on=rules.first_joint_split_on(split_versions(locked.agreement)),
    )
    recommendation = Recommendation.objects.create(
        dispute=locked,
        agreement=locked.agreement,
        issued_on=issued_on,
        text=data.text,
        adjusted_from=data.adjusted_from,
        region_percent=data.region_percent,
        region_amount_per_month=data.region_amount_per_month,
        issued_by=user,
    )
    locked.status = Dispute.Status.RECOMMENDED
    locked.closed_on = issued_on
    locked.resolution = data.text
    locked.save(update_fields=["status", "closed_on", "resolution", "updated_at"])
    _end_temporary_split(locked, on=issued_on)
    _step(locked, DisputeStep.Kind.RECOMMENDATION, user=user, on=issued_on, text=data.text)
    audit_record(
        action=AuditAction.CREATE,
        user=user,
        obj=recommendation,
        details={
            "adjusted_from": data.adjusted_from.isoformat() if data.adjusted_from else None,
            "region_percent": str(data.region_percent),
            "region_amount_per_month": str(data.region_amount_per_month),
        },
    )
    return recommendation


@transaction.atomic
def dispute_comment(*, user: Any, dispute: Dispute, text: str) -> DisputeStep:
    step = _step(dispute, DisputeStep.Kind.COMMENT, user=user, on=timezone.localdate(), text=text)
    audit_record(action=AuditAction.UPDATE, user=user, obj=dispute, details={"comment": True})
    return step


def escalate_overdue(*, today: date | None = None) -> list[Dispute]:
    """R-DISP-1, the daily run: every open dispute still at the sub-regional level after its
    30 days goes directly to the regional level (recorded as an automatic step). Each in its
    own transaction with the row locked, so two nodes running it at once move each once."""
    today = today or timezone.localdate()
    moved = []
    candidates = Dispute.objects.filter(
        status=Dispute.Status.OPEN, level=Dispute.Level.SUB_REGIONAL
    ).select_related("agreement__placement__child__home_municipality__region")
    for dispute in candidates:
        if not rules.goes_to_regional_level(
            state_of(dispute), today=today, rule_set=rule_set_of(dispute)
        ):
            continue
        try:
            moved.append(
                dispute_escalate(
                    user=None, dispute=dispute, how=rules.Escalation.AUTOMATIC, today=today
                )
            )
        except RuleViolation:  # moved meanwhile by a person or another node
            continue
    return moved
