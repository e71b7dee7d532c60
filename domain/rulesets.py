"""Rule sets per region: the numbers of the regional agreements as data, with their periods.

A regional agreement is in force for a period (002 §1.6: 2021-01-01–2023-12-31; 004: 2020-06-01–
2022-12-31), and a region changes its numbers when a new agreement starts. So a region has a
history of rule sets, and every deadline and split uses the rule set in force on the date it is
computed from (``rule_set_for(code, on=…)``): a new agreement never changes the deadlines of
earlier cases.

Where each number comes from is recorded in ``RuleSet.sources``; a number no seed gives is marked
as an assumption there. Agreements are commonly prolonged until a new one is made, so the latest
rule set of a region stays in force after its stated end until a successor is added here, and a
date before the first known agreement gets the first one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

ASSUMPTION = "assumption"


@dataclass(frozen=True)
class RuleSet:
    code: str
    name: str
    valid_from: date  # the day the regional agreement came into force
    valid_until: date | None  # its stated last day (None: until further notice)
    sip_meeting_days: int  # R-SIP-1: first SIP meeting within 3 weeks of the need noticed
    acute_settlement_days: int  # R-PLAC-3: acute split settled within 30 days of the start
    health_exam_offer_days: int  # R-PLAC-4: appointment offered within 4 weeks of the request
    post_placement_followup_months: int  # R-PLAC-7: follow-up after the end within 2 months
    investigation_decision_days: int  # decision to investigate within 2 weeks of a report
    investigation_completion_months: int  # investigation done within 4 months
    agreement_review_months: int  # R-COST-5: default interval between joint reviews
    standard_region_share: Decimal  # R-COST-3: region's share of an unclear HVB split
    dispute_subregional_days: (
        int  # R-DISP-1: a dispute unsolved sub-regionally goes on after 30 days
    )
    dispute_regional_days: int  # R-DISP-1: the regional level prepares it within 30 days
    # For each number above: the seed and section it comes from, or ASSUMPTION.
    sources: Mapping[str, str] = field(default_factory=dict, compare=False, hash=False)


NUMBERS = (
    "sip_meeting_days",
    "acute_settlement_days",
    "health_exam_offer_days",
    "post_placement_followup_months",
    "investigation_decision_days",
    "investigation_completion_months",
    "agreement_review_months",
    "standard_region_share",
    "dispute_subregional_days",
    "dispute_regional_days",
)

VASTRA_GOTALAND = RuleSet(
    code="VG",
    name="Västra Götaland",
    valid_from=date(2021, 1, 1),  # 002 §1.6
    valid_until=date(2023, 12, 31),  # 002 §1.6; prolonged until a successor is added here
    sip_meeting_days=21,
    acute_settlement_days=30,
    health_exam_offer_days=28,
    post_placement_followup_months=2,
    investigation_decision_days=14,
    investigation_completion_months=4,
    agreement_review_months=12,
    standard_region_share=Decimal(1) / Decimal(3),
    dispute_subregional_days=30,
    dispute_regional_days=30,
    sources={
        "sip_meeting_days": "002 §2.2.2 (SIP-möte inom 3 veckor)",
        "acute_settlement_days": "001 L22, 000 (senast 30 dagar efter placeringen)",
        "health_exam_offer_days": "002 §3.4.3.1 (inom 4 veckor efter att den initierats)",
        "post_placement_followup_months": "002 §3.5.2 (avslutas inom två månader)",
        "investigation_decision_days": "002 §3.3.1 (inom två veckor efter anmälan)",
        "investigation_completion_months": "002 §3.3.1 (senast fyra månader)",
        "agreement_review_months": ASSUMPTION
        + ": 000 asks for regular joint follow-up, no interval",
        "standard_region_share": "001 L20, 000 (VGR betalar 1/3, kommunen 2/3)",
        "dispute_subregional_days": "003 §4.3 (inte lösas inom 30 dagar på delregional nivå)",
        "dispute_regional_days": "003 §4.3 (LiSA ska bereda frågan inom 30 dagar)",
    },
)

OSTERGOTLAND = RuleSet(
    code="OG",
    name="Östergötland",
    valid_from=date(2020, 6, 1),  # 004
    valid_until=date(2022, 12, 31),  # 004; prolonged until a successor is added here
    # 004 is the council decision approving the agreement; it quotes its period and purpose but
    # none of its numbers. Until the agreement text itself is at hand, every number is
    # Västra Götaland's: an assumption, marked as such.
    sip_meeting_days=21,
    acute_settlement_days=30,
    health_exam_offer_days=28,
    post_placement_followup_months=2,
    investigation_decision_days=14,
    investigation_completion_months=4,
    agreement_review_months=12,
    standard_region_share=Decimal(1) / Decimal(3),
    dispute_subregional_days=30,
    dispute_regional_days=30,
    sources=dict.fromkeys(NUMBERS, ASSUMPTION + ": Västra Götaland's number, 004 gives none"),
)

# Each region's agreements, oldest first. Add a new agreement at the end; never edit a past one.
RULE_SET_HISTORY: dict[str, tuple[RuleSet, ...]] = {
    "VG": (VASTRA_GOTALAND,),
    "OG": (OSTERGOTLAND,),
}
# The region's rule family as a choice (its latest agreement's name).
RULE_SETS: dict[str, RuleSet] = {code: sets[-1] for code, sets in RULE_SET_HISTORY.items()}
DEFAULT_RULE_SET = VASTRA_GOTALAND
DEFAULT_CODE = DEFAULT_RULE_SET.code


def rule_set_for(code: str | None, *, on: date | None = None) -> RuleSet:
    """The rule set of the region with this code in force on ``on`` (its latest without a date).

    Västra Götaland when no code is given or the code is unknown. Before the region's first known
    agreement, the first one; after the latest one's stated end, the latest (prolonged).
    """
    history = RULE_SET_HISTORY.get(code or DEFAULT_CODE) or RULE_SET_HISTORY[DEFAULT_CODE]
    if on is None:
        return history[-1]
    in_force = [rule_set for rule_set in history if rule_set.valid_from <= on]
    return in_force[-1] if in_force else history[0]
