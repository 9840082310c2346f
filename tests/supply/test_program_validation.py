"""Bad input for every field of programs and cohorts: each problem is a userError at its
input path, all of them in one answer, and nothing is written."""

from __future__ import annotations

from typing import Any

import pytest

from tests.supply.support import (
    CREATE,
    CREATE_COHORT,
    UPDATE,
    UPDATE_COHORT,
    AddCohort,
    AddProgram,
    SupplyRows,
    program_input,
)
from tests.support.graphql import GraphQLClient
from tests.support.world import World, global_id

Errors = list[tuple[tuple[str, ...], str]]


def _errors(payload: dict[str, Any]) -> Errors:
    return [(tuple(error["field"]), error["code"]) for error in payload["userErrors"]]


async def test_every_bad_program_field_is_reported_at_once(
    gql: GraphQLClient, world: World, supply_rows: SupplyRows
) -> None:
    before = await supply_rows(world.id)
    given = program_input(
        world,
        name="   ",
        description="x" * 5001,
        cipCode="99.9998",
        occupationCodes=["51-4121", "51-4121", "99-9999"],
        skills=[
            {"skillId": "2.B.3.h", "level": 5},
            {"skillId": "2.B.3.h", "level": 0},
            {"skillId": "no.such.skill", "level": 2},
        ],
        credential={
            "kind": "CERTIFICATE",
            "name": "n" * 201,
            "ctid": "CE-3F1A0B2C-4D5E-4F60-8A7B-9C0D1E2F3A4B",
        },
        hours=0,
        weeks=-3,
        cost={"amountMinor": "-100", "currency": "XXX"},
        workBasedLearning=["NONE", "INTERNSHIP"],
        externalId="e" * 101,
    )

    body = await gql(CREATE, {"input": given}, token=world.tokens["college_admin"])

    payload = body["data"]["createTrainingProgram"]
    assert payload["trainingProgram"] is None
    assert _errors(payload) == [
        (("name",), "BLANK"),
        (("description",), "TOO_LONG"),
        (("cipCode",), "NOT_FOUND"),
        (("occupationCodes", "1"), "DUPLICATE"),
        (("occupationCodes", "2"), "NOT_FOUND"),
        (("skills", "0", "level"), "OUT_OF_RANGE"),
        (("skills", "1", "skillId"), "DUPLICATE"),
        (("skills", "1", "level"), "OUT_OF_RANGE"),
        (("skills", "2", "skillId"), "NOT_FOUND"),
        (("credential", "name"), "TOO_LONG"),
        (("credential", "ctid"), "INVALID"),
        (("hours",), "OUT_OF_RANGE"),
        (("weeks",), "OUT_OF_RANGE"),
        (("cost", "currency"), "INVALID"),
        (("cost", "amountMinor"), "OUT_OF_RANGE"),
        (("workBasedLearning",), "INVALID"),
        (("externalId",), "TOO_LONG"),
    ]
    assert await supply_rows(world.id) == before


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        (
            {"cipCode": "48.05"},
            [(("cipCode",), "INVALID", "cipCode must be a 6-digit CIP 2020 code, e.g. 48.0501.")],
        ),
        (
            {"cipCode": "48"},
            [(("cipCode",), "INVALID", "cipCode must be a 6-digit CIP 2020 code, e.g. 48.0501.")],
        ),
        (
            {"cipCode": "12.3456"},
            [(("cipCode",), "NOT_FOUND", "No CIP 2020 program with code '12.3456'.")],
        ),
        ({"cipCode": ""}, [(("cipCode",), "REQUIRED", "cipCode is required.")]),
        ({"name": "n" * 201}, [(("name",), "TOO_LONG", "Use at most 200 characters.")]),
        (
            {"occupationCodes": ["51-4041"] * 21},
            [(("occupationCodes",), "TOO_MANY", "A program lists at most 20 occupations.")],
        ),
        (
            {"skills": [{"skillId": "2.B.3.h", "level": 1}] * 31},
            [(("skills",), "TOO_MANY", "A program teaches at most 30 skills.")],
        ),
        (
            {"credential": {"kind": "NONE", "name": "Something"}},
            [
                (
                    ("credential", "name"),
                    "INVALID",
                    "A program that earns no credential (NONE) has no credential name or CTID.",
                )
            ],
        ),
        (
            {"credential": {"kind": "CERTIFICATE", "ctid": "ce-not-a-uuid"}},
            [
                (
                    ("credential", "ctid"),
                    "INVALID",
                    "ctid must be a Credential Engine CTID: ce- and a lowercase UUID.",
                )
            ],
        ),
        (
            {"cost": {"amountMinor": "12.50", "currency": "USD"}},
            [
                (
                    ("cost", "amountMinor"),
                    "INVALID",
                    "Give the cost in the currency's smallest unit (cents for USD) as digits, "
                    "e.g. 250000 for $2,500.00.",
                )
            ],
        ),
        ({"cost": {"amountMinor": "0", "currency": "usd"}}, []),
        ({"hours": 10001}, [(("hours",), "OUT_OF_RANGE", "hours must be between 1 and 10000.")]),
        ({"weeks": 521}, [(("weeks",), "OUT_OF_RANGE", "weeks must be between 1 and 520.")]),
    ],
)
async def test_one_bad_program_field(
    gql: GraphQLClient,
    world: World,
    supply_rows: SupplyRows,
    overrides: dict[str, Any],
    expected: list[tuple[tuple[str, ...], str, str]],
) -> None:
    before = await supply_rows(world.id)

    body = await gql(
        CREATE, {"input": program_input(world, **overrides)}, token=world.tokens["admin"]
    )

    payload = body["data"]["createTrainingProgram"]
    assert [(tuple(e["field"]), e["code"], e["message"]) for e in payload["userErrors"]] == expected
    assert (payload["trainingProgram"] is None) == bool(expected)
    if expected:
        assert await supply_rows(world.id) == before


