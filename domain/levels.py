"""The levels at which the principals handle deviations and disputes (R-DEV-1, R-DISP-1).

003 §4.2–4.3 and 002 §4.2–4.3: first locally, between the units of the two principals; then in
the sub-regional cooperation (delregional vårdsamverkan) of the area the municipality belongs
to; last at the regional level (LiSA in Västra Götaland). A matter only moves upwards.
"""

from __future__ import annotations

from enum import StrEnum


class Level(StrEnum):
    LOCAL = "local"
    SUB_REGIONAL = "sub_regional"
    REGIONAL = "regional"


ORDER: tuple[Level, ...] = (Level.LOCAL, Level.SUB_REGIONAL, Level.REGIONAL)


def next_level(level: Level) -> Level | None:
    """The level a matter is passed to from ``level``; None at the top."""
    index = ORDER.index(level)
    return ORDER[index + 1] if index + 1 < len(ORDER) else None
