"""Pool summaries and the connections nested under fundPools are batched: the statement
count of ``fundPools`` does not grow with the pools (DESIGN.md: no N+1), and the batched
readers give what the one-pool readers give."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from coalition.funds import reads
from coalition.funds.models.contributions import ContributionStatus
from coalition.funds.models.pools import FundPoolStatus
from coalition.funds.report.summaries import pool_summaries, pool_summary, summarize_pool
from coalition.funds.service.commitments import CommitmentInput, add_commitment
from coalition.funds.service.contributions import record_contribution
from coalition.funds.service.pools import create_pool, set_pool_status
from coalition.funds.service.verifications import verify_contribution
from coalition.pagination import Page, PageRequest
from tests.funds.support.scenario import (
    EXPECTED_SUMMARY,
    Scenario,
    build_scenario,
    reader,
    statements,
)
from tests.funds.support.world import TERM, FundsWorld, contribution_input, key, pool_input
from tests.support.graphql import GraphQLClient
from tests.support.statements import StatementCounter
from tests.support.world import global_id

SUMMARY_QUERY = """{ fundPools(first: 50) { edges { node { id summary {
  committed { amountMinor } matched { amountMinor } contributed { amountMinor } leverage
  smallEmployerShareUnder50 } } } } }"""
NESTED_QUERY = """{ fundPools(first: 50) { edges { node { id
  summary { committed { amountMinor } leverage }
  contributions(first: 2) { totalCount pageInfo { hasNextPage } edges { node { id } } }
  verified: contributions(first: 5, status: VERIFIED) { totalCount }
  disbursements(first: 2) { totalCount }
  ledgerEntries(first: 3) { totalCount edges { node { sequence } } }
  matchTiers { ratio } commitments { id } } } } }"""


async def _add_pools(
    sessions: SessionFactory, funds: FundsWorld, count: int, start: int
) -> dict[uuid.UUID, int]:
    """``count`` open pools, pool i with (i + 1) x $1,000.00 committed and, for every
    other pool, one verified $100.00 contribution; returns each pool's commitment."""
    admin = funds.principal("admin")
    committed: dict[uuid.UUID, int] = {}
    async with tenant_transaction(sessions, funds.tenant_id) as session:
        for index in range(start, start + count):
            pool = await create_pool(
                session, admin, pool_input(funds.funder), idempotency_key=key()
            )
            amount = (index + 1) * 100_000
            await add_commitment(
                session,
                admin,
                CommitmentInput(pool.id, funds.funder, "PHILANTHROPIC", amount, "USD", TERM[0]),
                idempotency_key=key(),
            )
            await set_pool_status(session, admin, pool.id, FundPoolStatus.OPEN)
            if index % 2:
                contribution = await record_contribution(
                    session,
                    admin,
                    contribution_input(funds, pool_id=pool.id, amount_minor=10_000),
                    idempotency_key=key(),
                )
                await verify_contribution(session, admin, contribution.id, idempotency_key=key())
            committed[pool.id] = amount
    return committed


async def _run(
    gql: GraphQLClient, funds: FundsWorld, counter: StatementCounter, query: str
) -> tuple[list[dict[str, Any]], int]:
    counter.statements.clear()
    body = await gql(query, token=funds.token("funds_reader"))
    assert "errors" not in body, body
    return [edge["node"] for edge in body["data"]["fundPools"]["edges"]], counter.count


