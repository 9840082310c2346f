"""POST /oauth/token: the client-credentials grant (RFC 6749 §4.4, errors §5.2) and the
RFC 9068 access tokens it issues (SECURITY 22, 23)."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import KeySet

from coalition.config import MAX_ACCESS_TOKEN_SECONDS, Settings
from coalition.tenancy.models import format_client_id
from tests.support.graphql import GraphQLClient
from tests.support.world import CLIENT_SECRET, World

TOKEN_URL = "/oauth/token"
CLIENT_CREDENTIALS = {"grant_type": "client_credentials"}


async def request_token(
    http: httpx.AsyncClient,
    client_id: str,
    secret: str = CLIENT_SECRET,
    *,
    method: str = "client_secret_basic",
    form: dict[str, str] | None = None,
) -> httpx.Response:
    fields = dict(CLIENT_CREDENTIALS if form is None else form)
    if method == "client_secret_basic":
        return await http.post(TOKEN_URL, data=fields, auth=(client_id, secret))
    fields.update(client_id=client_id, client_secret=secret)
    return await http.post(TOKEN_URL, data=fields)


async def published_keys(http: httpx.AsyncClient) -> tuple[KeySet, set[str]]:
    response = await http.get("/.well-known/jwks.json")
    assert response.status_code == 200
    document = response.json()
    return KeySet.import_key_set(document), {key["kid"] for key in document["keys"]}


def oauth_error(response: httpx.Response) -> str:
    body: dict[str, Any] = response.json()
    return str(body["error"])


@pytest.mark.parametrize("method", ["client_secret_basic", "client_secret_post"])
async def test_reader_gets_a_short_lived_rfc9068_token(
    http: httpx.AsyncClient, world: World, settings: Settings, method: str
) -> None:
    client_id = world.client_id("reader")

    response = await request_token(http, client_id, method=method)

    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == settings.access_token_seconds
    assert body["expires_in"] <= MAX_ACCESS_TOKEN_SECONDS
    assert body["scope"] == "read"
    verifiers, kids = await published_keys(http)
    decoded = jwt.decode(body["access_token"], verifiers, algorithms=["ES256"])
    assert decoded.header["typ"] == "at+jwt"
    assert decoded.header["alg"] == "ES256"
    assert decoded.header["kid"] in kids
    claims = decoded.claims
    assert claims["iss"] == settings.issuer
    assert claims["aud"] == settings.audience
    assert claims["sub"] == client_id
    assert claims["client_id"] == client_id
    assert claims["tenant"] == str(world.id)
    assert claims["scope"] == "read"
    assert isinstance(claims["jti"], str) and len(claims["jti"]) == 32
    assert claims["exp"] - claims["iat"] == settings.access_token_seconds
    assert claims["exp"] - claims["iat"] <= MAX_ACCESS_TOKEN_SECONDS


async def test_each_token_has_its_own_jti(http: httpx.AsyncClient, world: World) -> None:
    first = await request_token(http, world.client_id("reader"))
    second = await request_token(http, world.client_id("reader"))

    verifiers, _ = await published_keys(http)
    jtis = {
        jwt.decode(r.json()["access_token"], verifiers, algorithms=["ES256"]).claims["jti"]
        for r in (first, second)
    }
    assert len(jtis) == 2


async def test_issued_token_works_on_graphql(
    http: httpx.AsyncClient, gql: GraphQLClient, world: World
) -> None:
    token = (await request_token(http, world.client_id("reader"))).json()["access_token"]

    body = await gql("{ viewer { kind clientId scopes } }", token=token)

    assert body == {
        "data": {
            "viewer": {"kind": "CLIENT", "clientId": world.client_id("reader"), "scopes": ["read"]}
        }
    }


async def test_writer_may_narrow_its_scopes(http: httpx.AsyncClient, world: World) -> None:
    response = await request_token(
        http, world.client_id("writer"), form={**CLIENT_CREDENTIALS, "scope": "read"}
    )

    assert response.status_code == 200, response.text
    assert response.json()["scope"] == "read"


@pytest.mark.parametrize("method", ["client_secret_basic", "client_secret_post"])
async def test_wrong_secret_is_invalid_client(
    http: httpx.AsyncClient, world: World, method: str
) -> None:
    response = await request_token(http, world.client_id("reader"), "wrong-secret", method=method)

    assert response.status_code == 401
    assert oauth_error(response) == "invalid_client"
    assert "access_token" not in response.json()


@pytest.mark.parametrize("case", ["unknown", "malformed", "no_prefix", "other_tenants_client"])
async def test_unknown_client_ids_are_invalid_client(
    http: httpx.AsyncClient, world: World, other_world: World, case: str
) -> None:
    client_id = {
        "unknown": format_client_id(world.id, uuid.uuid4()),
        "malformed": f"ct_{world.id.hex}_not-hex",
        "no_prefix": f"{world.id.hex}_{world.clients['reader'].hex}",
        # another tenant's client under this tenant's prefix: looked up in this tenant only
        "other_tenants_client": format_client_id(world.id, other_world.clients["reader"]),
    }[case]

    response = await request_token(http, client_id)

    assert response.status_code == 401
    assert oauth_error(response) == "invalid_client"
    assert response.headers["www-authenticate"].startswith("Basic ")


@pytest.mark.parametrize("scope", ["write", "read write", "admin"])
async def test_scope_beyond_the_client_is_invalid_scope(
    http: httpx.AsyncClient, world: World, scope: str
) -> None:
    response = await request_token(
        http, world.client_id("reader"), form={**CLIENT_CREDENTIALS, "scope": scope}
    )

    assert response.status_code == 400
    assert oauth_error(response) == "invalid_scope"


@pytest.mark.parametrize("grant_type", ["password", "authorization_code", "refresh_token"])
async def test_other_grant_types_are_unsupported(
    http: httpx.AsyncClient, world: World, grant_type: str
) -> None:
    response = await request_token(
        http,
        world.client_id("reader"),
        form={"grant_type": grant_type, "username": "a", "password": "b", "code": "c"},
    )

    assert response.status_code == 400
    assert oauth_error(response) == "unsupported_grant_type"


async def test_missing_grant_type_is_invalid_request(http: httpx.AsyncClient, world: World) -> None:
    # RFC 6749 §5.2: "invalid_request: the request is missing a required parameter";
    # unsupported_grant_type is for a grant type the server does not support.
    response = await request_token(http, world.client_id("reader"), form={"scope": "read"})

    assert response.status_code == 400
    assert oauth_error(response) == "invalid_request"


async def test_json_body_is_invalid_request(http: httpx.AsyncClient, world: World) -> None:
    response = await http.post(
        TOKEN_URL,
        json={"grant_type": "client_credentials"},
        auth=(world.client_id("reader"), CLIENT_SECRET),
    )

    assert response.status_code == 400
    assert oauth_error(response) == "invalid_request"


async def test_repeated_parameter_is_invalid_request(http: httpx.AsyncClient, world: World) -> None:
    response = await http.post(
        TOKEN_URL,
        content=b"grant_type=client_credentials&scope=read&scope=write",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        auth=(world.client_id("reader"), CLIENT_SECRET),
    )

    assert response.status_code == 400
    assert oauth_error(response) == "invalid_request"


@pytest.mark.parametrize("form_client", ["reader", "writer"])
async def test_two_authentication_mechanisms_are_invalid_request(
    http: httpx.AsyncClient, world: World, form_client: str
) -> None:
    # RFC 6749 §2.3: one authentication method per request; §5.2: invalid_request.
    response = await http.post(
        TOKEN_URL,
        auth=(world.client_id("reader"), CLIENT_SECRET),
        data={
            **CLIENT_CREDENTIALS,
            "client_id": world.client_id(form_client),
            "client_secret": CLIENT_SECRET,
        },
    )

    assert response.status_code == 400
    assert oauth_error(response) == "invalid_request"


async def test_revoked_client_gets_no_token(
    http: httpx.AsyncClient, world: World, revoke_client: Callable[[World, str], Awaitable[None]]
) -> None:
    before = await request_token(http, world.client_id("reader"))
    assert before.status_code == 200

    await revoke_client(world, "reader")
    response = await request_token(http, world.client_id("reader"))

    assert response.status_code == 401
    assert oauth_error(response) == "invalid_client"


async def test_metadata_names_only_client_credentials(
    http: httpx.AsyncClient, settings: Settings
) -> None:
    response = await http.get("/.well-known/oauth-authorization-server")

    body = response.json()
    assert body["grant_types_supported"] == ["client_credentials"]
    # No public URL is configured: the URLs are the ones this request came to.
    assert body["token_endpoint"] == "http://127.0.0.1:8000/oauth/token"
    assert body["jwks_uri"] == "http://127.0.0.1:8000/.well-known/jwks.json"
