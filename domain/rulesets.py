"""Rule sets per region: the numbers of the regional agreements as data.

Västra Götaland (shared/seeds/002, 003, 004) is the default. Region Östergötland (001) has the
same kind of agreement; its numbers are kept here too as the same idea with its own values.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class RuleSet:
    code: str
    name: str
    sip_meeting_days: int  # R-SIP-1: first SIP meeting within 3 weeks of the need noticed
    acute_settlement_days: int  # R-PLAC-3: acute split settled within 30 days of the start
    health_exam_offer_days: int  # R-PLAC-4: appointment offered within 4 weeks of the request
    post_placement_followup_months: int  # R-PLAC-7: follow-up after the end within 2 months
    investigation_decision_days: int  # decision to investigate within 2 weeks of a report
    investigation_completion_months: int  # investigation done within 4 months
    agreement_review_months: int  # R-COST-5: default interval between joint reviews
    standard_region_share: Decimal  # R-COST-3: region's share of an unclear HVB split


VASTRA_GOTALAND = RuleSet(
    code="VG",
    name="Västra Götaland",
    sip_meeting_days=21,
    acute_settlement_days=30,
    health_exam_offer_days=28,
    post_placement_followup_months=2,
    investigation_decision_days=14,
    investigation_completion_months=4,
    agreement_review_months=12,
    standard_region_share=Decimal(1) / Decimal(3),
)

OSTERGOTLAND = RuleSet(
    code="OG",
    name="Östergötland",
    sip_meeting_days=21,
    acute_settlement_days=30,
    health_exam_offer_days=28,
    post_placement_followup_months=2,
    investigation_decision_days=14,
    investigation_completion_months=4,
    agreement_review_months=12,
    standard_region_share=Decimal(1) / Decimal(3),
)

RULE_SETS: dict[str, RuleSet] = {rs.code: rs for rs in (VASTRA_GOTALAND, OSTERGOTLAND)}
DEFAULT_RULE_SET = VASTRA_GOTALAND


def rule_set_for(code: str | None) -> RuleSet:
    """The rule set with this code; Västra Götaland when none is given or the code is unknown."""
    if code is None:
        return DEFAULT_RULE_SET
    return RULE_SETS.get(code, DEFAULT_RULE_SET)
