"""Posting, changing and withdrawing demand signals through the API, with exact values."""

from __future__ import annotations

from tests.demand.support import CREATE, UPDATE, WITHDRAW, DemandRows, PostSignal, full_input
from tests.support.graphql import GraphQLClient
from tests.support.world import World, global_id


async def test_a_member_posts_a_signal_with_every_field(
    gql: GraphQLClient, world: World, demand_rows: DemandRows
) -> None:
    body = await gql(CREATE, {"input": full_input(world)}, token=world.tokens["member"])

    payload = body["data"]["createDemandSignal"]
    assert payload["userErrors"] == []
    signal = payload["demandSignal"]
    rows = await demand_rows(world.id)
    [row] = rows["demand_signals"]
    assert signal == {
        "id": global_id("DemandSignal", row["id"]),
        "openings": 3,
        "startQuarter": "2027Q2",
        "endQuarter": "2028Q1",
        "openingsKind": "REPLACEMENT",
        "wageMin": {"amountMinor": "2350", "currency": "USD"},
        "wageMax": {"amountMinor": "2975", "currency": "USD"},
        "wageUnit": "HOUR",
        "isDegreeRequired": False,
        "credentials": ["AWS Certified Welder"],
        "workBasedLearning": ["PRE_APPRENTICESHIP", "ON_THE_JOB_TRAINING"],
        "city": "Muskegon",
        "postalCode": "49440",
        "sharingLevel": "NAMED",
        "status": "ACTIVE",
        "version": 1,
        "occupation": {"code": "51-4121", "title": "Welders, Cutters, Solderers, and Brazers"},
        "organization": {"name": "alpha employer"},
        "skills": [
            {"skill": {"id": "2.B.3.h", "name": "Operation and Control"}, "level": 3},
            {"skill": {"id": "ES.teamwork", "name": "Teamwork"}, "level": 2},
        ],
    }
    assert row["organization_id"] == world.organizations["employer"]
    assert row["created_by_user_id"] == world.users["member"]
    assert str(row["start_quarter"]) == "2027-04-01"
    assert str(row["end_quarter"]) == "2028-01-01"
    assert (row["wage_min_minor"], row["wage_max_minor"]) == (2350, 2975)
    assert sorted((r["skill_id"], r["level"]) for r in rows["demand_signal_skills"]) == [
        ("2.B.3.h", 3),
        ("ES.teamwork", 2),
    ]
    assert [v["version"] for v in rows["demand_signal_versions"]] == [1]


async def test_defaults_post_an_active_pooled_signal_without_wages(
    gql: GraphQLClient, world: World
) -> None:
    given = {
        "organizationId": global_id("Organization", world.organizations["employer"]),
        "occupationCode": "51-4041",
        "openings": 1,
        "startQuarter": "2027q3",
        "endQuarter": "2027Q3",
        "openingsKind": "GROWTH",
    }

    body = await gql(CREATE, {"input": given}, token=world.tokens["org_admin"])

    signal = body["data"]["createDemandSignal"]["demandSignal"]
    assert (signal["status"], signal["sharingLevel"], signal["isDegreeRequired"]) == (
        "ACTIVE",
        "POOLED",
        False,
    )
    assert (signal["wageMin"], signal["wageMax"], signal["wageUnit"]) == (None, None, None)
    assert (signal["skills"], signal["credentials"], signal["workBasedLearning"]) == ([], [], [])
    assert signal["startQuarter"] == "2027Q3"


async def test_a_partnership_admin_posts_for_an_employer(gql: GraphQLClient, world: World) -> None:
    given = full_input(world) | {
        "organizationId": global_id("Organization", world.organizations["other_employer"])
    }

    body = await gql(CREATE, {"input": given}, token=world.tokens["admin"])

    payload = body["data"]["createDemandSignal"]
    assert payload["userErrors"] == []
    assert payload["demandSignal"]["organization"] == {"name": "alpha other_employer"}


async def test_an_update_changes_only_the_given_fields(
    gql: GraphQLClient, world: World, post_signal: PostSignal
) -> None:
    signal_id = await post_signal(world, city="Holland", postal_code="49423")
    given = {
        "id": global_id("DemandSignal", signal_id),
        "openings": 7,
        "skills": [{"skillId": "2.A.1.e", "level": 4}],
        "wageMin": {"amountMinor": "2400", "currency": "CAD"},
        "wageMax": {"amountMinor": "3000", "currency": "CAD"},
        "wageUnit": "HOUR",
        "city": None,
    }

    body = await gql(UPDATE, {"input": given}, token=world.tokens["member"])

    payload = body["data"]["updateDemandSignal"]
    assert payload["userErrors"] == []
    signal = payload["demandSignal"]
    assert signal["openings"] == 7
    assert signal["version"] == 2
    assert signal["skills"] == [{"skill": {"id": "2.A.1.e", "name": "Mathematics"}, "level": 4}]
    assert signal["wageMin"] == {"amountMinor": "2400", "currency": "CAD"}
    assert (signal["city"], signal["postalCode"]) == (None, "49423")
    assert (signal["startQuarter"], signal["endQuarter"]) == ("2027Q1", "2027Q4")
    assert signal["occupation"]["code"] == "51-4041"
    assert signal["status"] == "ACTIVE"


