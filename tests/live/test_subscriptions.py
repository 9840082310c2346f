"""GraphQL subscriptions across two server processes (issue 14, "Live updates"): a change
made through one server reaches a subscriber of the other within a second, read as the
subscriber's own query reads it; another partnership, a role that may not read, a bad
token and a removed membership get nothing; the listener survives losing its connection.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
import pytest
from sqlalchemy import delete, text
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette

from coalition.config import Settings
from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from coalition.tenancy.models import Membership
from tests.events.registration_support import add_event, person, tenant_header
from tests.funds.support.documents import ADD_COMMITMENT, usd
from tests.funds.support.world import FundsWorld, create_funds_world, key
from tests.live.support import SETTLE_SECONDS, opened, subscriber
from tests.support.world import World, global_id

DELIVERY_SECONDS = 1.0
RECONNECT_SECONDS = 20.0

LEDGER = """
subscription($poolId: ID!) {
  ledgerEntryPosted(poolId: $poolId) {
    id sequence account amount { amountMinor currency } transaction { kind }
  }
}"""
LEDGER_ENTRIES = """
query($id: ID!) {
  fundPool(id: $id) {
    ledgerEntries(first: 100) {
      edges { node { id sequence account amount { amountMinor currency } transaction { kind } } }
    }
  }
}"""
RELEASES = "subscription { demandReleasePublished { id madeBy } }"
PUBLISH = "mutation { publishDemandRelease { release { id madeBy } userErrors { code } } }"
REGISTRATIONS = """
subscription($eventId: ID!) {
  eventRegistrationChanged(eventId: $eventId) { id name email status arrival checkedInAt }
}"""
EVENT_REGISTRATIONS = """
query($id: ID!) {
  event(id: $id) {
    registrations(first: 50) { edges { node { id name email status arrival checkedInAt } } }
  }
}"""
REGISTER = """
mutation($input: RegisterForEventInput!) {
  registerForEvent(input: $input) { receipt { registrationId status } userErrors { code } }
}"""


@pytest.fixture
async def funds(
    owner_sessions: SessionFactory, app: Starlette, settings: Settings, world: World
) -> FundsWorld:
    return await create_funds_world(owner_sessions, app, settings, world)


async def post(
    base: str,
    query: str,
    variables: dict[str, Any] | None = None,
    *,
    token: str | None = None,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    sent = dict(headers or {})
    if token is not None:
        sent["Authorization"] = f"Bearer {token}"
    async with httpx.AsyncClient(base_url=base, timeout=10) as client:
        response = await client.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=sent
        )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


async def commit_money(base: str, funds: FundsWorld, amount_minor: int) -> None:
    """A commitment through the API: one COMMITMENT transaction of two entries."""
    data = await post(
        base,
        ADD_COMMITMENT,
        {
            "input": {
                "idempotencyKey": key(),
                "poolId": global_id("FundPool", funds.pool),
                "funderOrganizationId": global_id("Organization", funds.funder),
                "source": "FEDERAL",
                "amount": usd(amount_minor),
                "committedOn": "2024-03-01",
            }
        },
        token=funds.token("funder_admin"),
    )
    assert data["addFundCommitment"]["userErrors"] == []


async def ledger_entries(base: str, funds: FundsWorld, token: str) -> list[dict[str, Any]]:
    data = await post(base, LEDGER_ENTRIES, {"id": global_id("FundPool", funds.pool)}, token=token)
    return [edge["node"] for edge in data["fundPool"]["ledgerEntries"]["edges"]]


def pool_variables(funds: FundsWorld) -> dict[str, str]:
    return {"poolId": global_id("FundPool", funds.pool)}


@pytest.mark.parametrize("reader", ["funder_admin", "analyst", "funds_reader"])
async def test_a_posting_through_one_server_reaches_a_subscriber_of_the_other_within_a_second(
    servers: tuple[str, str], funds: FundsWorld, reader: str
) -> None:
    first, second = servers
    async with subscriber(second, funds.token(reader)) as client:
        await client.subscribe("ledger", LEDGER, pool_variables(funds))
        await asyncio.sleep(SETTLE_SECONDS)

        await commit_money(first, funds, 250_000)
        committed = time.monotonic()
        received = [await client.receive(DELIVERY_SECONDS) for _ in range(2)]
        elapsed = time.monotonic() - committed

        entries = await ledger_entries(second, funds, funds.token(reader))
    assert elapsed < DELIVERY_SECONDS
    assert received == [
        {"id": "ledger", "type": "next", "payload": {"data": {"ledgerEntryPosted": entry}}}
        for entry in entries[-2:]
    ]
    assert sorted(entry["amount"]["amountMinor"] for entry in entries[-2:]) == [
        "-250000",
        "250000",
    ]


async def test_a_subscriber_of_another_partnership_receives_nothing(
    servers: tuple[str, str], world: World, other_world: World
) -> None:
    first, second = servers
    async with (
        subscriber(second, world.tokens["analyst"]) as own,
        subscriber(second, other_world.tokens["admin"]) as stranger,
    ):
        await own.subscribe("releases", RELEASES)
        await stranger.subscribe("releases", RELEASES)
        await asyncio.sleep(SETTLE_SECONDS)

        published = (await post(first, PUBLISH, token=world.tokens["admin"]))[
            "publishDemandRelease"
        ]

        assert await own.receive(DELIVERY_SECONDS) == {
            "id": "releases",
            "type": "next",
            "payload": {"data": {"demandReleasePublished": published["release"]}},
        }
        await stranger.nothing_within(1.5)


async def test_another_partnerships_pool_reads_as_missing(
    servers: tuple[str, str], funds: FundsWorld, other_world: World
) -> None:
    _, second = servers
    async with subscriber(second, other_world.tokens["admin"]) as stranger:
        await stranger.subscribe("ledger", LEDGER, pool_variables(funds))
        refusal = await stranger.receive()
    assert refusal["type"] == "error"
    assert [error["extensions"]["code"] for error in refusal["payload"]] == ["NOT_FOUND"]


@pytest.mark.parametrize("role", ["member", "other_org_admin", "college_admin"])
async def test_a_role_that_may_not_read_the_ledger_is_refused_at_subscribe(
    servers: tuple[str, str], funds: FundsWorld, role: str
) -> None:
    first, second = servers
    async with subscriber(second, funds.token(role)) as client:
        await client.subscribe("ledger", LEDGER, pool_variables(funds))
        refusal = await client.receive()
        await commit_money(first, funds, 1_000)
        await client.nothing_within(1.0)
    assert refusal["id"] == "ledger"
    assert refusal["type"] == "error"
    assert [error["extensions"]["code"] for error in refusal["payload"]] == ["FORBIDDEN"]
    assert [error["path"] for error in refusal["payload"]] == [["ledgerEntryPosted"]]


async def test_a_removed_membership_ends_the_subscription_at_the_next_change(
    servers: tuple[str, str], funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    first, second = servers
    _, _, _, membership_id = funds.people["funder_admin"]
    async with subscriber(second, funds.token("funder_admin")) as client:
        await client.subscribe("ledger", LEDGER, pool_variables(funds))
        await asyncio.sleep(SETTLE_SECONDS)
        async with tenant_transaction(owner_sessions, funds.tenant_id) as session:
            await session.execute(delete(Membership).where(Membership.id == membership_id))

        await post(
            first,
            ADD_COMMITMENT,
            {
                "input": {
                    "idempotencyKey": key(),
                    "poolId": global_id("FundPool", funds.pool),
                    "funderOrganizationId": global_id("Organization", funds.funder),
                    "source": "FEDERAL",
                    "amount": usd(5_000),
                    "committedOn": "2024-03-01",
                }
            },
            token=funds.token("admin"),
        )
        ended = await client.receive(DELIVERY_SECONDS)
        completed = await client.receive(DELIVERY_SECONDS)
    assert ended["type"] == "next"
    assert ended["payload"]["data"] is None
    assert [error["extensions"]["code"] for error in ended["payload"]["errors"]] == ["FORBIDDEN"]
    assert completed == {"id": "ledger", "type": "complete"}


async def test_a_registration_through_one_server_reaches_the_organizers_staff_on_the_other(
    servers: tuple[str, str], world: World, owner_sessions: SessionFactory
) -> None:
    first, second = servers
    event_id = await add_event(owner_sessions, world, capacity_in_person=1)
    variables = {"eventId": global_id("Event", event_id)}
    async with (
        subscriber(second, world.tokens["member"]) as staff,
        subscriber(second, world.tokens["college_member"]) as outsider,
    ):
        await staff.subscribe("people", REGISTRATIONS, variables)
        await outsider.subscribe("people", REGISTRATIONS, variables)
        refusal = await outsider.receive()
        await asyncio.sleep(SETTLE_SECONDS)

        for email in ("ada@example.org", "grace@example.org"):
            await post(
                first, REGISTER, {"input": person(event_id, email)}, headers=tenant_header(world)
            )
        received = [await staff.receive(DELIVERY_SECONDS) for _ in range(2)]
        await outsider.nothing_within(0.5)

        data = await post(
            second,
            EVENT_REGISTRATIONS,
            {"id": variables["eventId"]},
            token=world.tokens["member"],
        )
    registrations = [edge["node"] for edge in data["event"]["registrations"]["edges"]]
    assert [r["status"] for r in registrations] == ["CONFIRMED", "WAITLISTED"]
    assert received == [
        {"id": "people", "type": "next", "payload": {"data": {"eventRegistrationChanged": r}}}
        for r in registrations
    ]
    assert refusal["type"] == "error"
    assert [error["extensions"]["code"] for error in refusal["payload"]] == ["FORBIDDEN"]


async def test_a_bad_token_is_refused_with_4403(servers: tuple[str, str]) -> None:
    _, second = servers
    async with opened(second) as client:
        await client.send(
            {"type": "connection_init", "payload": {"Authorization": "Bearer not-a-token"}}
        )
        assert await client.close_code() == 4403


async def test_no_token_is_refused_with_4403(servers: tuple[str, str]) -> None:
    _, second = servers
    async with opened(second) as client:
        await client.send({"type": "connection_init", "payload": {}})
        assert await client.close_code() == 4403


async def test_subscribing_before_the_connection_is_initialised_is_refused_with_4401(
    servers: tuple[str, str],
) -> None:
    _, second = servers
    async with opened(second) as client:
        await client.subscribe("early", RELEASES)
        assert await client.close_code() == 4401


async def listener_pids(engine: AsyncEngine, database: str) -> set[int]:
    async with engine.connect() as connection:
        rows = await connection.execute(
            text(
                "SELECT pid FROM pg_stat_activity "
                "WHERE application_name = 'coalition live' AND datname = :database"
            ),
            {"database": database},
        )
        return {row.pid for row in rows}


async def test_the_listener_connects_again_after_its_connection_is_killed(
    servers: tuple[str, str], funds: FundsWorld, admin_engine: AsyncEngine
) -> None:
    first, second = servers
    database = admin_engine.url.database or ""
    async with subscriber(second, funds.token("analyst")) as client:
        await client.subscribe("ledger", LEDGER, pool_variables(funds))
        before = await listener_pids(admin_engine, database)
        # At least the two servers and the suite's own app listen (other tests may have
        # apps of their own running).
        assert len(before) >= 3
        async with admin_engine.connect() as connection:
            await connection.execute(
                text("SELECT pg_terminate_backend(pid) FROM unnest(CAST(:pids AS int[])) AS pid"),
                {"pids": sorted(before)},
            )
        deadline = time.monotonic() + RECONNECT_SECONDS
        while True:
            after = await listener_pids(admin_engine, database)
            if len(after) == len(before) and not after & before:
                break
            assert time.monotonic() < deadline, f"listeners before {before}, now {after}"
            await asyncio.sleep(0.1)

        await commit_money(first, funds, 7_000)
        received = [await client.receive(DELIVERY_SECONDS) for _ in range(2)]
    amounts = [m["payload"]["data"]["ledgerEntryPosted"]["amount"] for m in received]
    assert sorted(amount["amountMinor"] for amount in amounts) == ["-7000", "7000"]


async def test_the_protocol_answers_pings_and_refuses_a_second_subscriber_of_one_id(
    servers: tuple[str, str], world: World
) -> None:
    _, second = servers
    async with subscriber(second, world.tokens["analyst"]) as client:
        await client.send({"type": "ping"})
        assert await client.receive() == {"type": "pong"}
        await client.subscribe("same", RELEASES)
        await client.subscribe("same", RELEASES)
        assert await client.close_code() == 4409


async def test_one_connection_holds_at_most_twenty_subscriptions(
    servers: tuple[str, str], world: World
) -> None:
    _, second = servers
    async with subscriber(second, world.tokens["analyst"]) as client:
        for number in range(20):
            await client.subscribe(f"s{number}", RELEASES)
        await asyncio.sleep(SETTLE_SECONDS)
        await client.subscribe("one-too-many", RELEASES)
        refusal = await client.receive()
    assert refusal == {
        "id": "one-too-many",
        "type": "error",
        "payload": [
            {
                "message": "At most 20 subscriptions run on one connection.",
                "extensions": {"code": "BAD_REQUEST"},
            }
        ],
    }


async def test_queries_and_mutations_are_refused_over_websocket(
    servers: tuple[str, str], world: World
) -> None:
    _, second = servers
    async with subscriber(second, world.tokens["admin"]) as client:
        await client.subscribe("mutation", PUBLISH)
        refusal = await client.receive()
    assert refusal["type"] == "error"
    print(refusal)
    assert len(refusal["payload"]) == 1


async def test_a_waiting_subscription_holds_no_transaction_open(
    servers: tuple[str, str], funds: FundsWorld, admin_engine: AsyncEngine, settings: Settings
) -> None:
    first, second = servers
    database = admin_engine.url.database or ""
    async with subscriber(second, funds.token("analyst")) as client:
        await client.subscribe("ledger", LEDGER, pool_variables(funds))
        await asyncio.sleep(SETTLE_SECONDS)
        await commit_money(first, funds, 3_000)
        [await client.receive(DELIVERY_SECONDS) for _ in range(2)]

        open_transactions = -1
        for _ in range(20):
            async with admin_engine.connect() as connection:
                open_transactions = await connection.scalar(
                    text(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = :database "
                        "AND usename = :role AND state LIKE 'idle in transaction%'"
                    ),
                    {"database": database, "role": settings.app_role},
                )
            if open_transactions == 0:
                break
            await asyncio.sleep(0.05)
    assert open_transactions == 0
