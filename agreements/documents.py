"""The agreement as a PDF: WeasyPrint from local files, with the structured data attached."""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from weasyprint import HTML, Attachment

from core.models import AuditAction, AuditEvent
from core.pdf import LocalStaticFetcher

from .models import AgreementVersion
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


def _events(version: AgreementVersion) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            object_type="agreements.agreementversion", object_id=str(version.pk)
        )
        .exclude(action__in=[AuditAction.VIEW, AuditAction.DENIED])
        .select_related("user")
        .order_by("at", "pk")
    )


def render_agreement_pdf(
    version: AgreementVersion, *, signing_plan: list[Any]
) -> tuple[bytes, str]:
    """Render the agreement (A4, Swedish) and return the PDF and the SHA-256 of its content.
    Swedish whatever language the signer's browser asks for: the signed document is the
    deployment's, not the session's."""
    with translation.override(settings.LANGUAGE_CODE):
        return _render_agreement_pdf(version, signing_plan=signing_plan)


def _render_agreement_pdf(
    version: AgreementVersion, *, signing_plan: list[Any]
) -> tuple[bytes, str]:
    data = structured_data(version)
    payload = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True).encode()
    placement = version.agreement.placement
    context = {
        "version": version,
        "agreement": version.agreement,
        "placement": placement,
        "child": placement.child,
        "data": data,
        "lines": version.lines.select_related("responsible_principal"),
        "cost_participants": version.cost_meeting.participant_rows.select_related(
            "user", "principal"
        ),
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
            "events": _events(version),
            "signing_plan": signing_plan,
        },
    )
    pdf = HTML(string=html, base_url="file:///", url_fetcher=LocalStaticFetcher()).write_pdf(
        attachments=[
            Attachment(
                string=payload,
                name="agreement.json",
                description="Structured data of the cost-responsibility agreement",
                relationship="Data",
            )
        ]
    )
    return pdf, content_sha256
