"""Skill distance against numbers worked out from the real O*NET 29.3 rows.

The expected figures are computed here from the publisher's files themselves (read
with a few lines of plain Python, not the loader or ``coalition.skills.distance``):
each element's component is importance x level, 0 when the row says Recommend
Suppress or Not Relevant; the similarity is the cosine of the two vectors (decision
record 0007). The four-decimal values are also written out, so a change to the files
or to the measure shows.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pytest
from sqlalchemy import text

from coalition.db.engine import SessionFactory
from coalition.skills import distance
from tests.support.graphql import GraphQLClient, error_codes
from tests.support.world import World

COMPARE = """
query($code: String!, $other: String!) {
  occupation(code: $code) {
    similarity(code: $other)
    skillGapTo(code: $other) { skill { id name } required current shortfall }
  }
}"""

PAIRS = [
    # Medical Assistants -> Licensed Practical and Licensed Vocational Nurses
    ("31-9092", "29-2061", 0.9458),
    # Machinists -> Tool and Die Makers
    ("51-4041", "51-4111", 0.9570),
    # Licensed Practical Nurses -> Registered Nurses
    ("29-2061", "29-1141", 0.9846),
]


@pytest.fixture(autouse=True)
def _loaded(reference_data: dict[str, int]) -> None:
    """Every test here reads the full reference data."""


def _raw_rows(data_files: Path, onet_code: str) -> dict[str, dict[str, list[str]]]:
    """The file rows of one O*NET occupation, by element and scale (IM, LV)."""
    found: dict[str, dict[str, list[str]]] = {}
    for name in ("onet_29_3_skills.txt", "onet_29_3_knowledge.txt"):
        path = next(data_files.rglob(name))
        with path.open(encoding="utf-8") as handle:
            for row in csv.reader(handle, delimiter="\t"):
                if row[0] == onet_code and row[3] in {"IM", "LV"}:
                    found.setdefault(row[1], {})[row[3]] = row
    return found


def _component(rows: dict[str, list[str]]) -> float:
    importance, level = rows["IM"], rows["LV"]
    if "Y" in (importance[9], level[9], level[10]):  # Recommend Suppress, Not Relevant
        return 0.0
    return float(importance[4]) * float(level[4])


def _cosine_from_files(data_files: Path, source: str, target: str) -> float:
    a = _raw_rows(data_files, f"{source}.00")
    b = _raw_rows(data_files, f"{target}.00")
    assert len(a) == len(b) == 68  # 35 skills and 33 knowledge areas each
    dot = sum(_component(a[e]) * _component(b[e]) for e in a)
    norm_a = math.sqrt(sum(_component(a[e]) ** 2 for e in a))
    norm_b = math.sqrt(sum(_component(b[e]) ** 2 for e in b))
    return dot / (norm_a * norm_b)


@pytest.mark.parametrize(("source", "target", "expected"), PAIRS)
async def test_similarity_is_the_cosine_of_the_files_importance_times_level(
    gql: GraphQLClient,
    world: World,
    data_files: Path,
    source: str,
    target: str,
    expected: float,
) -> None:
    by_hand = _cosine_from_files(data_files, source, target)
    assert round(by_hand, 4) == expected

    body = await gql(COMPARE, {"code": source, "other": target}, token=world.tokens["member"])

    assert body["data"]["occupation"]["similarity"] == expected
    back = await gql(COMPARE, {"code": target, "other": source}, token=world.tokens["reader"])
    assert back["data"]["occupation"]["similarity"] == expected  # symmetric


async def test_a_medical_assistant_needs_psychology_and_mathematics_for_lpn(
    gql: GraphQLClient, world: World, data_files: Path
) -> None:
    # The rows, as the files hold them (code, element, name, scale, value, ..., suppress,
    # not relevant):
    # 29-2061.00  2.C.4.e  Psychology   IM 3.71 N n/a;  LV 5.52 N N
    # 31-9092.00  2.C.4.e  Psychology   IM 2.95 N n/a;  LV 3.38 N N
    # 29-2061.00  2.C.4.a  Mathematics  IM 3.03 N n/a;  LV 3.11 N N
    # 31-9092.00  2.C.4.a  Mathematics  IM 2.73 N n/a;  LV 1.84 N N
    lpn = _raw_rows(data_files, "29-2061.00")
    assistant = _raw_rows(data_files, "31-9092.00")
    assert [lpn["2.C.4.e"]["IM"][4], lpn["2.C.4.e"]["LV"][4]] == ["3.71", "5.52"]
    assert [assistant["2.C.4.e"]["LV"][4], assistant["2.C.4.a"]["LV"][4]] == ["3.38", "1.84"]
    assert [lpn["2.C.4.a"]["IM"][4], lpn["2.C.4.a"]["LV"][4]] == ["3.03", "3.11"]

    body = await gql(COMPARE, {"code": "31-9092", "other": "29-2061"}, token=world.tokens["member"])

    gaps = body["data"]["occupation"]["skillGapTo"]
    # Largest first: Psychology 5.52 - 3.38 = 2.14, Mathematics 3.11 - 1.84 = 1.27 (both
    # important for an LPN: importance 3.71 and 3.03, at least 3).
    assert gaps[:2] == [
        {
            "skill": {"id": "2.C.4.e", "name": "Psychology"},
            "required": 5.52,
            "current": 3.38,
            "shortfall": 2.14,
        },
        {
            "skill": {"id": "2.C.4.a", "name": "Mathematics"},
            "required": 3.11,
            "current": 1.84,
            "shortfall": 1.27,
        },
    ]
    assert len(gaps) == 15
    assert all(gap["shortfall"] > 0 for gap in gaps)


async def test_a_machinist_needs_mechanical_knowledge_for_tool_and_die(
    gql: GraphQLClient, world: World, data_files: Path
) -> None:
    # 51-4111.00  2.C.3.e  Mechanical  IM 4.48;  LV 5.16      51-4041.00  LV 3.90
    die_maker = _raw_rows(data_files, "51-4111.00")
    machinist = _raw_rows(data_files, "51-4041.00")
    required = float(die_maker["2.C.3.e"]["LV"][4])
    current = float(machinist["2.C.3.e"]["LV"][4])
    assert (required, current, float(die_maker["2.C.3.e"]["IM"][4])) == (5.16, 3.9, 4.48)

    body = await gql(COMPARE, {"code": "51-4041", "other": "51-4111"}, token=world.tokens["admin"])

    first = body["data"]["occupation"]["skillGapTo"][0]
    assert first == {
        "skill": {"id": "2.C.3.e", "name": "Mechanical"},
        "required": 5.16,
        "current": 3.9,
        "shortfall": round(required - current, 2),
    }
    assert first["shortfall"] == 1.26


async def test_an_occupation_against_itself(gql: GraphQLClient, world: World) -> None:
    body = await gql(
        COMPARE, {"code": "29-1141", "other": "29-1141.00"}, token=world.tokens["member"]
    )

    assert body["data"]["occupation"] == {"similarity": 1.0, "skillGapTo": []}


@pytest.mark.parametrize("other", ["99-9999", "nursing", "", "29-11410"])
async def test_an_unknown_or_malformed_code_is_an_error(
    gql: GraphQLClient, world: World, other: str
) -> None:
    body = await gql(COMPARE, {"code": "29-2061", "other": other}, token=world.tokens["member"])

    assert set(error_codes(body)) == {"BAD_USER_INPUT"}
    assert {error["message"] for error in body["errors"]} == {"No occupation with this code."}
    assert body["data"]["occupation"] is None


async def test_an_occupation_o_net_does_not_rate_has_no_similarity(
    gql: GraphQLClient, world: World
) -> None:
    # 11-1031 Legislators: a SOC code O*NET does not rate.
    body = await gql(COMPARE, {"code": "29-2061", "other": "11-1031"}, token=world.tokens["member"])

    assert body["data"]["occupation"] == {"similarity": None, "skillGapTo": []}


async def test_without_a_token_nothing_is_compared(gql: GraphQLClient) -> None:
    body = await gql(COMPARE, {"code": "29-2061", "other": "29-1141"})

    assert body["data"] is None or body["data"]["occupation"] is None
    assert error_codes(body)


async def test_a_changed_rating_is_seen_once_the_kept_space_expires(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    ask = {"code": "51-4041", "other": "51-4111"}
    before = await gql(COMPARE, ask, token=world.tokens["member"])
    change = text(
        "UPDATE occupation_skill_ratings SET level = :level "
        "WHERE onet_code = '51-4111.00' AND skill_id = '2.C.3.e'"
    )
    async with owner_sessions() as session, session.begin():
        await session.execute(change, {"level": 7})
    try:
        kept = await gql(COMPARE, ask, token=world.tokens["member"])
        distance._built_at = 0.0  # as if KEEP_SECONDS had passed
        changed = await gql(COMPARE, ask, token=world.tokens["member"])
    finally:
        async with owner_sessions() as session, session.begin():
            await session.execute(change, {"level": 5.16})
        distance.forget()

    assert kept == before  # within KEEP_SECONDS the kept space answers
    assert changed["data"]["occupation"]["skillGapTo"][0] == {
        "skill": {"id": "2.C.3.e", "name": "Mechanical"},
        "required": 7.0,
        "current": 3.9,
        "shortfall": 3.1,
    }
    assert changed["data"]["occupation"]["similarity"] != 0.9570
    assert await gql(COMPARE, ask, token=world.tokens["member"]) == before