async def test_pool_summaries_cost_the_same_statements_for_2_and_20_pools(
    gql: GraphQLClient,
    funds: FundsWorld,
    owner_sessions: SessionFactory,
    count_statements: StatementCounter,
) -> None:
    committed = {funds.pool: 10_000_000}
    committed |= await _add_pools(owner_sessions, funds, 1, 0)
    few, few_count = await _run(gql, funds, count_statements, SUMMARY_QUERY)
    committed |= await _add_pools(owner_sessions, funds, 18, 1)

    many, many_count = await _run(gql, funds, count_statements, SUMMARY_QUERY)

    assert len(few) == 2
    assert len(many) == 20
    assert many_count == few_count
    # The tenant, the caller (an app: 1), count and page of pools, all the summaries.
    assert many_count == 5
    expected = {global_id("FundPool", pool_id): amount for pool_id, amount in committed.items()}
    assert {node["id"]: int(node["summary"]["committed"]["amountMinor"]) for node in many} == (
        expected
    )
    # Every other added pool matched $100.00 at 2:1 (the employer has 40 employees).
    matched = sorted(int(node["summary"]["matched"]["amountMinor"]) for node in many)
    assert matched == [0] * 11 + [20_000] * 9
    assert {node["summary"]["leverage"] for node in many} == {None, "0.5000"}


async def test_nested_connections_cost_the_same_statements_for_2_and_20_pools(
    gql: GraphQLClient,
    funds: FundsWorld,
    owner_sessions: SessionFactory,
    count_statements: StatementCounter,
) -> None:
    await _add_pools(owner_sessions, funds, 1, 1)
    few, few_count = await _run(gql, funds, count_statements, NESTED_QUERY)
    await _add_pools(owner_sessions, funds, 18, 2)

    many, many_count = await _run(gql, funds, count_statements, NESTED_QUERY)

    assert len(few) == 2
    assert len(many) == 20
    assert many_count == few_count
    for node in many:
        has_one = node["summary"]["leverage"] is not None
        assert node["contributions"]["totalCount"] == int(has_one)
        assert len(node["contributions"]["edges"]) == int(has_one)
        assert node["contributions"]["pageInfo"] == {"hasNextPage": False}
        assert node["verified"]["totalCount"] == int(has_one)
        assert node["disbursements"]["totalCount"] == 0
        # A commitment posts 2 entries, a match 2 more: the page shows the first 3.
        assert node["ledgerEntries"]["totalCount"] == (4 if has_one else 2)
        sequences = [edge["node"]["sequence"] for edge in node["ledgerEntries"]["edges"]]
        assert sequences == (["1", "2", "3"] if has_one else ["1", "2"])
        assert len(node["commitments"]) == 1
        assert node["matchTiers"] == [{"ratio": "2"}, {"ratio": "1"}]


async def test_batched_summaries_equal_pool_summary_per_pool(
    funds: FundsWorld,
    other_funds: FundsWorld,
    owner_sessions: SessionFactory,
    owner_engine: AsyncEngine,
) -> None:
    scenario = await build_scenario(owner_sessions, funds)
    added = list(await _add_pools(owner_sessions, funds, 2, 0))
    pools = [scenario.pool, funds.pool, *added]
    unknown = uuid.uuid4()
    principal = reader(funds)
    async with tenant_transaction(owner_sessions, funds.tenant_id) as session:
        one_by_one = {pool_id: await pool_summary(session, principal, pool_id) for pool_id in pools}
        with statements(owner_engine) as seen:
            batched = await pool_summaries(
                session, principal, [*pools, unknown, other_funds.pool, scenario.pool]
            )
        assert len(seen) == 1
        with statements(owner_engine) as seen:
            assert await pool_summaries(session, principal, []) == {}
        assert seen == []
        named = await summarize_pool(session, principal, scenario.pool)

    assert batched == one_by_one
    assert batched[scenario.pool] == EXPECTED_SUMMARY
    assert named == ("Lakeshore match", EXPECTED_SUMMARY)
    assert batched[funds.pool].leverage is None
    assert batched[added[1]].contributed == 10_000
    assert batched[added[1]].small_employer_share_under_50 == 1


def _shape(page: Page[Any]) -> tuple[list[uuid.UUID], list[str], bool, int]:
    return [item.id for item in page.items], page.cursors, page.has_next_page, page.total_count


