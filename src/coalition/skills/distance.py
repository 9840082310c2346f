"""Skill distance between occupations, from O*NET's importance and level ratings.

The measure (docs/decisions/0007-skill-distance.md): each SOC occupation is a vector
over every rated O*NET element (the 35 skills and 33 knowledge areas), one component
per element, ``importance x level`` (1-5 times 0-7); the similarity of two occupations
is the cosine of the angle between their vectors (Gathmann and Schönberg's "angular
separation" of task vectors), from 0 (nothing in common) to 1 (the same profile).

- A SOC code's vector is its ``.00`` O*NET-SOC occupation's when that is rated; else
  each element's importance and level are the means over its rated specialties
  (``.01``, ``.02``...).
- A rating O*NET marks *Not Relevant* or *Recommend Suppress* counts as 0 (as if the
  element were not needed): O*NET advises against using the suppressed estimates.
- A skill to add (``shortfalls``): an element whose importance in the target is at
  least 3 ("important" on O*NET's 1-5 scale) and whose level there exceeds the current
  occupation's level; the shortfall is the difference of levels.

The vectors are built once per process from the ratings (about 900 O*NET occupations
x 68 elements) and kept: the ratings change only when the reference data is loaded
again, which calls ``forget`` in its process; other processes check after
``KEEP_SECONDS`` whether the ratings changed and rebuild only then. Each occupation's
ranking of every other is computed on first use and kept with them.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import Double, cast, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from coalition.auth.permissions import require_reference_read
from coalition.auth.principal import Principal
from coalition.skills.models import Occupation, OccupationSkillRating, OnetOccupation
from coalition.skills.reads import soc_code_of

IMPORTANT = 3.0
KEEP_SECONDS = 600.0


@dataclass(frozen=True)
class Shortfall:
    """A skill the target occupation needs at a higher level than the current one."""

    skill_id: str
    importance: float
    required: float
    current: float

    @property
    def shortfall(self) -> float:
        return round(self.required - self.current, 2)


@dataclass
class Profile:
    """One SOC occupation's ratings, as the measure reads them."""

    soc_code: str
    major_code: str
    importance: dict[str, float]
    level: dict[str, float]
    vector: tuple[float, ...] = ()
    norm: float = 0.0
    mass: float = 0.0


@dataclass
class SkillSpace:
    """Every rated SOC occupation's vector over the same elements."""

    elements: tuple[str, ...]
    profiles: dict[str, Profile]
    _ranked: dict[str, list[tuple[str, float]]] = field(default_factory=dict)

    def similarity(self, source: str, target: str) -> float | None:
        """The cosine similarity of two SOC codes' vectors; None unless both are rated."""
        a, b = self.profiles.get(source), self.profiles.get(target)
        if a is None or b is None:
            return None
        return _cosine(a, b)

    def shortfalls(self, source: str, target: str) -> list[Shortfall] | None:
        """What ``target`` needs beyond ``source``, largest shortfall first (then by
        importance, then by element ID); None unless both are rated."""
        a, b = self.profiles.get(source), self.profiles.get(target)
        if a is None or b is None:
            return None
        found = [
            Shortfall(element, importance, b.level[element], a.level.get(element, 0.0))
            for element, importance in b.importance.items()
            if importance >= IMPORTANT and b.level[element] > a.level.get(element, 0.0)
        ]
        found.sort(key=lambda s: (-s.shortfall, -s.importance, s.skill_id))
        return found

    def ranked(self, source: str) -> list[tuple[str, float]]:
        """Every other rated occupation with its similarity to ``source``, most similar
        first (ties by code); empty when ``source`` is not rated. Kept once computed."""
        found = self._ranked.get(source)
        if found is None:
            a = self.profiles.get(source)
            found = (
                []
                if a is None
                else sorted(
                    ((code, _cosine(a, b)) for code, b in self.profiles.items() if code != source),
                    key=lambda pair: (-pair[1], pair[0]),
                )
            )
            self._ranked[source] = found
        return found


def _cosine(a: Profile, b: Profile) -> float:
    if a.norm == 0 or b.norm == 0:
        return 0.0
    return math.fsum(x * y for x, y in zip(a.vector, b.vector, strict=True)) / (a.norm * b.norm)


def build_space(rows: list[tuple[str, str, str, str, object, object, bool, bool]]) -> SkillSpace:
    """The space from rows of (SOC code, major group, O*NET code, element, importance,
    level, suppressed, not relevant)."""
    by_onet: dict[str, dict[str, tuple[float, float]]] = defaultdict(dict)
    soc_of: dict[str, tuple[str, str]] = {}
    elements: set[str] = set()
    for soc, major, onet, element, rated_importance, rated_level, suppressed, irrelevant in rows:
        elements.add(element)
        soc_of[onet] = (soc, major)
        usable = not (suppressed or irrelevant or rated_importance is None or rated_level is None)
        by_onet[onet][element] = (
            (float(rated_importance), float(rated_level))  # type: ignore[arg-type]
            if usable
            else (0.0, 0.0)
        )
    order = tuple(sorted(elements))
    rated: dict[str, list[str]] = defaultdict(list)
    for onet in sorted(by_onet):
        rated[soc_of[onet][0]].append(onet)
    profiles: dict[str, Profile] = {}
    for soc, onets in rated.items():
        chosen = [f"{soc}.00"] if f"{soc}.00" in by_onet else onets
        importance: dict[str, float] = {}
        level: dict[str, float] = {}
        for element in order:
            values = [by_onet[onet].get(element, (0.0, 0.0)) for onet in chosen]
            importance[element] = sum(v[0] for v in values) / len(values)
            level[element] = sum(v[1] for v in values) / len(values)
        vector = tuple(importance[e] * level[e] for e in order)
        profiles[soc] = Profile(
            soc_code=soc,
            major_code=soc_of[chosen[0]][1],
            importance=importance,
            level=level,
            vector=vector,
            norm=math.sqrt(math.fsum(x * x for x in vector)),
            mass=math.fsum(vector),
        )
    return SkillSpace(elements=order, profiles=profiles)


