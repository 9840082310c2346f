"""Parsers for the publishers' own file layouts (pure: files in, dataclasses out).

Each parser reads one file in the layout described in ``shared/data/README.md``
(the layouts ``download.py`` also writes) and raises ``ReferenceDataError``
naming the file, line and column of the first problem it meets.

Kinds of skills: the O*NET Skills domain (2.A basic and 2.B cross-functional
skills, e.g. 2.B.3.h Operation and Control) becomes kind TECHNICAL, the O*NET
Knowledge domain (2.C) becomes kind KNOWLEDGE, and our own essential skills
framework (``framework.py``) is kind ESSENTIAL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from coalition.skills.models import GROUP_LEVELS, INDUSTRY_LEVELS, SkillKind
from coalition.skills.tabular import ReferenceDataError as ReferenceDataError
from coalition.skills.tabular import Rows, code_field, text_field

SOC_CODE = re.compile(r"^\d{2}-\d{4}$")
ONET_CODE = re.compile(r"^\d{2}-\d{4}\.\d{2}$")
ELEMENT_ID = re.compile(r"^\d+(\.[A-Za-z0-9]+)+$")
NAICS_CODE = re.compile(r"^\d{2,6}$|^\d{2}-\d{2}$")
CIP_CODE = re.compile(r"^\d{2}(\.\d{2}(\d{2})?)?$")
RATING_DATE = re.compile(r"^\d{2}/\d{4}$")
# The crosswalk's markers for "no occupation" and "no program": absences, not pairs.
CIP_NO_MATCH = "99.9999"
SOC_NO_MATCH = "99-9999"
INACTIVE_CIP_ACTIONS = ("Moved from", "Deleted")
SCALES = {"IM": (Decimal(1), Decimal(5)), "LV": (Decimal(0), Decimal(7))}
ONET_DOMAINS = {"Skills": SkillKind.TECHNICAL, "Knowledge": SkillKind.KNOWLEDGE}


@dataclass(frozen=True)
class SocGroup:
    code: str
    title: str
    level: str


@dataclass(frozen=True)
class SocOccupation:
    soc_code: str
    title: str
    definition: str | None
    major_code: str
    minor_code: str
    broad_code: str


@dataclass(frozen=True)
class SocAlias:
    soc_code: str
    title: str
    is_illustrative: bool
    line: int = field(compare=False)


@dataclass(frozen=True)
class OnetOccupation:
    onet_code: str
    soc_code: str
    title: str
    description: str | None
    line: int = field(compare=False)


@dataclass(frozen=True)
class OnetElement:
    element_id: str
    kind: SkillKind
    name: str
    description: str | None
    category: str | None


@dataclass
class OnetRating:
    """Importance (IM) and level (LV) of one element for one occupation, pivoted into one row."""

    onet_code: str
    element_id: str
    importance: Decimal | None = None
    level: Decimal | None = None
    is_suppressed_recommended: bool = False
    is_not_relevant: bool = False
    updated: str | None = None
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class NaicsCode:
    code: str
    title: str
    level: str


@dataclass(frozen=True)
class CipProgram:
    code: str
    title: str


@dataclass(frozen=True)
class CipSocPair:
    cip_code: str
    soc_code: str
    cip_title: str
    line: int = field(compare=False)


# --- SOC 2018 (BLS) ----------------------------------------------------------------------


def parse_soc_definitions(path: Path) -> tuple[list[SocGroup], list[SocOccupation]]:
    """``soc_2018_definitions.csv``: the whole hierarchy in order. Each detailed
    occupation's parents are the groups above it in that order (digit arithmetic
    fails in SOC 2018: 29-1221 sits under broad group 29-1210)."""
    rows = Rows(path, ("soc_group", "soc_code", "soc_title", "soc_definition"))
    groups: list[SocGroup] = []
    occupations: list[SocOccupation] = []
    parents: dict[str, str] = {}
    for line, row in rows:
        level = row["soc_group"]
        code = code_field(rows, row, line, "soc_code", SOC_CODE)
        title = text_field(rows, row, line, "soc_title", limit=200)
        if level in GROUP_LEVELS:
            groups.append(SocGroup(code, title, level))
            parents[level] = code
            for lower in GROUP_LEVELS[GROUP_LEVELS.index(level) + 1 :]:
                parents.pop(lower, None)
        elif level == "Detailed":
            missing = [name for name in GROUP_LEVELS if name not in parents]
            if missing:
                raise rows.fail(f"detailed code {code} comes before its {missing[0]} group", line)
            occupations.append(
                SocOccupation(
                    code,
                    title,
                    row["soc_definition"] or None,
                    parents["Major"],
                    parents["Minor"],
                    parents["Broad"],
                )
            )
        else:
            raise rows.fail(f"{level!r} is not Major, Minor, Broad or Detailed", line, "soc_group")
    return groups, occupations


def parse_soc_detailed(path: Path) -> tuple[list[SocGroup], list[SocOccupation]]:
    """``soc_2018_detailed_occupations.csv``: one row per detailed occupation with its
    parents' codes and titles (the groups are read from those)."""
    columns = ("soc_code", "soc_title", "soc_definition")
    levels = {"Major": "major", "Minor": "minor", "Broad": "broad"}
    rows = Rows(
        path,
        columns
        + tuple(f"{prefix}_{part}" for prefix in levels.values() for part in ("code", "title")),
    )
    groups: dict[str, SocGroup] = {}
    occupations: list[SocOccupation] = []
    for line, row in rows:
        codes: dict[str, str] = {}
        for level, prefix in levels.items():
            code = code_field(rows, row, line, f"{prefix}_code", SOC_CODE)
            groups.setdefault(
                code,
                SocGroup(code, text_field(rows, row, line, f"{prefix}_title", limit=200), level),
            )
            codes[level] = code
        occupations.append(
            SocOccupation(
                code_field(rows, row, line, "soc_code", SOC_CODE),
                text_field(rows, row, line, "soc_title", limit=200),
                row["soc_definition"] or None,
                codes["Major"],
                codes["Minor"],
                codes["Broad"],
            )
        )
    order = {level: index for index, level in enumerate(GROUP_LEVELS)}
    return sorted(groups.values(), key=lambda g: (g.code, order[g.level])), occupations


