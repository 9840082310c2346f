"""Partnership admins change their partnership's settings (the pooled-demand rule)."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.support.graphql import GraphQLClient, error_codes
from tests.support.world import World

UPDATE = """
mutation($input: UpdateTenantSettingsInput!) {
  updateTenantSettings(input: $input) {
    tenant { settings { timeZone disclosureMinEmployers disclosureMaxSharePercent } }
    userErrors { field code }
  }
}"""
READ = "{ tenant { settings { timeZone disclosureMinEmployers disclosureMaxSharePercent } } }"
DEFAULTS = {
    "timeZone": "America/Chicago",
    "disclosureMinEmployers": 3,
    "disclosureMaxSharePercent": 80,
}


async def test_an_admin_tightens_the_disclosure_rule(gql: GraphQLClient, world: World) -> None:
    body = await gql(
        UPDATE, {"input": {"minEmployers": 4, "maxSharePercent": 75}}, token=world.tokens["admin"]
    )

    payload = body["data"]["updateTenantSettings"]
    assert payload["userErrors"] == []
    assert payload["tenant"]["settings"] == {
        "timeZone": "America/Chicago",
        "disclosureMinEmployers": 4,
        "disclosureMaxSharePercent": 75,
    }
    audit = await gql(
        "{ auditEvents(first: 1) { edges { node { action changes } } } }",
        token=world.tokens["admin"],
    )
    event = audit["data"]["auditEvents"]["edges"][0]["node"]
    assert event["action"] == "tenant.update_settings"
    assert event["changes"] == {
        "disclosure_min_employers": {"from": None, "to": 4},
        "disclosure_max_share_percent": {"from": None, "to": 75},
    }


async def test_the_change_stays_in_its_own_partnership(
    gql: GraphQLClient, world: World, other_world: World
) -> None:
    await gql(UPDATE, {"input": {"minEmployers": 5}}, token=world.tokens["admin"])

    other = await gql(READ, token=other_world.tokens["admin"])

    assert other["data"]["tenant"]["settings"] == DEFAULTS


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"minEmployers": 1}, ["minEmployers"], "OUT_OF_RANGE"),
        ({"maxSharePercent": 49}, ["maxSharePercent"], "OUT_OF_RANGE"),
        ({"maxSharePercent": 101}, ["maxSharePercent"], "OUT_OF_RANGE"),
        ({"timeZone": "Mars/Olympus"}, ["timeZone"], "INVALID"),
        # Found by the schema fuzz test: a name too long for a file was a server error.
        ({"timeZone": "x" * 300}, ["timeZone"], "INVALID"),
        ({"timeZone": "../../../etc/passwd"}, ["timeZone"], "INVALID"),
    ],
)
async def test_unsafe_settings_are_refused_and_nothing_changes(
    gql: GraphQLClient, world: World, change: dict[str, object], field: list[str], code: str
) -> None:
    body = await gql(UPDATE, {"input": change}, token=world.tokens["admin"])

    assert body["data"]["updateTenantSettings"] == {
        "tenant": None,
        "userErrors": [{"field": field, "code": code}],
    }
    after = await gql(READ, token=world.tokens["admin"])
    assert after["data"]["tenant"]["settings"] == DEFAULTS


@pytest.mark.parametrize("actor", ["analyst", "org_admin", "member", "reader", "writer"])
async def test_only_partnership_admins_change_settings(
    gql: GraphQLClient, world: World, actor: str
) -> None:
    body = await gql(UPDATE, {"input": {"minEmployers": 2}}, token=world.tokens[actor])

    assert error_codes(body) == ["FORBIDDEN"]
    after = await gql(READ, token=world.tokens["admin"])
    assert after["data"]["tenant"]["settings"] == DEFAULTS


async def test_the_app_role_cannot_update_another_partnership(
    app_engine: AsyncEngine, world: World, other_world: World
) -> None:
    async with app_engine.connect() as connection:
        await connection.execute(text(f"SET LOCAL app.tenant_id = '{world.id}'"))
        own = await connection.execute(
            text("UPDATE tenants SET name = name WHERE id = :id"), {"id": world.id}
        )
        other = await connection.execute(
            text("UPDATE tenants SET name = 'Taken over' WHERE id = :id"), {"id": other_world.id}
        )
        await connection.rollback()

    assert own.rowcount == 1
    assert other.rowcount == 0


async def test_an_admin_changes_the_time_zone(gql: GraphQLClient, world: World) -> None:
    body = await gql(
        UPDATE, {"input": {"timeZone": "America/Detroit"}}, token=world.tokens["admin"]
    )

    assert body["data"]["updateTenantSettings"] == {
        "tenant": {"settings": {**DEFAULTS, "timeZone": "America/Detroit"}},
        "userErrors": [],
    }
    after = await gql(READ, token=world.tokens["admin"])
    assert after["data"]["tenant"]["settings"]["timeZone"] == "America/Detroit"


async def test_every_bad_setting_is_reported_at_once(gql: GraphQLClient, world: World) -> None:
    body = await gql(
        UPDATE,
        {"input": {"minEmployers": 1, "maxSharePercent": 49, "timeZone": "Mars/Olympus"}},
        token=world.tokens["admin"],
    )

    assert body["data"]["updateTenantSettings"] == {
        "tenant": None,
        "userErrors": [
            {"field": ["minEmployers"], "code": "OUT_OF_RANGE"},
            {"field": ["maxSharePercent"], "code": "OUT_OF_RANGE"},
            {"field": ["timeZone"], "code": "INVALID"},
        ],
    }
