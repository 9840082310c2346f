"""The retry rule of the endpoint, made deterministic by a read or a service that loses its
connection on purpose: a query retries until it works or its budget is spent, an error
that strawberry put into a 200 response counts, a mutation is never run twice
(SECURITY.md item 33)."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
import pytest
from starlette.applications import Starlette

from coalition.api.retry import FIRST_DELAY_SECONDS, MAX_DELAY_SECONDS, Backoff
from coalition.config import Settings
from coalition.tenancy import organizations, reads
from tests.support.graphql import GraphQLClient, error_codes
from tests.support.world import World, global_id

# memberships come from a DataLoader batch: its error reaches the endpoint inside the result.
NESTED = "{ organizations(first: 10) { edges { node { name memberships { totalCount } } } } }"
UPDATE = """mutation($id: ID!) { updateOrganization(input: {id: $id, city: "Twice"}) {
    organization { city } userErrors { code } } }"""


def _losing(original: Callable[..., Awaitable[Any]], failures: int) -> Callable[..., Any]:
    """``original``, but its first ``failures`` calls lose the connection."""
    calls = {"count": 0}

    async def wrapper(*args: Any, **kwargs: Any) -> Any:
        calls["count"] += 1
        if calls["count"] <= failures:
            raise asyncpg.ConnectionDoesNotExistError("connection was closed in the middle")
        return await original(*args, **kwargs)

    wrapper.calls = calls  # type: ignore[attr-defined]
    return wrapper


def test_the_backoff_doubles_from_50_ms_with_jitter_up_to_1_s_within_the_budget() -> None:
    now = [0.0]
    backoff = Backoff(3.0, clock=lambda: now[0], jitter=lambda: 0.5)
    delays = []
    while (delay := backoff.next_delay()) is not None:
        delays.append(round(delay, 3))
        now[0] += delay

    assert delays == [0.05, 0.1, 0.2, 0.4, 0.8, 1.0]
    assert (FIRST_DELAY_SECONDS, MAX_DELAY_SECONDS) == (0.05, 1.0)


def test_the_jitter_spreads_each_pause_from_half_to_one_and_a_half_times() -> None:
    low = Backoff(5.0, clock=lambda: 0.0, jitter=lambda: 0.0)
    high = Backoff(5.0, clock=lambda: 0.0, jitter=lambda: 1.0)

    delays = (low.next_delay(), high.next_delay())

    assert [round(delay or 0, 6) for delay in delays] == [0.025, 0.075]


async def test_a_query_whose_loader_batch_loses_its_connection_three_times_is_answered(
    gql: GraphQLClient, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = await gql(NESTED, token=world.tokens["admin"])
    losing = _losing(reads.memberships_of_organizations, failures=3)
    monkeypatch.setattr(reads, "memberships_of_organizations", losing)

    response = await gql.post(NESTED, token=world.tokens["admin"])

    assert response.status_code == 200
    assert response.json()["data"] == expected["data"]
    assert "errors" not in response.json()
    assert losing.calls["count"] == 4  # type: ignore[attr-defined]


async def test_a_query_that_keeps_losing_its_connection_is_a_503_once_the_budget_is_spent(
    gql: GraphQLClient,
    world: World,
    app: Starlette,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    losing = _losing(reads.memberships_of_organizations, failures=1_000)
    monkeypatch.setattr(reads, "memberships_of_organizations", losing)
    # Not monkeypatch: it deletes a Starlette State attribute instead of restoring it.
    app.state.settings = settings.model_copy(update={"db_retry_seconds": 0.5})
    try:
        started = time.monotonic()
        response = await gql.post(NESTED, token=world.tokens["admin"])
        elapsed = time.monotonic() - started
    finally:
        app.state.settings = settings

    assert response.status_code == 503
    assert response.headers["retry-after"] == "1"
    assert error_codes(response.json()) == ["RETRYABLE"]
    assert response.json()["data"] is None
    assert elapsed < 1.5
    # 50 + 100 + 200 ms (jittered) fit in 0.5 s before the budget stops the retries.
    assert 2 <= losing.calls["count"] <= 5  # type: ignore[attr-defined]


async def test_a_mutation_that_loses_its_connection_is_not_run_again(
    gql: GraphQLClient, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    losing = _losing(organizations.update_organization, failures=1)
    monkeypatch.setattr(organizations, "update_organization", losing)
    employer = global_id("Organization", world.organizations["employer"])

    response = await gql.post(UPDATE, {"id": employer}, token=world.tokens["admin"])

    assert response.status_code == 503
    assert response.headers["retry-after"] == "1"
    assert error_codes(response.json()) == ["RETRYABLE"]
    assert losing.calls["count"] == 1  # type: ignore[attr-defined]
    again = await gql(UPDATE, {"id": employer}, token=world.tokens["admin"])
    assert again["data"]["updateOrganization"]["organization"] == {"city": "Twice"}


async def test_a_query_that_fails_on_a_file_is_not_retried_as_a_lost_connection(
    gql: GraphQLClient, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = {"count": 0}

    async def unreadable(*args: Any, **kwargs: Any) -> Any:
        calls["count"] += 1
        raise FileNotFoundError(2, "No such file or directory")

    monkeypatch.setattr(reads, "memberships_of_organizations", unreadable)

    started = time.monotonic()
    response = await gql.post(NESTED, token=world.tokens["admin"])
    elapsed = time.monotonic() - started

    # an OSError that is no socket's is a server error, answered at once, not a 503
    assert response.status_code == 200
    assert set(error_codes(response.json())) == {"INTERNAL_SERVER_ERROR"}
    assert calls["count"] == 1
    assert elapsed < 1.0