def parse_soc_direct_match_titles(path: Path) -> list[SocAlias]:
    """``soc_2018_direct_match_titles.csv``: job titles that map to one SOC code."""
    rows = Rows(path, ("soc_code", "direct_match_title", "illustrative_example"))
    aliases: list[SocAlias] = []
    for line, row in rows:
        flag = row["illustrative_example"]
        if flag not in ("", "Y"):
            raise rows.fail(f"{flag!r} is neither Y nor empty", line, "illustrative_example")
        aliases.append(
            SocAlias(
                code_field(rows, row, line, "soc_code", SOC_CODE),
                text_field(rows, row, line, "direct_match_title", limit=200),
                flag == "Y",
                line,
            )
        )
    return aliases


# --- O*NET 29.3 -------------------------------------------------------------------------


def parse_onet_occupations(path: Path) -> list[OnetOccupation]:
    """``onet_29_3_occupation_data.txt`` (O*NET's ``Occupation Data.txt``)."""
    rows = Rows(path, ("O*NET-SOC Code", "Title", "Description"), tabs=True)
    result: list[OnetOccupation] = []
    for line, row in rows:
        code = code_field(rows, row, line, "O*NET-SOC Code", ONET_CODE)
        result.append(
            OnetOccupation(
                code,
                code[:7],
                text_field(rows, row, line, "Title", limit=200),
                row["Description"] or None,
                line,
            )
        )
    return result


def parse_onet_elements(path: Path) -> list[OnetElement]:
    """``onet_29_3_skills_knowledge_elements.txt``: the Skills and Knowledge elements."""
    rows = Rows(
        path, ("Domain", "Element ID", "Element Name", "Description", "Category Name"), tabs=True
    )
    result: list[OnetElement] = []
    for line, row in rows:
        kind = ONET_DOMAINS.get(row["Domain"])
        if kind is None:
            raise rows.fail(f"{row['Domain']!r} is neither Skills nor Knowledge", line, "Domain")
        result.append(
            OnetElement(
                code_field(rows, row, line, "Element ID", ELEMENT_ID),
                kind,
                text_field(rows, row, line, "Element Name", limit=200),
                row["Description"] or None,
                row["Category Name"] or None,
            )
        )
    return result


def _flag(rows: Rows, row: dict[str, str], line: int, column: str) -> bool:
    value = row[column]
    if value not in ("Y", "N", "n/a"):
        raise rows.fail(f"{value!r} is not Y, N or n/a", line, column)
    return value == "Y"


