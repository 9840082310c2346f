"""The parsers on the publishers' real files, and their errors on broken ones."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from coalition.skills import parsers
from coalition.skills.models import SkillKind
from coalition.skills.parsers import ReferenceDataError


def test_soc_definitions_give_the_official_hierarchy(data_files: Path) -> None:
    groups, occupations = parsers.parse_soc_definitions(
        data_files / "soc" / "soc_2018_definitions.csv"
    )

    assert Counter(group.level for group in groups) == {"Major": 23, "Minor": 98, "Broad": 459}
    assert len(occupations) == 867
    machinists = next(o for o in occupations if o.soc_code == "51-4041")
    assert (
        machinists.title,
        machinists.major_code,
        machinists.minor_code,
        machinists.broad_code,
    ) == ("Machinists", "51-0000", "51-4000", "51-4040")
    # Parents come from the hierarchy order: digit arithmetic would say 29-1220.
    assert next(o for o in occupations if o.soc_code == "29-1221").broad_code == "29-1210"
    assert next(o for o in occupations if o.soc_code == "15-1232").minor_code == "15-1200"


def test_the_detailed_file_agrees_with_the_definitions_file(data_files: Path) -> None:
    groups, occupations = parsers.parse_soc_definitions(
        data_files / "soc" / "soc_2018_definitions.csv"
    )

    detailed_groups, detailed = parsers.parse_soc_detailed(
        data_files / "soc" / "soc_2018_detailed_occupations.csv"
    )

    assert detailed == occupations
    assert sorted(detailed_groups, key=lambda g: g.code) == sorted(groups, key=lambda g: g.code)


def test_direct_match_titles(data_files: Path) -> None:
    aliases = parsers.parse_soc_direct_match_titles(
        data_files / "soc" / "soc_2018_direct_match_titles.csv"
    )

    assert len(aliases) == 6539
    assert len({alias.soc_code for alias in aliases}) == 864
    assert sum(alias.is_illustrative for alias in aliases) == 2413
    assert len({(alias.soc_code, alias.title) for alias in aliases}) == 6534


def test_onet_occupations_map_onto_soc_codes(data_files: Path) -> None:
    occupations = parsers.parse_onet_occupations(
        data_files / "onet" / "onet_29_3_occupation_data.txt"
    )

    assert len(occupations) == 1016
    assert sum(o.onet_code.endswith(".00") for o in occupations) == 867
    assert len({o.soc_code for o in occupations}) == 867
    assert [o.title for o in occupations if o.onet_code == "51-4041.00"] == ["Machinists"]


def test_onet_elements_are_technical_skills_and_knowledge(data_files: Path) -> None:
    elements = parsers.parse_onet_elements(
        data_files / "onet" / "onet_29_3_skills_knowledge_elements.txt"
    )

    assert Counter(e.kind for e in elements) == {SkillKind.TECHNICAL: 35, SkillKind.KNOWLEDGE: 33}
    operation = next(e for e in elements if e.element_id == "2.B.3.h")
    assert (operation.name, operation.category) == ("Operation and Control", "Technical Skills")


def test_skill_ratings_are_pivoted_into_one_row_per_occupation_and_skill(
    data_files: Path,
) -> None:
    ratings = parsers.parse_onet_ratings(data_files / "onet" / "onet_29_3_skills.txt")

    assert len(ratings) == 61530 // 2
    assert len({r.onet_code for r in ratings}) == 879
    assert [r for r in ratings if r.importance is None or r.level is None] == []
    assert sum(r.is_suppressed_recommended for r in ratings) == 124
    assert sum(r.is_not_relevant for r in ratings) == 3302
    operation = next(r for r in ratings if (r.onet_code, r.element_id) == ("51-4041.00", "2.B.3.h"))
    assert (operation.importance, operation.level) == (Decimal("3.25"), Decimal("3.38"))
    assert operation.updated == "08/2020"


def test_knowledge_ratings(data_files: Path) -> None:
    ratings = parsers.parse_onet_ratings(data_files / "onet" / "onet_29_3_knowledge.txt")

    assert len(ratings) == 58014 // 2
    assert len({r.onet_code for r in ratings}) == 879


def test_naics_codes(data_files: Path) -> None:
    codes = parsers.parse_naics_codes(data_files / "naics" / "naics_2022_codes.csv")

    assert len(codes) == 2125
    assert Counter(c.level for c in codes) == {
        "Sector": 20,
        "Subsector": 96,
        "Industry Group": 308,
        "NAICS Industry": 689,
        "National Industry": 1012,
    }
    assert [c.title for c in codes if c.code == "31-33"] == ["Manufacturing"]


def test_cip_codes_keep_only_active_ones_and_drop_the_closing_period(data_files: Path) -> None:
    programs = parsers.parse_cip_codes(data_files / "cip" / "cip2020_codes.csv")

    assert len(programs) == 2687
    assert sum(len(p.code) == 7 for p in programs) == 2173
    assert [p.title for p in programs if p.code == "48.0501"] == [
        "Machine Tool Technology/Machinist"
    ]


def test_the_crosswalk_leaves_out_the_no_match_rows(data_files: Path) -> None:
    pairs = parsers.parse_cip_soc_crosswalk(data_files / "cip" / "cip2020_soc2018_crosswalk.csv")

    assert len(pairs) == 6097 - 194 - 180
    assert {p.cip_code for p in pairs if p.soc_code == "51-4041"} == {"48.0501", "48.0503"}


# --- broken files -----------------------------------------------------------------------

SOC_HEADER = "soc_group,soc_code,soc_title,soc_definition\n"


def _write(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_a_bad_code_names_its_file_line_and_column(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "soc_2018_definitions.csv",
        SOC_HEADER
        + "Major,51-0000,Production Occupations,\n"
        + "Minor,51-4000,Metal Workers and Plastic Workers,\n"
        + "Broad,514040,Machinists,\n",
    )

    with pytest.raises(ReferenceDataError) as error:
        parsers.parse_soc_definitions(path)

    assert (error.value.path, error.value.line, error.value.column) == (path, 4, "soc_code")
    assert str(error.value) == (f"{path}, line 4, column 'soc_code': '514040' is not a valid code")


def test_a_missing_column_is_reported_on_the_header_line(tmp_path: Path) -> None:
    path = _write(
        tmp_path, "soc_2018_definitions.csv", "soc_group,soc_code,soc_definition\nMajor,51-0000,\n"
    )

    with pytest.raises(ReferenceDataError) as error:
        parsers.parse_soc_definitions(path)

    assert error.value.line == 1
    assert "soc_title" in str(error.value)


def test_a_detailed_code_before_its_groups_is_refused(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "soc_2018_definitions.csv",
        SOC_HEADER
        + "Major,51-0000,Production Occupations,\n"
        + "Detailed,51-4041,Machinists,Set up machines.\n",
    )

    with pytest.raises(ReferenceDataError) as error:
        parsers.parse_soc_definitions(path)

    assert error.value.line == 3
    assert "before its Minor group" in str(error.value)


def test_a_short_tab_separated_row_is_refused(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "onet_29_3_occupation_data.txt",
        "O*NET-SOC Code\tTitle\tDescription\n"
        "51-4041.00\tMachinists\tSet up machines.\n"
        "51-4121.00\tWelders\n",
    )

    with pytest.raises(ReferenceDataError) as error:
        parsers.parse_onet_occupations(path)

    assert error.value.line == 3
    assert "expected 3 fields, found 2" in str(error.value)


def test_a_rating_out_of_its_scale_is_refused(tmp_path: Path) -> None:
    header = (
        "O*NET-SOC Code\tElement ID\tElement Name\tScale ID\tData Value\tN\t"
        "Standard Error\tLower CI Bound\tUpper CI Bound\tRecommend Suppress\t"
        "Not Relevant\tDate\tDomain Source\n"
    )
    row = (
        "51-4041.00\t2.B.3.h\tOperation and Control\t{scale}\t{value}\t8\t0.1\t3\t3.5\t"
        "N\t{nr}\t08/2020\tAnalyst\n"
    )
    path = _write(
        tmp_path,
        "onet_29_3_skills.txt",
        header
        + row.format(scale="IM", value="3.25", nr="n/a")
        + row.format(scale="LV", value="7.50", nr="N"),
    )

    with pytest.raises(ReferenceDataError) as error:
        parsers.parse_onet_ratings(path)

    assert (error.value.line, error.value.column) == (3, "Data Value")
    assert "7.50 is outside 0-7 for scale LV" in str(error.value)


def test_text_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "naics_2022_codes.csv",
        b"naics_code,naics_title,digits,level\n11,Agricultura \xe9,2,Sector\n",
    )

    with pytest.raises(ReferenceDataError) as error:
        parsers.parse_naics_codes(path)

    assert str(error.value).startswith(f"{path}: not UTF-8 text")


def test_an_unclosed_quote_is_refused(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "naics_2022_codes.csv",
        'naics_code,naics_title,digits,level\n11,"Agriculture,2,Sector\n',
    )

    with pytest.raises(ReferenceDataError) as error:
        parsers.parse_naics_codes(path)

    assert "malformed CSV" in str(error.value)