@pytest.mark.parametrize(
    ("organization", "message", "code"),
    [
        (
            "employer",
            "Only providers run training programs: TRAINING_PROVIDER, "
            "EDUCATION_INSTITUTION, WORKER_ORGANIZATION, COMMUNITY_ORGANIZATION.",
            "INVALID",
        ),
        (
            "convener",
            "Only providers run training programs: TRAINING_PROVIDER, "
            "EDUCATION_INSTITUTION, WORKER_ORGANIZATION, COMMUNITY_ORGANIZATION.",
            "INVALID",
        ),
    ],
)
async def test_only_a_provider_kind_runs_programs(
    gql: GraphQLClient,
    world: World,
    supply_rows: SupplyRows,
    organization: str,
    message: str,
    code: str,
) -> None:
    body = await gql(
        CREATE, {"input": program_input(world, organization)}, token=world.tokens["admin"]
    )

    assert body["data"]["createTrainingProgram"]["userErrors"] == [
        {"field": ["organizationId"], "message": message, "code": code}
    ]
    assert (await supply_rows(world.id))["training_programs"] == []


async def test_an_update_cannot_clear_required_fields(
    gql: GraphQLClient, world: World, new_program: AddProgram, supply_rows: SupplyRows
) -> None:
    program_id = global_id("TrainingProgram", await new_program(world))
    before = await supply_rows(world.id)

    body = await gql(
        UPDATE,
        {
            "input": {
                "id": program_id,
                "name": None,
                "cipCode": None,
                "credential": None,
                "modality": None,
                "isEligibleTrainingProvider": None,
            }
        },
        token=world.tokens["college_admin"],
    )

    assert _errors(body["data"]["updateTrainingProgram"]) == [
        (("name",), "BLANK"),
        (("cipCode",), "REQUIRED"),
        (("credential",), "REQUIRED"),
        (("modality",), "REQUIRED"),
        (("isEligibleTrainingProvider",), "INVALID"),
    ]
    assert await supply_rows(world.id) == before


async def test_every_bad_cohort_field_is_reported_at_once(
    gql: GraphQLClient, world: World, new_program: AddProgram, supply_rows: SupplyRows
) -> None:
    program_id = global_id("TrainingProgram", await new_program(world))
    before = await supply_rows(world.id)

    body = await gql(
        CREATE_COHORT,
        {
            "input": {
                "programId": program_id,
                "startsOn": "2027-09-06",
                "endsOn": "2027-09-05",
                "seats": -1,
                "enrolled": -2,
                "expectedCompletionRate": 100.5,
            }
        },
        token=world.tokens["college_admin"],
    )

    assert body["data"]["createCohort"]["userErrors"] == [
        {
            "field": ["seats"],
            "message": "seats must be between 0 and 10000.",
            "code": "OUT_OF_RANGE",
        },
        {
            "field": ["enrolled"],
            "message": "enrolled must be between 0 and 10000.",
            "code": "OUT_OF_RANGE",
        },
        {
            "field": ["expectedCompletionRate"],
            "message": "expectedCompletionRate must be between 0 and 100.",
            "code": "OUT_OF_RANGE",
        },
        {
            "field": ["endsOn"],
            "message": "endsOn must not be before startsOn.",
            "code": "OUT_OF_RANGE",
        },
    ]
    assert await supply_rows(world.id) == before


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ({"enrolled": 21}, [(("enrolled",), "enrolled must not be more than seats.")]),
        ({"seats": 10}, [(("seats",), "enrolled must not be more than seats.")]),
        (
            {"expectedCompletionRate": -0.01},
            [(("expectedCompletionRate",), "expectedCompletionRate must be between 0 and 100.")],
        ),
        (
            {"expectedCompletionRate": 80.125},
            [(("expectedCompletionRate",), "expectedCompletionRate has at most two decimals.")],
        ),
        ({"endsOn": "2027-09-01"}, [(("endsOn",), "endsOn must not be before startsOn.")]),
        ({"startsOn": "2028-01-01"}, [(("endsOn",), "endsOn must not be before startsOn.")]),
        ({"seats": None}, [(("seats",), "seats is required.")]),
        ({"status": "COMPLETED"}, [(("status",), "a PLANNED cohort cannot become COMPLETED.")]),
    ],
)
async def test_one_bad_cohort_change(
    gql: GraphQLClient,
    world: World,
    new_program: AddProgram,
    new_cohort: AddCohort,
    supply_rows: SupplyRows,
    given: dict[str, Any],
    expected: list[tuple[tuple[str, ...], str]],
) -> None:
    cohort_id = await new_cohort(world, await new_program(world), enrolled=15)
    before = await supply_rows(world.id)

    body = await gql(
        UPDATE_COHORT,
        {"input": {"id": global_id("Cohort", cohort_id), **given}},
        token=world.tokens["college_admin"],
    )

    errors = body["data"]["updateCohort"]["userErrors"]
    assert [(tuple(e["field"]), e["message"]) for e in errors] == expected
    assert await supply_rows(world.id) == before
