"""The starter set: every code and title is the publishers' own, and it never
overwrites the full data."""

from __future__ import annotations

from pathlib import Path

import pytest

from coalition.db.engine import SessionFactory
from coalition.skills import parsers, starter
from coalition.skills.models import Occupation, Skill


def test_starter_occupations_and_their_groups_match_the_bls_file(data_files: Path) -> None:
    groups, occupations = parsers.parse_soc_detailed(
        data_files / "soc" / "soc_2018_detailed_occupations.csv"
    )
    official = {
        o.soc_code: (o.soc_code, o.title, o.major_code, o.minor_code, o.broad_code)
        for o in occupations
    }
    official_groups = {g.code: (g.code, g.title, g.level) for g in groups}

    assert len(starter.OCCUPATIONS) == 31
    assert [official.get(row[0]) for row in starter.OCCUPATIONS] == list(starter.OCCUPATIONS)
    assert [official_groups.get(row[0]) for row in starter.GROUPS] == list(starter.GROUPS)
    needed = {code for row in starter.OCCUPATIONS for code in row[2:]}
    assert {row[0] for row in starter.GROUPS} == needed


def test_starter_skills_match_the_onet_elements(data_files: Path) -> None:
    elements = {
        e.element_id: (e.element_id, e.name, e.kind)
        for e in parsers.parse_onet_elements(
            data_files / "onet" / "onet_29_3_skills_knowledge_elements.txt"
        )
    }

    assert len(starter.SKILLS) == 25
    assert [elements.get(row[0]) for row in starter.SKILLS] == list(starter.SKILLS)


def test_starter_industries_match_the_census_file(data_files: Path) -> None:
    codes = {
        c.code: (c.code, c.title, c.level)
        for c in parsers.parse_naics_codes(data_files / "naics" / "naics_2022_codes.csv")
    }
    demo_codes = {
        "926110",
        "332710",
        "332312",
        "326199",
        "331511",
        "611210",
        "611519",
        "813930",
        "813211",
        "624310",
        "621111",
        "623110",
        "621610",
        "622110",
    }

    assert [codes.get(row[0]) for row in starter.INDUSTRIES] == list(starter.INDUSTRIES)
    assert {row[0] for row in starter.INDUSTRIES} == demo_codes | {"31-33", "61", "62", "81", "92"}


def test_starter_programs_and_their_occupations_match_the_nces_files(data_files: Path) -> None:
    programs = {
        p.code: (p.code, p.title)
        for p in parsers.parse_cip_codes(data_files / "cip" / "cip2020_codes.csv")
    }
    pairs = {
        (pair.cip_code, pair.soc_code)
        for pair in parsers.parse_cip_soc_crosswalk(
            data_files / "cip" / "cip2020_soc2018_crosswalk.csv"
        )
    }
    chosen = {row[0] for row in starter.PROGRAMS}
    occupations = {row[0] for row in starter.OCCUPATIONS}

    assert len(starter.PROGRAMS) == 12
    assert [programs.get(row[0]) for row in starter.PROGRAMS] == list(starter.PROGRAMS)
    assert set(starter.PROGRAM_OCCUPATIONS) == {
        (cip, soc) for cip, soc in pairs if cip in chosen and soc in occupations
    }
    assert len(starter.PROGRAM_OCCUPATIONS) == 16


async def test_loading_the_starter_set_after_the_full_data_changes_nothing(
    reference_data: dict[str, int], owner_sessions: SessionFactory
) -> None:
    async with owner_sessions() as session, session.begin():
        counts = await starter.load_starter(session)
    async with owner_sessions() as session:
        machinists = await session.get(Occupation, "51-4041")
        operation = await session.get(Skill, "2.B.3.h")

    assert counts == {
        "occupation_groups": 51,
        "occupations": 31,
        "skills": 25 + 12,
        "industries": 19,
        "instructional_programs": 12,
        "program_occupations": 16,
    }
    assert machinists is not None and machinists.definition is not None
    assert machinists.definition.startswith("Set up and operate a variety of machine tools")
    assert operation is not None
    assert operation.description == "Controlling operations of equipment or systems."


def test_the_shared_data_folder_is_found_beside_the_repository(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("COALITION_REFERENCE_DIR", raising=False)
    beside = Path(starter.__file__).resolve().parents[3].parent / "shared" / "data"

    found = starter.shared_data_dir()

    assert found == (beside if beside.is_dir() else None)
    monkeypatch.setenv("COALITION_REFERENCE_DIR", str(tmp_path))
    assert starter.shared_data_dir() == tmp_path
    monkeypatch.setenv("COALITION_REFERENCE_DIR", str(tmp_path / "missing"))
    assert starter.shared_data_dir() == (beside if beside.is_dir() else None)
