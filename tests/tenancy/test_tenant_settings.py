"""Partnership admins change their partnership's settings: the pooled-demand
disclosure rule, its release schedule and its time zone."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.support.graphql import GraphQLClient, error_codes
from tests.support.world import World

SETTINGS = """settings {
  timeZone disclosureMinEmployers disclosurePPercent
  disclosureNoiseMinPercent disclosureNoiseMaxPercent
  releaseEveryHours releaseMinIntervalHours
}"""
UPDATE = f"""
mutation($input: UpdateTenantSettingsInput!) {{
  updateTenantSettings(input: $input) {{
    tenant {{ {SETTINGS} }}
    userErrors {{ field code }}
  }}
}}"""
UPDATE_MESSAGES = """
mutation($input: UpdateTenantSettingsInput!) {
  updateTenantSettings(input: $input) { tenant { id } userErrors { field message code } }
}"""
READ = f"{{ tenant {{ {SETTINGS} }} }}"
AUDIT = "{ auditEvents(first: 5) { edges { node { action changes } } } }"
DEFAULTS = {
    "timeZone": "America/Chicago",
    "disclosureMinEmployers": 3,
    "disclosurePPercent": 10,
    "disclosureNoiseMinPercent": 10,
    "disclosureNoiseMaxPercent": 25,
    "releaseEveryHours": 24,
    "releaseMinIntervalHours": 6,
}


async def _events(gql: GraphQLClient, world: World) -> list[dict[str, Any]]:
    body = await gql(AUDIT, token=world.tokens["admin"])
    nodes = [edge["node"] for edge in body["data"]["auditEvents"]["edges"]]
    return [node for node in nodes if node["action"] == "tenant.update_settings"]


async def _stored(owner_engine: AsyncEngine, world: World) -> dict[str, Any]:
    async with owner_engine.connect() as connection:
        stored = await connection.scalar(
            text("SELECT settings FROM tenants WHERE id = :id"), {"id": world.id}
        )
    assert isinstance(stored, dict)
    return stored


async def test_an_admin_tightens_the_disclosure_rule(gql: GraphQLClient, world: World) -> None:
    body = await gql(
        UPDATE, {"input": {"minEmployers": 4, "pPercent": 15}}, token=world.tokens["admin"]
    )

    payload = body["data"]["updateTenantSettings"]
    assert payload["userErrors"] == []
    expected = {**DEFAULTS, "disclosureMinEmployers": 4, "disclosurePPercent": 15}
    assert payload["tenant"]["settings"] == expected
    after = await gql(READ, token=world.tokens["admin"])
    assert after["data"]["tenant"]["settings"] == expected
    # "from" is the value that was in effect: the default, never having been chosen.
    assert [event["changes"] for event in await _events(gql, world)] == [
        {
            "disclosure_min_employers": {"from": 3, "to": 4},
            "disclosure_p_percent": {"from": 10, "to": 15},
        }
    ]


async def test_an_admin_sets_the_noise_and_the_release_schedule(
    gql: GraphQLClient, world: World, owner_engine: AsyncEngine
) -> None:
    change = {
        "noiseMinPercent": 12,
        "noiseMaxPercent": 30,
        "releaseEveryHours": 48,
        "releaseMinIntervalHours": 12,
    }

    body = await gql(UPDATE, {"input": change}, token=world.tokens["admin"])

    expected = {
        **DEFAULTS,
        "disclosureNoiseMinPercent": 12,
        "disclosureNoiseMaxPercent": 30,
        "releaseEveryHours": 48,
        "releaseMinIntervalHours": 12,
    }
    assert body["data"]["updateTenantSettings"] == {
        "tenant": {"settings": expected},
        "userErrors": [],
    }
    assert (await gql(READ, token=world.tokens["admin"]))["data"]["tenant"]["settings"] == (
        expected
    )
    assert [event["changes"] for event in await _events(gql, world)] == [
        {
            "disclosure_noise_min_percent": {"from": 10, "to": 12},
            "disclosure_noise_max_percent": {"from": 25, "to": 30},
            "releases_every_hours": {"from": 24, "to": 48},
            "releases_min_interval_hours": {"from": 6, "to": 12},
        }
    ]
    # Only what was chosen is stored: the rest keeps following the defaults.
    assert await _stored(owner_engine, world) == {
        "time_zone": "America/Chicago",
        "disclosure": {"noise_min_percent": 12, "noise_max_percent": 30},
        "releases": {"every_hours": 48, "min_interval_hours": 12},
    }


async def test_a_later_change_keeps_the_earlier_choices(
    gql: GraphQLClient, world: World, owner_engine: AsyncEngine
) -> None:
    await gql(UPDATE, {"input": {"pPercent": 20}}, token=world.tokens["admin"])

    body = await gql(UPDATE, {"input": {"minEmployers": 5}}, token=world.tokens["admin"])

    assert body["data"]["updateTenantSettings"]["tenant"]["settings"] == {
        **DEFAULTS,
        "disclosureMinEmployers": 5,
        "disclosurePPercent": 20,
    }
    assert (await _stored(owner_engine, world))["disclosure"] == {
        "p_percent": 20,
        "min_employers": 5,
    }
    assert [event["changes"] for event in await _events(gql, world)] == [
        {"disclosure_min_employers": {"from": 3, "to": 5}},
        {"disclosure_p_percent": {"from": 10, "to": 20}},
    ]


async def test_a_time_zone_change_names_only_the_time_zone(
    gql: GraphQLClient, world: World
) -> None:
    body = await gql(
        UPDATE, {"input": {"timeZone": "America/Detroit"}}, token=world.tokens["admin"]
    )

    assert body["data"]["updateTenantSettings"] == {
        "tenant": {"settings": {**DEFAULTS, "timeZone": "America/Detroit"}},
        "userErrors": [],
    }
    after = await gql(READ, token=world.tokens["admin"])
    assert after["data"]["tenant"]["settings"]["timeZone"] == "America/Detroit"
    assert [event["changes"] for event in await _events(gql, world)] == [
        {"time_zone": {"from": "America/Chicago", "to": "America/Detroit"}}
    ]


async def test_the_values_already_in_effect_write_nothing(
    gql: GraphQLClient, world: World, owner_engine: AsyncEngine
) -> None:
    body = await gql(
        UPDATE,
        {"input": {"pPercent": 10, "releaseEveryHours": 24, "timeZone": "America/Chicago"}},
        token=world.tokens["admin"],
    )

    assert body["data"]["updateTenantSettings"] == {
        "tenant": {"settings": DEFAULTS},
        "userErrors": [],
    }
    assert await _events(gql, world) == []
    assert await _stored(owner_engine, world) == {"time_zone": "America/Chicago"}


async def test_the_change_stays_in_its_own_partnership(
    gql: GraphQLClient, world: World, other_world: World
) -> None:
    await gql(
        UPDATE, {"input": {"minEmployers": 5, "releaseEveryHours": 72}}, token=world.tokens["admin"]
    )

    other = await gql(READ, token=other_world.tokens["admin"])

    assert other["data"]["tenant"]["settings"] == DEFAULTS


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"minEmployers": 1}, ["minEmployers"], "OUT_OF_RANGE"),
        ({"minEmployers": 51}, ["minEmployers"], "OUT_OF_RANGE"),
        ({"pPercent": 0}, ["pPercent"], "OUT_OF_RANGE"),
        ({"pPercent": 51}, ["pPercent"], "OUT_OF_RANGE"),
        ({"noiseMinPercent": 4}, ["noiseMinPercent"], "OUT_OF_RANGE"),
        ({"noiseMinPercent": 41}, ["noiseMinPercent"], "OUT_OF_RANGE"),
        ({"noiseMaxPercent": 51}, ["noiseMaxPercent"], "OUT_OF_RANGE"),
        ({"releaseEveryHours": 0}, ["releaseEveryHours"], "OUT_OF_RANGE"),
        ({"releaseEveryHours": 745}, ["releaseEveryHours"], "OUT_OF_RANGE"),
        ({"releaseMinIntervalHours": 0}, ["releaseMinIntervalHours"], "OUT_OF_RANGE"),
        ({"releaseMinIntervalHours": 745}, ["releaseMinIntervalHours"], "OUT_OF_RANGE"),
        # Pairs: each value is allowed alone, not with the other in effect.
        ({"noiseMaxPercent": 14}, ["noiseMaxPercent"], "OUT_OF_RANGE"),
        ({"noiseMinPercent": 21}, ["noiseMinPercent"], "OUT_OF_RANGE"),
        ({"noiseMinPercent": 30, "noiseMaxPercent": 34}, ["noiseMaxPercent"], "OUT_OF_RANGE"),
        ({"releaseMinIntervalHours": 25}, ["releaseMinIntervalHours"], "OUT_OF_RANGE"),
        ({"releaseEveryHours": 5}, ["releaseEveryHours"], "OUT_OF_RANGE"),
        (
            {"releaseEveryHours": 4, "releaseMinIntervalHours": 5},
            ["releaseMinIntervalHours"],
            "OUT_OF_RANGE",
        ),
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
    assert await _events(gql, world) == []


@pytest.mark.parametrize(
    ("change", "values"),
    [
        # Each alone would not fit the other's value in effect (25, 10); together they do.
        ({"noiseMinPercent": 30, "noiseMaxPercent": 40}, (30, 40, 24, 6)),
        ({"noiseMinPercent": 5, "noiseMaxPercent": 10}, (5, 10, 24, 6)),
        ({"releaseEveryHours": 4, "releaseMinIntervalHours": 2}, (10, 25, 4, 2)),
        ({"releaseEveryHours": 744, "releaseMinIntervalHours": 744}, (10, 25, 744, 744)),
    ],
)
async def test_a_pair_changed_together_is_judged_together(
    gql: GraphQLClient, world: World, change: dict[str, int], values: tuple[int, ...]
) -> None:
    body = await gql(UPDATE, {"input": change}, token=world.tokens["admin"])

    payload = body["data"]["updateTenantSettings"]
    assert payload["userErrors"] == []
    settings = payload["tenant"]["settings"]
    assert (
        settings["disclosureNoiseMinPercent"],
        settings["disclosureNoiseMaxPercent"],
        settings["releaseEveryHours"],
        settings["releaseMinIntervalHours"],
    ) == values


async def test_a_pair_is_judged_with_the_earlier_choice(gql: GraphQLClient, world: World) -> None:
    await gql(
        UPDATE,
        {"input": {"noiseMinPercent": 20, "noiseMaxPercent": 30, "releaseEveryHours": 12}},
        token=world.tokens["admin"],
    )

    body = await gql(
        UPDATE_MESSAGES,
        {"input": {"noiseMaxPercent": 22, "releaseMinIntervalHours": 13}},
        token=world.tokens["admin"],
    )

    assert body["data"]["updateTenantSettings"] == {
        "tenant": None,
        "userErrors": [
            {
                "field": ["noiseMaxPercent"],
                "message": "noiseMaxPercent must be an integer at least 5 above "
                "noiseMinPercent and at most 50; noiseMinPercent is 20.",
                "code": "OUT_OF_RANGE",
            },
            {
                "field": ["releaseMinIntervalHours"],
                "message": "releaseMinIntervalHours must not be above releaseEveryHours; "
                "releaseEveryHours is 12.",
                "code": "OUT_OF_RANGE",
            },
        ],
    }


async def test_the_other_half_of_a_pair_is_named_when_only_it_changed(
    gql: GraphQLClient, world: World
) -> None:
    body = await gql(
        UPDATE_MESSAGES,
        {"input": {"noiseMinPercent": 22, "releaseEveryHours": 5}},
        token=world.tokens["admin"],
    )

    assert body["data"]["updateTenantSettings"]["userErrors"] == [
        {
            "field": ["noiseMinPercent"],
            "message": "noiseMinPercent 22 does not fit noiseMaxPercent 25: noiseMaxPercent "
            "must be an integer at least 5 above noiseMinPercent and at most 50.",
            "code": "OUT_OF_RANGE",
        },
        {
            "field": ["releaseEveryHours"],
            "message": "releaseEveryHours 5 does not fit releaseMinIntervalHours 6: "
            "releaseMinIntervalHours must not be above releaseEveryHours.",
            "code": "OUT_OF_RANGE",
        },
    ]


async def test_a_hand_edited_setting_is_named_not_kept_silently(
    gql: GraphQLClient, world: World, owner_engine: AsyncEngine
) -> None:
    # given: a row the rule refuses, written around the API
    async with owner_engine.begin() as connection:
        await connection.execute(
            text(
                "UPDATE tenants SET settings = settings || "
                """'{"disclosure": {"p_percent": 0}}'::jsonb WHERE id = :id"""
            ),
            {"id": world.id},
        )

    body = await gql(UPDATE_MESSAGES, {"input": {"minEmployers": 4}}, token=world.tokens["admin"])

    assert body["data"]["updateTenantSettings"] == {
        "tenant": None,
        "userErrors": [
            {
                "field": ["pPercent"],
                "message": "The partnership's stored pPercent (0) is not allowed: "
                "pPercent must be an integer from 1 to 50.",
                "code": "OUT_OF_RANGE",
            }
        ],
    }
    assert (await _stored(owner_engine, world))["disclosure"] == {"p_percent": 0}

    # when the admin gives it too, the row is repaired
    fixed = await gql(
        UPDATE, {"input": {"minEmployers": 4, "pPercent": 12}}, token=world.tokens["admin"]
    )
    assert fixed["data"]["updateTenantSettings"]["userErrors"] == []
    assert [event["changes"] for event in await _events(gql, world)] == [
        {
            "disclosure_min_employers": {"from": 3, "to": 4},
            "disclosure_p_percent": {"from": 0, "to": 12},
        }
    ]


@pytest.mark.parametrize("actor", ["analyst", "org_admin", "member", "reader", "writer"])
async def test_only_partnership_admins_change_settings(
    gql: GraphQLClient, world: World, actor: str
) -> None:
    body = await gql(
        UPDATE, {"input": {"minEmployers": 2, "releaseEveryHours": 1}}, token=world.tokens[actor]
    )

    assert error_codes(body) == ["FORBIDDEN"]
    after = await gql(READ, token=world.tokens["admin"])
    assert after["data"]["tenant"]["settings"] == DEFAULTS


async def test_every_member_reads_the_settings_in_effect(gql: GraphQLClient, world: World) -> None:
    await gql(UPDATE, {"input": {"pPercent": 20}}, token=world.tokens["admin"])

    body = await gql(READ, token=world.tokens["member"])

    assert body["data"]["tenant"]["settings"] == {**DEFAULTS, "disclosurePPercent": 20}


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


async def test_every_bad_setting_is_reported_at_once(gql: GraphQLClient, world: World) -> None:
    body = await gql(
        UPDATE,
        {
            "input": {
                "minEmployers": 1,
                "pPercent": 51,
                "noiseMinPercent": 3,
                "noiseMaxPercent": 60,
                "releaseEveryHours": 0,
                "releaseMinIntervalHours": 1000,
                "timeZone": "Mars/Olympus",
            }
        },
        token=world.tokens["admin"],
    )

    assert body["data"]["updateTenantSettings"] == {
        "tenant": None,
        "userErrors": [
            {"field": ["minEmployers"], "code": "OUT_OF_RANGE"},
            {"field": ["pPercent"], "code": "OUT_OF_RANGE"},
            {"field": ["noiseMinPercent"], "code": "OUT_OF_RANGE"},
            {"field": ["noiseMaxPercent"], "code": "OUT_OF_RANGE"},
            {"field": ["releaseEveryHours"], "code": "OUT_OF_RANGE"},
            {"field": ["releaseMinIntervalHours"], "code": "OUT_OF_RANGE"},
            {"field": ["timeZone"], "code": "INVALID"},
        ],
    }
    assert await _events(gql, world) == []


async def test_a_setting_the_rule_no_longer_knows_is_dropped_on_the_next_change(
    gql: GraphQLClient, world: World, owner_engine: AsyncEngine
) -> None:
    # given: a row in the shape before the p% rule (what migration 0008 removes)
    async with owner_engine.begin() as connection:
        await connection.execute(
            text(
                "UPDATE tenants SET settings = settings || "
                """'{"disclosure": {"min_employers": 4, "max_share_percent": 80}}'::jsonb """
                "WHERE id = :id"
            ),
            {"id": world.id},
        )

    body = await gql(UPDATE, {"input": {"pPercent": 15}}, token=world.tokens["admin"])

    assert body["data"]["updateTenantSettings"]["tenant"]["settings"] == {
        **DEFAULTS,
        "disclosureMinEmployers": 4,
        "disclosurePPercent": 15,
    }
    assert (await _stored(owner_engine, world))["disclosure"] == {
        "min_employers": 4,
        "p_percent": 15,
    }
    assert [event["changes"] for event in await _events(gql, world)] == [
        {
            "disclosure_p_percent": {"from": 10, "to": 15},
            "disclosure_max_share_percent": {"from": 80, "to": None},
        }
    ]


OUTCOMES = """
mutation($input: UpdateTenantSettingsInput!) {
  updateTenantSettings(input: $input) {
    tenant { settings { outcomesMinPeople } } userErrors { field message code }
  }
}"""


async def test_an_admin_sets_the_fewest_people_an_outcome_figure_shows(
    gql: GraphQLClient, world: World
) -> None:
    read = "{ tenant { settings { outcomesMinPeople } } }"
    before = await gql(read, token=world.tokens["member"])
    assert before["data"]["tenant"]["settings"] == {"outcomesMinPeople": 10}

    body = await gql(OUTCOMES, {"input": {"outcomesMinPeople": 20}}, token=world.tokens["admin"])

    payload = body["data"]["updateTenantSettings"]
    assert payload == {"tenant": {"settings": {"outcomesMinPeople": 20}}, "userErrors": []}
    assert [event["changes"] for event in await _events(gql, world)] == [
        {"outcomes_min_people": {"from": 10, "to": 20}}
    ]


@pytest.mark.parametrize("value", [2, 101, -1])
async def test_an_outcome_threshold_out_of_range_is_refused(
    gql: GraphQLClient, world: World, value: int
) -> None:
    body = await gql(OUTCOMES, {"input": {"outcomesMinPeople": value}}, token=world.tokens["admin"])

    payload = body["data"]["updateTenantSettings"]
    assert payload["tenant"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        (["outcomesMinPeople"], "OUT_OF_RANGE")
    ]
    message = payload["userErrors"][0]["message"]
    assert "outcomesMinPeople must be an integer from 3 to 100" in message
