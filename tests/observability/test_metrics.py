"""/metrics: the page parses with prometheus-client's parser, and each counter moves by
exactly the requests a test sent."""

from __future__ import annotations

import asyncio
import hashlib

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette

from coalition.config import Settings
from coalition.db.engine import create_engine
from coalition.db.urls import app_url
from coalition.outcomes.figure_cache import FigureCache
from coalition.telemetry.http import UNMATCHED, route_template
from coalition.telemetry.labels import BoundedLabels
from coalition.telemetry.pool import MeasuredPool
from tests.observability.support import scrape
from tests.support.graphql import GraphQLClient
from tests.support.statements import StatementCounter
from tests.support.world import World

ORGANIZATIONS = "{ organizations { totalCount } }"
UNKNOWN_FIELD = "{ organizations { colour } }"
FORBIDDEN = (
    'mutation { createOrganization(input: {name: "No", kind: EMPLOYER}) { userErrors { code } } }'
)
TOO_SOON = "mutation { publishDemandRelease { release { id } userErrors { code } } }"


def digest(query: str) -> str:
    return hashlib.sha256(query.encode()).hexdigest()


async def test_http_requests_move_by_exactly_the_requests_sent(http: httpx.AsyncClient) -> None:
    series = {
        "route": "/healthz",
        "method": "GET",
        "status": "200",
        "operation_type": "",
        "tenant": "",
    }
    before = await scrape(http)

    for _ in range(3):
        assert (await http.get("/healthz")).status_code == 200

    after = await scrape(http)
    assert (
        after.value("coalition_http_requests_total", **series)
        - before.value("coalition_http_requests_total", **series)
        == 3
    )
    latency = {key: series[key] for key in ("route", "method", "operation_type", "tenant")}
    assert (
        after.value("coalition_http_request_duration_seconds_count", **latency)
        - (before.value("coalition_http_request_duration_seconds_count", **latency))
        == 3
    )


async def test_a_path_no_route_of_its_own_matches_is_counted_by_template(
    http: httpx.AsyncClient,
) -> None:
    series = {"method": "GET", "status": "404", "tenant": ""}
    before = await scrape(http)

    assert (await http.get("/no-such/path-xyzzy")).status_code == 404
    assert (await http.get("/another/path-plugh")).status_code == 404

    after = await scrape(http)
    name = "coalition_http_requests_total"
    # The web app's catch-all page answers them: they are its route's, "/{path}".
    assert (
        after.value(name, route="/{path}", **series) - before.value(name, route="/{path}", **series)
        == 2
    )
    assert after.total(name, **series) - before.total(name, **series) == 2
    paths = [v for s in after.samples for v in s.labels.values() if "xyzzy" in v or "plugh" in v]
    assert paths == []


def test_a_route_template_is_unmatched_when_no_route_matched() -> None:
    assert route_template({"type": "http", "path": "/x/123"}) == UNMATCHED


async def test_graphql_operations_by_document_hash_and_outcome(
    http: httpx.AsyncClient, gql: GraphQLClient, world: World, app: Starlette
) -> None:
    admin, member = world.tokens["admin"], world.tokens["member"]
    # As a server that has labelled no document yet: after the suite's hundreds of
    # distinct documents, this one's would be past the bound and counted as `other`.
    app.state.operation_labels = BoundedLabels(app.state.settings.metrics_max_operations)
    before = await scrape(http)

    await gql(ORGANIZATIONS, token=admin)
    await gql(ORGANIZATIONS, token=member)
    await gql(UNKNOWN_FIELD, token=admin)
    await gql(FORBIDDEN, token=member)
    await gql(TOO_SOON, token=admin)  # the first release of the partnership: ok
    await gql(TOO_SOON, token=admin)  # six hours too soon: a userError

    after = await scrape(http)

    def moved(query: str, operation_type: str, outcome: str) -> float:
        labels = {
            "operation": digest(query),
            "operation_type": operation_type,
            "outcome": outcome,
            "tenant": "",
        }
        name = "coalition_graphql_operations_total"
        return after.value(name, **labels) - before.value(name, **labels)

    assert moved(ORGANIZATIONS, "query", "ok") == 2
    assert moved(UNKNOWN_FIELD, "query", "validation") == 1
    assert moved(FORBIDDEN, "mutation", "FORBIDDEN") == 1
    assert moved(TOO_SOON, "mutation", "ok") == 1
    assert moved(TOO_SOON, "mutation", "userErrors") == 1
    graphql = {"route": "/graphql", "method": "POST", "status": "200", "tenant": ""}
    queries = after.value(
        "coalition_http_requests_total", operation_type="query", **graphql
    ) - before.value("coalition_http_requests_total", operation_type="query", **graphql)
    assert queries == 3


