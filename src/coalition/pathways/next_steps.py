"""Next steps from an occupation: where a worker could move, ranked by skill similarity
and wage gain, each with the skills to add and the partnership's ACTIVE programs that
teach them (decision record 0007).

- *Candidates*: every other occupation O*NET rates, most similar first (the cosine of
  ``coalition.skills.distance``), at least ``min_similarity`` when given.
- *A step up*: when the partnership's pooled demand shows both occupations' median
  hourly wage (same currency), the target's is higher; otherwise the target needs more
  (its sum of importance x level exceeds the current one's).
- *Rank*: similarity, plus ``WAGE_WEIGHT`` times the relative wage gain (capped at a
  doubling) when both wages are shown: a 10% raise is worth 0.005 of similarity.
- *Up and out*: a step outside the current occupation's SOC major group. With no
  staffing pattern (which industries employ which occupations) loaded, the major group
  stands for the employer's industry; ``include_other_industries=False`` keeps steps
  within it.
- *Programs*: an ACTIVE program teaches a skill to add when it lists the skill at a
  program level (1-4) at least the target's O*NET level on that scale
  (``distance.program_level``); those teaching the most of a step's skills first.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from coalition.auth.principal import Principal
from coalition.demand import service as demand_service
from coalition.pathways.errors import PathwayErrorCode as Code
from coalition.pathways.permissions import require_pathways_read
from coalition.pathways.reads import ProgramRef, TaughtSkill, active_programs_teaching
from coalition.skills.distance import Shortfall, program_level, skill_space
from coalition.skills.models import OccupationGroup
from coalition.skills.reads import soc_code_of
from coalition.validation import Checker

WAGE_WEIGHT = 0.05
MAX_NEXT_STEPS = 20
MAJOR_GROUP = re.compile(r"^\d{2}-0000$")


@dataclass(frozen=True)
class NextStepFilter:
    """Which steps: outside the current major group too (default), only in the given
    major groups, at least this similar."""

    include_other_industries: bool = True
    major_groups: tuple[str, ...] = ()
    min_similarity: float | None = None


@dataclass(frozen=True)
class ProgramMatch:
    """An ACTIVE program and the skills to add that it teaches."""

    program: ProgramRef
    skill_ids: list[str]


@dataclass(frozen=True)
class NextStep:
    occupation_code: str
    similarity: float
    score: float
    up_and_out: bool
    median_wage: tuple[int, str] | None
    wage_gain_cents: int | None
    shortfalls: list[Shortfall]
    programs: list[ProgramMatch]


async def _check(session: AsyncSession, first: int, chosen: NextStepFilter) -> tuple[str, ...]:
    check = Checker()
    if not 1 <= first <= MAX_NEXT_STEPS:
        check.add(("first",), f"Ask for 1 to {MAX_NEXT_STEPS} steps.", Code.OUT_OF_RANGE)
    low = chosen.min_similarity
    if low is not None and not 0 <= low <= 1:
        check.add(("filter", "minSimilarity"), "Use a number from 0 to 1.", Code.OUT_OF_RANGE)
    groups = tuple(dict.fromkeys(code.strip() for code in chosen.major_groups))
    malformed = [code for code in groups if not MAJOR_GROUP.match(code)]
    for code in malformed:
        check.add(
            ("filter", "majorGroups"),
            f"{code!r} is not a major group code (29-0000).",
            Code.INVALID,
        )
    wanted = [code for code in groups if code not in malformed]
    if wanted:
        found = set(
            await session.scalars(
                select(OccupationGroup.code).where(
                    OccupationGroup.code.in_(wanted), OccupationGroup.level == "Major"
                )
            )
        )
        for code in wanted:
            if code not in found:
                check.add(("filter", "majorGroups"), f"No major group {code}.", Code.NOT_FOUND)
    check.done()
    return groups


async def next_steps(
    session: AsyncSession,
    principal: Principal,
    *,
    code: str,
    first: int = 5,
    filter: NextStepFilter | None = None,  # noqa: A002 (the API's own name)
) -> list[NextStep]:
    """The best ``first`` (1 to 20) steps from the occupation ``code``; none when O*NET
    does not rate it. Members and partner apps with ``programs:read``."""
    require_pathways_read(principal)
    chosen = filter or NextStepFilter()
    groups = await _check(session, first, chosen)
    space = await skill_space(session)
    soc = soc_code_of(code)
    source = space.profiles.get(soc or "")
    if source is None or soc is None:
        return []
    wages = await demand_service.pooled_median_wages(session, principal)
    current = wages.get(soc)
    picked: list[tuple[float, str, float, int | None]] = []
    for target_code, similarity in space.ranked(soc):
        if chosen.min_similarity is not None and similarity < chosen.min_similarity:
            break
        target = space.profiles[target_code]
        outside = target.major_code != source.major_code
        if (outside and not chosen.include_other_industries) or (
            groups and target.major_code not in groups
        ):
            continue
        wage = wages.get(target_code)
        gain = (
            wage[0] - current[0]
            if wage is not None and current is not None and wage[1] == current[1]
            else None
        )
        if not (gain > 0 if gain is not None else target.mass > source.mass):
            continue
        score = similarity
        if gain is not None and current is not None and current[0] > 0:
            score += WAGE_WEIGHT * min(gain / current[0], 1.0)
        picked.append((score, target_code, similarity, gain))
    picked.sort(key=lambda item: (-item[0], item[1]))
    steps = [
        (target_code, similarity, score, gain, space.shortfalls(soc, target_code) or [])
        for score, target_code, similarity, gain in picked[:first]
    ]
    taught = await active_programs_teaching(
        session, principal, {s.skill_id for *_, gaps in steps for s in gaps}
    )
    return [
        NextStep(
            occupation_code=target_code,
            similarity=similarity,
            score=score,
            up_and_out=space.profiles[target_code].major_code != source.major_code,
            median_wage=wages.get(target_code),
            wage_gain_cents=gain,
            shortfalls=gaps,
            programs=_programs_for(gaps, taught),
        )
        for target_code, similarity, score, gain, gaps in steps
    ]


def _programs_for(gaps: list[Shortfall], taught: list[TaughtSkill]) -> list[ProgramMatch]:
    """The programs teaching some of ``gaps`` at their level: those teaching the most of
    them first, then by name."""
    needed = {gap.skill_id: program_level(gap.required) for gap in gaps}
    found: dict[uuid.UUID, ProgramMatch] = {}
    for row in taught:
        if row.skill_id in needed and row.level >= needed[row.skill_id]:
            found.setdefault(row.program.id, ProgramMatch(row.program, [])).skill_ids.append(
                row.skill_id
            )
    return sorted(found.values(), key=lambda m: (-len(m.skill_ids), m.program.name, m.program.id))


__all__ = [
    "MAX_NEXT_STEPS",
    "NextStep",
    "NextStepFilter",
    "ProgramMatch",
    "next_steps",
]
