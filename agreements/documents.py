"""The agreement as a PDF: WeasyPrint from local files, with the structured data attached."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, prefetch_related_objects
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext
from weasyprint import Attachment

from core.formats import format_amount, format_date, format_datetime
from core.models import AuditAction, AuditEvent
from core.pdf import write_archival_pdf
from domain import mandates as mandate_rules
from organisations.models import FinancialMandate

from .models import AgreementLine, AgreementVersion, CostMeetingParticipant
from .services import annual_amount, principals_of


def structured_data(version: AgreementVersion) -> dict[str, Any]:
    """The agreement's data for other systems: ids, version, placement, split, amounts, dates."""
    agreement = version.agreement
    placement = agreement.placement
    # The regional agreement in force when this version's split applies from (issue 11).
    rule_set = placement.child.home_municipality.rule_set_on(
        version.effective_from or placement.start_date
    )
    municipality, region = principals_of(placement)
    return {
        "schema": "placeringar.agreement/1",
        "agreement_id": agreement.pk,
        "version_id": version.pk,
        "version": version.number,
        "placement": {
            "id": placement.pk,
            "form": placement.form,
            "legal_basis": placement.legal_basis,
            "acute": placement.is_acute,
            "start": (placement.actual_start or placement.planned_start).isoformat(),
            "cost_per_day": str(placement.cost_per_day),
        },
        "principals": {
            "municipality": {
                "id": municipality.pk,
                "name": municipality.name,
                "organisation_number": municipality.organisation_number,
            },
            "region": {
                "id": region.pk,
                "name": region.name,
                "organisation_number": region.organisation_number,
            },
        },
        "split": {
            "method": version.split_method,
            "region_percent": str(version.region_percent)
            if version.region_percent is not None
            else None,
            "region_amount_per_month": (
                str(version.region_amount_per_month)
                if version.region_amount_per_month is not None
                else None
            ),
            "standard_region_share": str(rule_set.standard_region_share)
            if version.split_method == "standard"
            else None,
        },
        "annual_amounts": {
            "municipality": str(annual_amount(version, municipality, rule_set=rule_set)),
            "region": str(annual_amount(version, region, rule_set=rule_set)),
        },
        "lines": [
            {
                "description": line.description,
                "kind": line.kind,
                "deviation_reason": line.deviation_reason,
                "responsible_principal_id": line.responsible_principal_id,
                "amount_per_month": str(line.amount_per_month)
                if line.amount_per_month is not None
                else None,
            }
            for line in version.lines.all()
        ],
        "effective_from": version.effective_from.isoformat() if version.effective_from else None,
        "effective_from_rule": effective_from_rule(version),
        "sip_meeting": {
            "id": version.sip_meeting_id,
            "ended_at": version.sip_meeting.ended_at.isoformat(),
        },
        "cost_meeting": {
            "id": version.cost_meeting_id,
            "started_at": version.cost_meeting.started_at.isoformat(),
        },
    }


def effective_from_rule(version: AgreementVersion) -> str:
    """Where the version's effective date comes from (R-PLAC-3, R-COST-4): ``stated`` (a later
    version, or an acute split from a day the principals stated), ``placement_start``,
    ``cost_meeting`` (an acute split from the day it was agreed at the cost meeting), or
    ``settled_on`` (an acute version sent before the date was stated: from the second
    signature)."""
    placement = version.agreement.placement
    if version.number > 1:
        return "stated"
    if not placement.is_acute or version.applies_from_start:
        return "placement_start"
    if version.effective_from is None:
        return "settled_on"
    if version.effective_from == timezone.localdate(version.cost_meeting.started_at):
        return "cost_meeting"
    if version.effective_from == (placement.actual_start or placement.planned_start):
        return "placement_start"
    return "stated"


