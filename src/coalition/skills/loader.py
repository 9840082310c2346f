"""Loading the reference vocabulary into the database (``coalition reference load DIR``).

``load_reference`` parses every publisher file it finds in a folder (or in its
``soc/``, ``onet/``, ``naics/`` and ``cip/`` subfolders) and upserts the global
tables in the caller's transaction: re-running it changes nothing, a newer
release updates rows in place. It only adds and updates; rows a newer release
drops stay until removed by hand. Files may be missing: what is there is
loaded, as long as the rows it points at (say, the occupations a rating is
for) are in the folder or already in the database; otherwise it fails before
the transaction commits, naming the file, line and column.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Table, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from coalition.db.base import Base
from coalition.skills import distance, parsers
from coalition.skills.framework import FRAMEWORK
from coalition.skills.models import (
    Industry,
    InstructionalProgram,
    Occupation,
    OccupationAlias,
    OccupationGroup,
    OccupationSkillRating,
    OnetOccupation,
    ProgramOccupation,
    Skill,
    SkillKind,
)
from coalition.skills.parsers import ReferenceDataError

# Rows per executemany call: bounds memory per round trip, not a server limit.
BATCH_ROWS = 2000
SUBFOLDERS = ("soc", "onet", "naics", "cip")


@dataclass(frozen=True)
class ReferenceFiles:
    soc_definitions: Path | None
    soc_detailed: Path | None
    soc_titles: Path | None
    onet_occupations: Path | None
    onet_elements: Path | None
    onet_skills: Path | None
    onet_knowledge: Path | None
    naics: Path | None
    cip_codes: Path | None
    cip_crosswalk: Path | None

    @classmethod
    def find(cls, directory: Path) -> ReferenceFiles:
        def locate(name: str) -> Path | None:
            for folder in (directory, *(directory / sub for sub in SUBFOLDERS)):
                if (folder / name).is_file():
                    return folder / name
            return None

        return cls(
            soc_definitions=locate("soc_2018_definitions.csv"),
            soc_detailed=locate("soc_2018_detailed_occupations.csv"),
            soc_titles=locate("soc_2018_direct_match_titles.csv"),
            onet_occupations=locate("onet_29_3_occupation_data.txt"),
            onet_elements=locate("onet_29_3_skills_knowledge_elements.txt"),
            onet_skills=locate("onet_29_3_skills.txt"),
            onet_knowledge=locate("onet_29_3_knowledge.txt"),
            naics=locate("naics_2022_codes.csv"),
            cip_codes=locate("cip2020_codes.csv"),
            cip_crosswalk=locate("cip2020_soc2018_crosswalk.csv"),
        )

    def any(self) -> bool:
        return any(vars(self).values())


async def upsert(
    session: AsyncSession,
    model: type[Base],
    rows: Sequence[dict[str, Any]],
    *,
    keys: Sequence[str],
    update: bool = True,
) -> int:
    """INSERT ... ON CONFLICT in batches; ``update=False`` keeps existing rows as they are."""
    if not rows:
        return 0
    table = cast(Table, model.__table__)
    statement = insert(table)
    changing = [name for name in rows[0] if name not in keys]
    if update and changing:
        statement = statement.on_conflict_do_update(
            index_elements=list(keys),
            set_={name: statement.excluded[name] for name in changing},
        )
    else:
        statement = statement.on_conflict_do_nothing(index_elements=list(keys))
    for start in range(0, len(rows), BATCH_ROWS):
        await session.execute(statement, list(rows[start : start + BATCH_ROWS]))
    return len(rows)


async def _known(session: AsyncSession, column: Any) -> set[str]:
    return set(await session.scalars(select(column)))


def _check_known(
    path: Path, column: str, items: Iterable[tuple[int, str]], known: set[str], what: str
) -> None:
    for line, value in items:
        if value not in known:
            raise ReferenceDataError(
                path, f"unknown {what} {value!r}: load its file first", line=line, column=column
            )


def framework_rows() -> list[dict[str, Any]]:
    return [
        {
            "id": skill.id,
            "kind": SkillKind.ESSENTIAL,
            "name": skill.name,
            "description": skill.definition,
            "category": "Essential skills",
            "onet_element_id": None,
            "examples": list(skill.examples),
        }
        for skill in FRAMEWORK
    ]


async def _load_soc(session: AsyncSession, files: ReferenceFiles, counts: dict[str, int]) -> None:
    source = files.soc_definitions or files.soc_detailed
    if source is not None:
        parse = (
            parsers.parse_soc_definitions
            if source == files.soc_definitions
            else parsers.parse_soc_detailed
        )
        groups, occupations = parse(source)
        counts["occupation_groups"] = await upsert(
            session,
            OccupationGroup,
            [{"code": g.code, "title": g.title, "level": g.level} for g in groups],
            keys=["code"],
        )
        counts["occupations"] = await upsert(
            session,
            Occupation,
            [vars(occupation) for occupation in occupations],
            keys=["soc_code"],
        )
    if files.soc_titles is not None:
        aliases = parsers.parse_soc_direct_match_titles(files.soc_titles)
        known = await _known(session, Occupation.soc_code)
        _check_known(
            files.soc_titles,
            "soc_code",
            ((a.line, a.soc_code) for a in aliases),
            known,
            "SOC code",
        )
        # BLS lists a few titles twice for one code; an alias is illustrative if either is.
        merged: dict[tuple[str, str], bool] = {}
        for alias in aliases:
            key = (alias.soc_code, alias.title)
            merged[key] = merged.get(key, False) or alias.is_illustrative
        counts["occupation_aliases"] = await upsert(
            session,
            OccupationAlias,
            [
                {"soc_code": code, "title": title, "is_illustrative": flag}
                for (code, title), flag in merged.items()
            ],
            keys=["soc_code", "title"],
        )


async def _load_onet(session: AsyncSession, files: ReferenceFiles, counts: dict[str, int]) -> None:
    if files.onet_occupations is not None:
        occupations = parsers.parse_onet_occupations(files.onet_occupations)
        known = await _known(session, Occupation.soc_code)
        _check_known(
            files.onet_occupations,
            "O*NET-SOC Code",
            ((o.line, o.soc_code) for o in occupations),
            known,
            "SOC code",
        )
        counts["onet_occupations"] = await upsert(
            session,
            OnetOccupation,
            [
                {
                    "onet_code": o.onet_code,
                    "soc_code": o.soc_code,
                    "title": o.title,
                    "description": o.description,
                }
                for o in occupations
            ],
            keys=["onet_code"],
        )
    if files.onet_elements is not None:
        elements = parsers.parse_onet_elements(files.onet_elements)
        counts["skills"] = counts.get("skills", 0) + await upsert(
            session,
            Skill,
            [
                {
                    "id": e.element_id,
                    "kind": e.kind,
                    "name": e.name,
                    "description": e.description,
                    "category": e.category,
                    "onet_element_id": e.element_id,
                }
                for e in elements
            ],
            keys=["id"],
        )
    ratings = [
        (path, parsers.parse_onet_ratings(path))
        for path in (files.onet_skills, files.onet_knowledge)
        if path is not None
    ]
    if not ratings:
        return
    occupations_known = await _known(session, OnetOccupation.onet_code)
    skills_known = await _known(session, Skill.id)
    rows: list[dict[str, Any]] = []
    for path, parsed in ratings:
        _check_known(
            path,
            "O*NET-SOC Code",
            ((r.line, r.onet_code) for r in parsed),
            occupations_known,
            "O*NET-SOC code",
        )
        _check_known(
            path,
            "Element ID",
            ((r.line, r.element_id) for r in parsed),
            skills_known,
            "element",
        )
        rows += [
            {
                "onet_code": r.onet_code,
                "skill_id": r.element_id,
                "importance": r.importance,
                "level": r.level,
                "is_suppressed_recommended": r.is_suppressed_recommended,
                "is_not_relevant": r.is_not_relevant,
                "updated": r.updated,
            }
            for r in parsed
        ]
    counts["occupation_skill_ratings"] = await upsert(
        session, OccupationSkillRating, rows, keys=["onet_code", "skill_id"]
    )


async def _load_naics_and_cip(
    session: AsyncSession, files: ReferenceFiles, counts: dict[str, int]
) -> None:
    if files.naics is not None:
        counts["industries"] = await upsert(
            session,
            Industry,
            [
                {"naics_code": n.code, "title": n.title, "level": n.level}
                for n in parsers.parse_naics_codes(files.naics)
            ],
            keys=["naics_code"],
        )
    pairs = parsers.parse_cip_soc_crosswalk(files.cip_crosswalk) if files.cip_crosswalk else []
    if files.cip_codes is not None:
        programs = {p.code: p.title for p in parsers.parse_cip_codes(files.cip_codes)}
    else:
        # Without the code list, the crosswalk's own titles name its programs.
        programs = {pair.cip_code: pair.cip_title for pair in pairs}
    if programs:
        counts["instructional_programs"] = await upsert(
            session,
            InstructionalProgram,
            [{"cip_code": code, "title": title} for code, title in programs.items()],
            keys=["cip_code"],
        )
    if files.cip_crosswalk is not None:
        known_programs = await _known(session, InstructionalProgram.cip_code)
        known_occupations = await _known(session, Occupation.soc_code)
        path = files.cip_crosswalk
        _check_known(
            path, "cip2020_code", ((p.line, p.cip_code) for p in pairs), known_programs, "CIP code"
        )
        _check_known(
            path,
            "soc2018_code",
            ((p.line, p.soc_code) for p in pairs),
            known_occupations,
            "SOC code",
        )
        counts["program_occupations"] = await upsert(
            session,
            ProgramOccupation,
            [{"cip_code": p.cip_code, "soc_code": p.soc_code} for p in pairs],
            keys=["cip_code", "soc_code"],
        )


async def load_framework(session: AsyncSession) -> int:
    """Write the base essential skills framework (its text lives in ``framework.py``)."""
    return await upsert(session, Skill, framework_rows(), keys=["id"])


async def load_reference(session: AsyncSession, directory: Path) -> dict[str, int]:
    """Upsert every reference file found under ``directory``, in the caller's transaction
    (run as the owner: the API role cannot write these tables). Returns the rows
    loaded per table; raises ``ReferenceDataError`` when no file is there or one is bad."""
    files = ReferenceFiles.find(directory)
    if not files.any():
        raise ReferenceDataError(directory, "no reference data files found here")
    counts: dict[str, int] = {}
    await _load_soc(session, files, counts)
    await _load_onet(session, files, counts)
    await _load_naics_and_cip(session, files, counts)
    counts["skills"] = counts.get("skills", 0) + await load_framework(session)
    distance.forget()
    return counts
