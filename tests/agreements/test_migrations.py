"""The data migration 0005 (R-PLAC-3): versions without an effective date get what the rule
before it implied; an acute version still awaiting signatures keeps "from the second signature",
the document being signed says so."""

from __future__ import annotations

import importlib
from datetime import date
from decimal import Decimal

import pytest
from django.apps import apps

from tests.agreements.conftest import activate, at

pytestmark = pytest.mark.django_db

fill = importlib.import_module(
    "agreements.migrations.0005_fill_effective_from_by_the_old_rule"
).fill_effective_from


def _unstated(version, *, status: str, signed_on: date | None = None):
    version.status = status
    version.effective_from = None
    version.signed_at = at(signed_on, 15) if signed_on else None
    version.save()
    return version


def _run(version):
    fill(apps, None)
    version.refresh_from_db()
    return version.effective_from


def test_r_plac_3_a_signed_acute_version_keeps_the_day_both_had_signed(placement, draft):
    activate(placement, actual_start=date(2026, 5, 1), is_acute=True)
    _unstated(draft, status="signed", signed_on=date(2026, 6, 2))

    assert _run(draft) == date(2026, 6, 2)


def test_r_plac_3_an_acute_version_agreed_from_the_start_applies_from_the_start(placement, draft):
    activate(placement, actual_start=date(2026, 5, 1), is_acute=True)
    draft.applies_from_start = True
    _unstated(draft, status="ended", signed_on=date(2026, 6, 2))

    assert _run(draft) == date(2026, 5, 1)


@pytest.mark.parametrize("status", ["awaiting_signatures", "signed"])
def test_a_planned_version_sent_or_signed_applies_from_the_placement_start(
    placement, draft, status
):
    _unstated(draft, status=status, signed_on=date(2026, 5, 14) if status == "signed" else None)

    assert _run(draft) == date(2026, 6, 1)


@pytest.mark.parametrize("status", ["awaiting_signatures", "draft"])
def test_r_plac_3_an_unsigned_acute_version_is_left_to_the_rule_it_was_sent_under(
    placement, draft, status
):
    activate(
        placement, actual_start=date(2026, 5, 1), is_acute=True, cost_per_day=Decimal("3000.00")
    )
    _unstated(draft, status=status)

    assert _run(draft) is None


def test_a_stated_date_is_never_changed(placement, draft):
    draft.status = "signed"
    draft.effective_from = date(2026, 6, 10)
    draft.save()

    assert _run(draft) == date(2026, 6, 10)


# --- 0006: the kind of each existing line (R-COST-1) ----------------------------------------

fill_kind = importlib.import_module(
    "agreements.migrations.0006_agreement_line_kind_and_reason"
).fill_kind


def test_r_cost_1_existing_lines_take_the_kind_of_their_intervention_or_of_their_principal(
    draft, sip_meeting, goteborg, region
):
    """Linked: the intervention's kind (health care, else social services); unlinked: the kind
    their principal bears by the main rule. No reason is invented."""
    items = {i.is_health_care: i for i in sip_meeting.plan.interventions.all()}
    health, hvb = draft.lines.order_by("pk")
    hvb.intervention = items[True]  # a health-care intervention on the municipality's line
    hvb.save()
    extra = draft.lines.create(description="Skola", responsible_principal=goteborg, kind="school")
    draft.lines.update(kind="school")

    fill_kind(apps, None)

    kinds = dict(draft.lines.values_list("pk", "kind"))
    assert (kinds[health.pk], kinds[hvb.pk], kinds[extra.pk]) == (
        "health_care",
        "health_care",
        "social",
    )
    assert set(draft.lines.values_list("deviation_reason", flat=True)) == {""}
