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


def _related(obj: Any, name: str, *order: str, select: tuple[str, ...] = ()) -> list[Any]:
    """``obj.<name>`` in ``order``: from the prefetch cache when the bulk rebuild prefetched it
    (already in that order), else one query, as the incremental updates do."""
    cache = getattr(obj, "_prefetched_objects_cache", {})
    if name in cache:
        return list(cache[name])
    qs = getattr(obj, name).all()
    if select:
        qs = qs.select_related(*select)
    return list(qs.order_by(*order) if order else qs)


def placement_deadlines(
    placement: Any,
    *,
    versions: list[Any] | None = None,
    reviews: list[Any] | None = None,
) -> list[Deadline]:
    """The placement's deadlines. ``versions`` (its agreement versions by number) and
    ``reviews`` (their joint reviews by date) may come prefetched from the bulk rebuild."""
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
    if versions is None:
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
    if reviews is None:
        reviews = (
            list(JointReview.objects.filter(version__in=versions).order_by("held_on", "pk"))
            if versions
            else []
        )
    for review in reviews:
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
    follow_ups = _related(placement, "follow_ups", "held_on", "pk")
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
    held = [m for m in _related(sip, "meetings", "started_at") if m.ended_at is not None]
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
    for plan in _related(sip, "plan_versions", select=("meeting",)):
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
    for placement in _related(child, "placements", select=("previous",)):
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


def dispute_deadlines(dispute: Any) -> list[Deadline]:
    """R-DISP-1: the dispute's two clocks (sub-regional 30 days, regional 30 days), on the case
    of the placement, for its placing unit and caseworker."""
    from domain import disputes as dispute_rules
    from domain.levels import Level

    placement = dispute.agreement.placement
    child = placement.child
    state = dispute_rules.DisputeState(
        level=Level(dispute.level),
        status=dispute_rules.DisputeStatus(dispute.status),
        opened_on=dispute.opened_on,
        sub_regional_since=dispute.sub_regional_since,
        regional_since=dispute.regional_since,
    )
    rule_set = child.home_municipality.rule_set_on(dispute.opened_on)
    url = reverse("agreements:dispute_detail", args=[dispute.pk])
    return [
        _row(
            deadline,
            key=f"dispute:{dispute.pk}:{deadline.kind.value}",
            child=child,
            placement=placement,
            unit=placement.placing_unit,
            responsible=placement.caseworker,
            url=url,
        )
        for deadline in dispute_rules.dispute_deadlines(
            state, closed_on=dispute.closed_on, rule_set=rule_set
        )
    ]


def _disputes() -> Any:
    from agreements.models import Dispute

    return Dispute.objects.select_related(
        "agreement__placement__child__home_municipality__region",
        "agreement__placement__placing_unit",
        "agreement__placement__caseworker",
    )


@transaction.atomic
def refresh_dispute(dispute_id: int) -> None:
    Deadline.objects.filter(key__startswith=f"dispute:{dispute_id}:").delete()
    dispute = _disputes().filter(pk=dispute_id).first()
    if dispute is not None:
        Deadline.objects.bulk_create(dispute_deadlines(dispute))


CHUNK_SIZE = 500


def _chunks(ids: list[int], size: int) -> Any:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def rebuild_all(*, chunk_size: int = CHUNK_SIZE) -> int:
    """Recompute the whole table in chunks (issue 13): per chunk of placements (then of SIPs)
    one transaction that deletes their rows and bulk-creates the new ones, with everything the
    engine needs prefetched in a fixed number of queries per chunk. The rows are exactly those
    of ``refresh_placement``/``refresh_sip`` (a test compares them)."""
    from django.db.models import Prefetch

    from agreements.models import AgreementVersion, JointReview
    from placements.models import Placement, PlacementFollowUp
    from sip.models import Sip, SipMeeting

    placement_ids = list(Placement.objects.order_by("pk").values_list("pk", flat=True))
    for ids in _chunks(placement_ids, chunk_size):
        placements = list(
            Placement.objects.filter(pk__in=ids)
            .select_related("child__home_municipality__region", "placing_unit", "caseworker")
            .prefetch_related(
                "health_examinations",
                Prefetch(
                    "follow_ups", queryset=PlacementFollowUp.objects.order_by("held_on", "pk")
                ),
            )
        )
        versions_of: dict[int, list[Any]] = {}
        all_versions = list(
            AgreementVersion.objects.filter(agreement__placement_id__in=ids)
            .select_related("agreement")
            .order_by("number")
        )
        for version in all_versions:
            versions_of.setdefault(version.agreement.placement_id, []).append(version)
        reviews_of: dict[int, list[Any]] = {}
        for review in JointReview.objects.filter(version__in=all_versions).order_by(
            "held_on", "pk"
        ):
            reviews_of.setdefault(review.version_id, []).append(review)
        rows: list[Deadline] = []
        for placement in placements:
            versions = versions_of.get(placement.pk, [])
            reviews = [r for v in versions for r in reviews_of.get(v.pk, [])]
            reviews.sort(key=lambda r: (r.held_on, r.pk))
            rows.extend(placement_deadlines(placement, versions=versions, reviews=reviews))
        with transaction.atomic():
            Deadline.objects.filter(placement_id__in=ids, key__startswith="placement:").delete()
            Deadline.objects.bulk_create(rows, batch_size=2000)

    sip_ids = list(Sip.objects.order_by("pk").values_list("pk", flat=True))
    for ids in _chunks(sip_ids, chunk_size):
        sips = list(
            Sip.objects.filter(pk__in=ids)
            .select_related("child__home_municipality__region", "initiating_unit", "created_by")
            .prefetch_related(
                Prefetch("meetings", queryset=SipMeeting.objects.order_by("started_at")),
                Prefetch(
                    "plan_versions",
                    queryset=sips_plan_versions(),
                ),
                Prefetch(
                    "child__placements",
                    queryset=Placement.objects.select_related("previous"),
                ),
            )
        )
        rows = [row for sip in sips for row in sip_deadlines(sip)]
        with transaction.atomic():
            Deadline.objects.filter(sip_id__in=ids, key__startswith="sip:").delete()
            Deadline.objects.bulk_create(rows, batch_size=2000)

    dispute_ids = list(_disputes().order_by("pk").values_list("pk", flat=True))
    for ids in _chunks(dispute_ids, chunk_size):
        rows = [
            row for dispute in _disputes().filter(pk__in=ids) for row in dispute_deadlines(dispute)
        ]
        with transaction.atomic():
            Deadline.objects.filter(
                key__in=[f"dispute:{pk}:{kind}" for pk in ids for kind in DISPUTE_KINDS]
            ).delete()
            Deadline.objects.bulk_create(rows, batch_size=2000)
    return Deadline.objects.count()


DISPUTE_KINDS = (
    engine.DeadlineKind.DISPUTE_SUB_REGIONAL.value,
    engine.DeadlineKind.DISPUTE_REGIONAL.value,
)


def sips_plan_versions() -> Any:
    from sip.models import PlanVersion

    return PlanVersion.objects.select_related("meeting")
