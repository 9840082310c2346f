"""The skills gap: pooled demand (from the release, under demandSummary's disclosure
decisions) against expected completers of the partnership's cohorts, per occupation or
skill, and a provider's programs against it."""

from __future__ import annotations

from coalition.supply.gap.answer import GapRow, SkillsGap, skills_gap
from coalition.supply.gap.provider import ProgramAgainstGap, ProviderGap, provider_gap
from coalition.supply.gap.question import MAX_HORIZON_QUARTERS, GapFilter, GapGroup, Horizon

__all__ = [
    "MAX_HORIZON_QUARTERS",
    "GapFilter",
    "GapGroup",
    "GapRow",
    "Horizon",
    "ProgramAgainstGap",
    "ProviderGap",
    "SkillsGap",
    "provider_gap",
    "skills_gap",
]