async def _walk_both(
    parents: list[uuid.UUID],
    batched: Callable[[list[uuid.UUID], PageRequest], Awaitable[dict[uuid.UUID, Page[Any]]]],
    single: Callable[[uuid.UUID, PageRequest], Awaitable[Page[Any]]],
) -> int:
    """Page through each parent 2 rows at a time with ``single``, asking ``batched`` the
    same pages for all the parents at once; every parent's batched page must equal the
    one-parent read with the same cursor (an exhausted parent's too). Returns the rows
    seen."""
    seen = 0
    for parent in parents:
        after: str | None = None
        while True:
            page = PageRequest(first=2, after=after)
            pages = await batched(parents, page)
            assert set(pages) == set(parents)
            for other in parents:
                assert _shape(pages[other]) == _shape(await single(other, page)), (other, after)
            seen += len(pages[parent].items)
            if not pages[parent].has_next_page:
                break
            after = pages[parent].end_cursor
    return seen


async def test_nested_pages_equal_the_one_parent_pages(
    funds: FundsWorld, owner_sessions: SessionFactory, owner_engine: AsyncEngine
) -> None:
    scenario: Scenario = await build_scenario(owner_sessions, funds)
    empty = list(await _add_pools(owner_sessions, funds, 1, 0))
    pools = [scenario.pool, funds.pool, *empty, uuid.uuid4()]
    initiatives = [*scenario.initiatives.values(), uuid.uuid4()]
    principal = reader(funds)
    async with tenant_transaction(owner_sessions, funds.tenant_id) as session:
        rows = 0
        for status in (None, ContributionStatus.VERIFIED, ContributionStatus.REVERSED):

            async def batched_contributions(
                ids: list[uuid.UUID], page: PageRequest, status: Any = status
            ) -> dict[uuid.UUID, Page[Any]]:
                return await reads.contribution_pages_of_pools(
                    session, principal, ids, (page, status)
                )

            async def one_pool_contributions(
                pool_id: uuid.UUID, page: PageRequest, status: Any = status
            ) -> Page[Any]:
                return await reads.list_contributions(
                    session, principal, page=page, pool_id=pool_id, status=status
                )

            rows += await _walk_both(pools, batched_contributions, one_pool_contributions)
        # 7 scenario contributions (6 verified, one of them reversed since) and none else.
        assert rows == 7 + 5 + 1

        async def batched_initiatives(
            ids: list[uuid.UUID], page: PageRequest
        ) -> dict[uuid.UUID, Page[Any]]:
            return await reads.contribution_pages_of_initiatives(session, principal, ids, page)

        async def one_initiative(initiative_id: uuid.UUID, page: PageRequest) -> Page[Any]:
            return await reads.list_contributions(
                session, principal, page=page, initiative_id=initiative_id
            )

        assert await _walk_both(initiatives, batched_initiatives, one_initiative)

        async def batched_disbursements(
            ids: list[uuid.UUID], page: PageRequest
        ) -> dict[uuid.UUID, Page[Any]]:
            return await reads.disbursement_pages_of_pools(session, principal, ids, page)

        async def one_pool_disbursements(pool_id: uuid.UUID, page: PageRequest) -> Page[Any]:
            return await reads.list_disbursements(session, principal, pool_id=pool_id, page=page)

        assert await _walk_both(pools, batched_disbursements, one_pool_disbursements) == 4

        async def batched_entries(
            ids: list[uuid.UUID], page: PageRequest
        ) -> dict[uuid.UUID, Page[Any]]:
            return await reads.entry_pages_of_pools(session, principal, ids, page)

        async def one_pool_entries(pool_id: uuid.UUID, page: PageRequest) -> Page[Any]:
            return await reads.list_ledger_entries(session, principal, pool_id=pool_id, page=page)

        entries = await _walk_both(pools, batched_entries, one_pool_entries)
        assert entries > 20

        with statements(owner_engine) as seen:
            pages = await reads.entry_pages_of_pools(
                session, principal, pools, PageRequest(first=100)
            )
        assert len(seen) == 1
        assert sum(page.total_count for page in pages.values()) == entries