async def test_an_update_that_changes_nothing_keeps_the_version(
    gql: GraphQLClient, world: World, post_signal: PostSignal, demand_rows: DemandRows
) -> None:
    signal_id = await post_signal(world)

    body = await gql(
        UPDATE,
        {"input": {"id": global_id("DemandSignal", signal_id), "openings": 4}},
        token=world.tokens["member"],
    )

    assert body["data"]["updateDemandSignal"]["demandSignal"]["version"] == 1
    assert len((await demand_rows(world.id))["demand_signal_versions"]) == 1


async def test_the_status_follows_its_transitions(
    gql: GraphQLClient, world: World, post_signal: PostSignal
) -> None:
    signal_id = await post_signal(world, status="DRAFT")
    gid = global_id("DemandSignal", signal_id)
    steps = []

    for status in ("FILLED", "ACTIVE", "DRAFT", "FILLED", "ACTIVE"):
        body = await gql(
            UPDATE, {"input": {"id": gid, "status": status}}, token=world.tokens["member"]
        )
        payload = body["data"]["updateDemandSignal"]
        steps.append(
            (
                status,
                [e["code"] for e in payload["userErrors"]],
                payload["demandSignal"] and payload["demandSignal"]["version"],
            )
        )

    assert steps == [
        ("FILLED", ["INVALID_TRANSITION"], None),
        ("ACTIVE", [], 2),
        ("DRAFT", ["INVALID_TRANSITION"], None),
        ("FILLED", [], 3),
        ("ACTIVE", ["INVALID_TRANSITION"], None),
    ]


async def test_withdrawing_is_final(
    gql: GraphQLClient, world: World, post_signal: PostSignal
) -> None:
    gid = global_id("DemandSignal", await post_signal(world))

    withdrawn = await gql(WITHDRAW, {"id": gid}, token=world.tokens["org_admin"])
    again = await gql(WITHDRAW, {"id": gid}, token=world.tokens["org_admin"])
    edit = await gql(UPDATE, {"input": {"id": gid, "openings": 9}}, token=world.tokens["member"])

    assert withdrawn["data"]["withdrawDemandSignal"] == {
        "demandSignal": {"id": gid, "status": "WITHDRAWN", "version": 2},
        "userErrors": [],
    }
    assert again["data"]["withdrawDemandSignal"]["userErrors"] == [
        {
            "field": ["id"],
            "code": "INVALID_TRANSITION",
            "message": "This signal is WITHDRAWN: it can no longer change.",
        }
    ]
    assert edit["data"]["updateDemandSignal"]["userErrors"] == [
        {
            "field": ["id"],
            "code": "INVALID_TRANSITION",
            "message": "This signal is WITHDRAWN: it can no longer change.",
        }
    ]


async def test_changing_one_wage_keeps_the_other_and_its_currency(
    gql: GraphQLClient, world: World, post_signal: PostSignal
) -> None:
    signal_id = await post_signal(
        world, wage_min=(2000, "USD"), wage_max=(2600, "USD"), wage_unit="HOUR"
    )
    gid = global_id("DemandSignal", signal_id)

    raised = await gql(
        UPDATE,
        {"input": {"id": gid, "wageMin": {"amountMinor": "2100", "currency": "USD"}}},
        token=world.tokens["member"],
    )
    other_currency = await gql(
        UPDATE,
        {"input": {"id": gid, "wageMin": {"amountMinor": "2100", "currency": "EUR"}}},
        token=world.tokens["member"],
    )
    too_high = await gql(
        UPDATE,
        {"input": {"id": gid, "wageMin": {"amountMinor": "2700", "currency": "USD"}}},
        token=world.tokens["member"],
    )

    signal = raised["data"]["updateDemandSignal"]["demandSignal"]
    assert (signal["wageMin"], signal["wageMax"]) == (
        {"amountMinor": "2100", "currency": "USD"},
        {"amountMinor": "2600", "currency": "USD"},
    )
    assert [
        (e["field"], e["code"]) for e in other_currency["data"]["updateDemandSignal"]["userErrors"]
    ] == [(["wageMin", "currency"], "INVALID")]
    assert [
        (e["field"], e["code"]) for e in too_high["data"]["updateDemandSignal"]["userErrors"]
    ] == [(["wageMax"], "OUT_OF_RANGE")]


async def test_a_wage_of_five_billion_cents_round_trips(gql: GraphQLClient, world: World) -> None:
    given = full_input(world) | {
        "wageMin": {"amountMinor": "5000000000", "currency": "USD"},
        "wageMax": {"amountMinor": "5000000000", "currency": "USD"},
        "wageUnit": "YEAR",
    }

    body = await gql(CREATE, {"input": given}, token=world.tokens["member"])

    signal = body["data"]["createDemandSignal"]["demandSignal"]
    assert signal["wageMin"] == {"amountMinor": "5000000000", "currency": "USD"}
