"""Each supply mutation tried by each person of the world and each partner app: the
refused ones write nothing (but their denial, in the audit log).

The rules (supply/permissions.py): the provider's own organization admins and
partnership admins create and change its programs and cohorts; its members, analysts,
other organizations' admins and partner apps (read, read+write, programs:read) never
do; without a token nothing at all. The program acted on is ACTIVE, so every caller
can see it and a refusal is FORBIDDEN, not a missing ID.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from coalition.db.engine import SessionFactory
from tests.supply.support import (
    CREATE,
    CREATE_COHORT,
    IMPORT,
    SET_STATUS,
    UPDATE,
    UPDATE_COHORT,
    AddCohort,
    AddProgram,
    program_input,
)
from tests.support.graphql import GraphQLClient, error_codes
from tests.support.snapshots import Rows, snapshot
from tests.support.world import World, global_id

ACTORS = [
    "admin",
    "analyst",
    "org_admin",
    "member",
    "other_org_admin",
    "college_admin",
    "college_member",
    "reader",
    "writer",
    "programs_reader",
    None,
]
EDITORS = frozenset({"admin", "college_admin"})
SUPPLY = (
    "training_programs",
    "training_program_occupations",
    "training_program_skills",
    "training_cohorts",
)
Check = Callable[[uuid.UUID, uuid.UUID, Rows, Rows], None]


def _unchanged_except(before: Rows, after: Rows, *tables: str) -> None:
    for name in before:
        if name not in (*tables, "audit_events"):
            assert after[name] == before[name], name


def _one_more_event(before: Rows, after: Rows) -> None:
    assert len(after["audit_events"]) == len(before["audit_events"]) + 1


def _new_program(program_id: uuid.UUID, cohort_id: uuid.UUID, before: Rows, after: Rows) -> None:
    _unchanged_except(before, after, *SUPPLY)
    known = {row["id"] for row in before["training_programs"]}
    [new] = [row for row in after["training_programs"] if row["id"] not in known]
    assert new["name"] == "Welding Technology"
    assert (
        len(after["training_program_occupations"])
        == len(before["training_program_occupations"]) + 1
    )
    _one_more_event(before, after)


def _program_changed(**columns: Any) -> Check:
    def check(program_id: uuid.UUID, cohort_id: uuid.UUID, before: Rows, after: Rows) -> None:
        _unchanged_except(before, after, "training_programs")
        [new] = [row for row in after["training_programs"] if row["id"] == program_id]
        assert {key: new[key] for key in columns} == columns
        _one_more_event(before, after)

    return check


def _new_cohort(program_id: uuid.UUID, cohort_id: uuid.UUID, before: Rows, after: Rows) -> None:
    _unchanged_except(before, after, "training_cohorts")
    assert len(after["training_cohorts"]) == len(before["training_cohorts"]) + 1
    _one_more_event(before, after)


def _cohort_changed(program_id: uuid.UUID, cohort_id: uuid.UUID, before: Rows, after: Rows) -> None:
    _unchanged_except(before, after, "training_cohorts")
    [new] = [row for row in after["training_cohorts"] if row["id"] == cohort_id]
    assert (new["seats"], new["status"]) == (30, "ENROLLING")
    _one_more_event(before, after)


def _imported(program_id: uuid.UUID, cohort_id: uuid.UUID, before: Rows, after: Rows) -> None:
    _unchanged_except(before, after, *SUPPLY)
    known = {row["id"] for row in before["training_programs"]}
    [new] = [row for row in after["training_programs"] if row["id"] not in known]
    assert (new["name"], new["external_id"]) == ("Welding Technology", "P-9")
    known_events = {row["id"] for row in before["audit_events"]}
    added = sorted(row["action"] for row in after["audit_events"] if row["id"] not in known_events)
    assert added == ["training_program.create", "training_program.import"]


@dataclass(frozen=True)
class Case:
    document: str
    variables: Callable[[World, uuid.UUID, uuid.UUID], dict[str, Any]]
    effect: Check


CASES: dict[str, Case] = {
    "createTrainingProgram": Case(
        CREATE, lambda world, p, c: {"input": program_input(world)}, _new_program
    ),
    "updateTrainingProgram": Case(
        UPDATE,
        lambda world, p, c: {"input": {"id": global_id("TrainingProgram", p), "hours": 123}},
        _program_changed(hours=123),
    ),
    "setTrainingProgramStatus": Case(
        SET_STATUS,
        lambda world, p, c: {
            "input": {"id": global_id("TrainingProgram", p), "status": "DISCONTINUED"}
        },
        _program_changed(status="DISCONTINUED"),
    ),
    "createCohort": Case(
        CREATE_COHORT,
        lambda world, p, c: {
            "input": {
                "programId": global_id("TrainingProgram", p),
                "startsOn": "2028-01-10",
                "endsOn": "2028-05-01",
                "seats": 12,
                "expectedCompletionRate": 90,
            }
        },
        _new_cohort,
    ),
    "updateCohort": Case(
        UPDATE_COHORT,
        lambda world, p, c: {
            "input": {"id": global_id("Cohort", c), "seats": 30, "status": "ENROLLING"}
        },
        _cohort_changed,
    ),
    "importTrainingPrograms": Case(
        IMPORT,
        lambda world, p, c: {
            "input": {
                "organizationId": global_id("Organization", world.organizations["college"]),
                "csv": "program_id,name,cip_code,modality,occupations\n"
                "P-9,Welding Technology,48.0508,in_person,51-4121\n",
            }
        },
        _imported,
    ),
}


@pytest.mark.parametrize("actor", ACTORS, ids=lambda actor: actor or "anonymous")
@pytest.mark.parametrize("case_name", list(CASES))
async def test_each_supply_mutation_by_each_actor(
    gql: GraphQLClient,
    world: World,
    owner_sessions: SessionFactory,
    new_program: AddProgram,
    new_cohort: AddCohort,
    programs_reader: str,
    case_name: str,
    actor: str | None,
) -> None:
    # given
    case = CASES[case_name]
    program_id = await new_program(world)
    cohort_id = await new_cohort(world, program_id)
    token = (
        programs_reader if actor == "programs_reader" else world.tokens[actor] if actor else None
    )
    before = await snapshot(owner_sessions, world.id)

    # when
    body = await gql(case.document, case.variables(world, program_id, cohort_id), token=token)

    # then
    after = await snapshot(owner_sessions, world.id)
    if actor in EDITORS:
        assert "errors" not in body, body
        assert body["data"][case_name]["userErrors"] == []
        case.effect(program_id, cohort_id, before, after)
    else:
        expected = "UNAUTHENTICATED" if actor is None else "FORBIDDEN"
        assert error_codes(body) == [expected]
        assert body["errors"][0]["path"] == [case_name]
        assert body["data"] is None
        _unchanged_except(before, after)
        known = {row["id"] for row in before["audit_events"]}
        added = [row["action"] for row in after["audit_events"] if row["id"] not in known]
        assert added == ([] if actor is None else [f"{case_name}.denied"])


@pytest.mark.parametrize(
    "case_name",
    ["updateTrainingProgram", "setTrainingProgramStatus", "createCohort", "updateCohort"],
)
async def test_a_draft_program_of_another_provider_is_not_found_not_forbidden(
    gql: GraphQLClient,
    world: World,
    owner_sessions: SessionFactory,
    new_program: AddProgram,
    new_cohort: AddCohort,
    case_name: str,
) -> None:
    program_id = await new_program(world, status="DRAFT")
    cohort_id = await new_cohort(world, program_id)
    before = await snapshot(owner_sessions, world.id)
    case = CASES[case_name]

    body = await gql(
        case.document,
        case.variables(world, program_id, cohort_id),
        token=world.tokens["org_admin"],
    )

    payload = body["data"][case_name]
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        (["programId"] if case_name == "createCohort" else ["id"], "NOT_FOUND")
    ]
    assert await snapshot(owner_sessions, world.id) == before


def test_the_matrix_covers_every_supply_mutation() -> None:
    from coalition.supply.schema import Mutation

    definition = Mutation.__strawberry_definition__  # type: ignore[attr-defined]
    names = {field.python_name for field in definition.fields}
    camel = {name.split("_")[0] + "".join(p.title() for p in name.split("_")[1:]) for name in names}

    assert camel == set(CASES)