@dataclass(frozen=True)
class Event:
    """One line of the document's event list: when (Swedish time with the zone), what
    happened, in words, and by whom."""

    at: datetime
    what: str
    by: str

    @property
    def when(self) -> str:
        return format_datetime(self.at)


def _name(user: Any) -> str:
    if user is None:
        return "–"
    return str(user.get_full_name() or user.email)


def mandate_text(mandate: FinancialMandate) -> str:
    """``ekonomiskt mandat för Göteborg, giltigt 2026-01-01 – 2026-12-31, utan beloppsgräns``
    (R-MEET-3), in the active language."""
    last = mandate_rules.last_valid_day(mandate.as_rule())
    period = f"{format_date(mandate.valid_from)} – " + (
        format_date(last) if last else gettext("until further notice")
    )
    limit = (
        gettext("at most %(amount)s per year")
        % {"amount": format_amount(mandate.annual_limit, unit="kr")}
        if mandate.annual_limit is not None
        else gettext("no amount limit")
    )
    return gettext("financial mandate for %(principal)s, valid %(period)s, %(limit)s") % {
        "principal": mandate.principal.name,
        "period": period,
        "limit": limit,
    }


def _events(
    version: AgreementVersion,
    *,
    cost_participants: list[CostMeetingParticipant] | None = None,
) -> list[Event]:
    """What happened to the version up to this rendering, each event said in words: the SIP
    meeting and the cost meeting it rests on, the draft, who sent it for signature, each
    signature (signer, role, principal, mandate) and each decline of earlier rounds.
    ``cost_participants``: the cost meeting's participants with user and principal, when the
    caller has read them already."""
    events: list[Event] = []
    sip_meeting = version.sip_meeting
    if sip_meeting.ended_at is not None:
        events.append(
            Event(
                at=sip_meeting.ended_at,
                what=gettext("SIP meeting held (%(kind)s), ended %(when)s")
                % {
                    "kind": sip_meeting.get_kind_display().lower(),
                    "when": format_datetime(sip_meeting.ended_at),
                },
                by="–",
            )
        )
    cost_meeting = version.cost_meeting
    if cost_participants is None:
        cost_participants = list(cost_meeting.participant_rows.select_related("user", "principal"))
    participants = ", ".join(f"{_name(p.user)} ({p.principal.name})" for p in cost_participants)
    events.append(
        Event(
            at=cost_meeting.started_at,
            what=gettext("Cost-responsibility meeting held %(when)s; participants: %(who)s")
            % {"when": format_datetime(cost_meeting.started_at), "who": participants or "–"},
            by=_name(cost_meeting.created_by),
        )
    )
    signatures = {
        (s.signing_round, s.sequence): s
        for s in version.signatures.select_related("user", "principal")
    }
    declines = list(version.declines.select_related("user", "principal").order_by("declined_at"))
    for row in (
        AuditEvent.objects.filter(
            object_type="agreements.agreementversion", object_id=str(version.pk)
        )
        .exclude(action__in=[AuditAction.VIEW, AuditAction.DENIED, AuditAction.DOWNLOAD])
        .select_related("user")
        .order_by("at", "pk")
    ):
        details = row.details or {}
        by = _name(row.user)
        if row.action == AuditAction.CREATE:
            what = gettext("Version %(n)s drawn up as a draft") % {"n": version.number}
        elif row.action == AuditAction.UPDATE:
            what = gettext("Draft changed")
        elif row.action == AuditAction.TRANSITION:
            status = (details.get("status") or [None, None])[-1]
            what = {
                "awaiting_signatures": gettext("Sent for signature by %(who)s") % {"who": by},
                "signed": gettext("Signed by both principals; in force from %(day)s")
                % {"day": details.get("effective_from", "–")},
                "superseded": gettext("Replaced by a later version"),
                "ended": gettext("Ended with the placement"),
                "draft": gettext("Returned to draft"),
            }.get(status or "", gettext("Status changed"))
        elif row.action == AuditAction.SIGN:
            signature = signatures.get((details.get("round"), details.get("sequence")))
            if signature is None:
                signature = next(
                    (
                        s
                        for s in signatures.values()
                        if s.sequence == details.get("sequence")
                        and s.principal_id == details.get("principal")
                        and abs((s.signed_at - row.at).total_seconds()) < 60
                    ),
                    None,
                )
            if signature is None:
                what = gettext("Signed")
            else:
                what = gettext("Signed for %(principal)s by %(who)s (%(role)s)") % {
                    "principal": signature.principal.name,
                    "who": _name(signature.user),
                    "role": signature.role,
                }
                if details.get("mandate"):
                    what += "; " + details["mandate"]
        elif row.action == AuditAction.DECLINE:
            decline = next(
                (d for d in declines if d.principal_id == details.get("principal")), None
            )
            what = gettext("Declined for %(principal)s: %(reason)s") % {
                "principal": decline.principal.name if decline else "–",
                "reason": details.get("reason", ""),
            }
        else:
            what = str(row.get_action_display())
        events.append(Event(at=row.at, what=what, by=by))
    return sorted(events, key=lambda e: e.at)