async def test_query_cost_is_observed_as_priced(
    http: httpx.AsyncClient, gql: GraphQLClient, world: World
) -> None:
    response = await gql.post(ORGANIZATIONS, token=world.tokens["admin"])
    cost = response.json()["extensions"]["cost"]["requestedQueryCost"]
    before = await scrape(http)

    await gql(ORGANIZATIONS, token=world.tokens["admin"])
    await gql(ORGANIZATIONS, token=world.tokens["admin"])

    after = await scrape(http)
    name = "coalition_graphql_query_cost"
    assert (
        after.value(f"{name}_count", operation_type="query")
        - before.value(f"{name}_count", operation_type="query")
        == 2
    )
    assert (
        after.value(f"{name}_sum", operation_type="query")
        - before.value(f"{name}_sum", operation_type="query")
        == 2 * cost
    )


async def test_statements_per_request_are_those_the_request_ran(
    http: httpx.AsyncClient,
    gql: GraphQLClient,
    world: World,
    count_statements: StatementCounter,
) -> None:
    before = await scrape(http)
    ran_before = len(count_statements.every_statement)

    await gql(ORGANIZATIONS, token=world.tokens["admin"])

    ran = len(count_statements.every_statement) - ran_before
    after = await scrape(http)
    name = "coalition_db_statements_per_request"
    assert (
        after.value(f"{name}_count", route="/graphql")
        - before.value(f"{name}_count", route="/graphql")
        == 1
    )
    assert (
        after.value(f"{name}_sum", route="/graphql") - before.value(f"{name}_sum", route="/graphql")
        == ran
    )


async def test_the_pool_reports_its_size_and_connections_in_use(
    http: httpx.AsyncClient, settings: Settings
) -> None:
    idle = await scrape(http)

    assert idle.value("coalition_db_pool_size") == settings.db_pool_size
    assert idle.value("coalition_db_pool_max_overflow") == settings.db_pool_size
    assert idle.value("coalition_db_pool_checked_out") == 0


async def test_a_checkout_that_waits_for_a_connection_is_counted(
    http: httpx.AsyncClient, settings: Settings
) -> None:
    # Given a pool of one connection and one of overflow, both in use
    engine: AsyncEngine = create_engine(app_url(settings), pool_size=1, poolclass=MeasuredPool)
    try:
        before = await scrape(http)
        async with engine.connect(), engine.connect() as second:
            # When a third caller asks for one
            third = asyncio.create_task(engine.connect().start())
            for _ in range(200):
                waiting = await scrape(http)
                if waiting.value("coalition_db_pool_waiting") == 1:
                    break
                await asyncio.sleep(0.01)
            assert waiting.value("coalition_db_pool_waiting") == 1
            assert waiting.value("coalition_db_pool_checked_out") == 2
            await second.close()
            connection = await asyncio.wait_for(third, timeout=10)
            await connection.close()
        after = await scrape(http)
    finally:
        await engine.dispose()

    # Then it waited, once, and no longer does
    waits = after.value("coalition_db_pool_waits_total") - before.value(
        "coalition_db_pool_waits_total"
    )
    assert waits == 1
    assert after.value("coalition_db_pool_waiting") == 0


async def test_figure_cache_hits_and_misses(http: httpx.AsyncClient) -> None:
    cache: FigureCache[int] = FigureCache(name="test")
    before = await scrape(http)

    assert cache.get("a") is None
    cache.put("a", 1)
    assert cache.get("a") == 1
    assert cache.get("a") == 1

    after = await scrape(http)
    name = "coalition_figure_cache_lookups_total"
    assert (
        after.value(name, cache="test", result="miss")
        - before.value(name, cache="test", result="miss")
        == 1
    )
    assert (
        after.value(name, cache="test", result="hit")
        - before.value(name, cache="test", result="hit")
        == 2
    )
    assert (cache.hits, cache.misses) == (2, 1)
