"""Keeps the deadline table in step with the records: every deadline of DOMAIN.md is computed
by the one engine in domain.deadlines; this module only gathers the dates and stores rows."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from domain import deadlines as engine
from domain import placements as placement_rules

from .models import Deadline


def _local(dt: Any) -> date | None:
    return timezone.localdate(dt) if dt is not None else None


def _row(deadline: engine.Deadline, *, key: str, **fields: Any) -> Deadline:
    return Deadline(
        kind=deadline.kind.value,
        key=key,
        due_on=deadline.due_on,
        met_on=deadline.met_on,
        rule=deadline.rule,
        **fields,
    )


def placement_deadlines(placement: Any) -> list[Deadline]:
    from agreements.models import AgreementVersion, JointReview

    if placement.status == "cancelled":
        return []
    child = placement.child
    # The rule set in force on the day each deadline is computed from (issue 11).
    rules = child.home_municipality.rule_set_on
    common = {
        "child": child,
        "placement": placement,
        "unit": placement.placing_unit,
        "responsible": placement.caseworker,
        "url": reverse("placements:placement_detail", args=[placement.pk]),
    }
    rows: list[Deadline] = []
    key = f"placement:{placement.pk}"
    versions = list(
        AgreementVersion.objects.filter(agreement__placement=placement).order_by("number")
    )
    first_signed = next((v for v in versions if v.signed_at), None)
    settled_on = _local(first_signed.signed_at) if first_signed else None
    if placement.is_acute and placement.actual_start:
        rows.append(
            _row(
                engine.acute_settlement(
                    actual_start=placement.actual_start,
                    settled_on=settled_on,
                    rule_set=rules(placement.actual_start),
                ),
                key=f"{key}:acute",
                **common,
            )
        )
    if not placement.is_acute:
        rows.append(
            _row(
                engine.agreement_before_start(
                    planned_start=placement.planned_start, signed_on=settled_on
                ),
                key=f"{key}:agreement",
                **common,
            )
        )
    reviews_of: dict[int, list[Any]] = {}
    for review in JointReview.objects.filter(version__in=versions).order_by("held_on", "pk"):
        reviews_of.setdefault(review.version_id, []).append(review)
    for version in versions:
        if version.review_on and version.status in ("signed", "superseded"):
            later = next((v for v in versions if v.number > version.number and v.signed_at), None)
            replaced_on = _local(later.signed_at) if later else None
            # R-COST-5: each review is due on its date and met by the next joint review without
            # change, or by a new signed version (a review that changed the split).
            reviews = reviews_of.get(version.pk, [])
            due_dates = [version.review_on] + [r.next_review_on for r in reviews]
            for i, due_on in enumerate(due_dates):
                met_on = reviews[i].held_on if i < len(reviews) else replaced_on
                rows.append(
                    _row(
                        engine.agreement_review(review_on=due_on, reviewed_on=met_on),
                        key=f"{key}:review:{version.pk}" + (f":{i}" if i else ""),
                        **common
                        | {
                            "url": reverse(
                                "agreements:agreement_detail", args=[version.agreement_id]
                            )
                        },
                    )
                )
    for exam in placement.health_examinations.all():
        offered = exam.offered_on or (exam.initiated_on if exam.unnecessary_reason else None)
        rows.append(
            _row(
                engine.health_exam_offer(
                    initiated_on=exam.initiated_on,
                    offered_on=offered,
                    rule_set=rules(exam.initiated_on),
                ),
                key=f"{key}:exam:{exam.kind}",
                # The placing unit initiates; the region unit that examines offers the time.
                partner_unit_id=exam.unit_id,
                **common,
            )
        )
    if placement.actual_end and placement.follow_up_until:
        rows.append(
            _row(
                engine.post_placement_follow_up(
                    ended_on=placement.actual_end,
                    follow_up_ended_on=placement.follow_up_ended_on,
                    rule_set=rules(placement.actual_end),
                ),
                key=f"{key}:followup",
                **common,
            )
        )
    # R-PLAC-7 (L24): each joint follow-up sets the next; it is met by the next one recorded.
    # After the end, a next follow-up still due and not held is no longer asked for.
    follow_ups = list(placement.follow_ups.order_by("held_on", "pk"))
    for i, follow_up in enumerate(follow_ups):
        following = follow_ups[i + 1] if i + 1 < len(follow_ups) else None
        ended = placement.actual_end
        if following is None and ended and follow_up.next_follow_up_on > ended:
            continue
        rows.append(
            _row(
                engine.placement_follow_up(
                    follow_up_on=follow_up.next_follow_up_on,
                    held_on=following.held_on if following else None,
                ),
                key=f"{key}:joint-followup:{follow_up.pk}",
                **common,
            )
        )
    if placement.investigation_report_on:
        rows.append(
            _row(
                engine.investigation_decision(
                    report_received_on=placement.investigation_report_on,
                    decided_on=placement.investigation_decided_on,
                    rule_set=rules(placement.investigation_report_on),
                ),
                key=f"{key}:inv-decision",
                **common,
            )
        )
    if placement.investigation_decided_on:
        rows.append(
            _row(
                engine.investigation_completion(
                    decided_on=placement.investigation_decided_on,
                    completed_on=placement.investigation_completed_on,
                    rule_set=rules(placement.investigation_decided_on),
                ),
                key=f"{key}:inv-completion",
                **common,
            )
        )
    if placement.status in ("active", "ended") and placement.actual_start:
        rows.append(
            _row(
                engine.care_contact(
                    placement_start=placement.actual_start,
                    appointed_on=placement.care_contact_appointed_on,
                    rule_set=rules(placement.actual_start),
                ),
                key=f"{key}:care-contact",
                **common,
            )
        )
    if placement_rules.requires_power_of_attorney(
        legal_basis=placement_rules.LegalBasis(placement.legal_basis),
        form=placement_rules.PlacementForm(placement.form),
        birth_date=child.birth_date,
        on=placement.start_date,
    ):
        rows.append(
            _row(
                engine.power_of_attorney(
                    placement_start=placement.start_date,
                    issued_on=placement.power_of_attorney_issued_on,
                ),
                key=f"{key}:poa",
                **common,
            )
        )
    return rows


def sip_deadlines(sip: Any) -> list[Deadline]:
    rule_set = sip.child.home_municipality.rule_set_on(sip.need_noticed_on)
    held = [m for m in sip.meetings.order_by("started_at") if m.ended_at is not None]
    common = {
        "child": sip.child,
        "sip": sip,
        "unit": sip.initiating_unit,
        "responsible": sip.created_by,
        "url": reverse("sip:sip_detail", args=[sip.pk]),
    }
    rows = [
        _row(
            engine.sip_first_meeting(
                noticed_on=sip.need_noticed_on,
                held_on=_local(held[0].started_at) if held else None,
                rule_set=rule_set,
            ),
            key=f"sip:{sip.pk}:first",
            **common,
        )
    ]
    for plan in sip.plan_versions.select_related("meeting"):
        if plan.meeting.kind == "closing":
            continue  # R-SIP-6: the closing meeting closes the SIP; nothing is left to follow up
        plan_day = _local(plan.meeting.started_at)
        later = next((m for m in held if _local(m.started_at) > plan_day), None)
        rows.append(
            _row(
                engine.sip_follow_up(
                    follow_up_on=plan.next_follow_up_on,
                    held_on=_local(later.started_at) if later else None,
                ),
                key=f"sip:{sip.pk}:followup:{plan.number}",
                **common,
            )
        )
    rows.extend(_sip_change_deadlines(sip, held=held, common=common))
    return rows


def placement_changes(child: Any) -> list[tuple[Any, date]]:
    """R-SIP-6: the changes of placement at which the child's SIP is followed up, as (the
    placement that changed, the day): the end of a placement, or the start of a move whose
    previous placement has not been ended (a move that ends the previous placement is that
    placement's end)."""
    changes = []
    for placement in child.placements.select_related("previous"):
        if placement.status == "ended" and placement.actual_end:
            changes.append((placement, placement.actual_end))
        elif (
            placement.previous is not None
            and placement.actual_start
            and placement.previous.actual_end is None
        ):
            changes.append((placement, placement.actual_start))
    return changes


def _sip_change_deadlines(sip: Any, *, held: list[Any], common: dict[str, Any]) -> list[Deadline]:
    """R-SIP-6 (002 §3.1, §3.5.1): a move or the end of a placement opens a follow-up of the
    child's SIP, due on the day of the change (domain.deadlines.sip_follow_up_at_change). Met
    by the SIP meeting linked as the joint plan before the end (L25) when it is this SIP's,
    otherwise by the first meeting of this SIP held on or after the change. A SIP closed before
    the change, or begun after it, is not asked for."""
    closed_on = next((_local(m.started_at) for m in held if m.kind == "closing"), None)
    rows = []
    for placement, changed_on in placement_changes(sip.child):
        if sip.need_noticed_on > changed_on or (closed_on and closed_on <= changed_on):
            continue
        linked = next((m for m in held if m.pk == placement.end_plan_meeting_id), None)
        if linked is not None:
            met_on = _local(linked.started_at)
        else:
            later = next((m for m in held if _local(m.started_at) >= changed_on), None)
            met_on = _local(later.started_at) if later else None
        rows.append(
            _row(
                engine.sip_follow_up_at_change(changed_on=changed_on, held_on=met_on),
                key=f"sip:{sip.pk}:change:{placement.pk}",
                **common | {"placement": placement},
            )
        )
    return rows


@transaction.atomic
def refresh_placement(placement_id: int) -> None:
    from placements.models import Placement

    Deadline.objects.filter(key__startswith=f"placement:{placement_id}:").delete()
    placement = (
        Placement.objects.select_related(
            "child__home_municipality__region", "placing_unit", "caseworker"
        )
        .filter(pk=placement_id)
        .first()
    )
    if placement is not None:
        Deadline.objects.bulk_create(placement_deadlines(placement))
        # R-SIP-6: a move or an end is a change at which the child's SIPs are followed up.
        for sip_id in placement.child.sips.values_list("pk", flat=True):
            refresh_sip(sip_id)


@transaction.atomic
def refresh_sip(sip_id: int) -> None:
    from sip.models import Sip

    Deadline.objects.filter(key__startswith=f"sip:{sip_id}:").delete()
    sip = (
        Sip.objects.select_related(
            "child__home_municipality__region", "initiating_unit", "created_by"
        )
        .filter(pk=sip_id)
        .first()
    )
    if sip is not None:
        Deadline.objects.bulk_create(sip_deadlines(sip))


def rebuild_all() -> int:
    from placements.models import Placement
    from sip.models import Sip

    for pk in Placement.objects.values_list("pk", flat=True):
        refresh_placement(pk)
    for pk in Sip.objects.values_list("pk", flat=True):
        refresh_sip(pk)
    return Deadline.objects.count()