def render_agreement_pdf(
    version: AgreementVersion, *, signing_plan: list[Any]
) -> tuple[bytes, str]:
    """Render the agreement (A4, Swedish) and return the PDF and the SHA-256 of its content.
    Swedish whatever language the signer's browser asks for: the signed document is the
    deployment's, not the session's."""
    with translation.override(settings.LANGUAGE_CODE):
        return _render_agreement_pdf(version, signing_plan=signing_plan)


@contextmanager
def _lines_read_once(version: AgreementVersion) -> Iterator[None]:
    """The version's lines read once for the whole rendering (issue 13): the structured data,
    both annual amounts and the table of lines each asked for them again. The lines are held
    on the version only while it is rendered, so a caller that changes them and renders again
    sees the change; lines the caller prefetched itself are used and left as they are."""
    if "lines" in getattr(version, "_prefetched_objects_cache", {}):
        yield
        return
    prefetch_related_objects(
        [version],
        Prefetch("lines", queryset=AgreementLine.objects.select_related("responsible_principal")),
    )
    try:
        yield
    finally:
        version._prefetched_objects_cache.pop("lines", None)


def _render_agreement_pdf(
    version: AgreementVersion, *, signing_plan: list[Any]
) -> tuple[bytes, str]:
    with _lines_read_once(version):
        return _render_with_lines(version, signing_plan=signing_plan)


def _render_with_lines(version: AgreementVersion, *, signing_plan: list[Any]) -> tuple[bytes, str]:
    data = structured_data(version)
    payload = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True).encode()
    placement = version.agreement.placement
    cost_participants = list(
        version.cost_meeting.participant_rows.select_related("user", "principal")
    )
    context = {
        "version": version,
        "agreement": version.agreement,
        "placement": placement,
        "child": placement.child,
        "data": data,
        "lines": version.lines.all(),
        "cost_participants": cost_participants,
        "sip_participants": version.sip_meeting.participants.all(),
        "annual": {k: Decimal(v) for k, v in data["annual_amounts"].items()},
        "rendered_at": timezone.now(),
    }
    body = render_to_string("agreements/pdf/agreement_body.html", context)
    content_sha256 = hashlib.sha256(body.encode() + payload).hexdigest()
    html = render_to_string(
        "agreements/pdf/agreement.html",
        context
        | {
            "body": body,
            "content_sha256": content_sha256,
            "events": _events(version, cost_participants=cost_participants),
            "signing_plan": signing_plan,
        },
    )
    pdf = write_archival_pdf(
        html,
        attachments=[
            Attachment(
                string=payload,
                name="agreement.json",
                description="Structured data of the cost-responsibility agreement",
                relationship="Data",
            )
        ],
    )
    return pdf, content_sha256
