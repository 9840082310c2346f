"""Every invalid field gets its userError, and nothing is written."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import pytest

from coalition.demand.quarters import QuarterError, format_quarter, parse_quarter
from tests.demand.support import CREATE, DemandRows, full_input
from tests.support.graphql import GraphQLClient
from tests.support.world import World, global_id

LONG = "x" * 201
SKILL = {"skillId": "2.B.3.h", "level": 3}
USD = "USD"


def _money(amount: str, currency: str = USD) -> dict[str, str]:
    return {"amountMinor": amount, "currency": currency}


CASES: dict[str, tuple[dict[str, Any], list[tuple[list[str], str]]]] = {
    "unknown occupation": ({"occupationCode": "99-9999"}, [(["occupationCode"], "NOT_FOUND")]),
    "blank occupation": ({"occupationCode": " "}, [(["occupationCode"], "REQUIRED")]),
    "no openings": ({"openings": 0}, [(["openings"], "OUT_OF_RANGE")]),
    "negative openings": ({"openings": -2}, [(["openings"], "OUT_OF_RANGE")]),
    "too many openings": ({"openings": 100_001}, [(["openings"], "OUT_OF_RANGE")]),
    "end before start": ({"endQuarter": "2027Q1"}, [(["endQuarter"], "OUT_OF_RANGE")]),
    "fifth quarter": ({"startQuarter": "2027Q5"}, [(["startQuarter"], "INVALID")]),
    "not a quarter": ({"endQuarter": "next spring"}, [(["endQuarter"], "INVALID")]),
    "year out of range": ({"startQuarter": "1999Q4"}, [(["startQuarter"], "INVALID")]),
    "wage min above max": ({"wageMin": _money("3000")}, [(["wageMax"], "OUT_OF_RANGE")]),
    "negative wage": ({"wageMin": _money("-5")}, [(["wageMin", "amountMinor"], "OUT_OF_RANGE")]),
    "fractional minor units": (
        {"wageMin": _money("12.50")},
        [(["wageMin", "amountMinor"], "INVALID")],
    ),
    "wage without unit": ({"wageUnit": None}, [(["wageUnit"], "REQUIRED")]),
    "unknown currency": (
        {"wageMin": _money("2000", "XYZ"), "wageMax": _money("2500", "XYZ")},
        [(["wageMin", "currency"], "INVALID"), (["wageMax", "currency"], "INVALID")],
    ),
    "two currencies": ({"wageMax": _money("2975", "EUR")}, [(["wageMax", "currency"], "INVALID")]),
    "unknown skill": (
        {"skills": [{"skillId": "9.Z.9", "level": 2}]},
        [(["skills", "0", "skillId"], "NOT_FOUND")],
    ),
    "level too high": (
        {"skills": [SKILL, {"skillId": "2.A.1.a", "level": 5}]},
        [(["skills", "1", "level"], "OUT_OF_RANGE")],
    ),
    "level too low": (
        {"skills": [{"skillId": "2.A.1.a", "level": 0}]},
        [(["skills", "0", "level"], "OUT_OF_RANGE")],
    ),
    "duplicate skill": ({"skills": [SKILL, SKILL]}, [(["skills", "1", "skillId"], "DUPLICATE")]),
    "too many skills": ({"skills": [SKILL] * 31}, [(["skills"], "TOO_MANY")]),
    "too many credentials": ({"credentials": ["OSHA 10"] * 21}, [(["credentials"], "TOO_MANY")]),
    "long credential": ({"credentials": [LONG]}, [(["credentials", "0"], "TOO_LONG")]),
    "blank credential": ({"credentials": ["OSHA 10", " "]}, [(["credentials", "1"], "BLANK")]),
    "long city": ({"city": "c" * 121}, [(["city"], "TOO_LONG")]),
    "short ZIP": ({"postalCode": "4944"}, [(["postalCode"], "INVALID")]),
    "broken ZIP+4": ({"postalCode": "49440-12"}, [(["postalCode"], "INVALID")]),
    "NONE with others": (
        {"workBasedLearning": ["NONE", "INTERNSHIP"]},
        [(["workBasedLearning"], "INVALID")],
    ),
    "posted as filled": ({"status": "FILLED"}, [(["status"], "INVALID_TRANSITION")]),
    "posted as withdrawn": ({"status": "WITHDRAWN"}, [(["status"], "INVALID_TRANSITION")]),
    "many at once": (
        {"occupationCode": "00-0000", "openings": 0, "postalCode": "x", "city": "c" * 121},
        [
            (["occupationCode"], "NOT_FOUND"),
            (["openings"], "OUT_OF_RANGE"),
            (["city"], "TOO_LONG"),
            (["postalCode"], "INVALID"),
        ],
    ),
}


@pytest.mark.parametrize("case", list(CASES))
async def test_an_invalid_field_is_refused_and_nothing_is_written(
    gql: GraphQLClient, world: World, demand_rows: DemandRows, case: str
) -> None:
    changes, expected = CASES[case]

    body = await gql(CREATE, {"input": full_input(world) | changes}, token=world.tokens["member"])

    payload = body["data"]["createDemandSignal"]
    assert payload["demandSignal"] is None
    assert [(error["field"], error["code"]) for error in payload["userErrors"]] == expected
    assert await demand_rows(world.id) == {
        "demand_signals": [],
        "demand_signal_skills": [],
        "demand_signal_versions": [],
    }


@pytest.mark.parametrize(("organization", "code"), [("college", "INVALID"), (None, "NOT_FOUND")])
async def test_only_an_existing_employer_posts_demand(
    gql: GraphQLClient, world: World, demand_rows: DemandRows, organization: str | None, code: str
) -> None:
    organization_id = world.organizations[organization] if organization else uuid.uuid4()
    given = full_input(world) | {"organizationId": global_id("Organization", organization_id)}

    body = await gql(CREATE, {"input": given}, token=world.tokens["admin"])

    errors = body["data"]["createDemandSignal"]["userErrors"]
    assert [(error["field"], error["code"]) for error in errors] == [(["organizationId"], code)]
    assert (await demand_rows(world.id))["demand_signals"] == []


async def test_a_zip_plus_four_and_the_largest_counts_are_accepted(
    gql: GraphQLClient, world: World
) -> None:
    given = full_input(world) | {
        "postalCode": "49440-1234",
        "openings": 100_000,
        "skills": [
            {"skillId": skill, "level": 1 + index % 4}
            for index, skill in enumerate(
                [
                    "2.A.1.a",
                    "2.A.1.b",
                    "2.A.1.c",
                    "2.A.1.d",
                    "2.A.1.e",
                    "2.A.2.a",
                    "2.A.2.d",
                    "2.B.1.a",
                    "2.B.1.b",
                    "2.B.1.e",
                    "2.B.1.f",
                    "2.B.2.i",
                    "2.B.3.g",
                    "2.B.3.h",
                    "2.B.3.j",
                    "2.B.3.k",
                    "2.B.3.l",
                    "2.B.3.m",
                    "2.B.4.e",
                    "2.B.5.a",
                    "2.C.1.e",
                    "2.C.2.a",
                    "2.C.3.e",
                    "2.C.5.a",
                    "2.C.8.a",
                    "ES.teamwork",
                    "ES.communication",
                    "ES.dependability",
                    "ES.adaptability",
                    "ES.self-advocacy",
                ]
            )
        ],
        "credentials": ["c" * 200] * 20,
    }

    body = await gql(CREATE, {"input": given}, token=world.tokens["member"])

    payload = body["data"]["createDemandSignal"]
    assert payload["userErrors"] == []
    assert payload["demandSignal"]["postalCode"] == "49440-1234"
    assert len(payload["demandSignal"]["skills"]) == 30


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2027Q1", date(2027, 1, 1)),
        ("2027q2", date(2027, 4, 1)),
        (" 2027-Q3 ", date(2027, 7, 1)),
        ("2100Q4", date(2100, 10, 1)),
        ("2000Q1", date(2000, 1, 1)),
    ],
)
def test_quarters_parse_to_their_first_day(text: str, day: date) -> None:
    assert parse_quarter(text) == day
    assert format_quarter(day) == text.strip().upper().replace("-", "")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2027Q0", "The quarter must be Q1, Q2, Q3 or Q4."),
        ("2027Q5", "The quarter must be Q1, Q2, Q3 or Q4."),
        ("2101Q1", "The year must be between 2000 and 2100."),
        ("1999Q4", "The year must be between 2000 and 2100."),
        ("Q1 2027", "A quarter is written like 2027Q1."),
        ("", "A quarter is written like 2027Q1."),
    ],
)
def test_bad_quarters_say_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(QuarterError) as raised:
        parse_quarter(text)

    assert str(raised.value) == message


def test_any_day_formats_as_its_quarter() -> None:
    assert [format_quarter(date(2027, month, 15)) for month in (2, 5, 8, 12)] == [
        "2027Q1",
        "2027Q2",
        "2027Q3",
        "2027Q4",
    ]
