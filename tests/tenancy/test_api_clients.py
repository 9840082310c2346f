"""Partner apps' clients: created with a secret shown once, hashed at rest, revocable."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import select

from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from coalition.tenancy.models import ApiClient
from tests.support.graphql import GraphQLClient, error_codes
from tests.support.world import World, global_id
from tests.tenancy.support import Snapshot

CREATE = """mutation($input: CreateApiClientInput!) { createApiClient(input: $input) {
    apiClient { id name clientId scopes revokedAt } clientSecret
    userErrors { field message code } } }"""
REVOKE = """mutation($id: ID!) { revokeApiClient(input: {id: $id}) {
    apiClient { id revokedAt } userErrors { field message code } } }"""
LIST = """query($first: Int!, $after: String) { apiClients(first: $first, after: $after) {
    totalCount edges { node { id name clientId scopes } } pageInfo { hasNextPage endCursor } } }"""
VIEWER = "{ viewer { kind label clientId scopes } }"


def _codes(payload: dict[str, Any]) -> list[tuple[list[str], str]]:
    return [(error["field"], error["code"]) for error in payload["userErrors"]]


async def _token(http: httpx.AsyncClient, client_id: str, secret: str) -> httpx.Response:
    return await http.post(
        "/oauth/token",
        data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret},
    )


async def test_a_new_client_gets_a_secret_that_works_at_the_token_endpoint(
    gql: GraphQLClient, http: httpx.AsyncClient, world: World
) -> None:
    # given
    body = await gql(
        CREATE, {"input": {"name": "Dashboard", "scopes": ["read"]}}, token=world.tokens["admin"]
    )
    payload = body["data"]["createApiClient"]
    assert payload["userErrors"] == []
    client = payload["apiClient"]
    secret = payload["clientSecret"]

    # when
    response = await _token(http, client["clientId"], secret)
    viewer = await gql(VIEWER, token=response.json()["access_token"])

    # then
    assert client["name"] == "Dashboard"
    assert client["scopes"] == ["read"]
    assert client["revokedAt"] is None
    assert client["clientId"].startswith(f"ct_{world.id.hex}_")
    assert response.status_code == 200, response.text
    assert response.json()["scope"] == "read"
    assert viewer == {
        "data": {
            "viewer": {
                "kind": "CLIENT",
                "label": "Dashboard",
                "clientId": client["clientId"],
                "scopes": ["read"],
            }
        }
    }


async def test_a_wrong_secret_gets_no_token(
    gql: GraphQLClient, http: httpx.AsyncClient, world: World
) -> None:
    # given
    body = await gql(
        CREATE, {"input": {"name": "Dashboard", "scopes": ["read"]}}, token=world.tokens["admin"]
    )
    client_id = body["data"]["createApiClient"]["apiClient"]["clientId"]

    # when
    response = await _token(http, client_id, "not-the-secret")

    # then
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


async def test_the_secret_is_not_stored_in_clear(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    # when
    body = await gql(
        CREATE,
        {"input": {"name": "Dashboard", "scopes": ["read", "write"]}},
        token=world.tokens["admin"],
    )

    # then
    secret = body["data"]["createApiClient"]["clientSecret"]
    async with tenant_transaction(owner_sessions, world.id) as session:
        stored = await session.scalar(
            select(ApiClient).where(ApiClient.tenant_id == world.id, ApiClient.name == "Dashboard")
        )
    assert stored is not None
    assert stored.scopes == ["read", "write"]
    assert stored.secret_hash != secret
    assert secret not in stored.secret_hash


@pytest.mark.parametrize(
    ("scopes", "code"),
    [
        (["read", "admin"], "INVALID"),
        ([], "REQUIRED"),
    ],
)
async def test_bad_scopes_are_refused_and_nothing_is_written(
    gql: GraphQLClient, world: World, snapshot: Snapshot, scopes: list[str], code: str
) -> None:
    # given
    before = await snapshot(world.id)

    # when
    body = await gql(
        CREATE, {"input": {"name": "Dashboard", "scopes": scopes}}, token=world.tokens["admin"]
    )

    # then
    payload = body["data"]["createApiClient"]
    assert _codes(payload) == [(["scopes"], code)]
    assert payload["apiClient"] is None
    assert payload["clientSecret"] is None
    assert await snapshot(world.id) == before


async def test_revoking_twice_reports_already_revoked(gql: GraphQLClient, world: World) -> None:
    # given
    writer = global_id("ApiClient", world.clients["writer"])
    first = await gql(REVOKE, {"id": writer}, token=world.tokens["admin"])

    # when
    second = await gql(REVOKE, {"id": writer}, token=world.tokens["admin"])

    # then
    assert first["data"]["revokeApiClient"]["userErrors"] == []
    assert first["data"]["revokeApiClient"]["apiClient"]["revokedAt"] is not None
    assert _codes(second["data"]["revokeApiClient"]) == [(["id"], "ALREADY_REVOKED")]
    assert second["data"]["revokeApiClient"]["apiClient"] is None


async def test_a_revoked_client_loses_its_live_token_and_gets_no_new_one(
    gql: GraphQLClient, http: httpx.AsyncClient, world: World
) -> None:
    # given
    await gql(
        REVOKE, {"id": global_id("ApiClient", world.clients["writer"])}, token=world.tokens["admin"]
    )

    # when
    live = await gql.post(VIEWER, token=world.tokens["writer"])
    fresh = await _token(http, world.client_id("writer"), "test-client-secret-0123456789abcdef")

    # then
    assert live.status_code == 401
    assert error_codes(live.json()) == ["UNAUTHENTICATED"]
    # A revoked client is an unknown one: authlib answers 400 (RFC 6749 5.2 allows it).
    assert fresh.status_code == 400
    assert fresh.json()["error"] == "invalid_client"


async def test_admins_list_the_clients_page_by_page(gql: GraphQLClient, world: World) -> None:
    # given: two clients from the fixture, then one more
    await gql(
        CREATE, {"input": {"name": "Dashboard", "scopes": ["read"]}}, token=world.tokens["admin"]
    )

    # when
    first = await gql(LIST, {"first": 2}, token=world.tokens["admin"])
    after = first["data"]["apiClients"]["pageInfo"]["endCursor"]
    second = await gql(LIST, {"first": 2, "after": after}, token=world.tokens["admin"])

    # then
    first_page = first["data"]["apiClients"]
    second_page = second["data"]["apiClients"]
    names = [edge["node"]["name"] for edge in first_page["edges"] + second_page["edges"]]
    assert sorted(names[:2]) == ["alpha reader", "alpha writer"]
    assert names[2:] == ["Dashboard"]
    assert (first_page["totalCount"], second_page["totalCount"]) == (3, 3)
    assert first_page["pageInfo"]["hasNextPage"] is True
    assert second_page["pageInfo"]["hasNextPage"] is False


@pytest.mark.parametrize("actor", ["analyst", "org_admin", "member", "reader", "writer"])
async def test_only_admins_may_list_clients(gql: GraphQLClient, world: World, actor: str) -> None:
    # when
    body = await gql(LIST, {"first": 10}, token=world.tokens[actor])

    # then
    assert error_codes(body) == ["FORBIDDEN"]
    assert body["data"] is None