def parse_onet_ratings(path: Path) -> list[OnetRating]:
    """``onet_29_3_skills.txt`` or ``onet_29_3_knowledge.txt``: one row per occupation,
    element and scale; pivoted here into one rating per occupation and element, with
    importance from the IM row and level from the LV row (other scales are ignored)."""
    rows = Rows(
        path,
        (
            "O*NET-SOC Code",
            "Element ID",
            "Scale ID",
            "Data Value",
            "Recommend Suppress",
            "Not Relevant",
            "Date",
        ),
        tabs=True,
    )
    ratings: dict[tuple[str, str], OnetRating] = {}
    for line, row in rows:
        scale = row["Scale ID"]
        if scale not in SCALES:
            continue
        code = code_field(rows, row, line, "O*NET-SOC Code", ONET_CODE)
        element = code_field(rows, row, line, "Element ID", ELEMENT_ID)
        try:
            value = Decimal(row["Data Value"])
        except InvalidOperation:
            raise rows.fail(f"{row['Data Value']!r} is not a number", line, "Data Value") from None
        low, high = SCALES[scale]
        if not low <= value <= high:
            raise rows.fail(
                f"{value} is outside {low}-{high} for scale {scale}", line, "Data Value"
            )
        date = row["Date"]
        if not RATING_DATE.match(date):
            raise rows.fail(f"{date!r} is not MM/YYYY", line, "Date")
        rating = ratings.setdefault((code, element), OnetRating(code, element, line=line))
        if (rating.importance if scale == "IM" else rating.level) is not None:
            raise rows.fail(f"a second {scale} rating of {element} for {code}", line)
        if scale == "IM":
            rating.importance = value
        else:
            rating.level = value
            rating.is_not_relevant = _flag(rows, row, line, "Not Relevant")
        rating.is_suppressed_recommended |= _flag(rows, row, line, "Recommend Suppress")
        if rating.updated is None or (date[3:], date[:2]) > (
            rating.updated[3:],
            rating.updated[:2],
        ):
            rating.updated = date
    return list(ratings.values())


# --- NAICS 2022 (Census) and CIP 2020 (NCES) ----------------------------------------------


def parse_naics_codes(path: Path) -> list[NaicsCode]:
    """``naics_2022_codes.csv``: 2-6 digit codes; three sectors are ranges (31-33)."""
    rows = Rows(path, ("naics_code", "naics_title", "level"))
    result: list[NaicsCode] = []
    for line, row in rows:
        level = row["level"]
        if level not in INDUSTRY_LEVELS:
            raise rows.fail(f"{level!r} is not a NAICS level", line, "level")
        result.append(
            NaicsCode(
                code_field(rows, row, line, "naics_code", NAICS_CODE),
                text_field(rows, row, line, "naics_title", limit=200),
                level,
            )
        )
    return result


def _cip_title(title: str) -> str:
    # NCES ends every title with a period ("Machine Tool Technology/Machinist.").
    return title[:-1] if title.endswith(".") else title


def parse_cip_codes(path: Path) -> list[CipProgram]:
    """``cip2020_codes.csv``: active CIP 2020 codes (rows moved away or deleted are left
    out); titles lose NCES's closing period."""
    rows = Rows(path, ("cip_code", "cip_title", "action_vs_cip2010"))
    result: list[CipProgram] = []
    for line, row in rows:
        code = code_field(rows, row, line, "cip_code", CIP_CODE)
        if row["action_vs_cip2010"] in INACTIVE_CIP_ACTIONS:
            continue
        result.append(
            CipProgram(code, _cip_title(text_field(rows, row, line, "cip_title", limit=300)))
        )
    return result


def parse_cip_soc_crosswalk(path: Path) -> list[CipSocPair]:
    """``cip2020_soc2018_crosswalk.csv``: program-occupation pairs; the "no match" rows
    (CIP 99.9999, SOC 99-9999) are left out."""
    rows = Rows(path, ("cip2020_code", "cip2020_title", "soc2018_code"))
    result: list[CipSocPair] = []
    for line, row in rows:
        cip = code_field(rows, row, line, "cip2020_code", CIP_CODE)
        soc = code_field(rows, row, line, "soc2018_code", SOC_CODE)
        if cip == CIP_NO_MATCH or soc == SOC_NO_MATCH:
            continue
        title = _cip_title(text_field(rows, row, line, "cip2020_title", limit=300))
        result.append(CipSocPair(cip, soc, title, line))
    return result
