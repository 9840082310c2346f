"""Adding and changing participant records through the API: every field read back, and
a userError for every bad field."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from coalition.db.engine import SessionFactory
from coalition.errors import InvalidInput
from coalition.outcomes.models import TrainingServiceType
from tests.outcomes.support import (
    CREATE,
    UPDATE,
    CollegeProgram,
    add_record,
    errors_of,
    record_input,
    usd,
)
from tests.support.graphql import GraphQLClient
from tests.support.world import World, global_id


async def test_a_record_is_created_with_every_field_read_back(
    gql: GraphQLClient, world: World, college_program: CollegeProgram
) -> None:
    cohort = global_id("Cohort", college_program.cohort_id)
    body = await gql(
        CREATE, {"input": record_input(world, cohortId=cohort)}, token=world.tokens["college_admin"]
    )

    payload = body["data"]["createParticipantRecord"]
    assert payload["userErrors"] == []
    record = payload["participantRecord"]
    record.pop("id")
    assert record == {
        "participantIdentifier": "LC-2026-0001",
        "organizationId": global_id("Organization", world.organizations["college"]),
        "programId": global_id("TrainingProgram", college_program.program_id),
        "cohortId": cohort,
        "initiativeId": None,
        "entryDate": "2026-01-12",
        "exitDate": "2026-06-12",
        "exitReason": "NONE_OF_THESE",
        "sex": "FEMALE",
        "hispanicLatino": True,
        "americanIndianAlaskaNative": None,
        "asian": None,
        "blackAfricanAmerican": None,
        "nativeHawaiianPacificIslander": None,
        "white": True,
        "raceNotSelfIdentified": None,
        "ageBand": "AGE_25_34",
        "veteranStatus": "NO",
        "barriers": ["LOW_INCOME", "SINGLE_PARENT"],
        "trainingServiceType": "OCCUPATIONAL_SKILLS",
        "trainingCompleted": True,
        "credentials": [{"type": "OCCUPATIONAL_CERTIFICATE", "attainedOn": "2026-06-12"}],
        "skillGains": [{"type": "TRAINING_MILESTONE", "achievedOn": "2026-03-02"}],
        "employedQ1": "EMPLOYED",
        "employedQ2": "EMPLOYED",
        "employedQ3": None,
        "employedQ4": None,
        "employerId": global_id("Organization", world.organizations["employer"]),
        "employerIsOther": False,
        "occupationCode": "51-4041",
        "isRelatedToTraining": True,
        "sameEmployerQ2Q4": True,
        "hourlyWage": {"amountMinor": "2350", "currency": "USD"},
        "earningsQ2": {"amountMinor": "1050000", "currency": "USD"},
        "earningsQ4": None,
    }


async def test_an_update_changes_only_the_given_fields_and_null_clears(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    record_id = await add_record(owner_sessions, world, hourly_wage_cents=2000)
    body = await gql(
        UPDATE,
        {
            "input": {
                "id": global_id("ParticipantRecord", record_id),
                "exitDate": "2026-05-29",
                "hourlyWage": None,
                "employerIsOther": True,
                "employedQ4": "UNKNOWN",
            }
        },
        token=world.tokens["college_admin"],
    )

    payload = body["data"]["updateParticipantRecord"]
    assert payload["userErrors"] == []
    record = payload["participantRecord"]
    assert (record["participantIdentifier"], record["entryDate"], record["exitDate"]) == (
        "LC-0001",
        "2026-01-12",
        "2026-05-29",
    )
    assert (record["hourlyWage"], record["employerIsOther"], record["employedQ4"]) == (
        None,
        True,
        "UNKNOWN",
    )


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"participantIdentifier": "123-45-6789"}, [("participantIdentifier", "LOOKS_LIKE_SSN")]),
        ({"participantIdentifier": "123456789"}, [("participantIdentifier", "LOOKS_LIKE_SSN")]),
        (
            {"participantIdentifier": "ID 123 45 6789"},
            [("participantIdentifier", "LOOKS_LIKE_SSN")],
        ),
        ({"participantIdentifier": "   "}, [("participantIdentifier", "REQUIRED")]),
        ({"participantIdentifier": "x" * 41}, [("participantIdentifier", "TOO_LONG")]),
        ({"entryDate": None}, [("entryDate", "REQUIRED")]),
        ({"exitDate": "2026-01-11"}, [("exitDate", "OUT_OF_RANGE")]),
        ({"exitDate": None}, [("exitReason", "INVALID")]),
        ({"entryDate": "1989-12-31"}, [("entryDate", "OUT_OF_RANGE")]),
        (
            {"credentials": [{"type": "ASSOCIATE_DEGREE", "attainedOn": "2025-12-01"}]},
            [("credentials.0.attainedOn", "OUT_OF_RANGE")],
        ),
        (
            {"credentials": [{"type": "ASSOCIATE_DEGREE", "attainedOn": "2026-06-01"}] * 4},
            [("credentials", "TOO_MANY")],
        ),
        (
            {"skillGains": [{"type": "TRAINING_MILESTONE", "achievedOn": "2026-01-01"}]},
            [("skillGains.0.achievedOn", "OUT_OF_RANGE")],
        ),
        (
            {"skillGains": [{"type": "TRAINING_MILESTONE", "achievedOn": "2026-03-01"}] * 2},
            [("skillGains.1.type", "DUPLICATE")],
        ),
        ({"hourlyWage": usd(0)}, [("hourlyWage.amountMinor", "OUT_OF_RANGE")]),
        ({"hourlyWage": usd(50_001)}, [("hourlyWage.amountMinor", "OUT_OF_RANGE")]),
        ({"earningsQ2": usd(-1)}, [("earningsQ2.amountMinor", "OUT_OF_RANGE")]),
        ({"earningsQ4": usd(100_000_001)}, [("earningsQ4.amountMinor", "OUT_OF_RANGE")]),
        (
            {"earningsQ4": {"amountMinor": "12.50", "currency": "USD"}},
            [("earningsQ4.amountMinor", "INVALID")],
        ),
        (
            {"hourlyWage": {"amountMinor": "2350", "currency": "CAD"}},
            [("hourlyWage.currency", "INVALID")],
        ),
        ({"occupationCode": "99-9999"}, [("occupationCode", "NOT_FOUND")]),
        ({"employerIsOther": True}, [("employerIsOther", "INVALID")]),
        ({"raceNotSelfIdentified": True}, [("raceNotSelfIdentified", "INVALID")]),
        ({"barriers": ["HOMELESS", "HOMELESS"]}, [("barriers", "DUPLICATE")]),
        ({"programId": "not-an-id"}, [("programId", "NOT_FOUND")]),
        ({"employedQ2": "NOT_EMPLOYED"}, [("sameEmployerQ2Q4", "INVALID")]),
        ({"employedQ4": "NOT_EMPLOYED"}, [("sameEmployerQ2Q4", "INVALID")]),
        (
            {"entryDate": "2026-07-01", "exitDate": "2026-06-30", "hourlyWage": usd(0)},
            [
                ("exitDate", "OUT_OF_RANGE"),
                ("hourlyWage.amountMinor", "OUT_OF_RANGE"),
                ("credentials.0.attainedOn", "OUT_OF_RANGE"),
                ("skillGains.0.achievedOn", "OUT_OF_RANGE"),
            ],
        ),
    ],
)
async def test_each_bad_field_is_a_user_error_and_nothing_is_written(
    gql: GraphQLClient,
    world: World,
    overrides: dict[str, Any],
    expected: list[tuple[str, str]],
) -> None:
    token = world.tokens["college_admin"]
    body = await gql(CREATE, {"input": record_input(world, **overrides)}, token=token)

    assert body["data"]["createParticipantRecord"]["participantRecord"] is None
    assert sorted(errors_of(body, "createParticipantRecord")) == sorted(expected)
    listed = await gql(
        "query($org: ID!) { participantRecords(organizationId: $org) { totalCount } }",
        {"org": record_input(world)["organizationId"]},
        token=token,
    )
    assert listed == {"data": {"participantRecords": {"totalCount": 0}}}


async def test_an_identifier_of_another_record_is_taken(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    await add_record(owner_sessions, world, participant_identifier="LC-2026-0001")
    second = await add_record(owner_sessions, world, participant_identifier="LC-2026-0002")
    token = world.tokens["college_admin"]

    created = await gql(CREATE, {"input": record_input(world)}, token=token)
    changed = await gql(
        UPDATE,
        {
            "input": {
                "id": global_id("ParticipantRecord", second),
                "participantIdentifier": "LC-2026-0001",
            }
        },
        token=token,
    )

    assert errors_of(created, "createParticipantRecord") == [("participantIdentifier", "TAKEN")]
    assert errors_of(changed, "updateParticipantRecord") == [("participantIdentifier", "TAKEN")]


async def test_a_program_of_another_member_or_a_cohort_of_another_program_is_refused(
    gql: GraphQLClient,
    world: World,
    owner_sessions: SessionFactory,
    college_program: CollegeProgram,
) -> None:
    from tests.supply.support import add_program, add_provider

    await add_provider(owner_sessions, world, "union")
    union_program = await add_program(
        owner_sessions, world, person="admin", organization="union", name="Union program"
    )
    other_program = await add_program(owner_sessions, world, name="Welding")
    token = world.tokens["college_admin"]

    foreign = await gql(
        CREATE,
        {"input": record_input(world, programId=global_id("TrainingProgram", union_program))},
        token=token,
    )
    mismatched = await gql(
        CREATE,
        {
            "input": record_input(
                world,
                programId=global_id("TrainingProgram", other_program),
                cohortId=global_id("Cohort", college_program.cohort_id),
            )
        },
        token=token,
    )

    assert errors_of(foreign, "createParticipantRecord") == [("programId", "NOT_FOUND")]
    assert errors_of(mismatched, "createParticipantRecord") == [("cohortId", "INVALID")]


async def test_an_update_is_checked_against_the_stored_record(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    record_id = await add_record(owner_sessions, world, exit_date=None)
    body = await gql(
        UPDATE,
        {"input": {"id": global_id("ParticipantRecord", record_id), "exitDate": "2026-01-11"}},
        token=world.tokens["college_admin"],
    )

    assert errors_of(body, "updateParticipantRecord") == [("exitDate", "OUT_OF_RANGE")]


TRAINING_FIELDS = "trainingServiceType trainingCompleted sameEmployerQ2Q4"
READ = f"""
query($id: ID!) {{ node(id: $id) {{ ... on ParticipantRecord {{ {TRAINING_FIELDS} }} }} }}"""


async def test_the_training_and_retention_fields_are_created_changed_cleared_and_read(
    gql: GraphQLClient, world: World
) -> None:
    token = world.tokens["college_admin"]
    created = await gql(
        CREATE,
        {
            "input": record_input(
                world,
                trainingServiceType="REGISTERED_APPRENTICESHIP",
                trainingCompleted=False,
                sameEmployerQ2Q4=False,
            )
        },
        token=token,
    )
    record_id = created["data"]["createParticipantRecord"]["participantRecord"]["id"]
    read_created = await gql(READ, {"id": record_id}, token=token)

    changed = await gql(
        UPDATE,
        {
            "input": {
                "id": record_id,
                "trainingServiceType": "ON_THE_JOB",
                "trainingCompleted": True,
                "sameEmployerQ2Q4": True,
            }
        },
        token=token,
    )
    read_changed = await gql(READ, {"id": record_id}, token=token)
    cleared = await gql(
        UPDATE,
        {"input": {"id": record_id, "trainingServiceType": None, "sameEmployerQ2Q4": None}},
        token=token,
    )
    read_cleared = await gql(READ, {"id": record_id}, token=token)

    assert read_created["data"]["node"] == {
        "trainingServiceType": "REGISTERED_APPRENTICESHIP",
        "trainingCompleted": False,
        "sameEmployerQ2Q4": False,
    }
    assert changed["data"]["updateParticipantRecord"]["userErrors"] == []
    assert read_changed["data"]["node"] == {
        "trainingServiceType": "ON_THE_JOB",
        "trainingCompleted": True,
        "sameEmployerQ2Q4": True,
    }
    assert cleared["data"]["updateParticipantRecord"]["userErrors"] == []
    assert read_cleared["data"]["node"] == {
        "trainingServiceType": None,
        "trainingCompleted": True,
        "sameEmployerQ2Q4": None,
    }


async def test_an_update_to_not_employed_is_refused_while_retention_is_yes(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    record_id = await add_record(
        owner_sessions, world, exit_date=date(2026, 6, 12), same_employer_q2_q4=True
    )
    token = world.tokens["college_admin"]

    refused = await gql(
        UPDATE,
        {"input": {"id": global_id("ParticipantRecord", record_id), "employedQ4": "NOT_EMPLOYED"}},
        token=token,
    )
    both = await gql(
        UPDATE,
        {
            "input": {
                "id": global_id("ParticipantRecord", record_id),
                "employedQ4": "NOT_EMPLOYED",
                "sameEmployerQ2Q4": False,
            }
        },
        token=token,
    )

    assert errors_of(refused, "updateParticipantRecord") == [("employedQ4", "INVALID")]
    assert refused["data"]["updateParticipantRecord"]["userErrors"][0]["message"] == (
        "Retention with the same employer in the 2nd and 4th quarters after exit needs "
        "employment in both."
    )
    assert errors_of(both, "updateParticipantRecord") == []


async def test_a_training_service_type_the_enum_lacks_lists_the_valid_ones(
    gql: GraphQLClient, world: World
) -> None:
    body = await gql(
        CREATE,
        {"input": record_input(world, trainingServiceType="APPRENTICESHIP")},
        token=world.tokens["college_admin"],
    )

    assert body["data"] is None
    [error] = body["errors"]
    assert error["message"].startswith(
        "Variable '$input' has invalid value at .trainingServiceType: Value 'APPRENTICESHIP' "
        "does not exist in 'TrainingServiceType' enum. Valid values: OCCUPATIONAL_SKILLS, "
    )


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (
            {"training_service_type": "01"},
            ("trainingServiceType", "INVALID", ", ".join(TrainingServiceType)),
        ),
        ({"training_completed": "yes"}, ("trainingCompleted", "INVALID", "true or false")),
        ({"same_employer_q2_q4": 1}, ("sameEmployerQ2Q4", "INVALID", "true or false")),
    ],
)
async def test_the_service_refuses_a_training_or_retention_value_of_the_wrong_type(
    owner_sessions: SessionFactory,
    world: World,
    fields: dict[str, Any],
    expected: tuple[str, str, str],
) -> None:
    with pytest.raises(InvalidInput) as refused:
        await add_record(owner_sessions, world, **fields)

    [error] = refused.value.errors
    path, code, said = expected
    assert (".".join(error.field), error.code) == (path, code)
    assert said in error.message