async def _read_rows(
    session: AsyncSession,
) -> list[tuple[str, str, str, str, object, object, bool, bool]]:
    """Every rating, read as one row per O*NET occupation with arrays (880 rows rather
    than 60,000: the rows, not the bytes, cost), spread back into one tuple each."""
    rating = OccupationSkillRating
    result = await session.execute(
        select(
            OnetOccupation.soc_code,
            Occupation.major_code,
            rating.onet_code,
            func.array_agg(rating.skill_id),
            func.array_agg(cast(rating.importance, Double)),
            func.array_agg(cast(rating.level, Double)),
            func.array_agg(rating.is_suppressed_recommended),
            func.array_agg(rating.is_not_relevant),
        )
        .join(OnetOccupation, OnetOccupation.onet_code == rating.onet_code)
        .join(Occupation, Occupation.soc_code == OnetOccupation.soc_code)
        .group_by(OnetOccupation.soc_code, Occupation.major_code, rating.onet_code)
    )
    return [
        (soc, major, onet, *values)
        for soc, major, onet, *arrays in result
        for values in zip(*arrays, strict=True)
    ]


async def _fingerprint(session: AsyncSession) -> tuple[object, ...]:
    """What changes when the ratings are loaded again (one aggregate statement)."""
    rating = OccupationSkillRating
    row = (
        await session.execute(
            select(
                func.count(),
                func.max(rating.updated),
                func.sum(rating.importance),
                func.sum(rating.level),
            )
        )
    ).one()
    return tuple(row)


_space: SkillSpace | None = None
_fingerprint_of: tuple[object, ...] = ()
_built_at = 0.0


async def skill_space(session: AsyncSession) -> SkillSpace:
    """The process's space, built on first use (two statements) and kept; after
    ``KEEP_SECONDS`` one statement checks whether the ratings changed, and only then is
    it built again. Two requests that both find none build it twice, alike."""
    global _space, _fingerprint_of, _built_at
    if _space is not None and time.monotonic() - _built_at < KEEP_SECONDS:
        return _space
    fingerprint = await _fingerprint(session)
    if _space is None or fingerprint != _fingerprint_of:
        _space = build_space(await _read_rows(session))
        _fingerprint_of = fingerprint
    _built_at = time.monotonic()
    return _space


def forget() -> None:
    """Drop the kept space (the reference data was loaded again)."""
    global _space
    _space = None


@dataclass(frozen=True)
class Comparison:
    """Two occupations on the measure: ``similarity`` None unless both are rated;
    ``target_known`` False when the target code names no occupation."""

    target_known: bool
    similarity: float | None
    shortfalls: list[Shortfall]


async def compare(
    session: AsyncSession, principal: Principal, source: str, target: str
) -> Comparison:
    """``source`` (a SOC code) against ``target`` (a SOC or O*NET-SOC code)."""
    require_reference_read(principal)
    target_soc = soc_code_of(target)
    known = target_soc is not None and (
        await session.scalar(select(Occupation.soc_code).where(Occupation.soc_code == target_soc))
        is not None
    )
    if not known or target_soc is None:
        return Comparison(False, None, [])
    space = await skill_space(session)
    return Comparison(
        True,
        space.similarity(source, target_soc),
        space.shortfalls(source, target_soc) or [],
    )


async def shortfalls_between(
    session: AsyncSession, principal: Principal, pairs: Sequence[tuple[str, str]]
) -> dict[tuple[str, str], list[Shortfall]]:
    """What each (from, to) pair of SOC codes takes (a batch for the loaders; no
    statement once the space is built); pairs not both rated are absent."""
    require_reference_read(principal)
    space = await skill_space(session)
    found: dict[tuple[str, str], list[Shortfall]] = {}
    for source, target in pairs:
        gaps = space.shortfalls(source, target)
        if gaps is not None:
            found[(source, target)] = gaps
    return found


def program_level(onet_level: float) -> int:
    """An O*NET level (0-7) on the 1-4 scale of programs and demand: the 0-7 range cut
    into four equal bands (up to 1.75 basic, 3.5, 5.25, above: expert)."""
    return min(4, max(1, math.ceil(onet_level * 4 / 7)))


__all__ = [
    "IMPORTANT",
    "Comparison",
    "Profile",
    "Shortfall",
    "SkillSpace",
    "build_space",
    "compare",
    "forget",
    "program_level",
    "shortfalls_between",
    "skill_space",
]
