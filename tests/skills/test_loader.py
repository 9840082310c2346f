"""Loading the publishers' files: counts, idempotence, partial folders, clear failures."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from coalition.db.engine import SessionFactory
from coalition.skills.loader import load_reference
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
)
from coalition.skills.parsers import ReferenceDataError

FULL_COUNTS = {
    "occupation_groups": 580,
    "occupations": 867,
    "occupation_aliases": 6534,
    "onet_occupations": 1016,
    "skills": 68 + 12,
    "occupation_skill_ratings": 30765 + 29007,
    "industries": 2125,
    "instructional_programs": 2687,
    "program_occupations": 5723,
}
MODELS = (
    OccupationGroup,
    Occupation,
    OccupationAlias,
    OnetOccupation,
    Skill,
    OccupationSkillRating,
    Industry,
    InstructionalProgram,
    ProgramOccupation,
)


async def _row_counts(sessions: SessionFactory) -> dict[str, int]:
    async with sessions() as session:
        return {
            model.__tablename__: await session.scalar(select(func.count()).select_from(model)) or 0
            for model in MODELS
        }


async def test_the_full_load_reports_rows_per_table(reference_data: dict[str, int]) -> None:
    assert reference_data == FULL_COUNTS


async def test_loading_again_changes_no_count_and_adds_no_row(
    reference_data: dict[str, int], owner_sessions: SessionFactory, data_files: Path
) -> None:
    before = await _row_counts(owner_sessions)

    started = time.perf_counter()
    async with owner_sessions() as session, session.begin():
        counts = await load_reference(session, data_files)
    seconds = time.perf_counter() - started
    after = await _row_counts(owner_sessions)

    assert counts == reference_data
    assert after == before
    assert after == FULL_COUNTS
    assert seconds < 30


async def test_a_folder_with_only_naics_loads_only_industries(
    reference_data: dict[str, int],
    owner_sessions: SessionFactory,
    data_files: Path,
    tmp_path: Path,
) -> None:
    shutil.copy(data_files / "naics" / "naics_2022_codes.csv", tmp_path)

    async with owner_sessions() as session, session.begin():
        counts = await load_reference(session, tmp_path)

    assert counts == {"industries": 2125, "skills": 12}


async def test_ratings_for_an_unknown_occupation_fail_and_write_nothing(
    reference_data: dict[str, int], owner_sessions: SessionFactory, tmp_path: Path
) -> None:
    (tmp_path / "onet_29_3_skills.txt").write_text(
        "O*NET-SOC Code\tElement ID\tElement Name\tScale ID\tData Value\tN\tStandard Error\t"
        "Lower CI Bound\tUpper CI Bound\tRecommend Suppress\tNot Relevant\tDate\tDomain Source\n"
        "51-4041.00\t2.B.3.h\tOperation and Control\tIM\t1.00\t8\t0\t1\t1\tN\tn/a\t08/2020\tA\n"
        "51-9999.07\t2.B.3.h\tOperation and Control\tIM\t5.00\t8\t0\t5\t5\tN\tn/a\t08/2020\tA\n"
    )

    with pytest.raises(ReferenceDataError) as error:
        async with owner_sessions() as session, session.begin():
            await load_reference(session, tmp_path)

    assert error.value.line == 3
    assert error.value.column == "O*NET-SOC Code"
    assert "unknown O*NET-SOC code '51-9999.07'" in str(error.value)
    async with owner_sessions() as session:
        importance = await session.scalar(
            text(
                "SELECT importance FROM occupation_skill_ratings "
                "WHERE onet_code = '51-4041.00' AND skill_id = '2.B.3.h'"
            )
        )
    assert str(importance) == "3.25"


async def test_a_folder_without_reference_files_is_refused(
    owner_sessions: SessionFactory, tmp_path: Path
) -> None:
    async with owner_sessions() as session:
        with pytest.raises(ReferenceDataError) as error:
            await load_reference(session, tmp_path)

    assert str(error.value) == f"{tmp_path}: no reference data files found here"
