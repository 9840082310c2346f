"""importTrainingPrograms: a provider's CSV file becomes programs, all rows or none,
and importing it again updates instead of duplicating."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from coalition.audit.models import AuditEvent
from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from tests.supply.support import IMPORT, SupplyRows
from tests.supply.support import PROGRAMS_EXAMPLE as EXAMPLE
from tests.support.graphql import GraphQLClient
from tests.support.world import World, global_id

HEADER = "program_id,name,cip_code,modality,occupations,skills,cost,etpl,status\n"


def import_input(world: World, text: str, organization: str = "college") -> dict[str, Any]:
    return {
        "input": {
            "organizationId": global_id("Organization", world.organizations[organization]),
            "csv": text,
        }
    }


async def imported(
    gql: GraphQLClient, world: World, text: str, person: str = "college_admin"
) -> dict[str, Any]:
    body = await gql(IMPORT, import_input(world, text), token=world.tokens[person])
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"]["importTrainingPrograms"]
    return result


async def test_the_example_file_imports_every_row(
    gql: GraphQLClient, world: World, supply_rows: SupplyRows
) -> None:
    result = await imported(gql, world, EXAMPLE.read_text())

    assert result == {
        "importedCount": 3,
        "createdCount": 3,
        "updatedCount": 0,
        "unchangedCount": 0,
        "rowErrors": [],
        "userErrors": [],
    }
    rows = await supply_rows(world.id)
    [welding] = [r for r in rows["training_programs"] if r["external_id"] == "LCC-WELD-110"]
    assert {
        key: welding[key]
        for key in (
            "name",
            "cip_code",
            "modality",
            "credential_kind",
            "credential_name",
            "hours",
            "weeks",
            "cost_minor",
            "currency",
            "schedules",
            "work_based_learning",
            "supports",
            "is_etpl",
            "status",
            "organization_id",
        )
    } == {
        "name": "Welding Fundamentals",
        "cip_code": "48.0508",
        "modality": "IN_PERSON",
        "credential_kind": "INDUSTRY_CERTIFICATION",
        "credential_name": "AWS Certified Welder",
        "hours": 360,
        "weeks": 12,
        "cost_minor": 275_000,
        "currency": "USD",
        "schedules": ["EVENING"],
        "work_based_learning": ["PRE_APPRENTICESHIP"],
        "supports": ["TRANSPORTATION"],
        "is_etpl": True,
        "status": "ACTIVE",
        "organization_id": world.organizations["college"],
    }
    assert sorted(
        (r["skill_id"], r["level"])
        for r in rows["training_program_skills"]
        if r["program_id"] == welding["id"]
    ) == [("2.B.3.h", 3), ("2.B.3.m", 2), ("ES.safety-awareness", 3)]
    assert [
        r["occupation_code"]
        for r in rows["training_program_occupations"]
        if r["program_id"] == welding["id"]
    ] == ["51-4121"]
    statuses = sorted(r["status"] for r in rows["training_programs"])
    assert statuses == ["ACTIVE", "ACTIVE", "DRAFT"]


async def test_importing_the_same_file_again_changes_nothing(
    gql: GraphQLClient, world: World, supply_rows: SupplyRows, owner_sessions: SessionFactory
) -> None:
    await imported(gql, world, EXAMPLE.read_text())
    before = await supply_rows(world.id)

    again = await imported(gql, world, EXAMPLE.read_text())

    assert (again["createdCount"], again["updatedCount"], again["unchangedCount"]) == (0, 0, 3)
    assert await supply_rows(world.id) == before
    async with tenant_transaction(owner_sessions, world.id) as session:
        actions = list(
            await session.scalars(
                select(AuditEvent.action)
                .where(AuditEvent.tenant_id == world.id)
                .where(AuditEvent.action.like("training_program.%"))
                .order_by(AuditEvent.occurred_at, AuditEvent.action)
            )
        )
    assert actions.count("training_program.create") == 3
    assert actions.count("training_program.import") == 2
    assert "training_program.update" not in actions


async def test_a_changed_row_updates_its_program_and_a_blank_status_keeps_it(
    gql: GraphQLClient, world: World, supply_rows: SupplyRows
) -> None:
    first = HEADER + "P-1,Welding,48.0508,in_person,51-4121,2.B.3.h:2,100.00,yes,draft\n"
    await imported(gql, world, first)

    changed = HEADER + "P-1,Welding II,48.0508,online,,,,no,\n"
    result = await imported(gql, world, changed)

    assert (result["createdCount"], result["updatedCount"]) == (0, 1)
    rows = await supply_rows(world.id)
    [program] = rows["training_programs"]
    assert (program["name"], program["modality"], program["status"]) == (
        "Welding II",
        "ONLINE",
        "DRAFT",
    )
    # blank cells take a new program's values: no cost, no occupations, no skills
    assert (program["cost_minor"], program["is_etpl"]) == (None, False)
    assert rows["training_program_occupations"] == []
    assert rows["training_program_skills"] == []


async def test_every_bad_cell_is_reported_and_nothing_is_written(
    gql: GraphQLClient, world: World, supply_rows: SupplyRows
) -> None:
    text = (
        HEADER
        + "A,Good,48.0508,in_person,51-4121,2.B.3.h:2,100.00,yes,active\n"
        + "B,,99.9999,boat,99-9999,2.B.3.h:9;nope,12.345,maybe,gone\n"
        + "A,Twice,48.0508,online,,,,,\n"
    )

    result = await imported(gql, world, text)

    assert result["importedCount"] == 0
    assert sorted((e["line"], e["column"]) for e in result["rowErrors"]) == [
        (3, "cip_code"),
        (3, "cost"),
        (3, "etpl"),
        (3, "modality"),
        (3, "name"),
        (3, "occupations"),
        (3, "skills"),
        (3, "skills"),
        (3, "status"),
        (4, "program_id"),
    ]
    assert result["userErrors"] == [
        {
            "field": ["csv"],
            "message": "2 rows have errors; nothing was imported.",
            "code": "INVALID",
        }
    ]
    rows = await supply_rows(world.id)
    assert rows["training_programs"] == []


async def test_a_broken_file_is_refused_whole(gql: GraphQLClient, world: World) -> None:
    for text, column in (
        ("", "header"),
        ("name,cip_code\nX,48.0508\n", "modality"),
        ("name,cip_code,modality,colour\nX,48.0508,online,red\n", "colour"),
        ('name,cip_code,modality\n"X,48.0508,online\n', "row"),
        ("name,cip_code,modality\n", "row"),
    ):
        result = await imported(gql, world, text)
        assert result["importedCount"] == 0
        assert [e["column"] for e in result["rowErrors"]] == [column], text


async def test_only_the_providers_admins_and_the_convener_import(
    gql: GraphQLClient, world: World, supply_rows: SupplyRows
) -> None:
    text = EXAMPLE.read_text()
    for person in ("college_member", "org_admin", "member", "analyst"):
        body = await gql(IMPORT, import_input(world, text), token=world.tokens[person])
        assert body["data"] is None or body["data"]["importTrainingPrograms"] is None, person
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN", person
    assert (await supply_rows(world.id))["training_programs"] == []

    result = await imported(gql, world, text, person="admin")
    assert result["createdCount"] == 3


async def test_an_employer_cannot_be_given_programs(gql: GraphQLClient, world: World) -> None:
    body = await gql(
        IMPORT,
        import_input(world, EXAMPLE.read_text(), organization="employer"),
        token=world.tokens["admin"],
    )

    result = body["data"]["importTrainingPrograms"]
    assert result["importedCount"] == 0
    assert [e["field"] for e in result["userErrors"]] == [["organizationId"]]


async def test_another_partnerships_provider_reads_as_missing(
    gql: GraphQLClient, world: World, other_world: World
) -> None:
    body = await gql(
        IMPORT,
        {
            "input": {
                "organizationId": global_id("Organization", other_world.organizations["college"]),
                "csv": EXAMPLE.read_text(),
            }
        },
        token=world.tokens["admin"],
    )

    result = body["data"]["importTrainingPrograms"]
    assert [(e["field"], e["code"]) for e in result["userErrors"]] == [
        (["organizationId"], "NOT_FOUND")
    ]
