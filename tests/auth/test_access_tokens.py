"""The resource server refuses every token it should (SECURITY 24, RFC 8725, RFC 9068).

Each refused token gets HTTP 401 with ``extensions.code`` ``UNAUTHENTICATED``.
Forged tokens are built with joserfc (or by hand where joserfc refuses to
build them) from the same claims a valid token has, so each case differs from
an accepted token in exactly one way.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import ECKey
from starlette.applications import Starlette

from coalition.auth.scopes import USER_SCOPES
from coalition.auth.tokens import LEEWAY_SECONDS, USER_TOKEN_CLIENT_ID, issue_access_token
from coalition.config import Settings
from tests.support.graphql import GraphQLClient, error_codes
from tests.support.world import World

VIEWER = "{ viewer { label } }"
REMOVE = object()  # a claim or header value that means "leave this out"


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64_json(value: dict[str, Any]) -> str:
    return b64(json.dumps(value, separators=(",", ":")).encode())


@dataclass
class Forge:
    """Builds tokens for the world's admin, each with one thing changed."""

    key: ECKey
    settings: Settings
    world: World

    def header(self, **changes: Any) -> dict[str, Any]:
        return _apply({"alg": "ES256", "kid": self.key.kid, "typ": "at+jwt"}, changes)

    def claims(self, **changes: Any) -> dict[str, Any]:
        now = int(time.time())
        claims = {
            "iss": self.settings.issuer,
            "aud": self.settings.audience,
            "sub": str(self.world.users["admin"]),
            "client_id": USER_TOKEN_CLIENT_ID,
            "iat": now,
            "exp": now + 300,
            "jti": uuid.uuid4().hex,
            "tenant": str(self.world.id),
            "scope": "read write",
        }
        return _apply(claims, changes)

    def sign(
        self,
        header: dict[str, Any] | None = None,
        claims: dict[str, Any] | None = None,
        key: ECKey | None = None,
    ) -> str:
        return jwt.encode(
            header or self.header(), claims or self.claims(), key or self.key, algorithms=["ES256"]
        )


def _apply(values: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    values = {**values, **changes}
    return {name: value for name, value in values.items() if value is not REMOVE}


def _alg_none(forge: Forge) -> str:
    return f"{b64_json(forge.header(alg='none'))}.{b64_json(forge.claims())}."


def _hs256_with_public_key(forge: Forge) -> str:
    # The classic confusion: the verifier's *public* key used as an HMAC secret.
    signing_input = f"{b64_json(forge.header(alg='HS256'))}.{b64_json(forge.claims())}"
    secret = forge.key.as_pem(private=False)
    signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64(signature)}"


def _stranger_key(kid: str) -> ECKey:
    return ECKey.generate_key("P-256", {"kid": kid}, private=True)


def _tampered_tenant(forge: Forge) -> str:
    header, _, signature = forge.sign().split(".")
    return f"{header}.{b64_json(forge.claims(tenant=str(uuid.uuid4())))}.{signature}"


def _expired(forge: Forge) -> str:
    issued = int(time.time()) - forge.settings.access_token_seconds - LEEWAY_SECONDS - 60
    return issue_access_token(
        forge.key,
        forge.settings,
        tenant_id=forge.world.id,
        subject=str(forge.world.users["admin"]),
        client_id=USER_TOKEN_CLIENT_ID,
        scopes=USER_SCOPES,
        now=issued,
    )


def _in_far_future(forge: Forge) -> dict[str, Any]:
    now = int(time.time())
    return forge.claims(iat=now + 3600, exp=now + 3900)


# Each builder returns the whole Authorization header value.
FORGERIES: dict[str, Callable[[Forge], str]] = {
    "expired": lambda f: f"Bearer {_expired(f)}",
    "wrong_audience": lambda f: f"Bearer {f.sign(claims=f.claims(aud='another-api'))}",
    "audience_list_without_ours": lambda f: (
        f"Bearer {f.sign(claims=f.claims(aud=['another-api', 'third-api']))}"
    ),
    "wrong_issuer": lambda f: f"Bearer {f.sign(claims=f.claims(iss='https://evil.example'))}",
    "alg_none": lambda f: f"Bearer {_alg_none(f)}",
    "hs256_with_public_key": lambda f: f"Bearer {_hs256_with_public_key(f)}",
    "unknown_kid": lambda f: (
        f"Bearer {f.sign(header=f.header(kid='stranger-1'), key=_stranger_key('stranger-1'))}"
    ),
    "known_kid_other_key": lambda f: f"Bearer {f.sign(key=_stranger_key(f.key.kid or ''))}",
    "tampered_tenant": lambda f: f"Bearer {_tampered_tenant(f)}",
    "missing_typ": lambda f: f"Bearer {f.sign(header=f.header(typ=REMOVE))}",
    "typ_jwt": lambda f: f"Bearer {f.sign(header=f.header(typ='JWT'))}",
    "missing_kid": lambda f: f"Bearer {f.sign(header=f.header(kid=REMOVE))}",
    "future_nbf": lambda f: f"Bearer {f.sign(claims=f.claims(nbf=int(time.time()) + 3600))}",
    "future_iat": lambda f: f"Bearer {f.sign(claims=_in_far_future(f))}",
    "missing_exp": lambda f: f"Bearer {f.sign(claims=f.claims(exp=REMOVE))}",
    "missing_tenant": lambda f: f"Bearer {f.sign(claims=f.claims(tenant=REMOVE))}",
    "tenant_not_a_uuid": lambda f: f"Bearer {f.sign(claims=f.claims(tenant=f.world.slug))}",
    "missing_jti": lambda f: f"Bearer {f.sign(claims=f.claims(jti=REMOVE))}",
    "garbage": lambda f: "Bearer not-a-jwt",
    "three_garbage_parts": lambda f: "Bearer abc.def.ghi",
    "empty_bearer": lambda f: "Bearer ",
    "basic_scheme": lambda f: "Basic xyz",
}


@pytest.fixture
async def forge(app: Starlette, settings: Settings, world: World) -> Forge:
    return Forge(key=await app.state.keys.signer(), settings=settings, world=world)


async def call_viewer(
    http: httpx.AsyncClient, authorization: str, headers: dict[str, str] | None = None
) -> httpx.Response:
    return await http.post(
        "/graphql",
        json={"query": VIEWER},
        headers={"Authorization": authorization, **(headers or {})},
    )


def assert_unauthenticated(response: httpx.Response) -> None:
    assert response.status_code == 401, response.text
    body = response.json()
    assert error_codes(body) == ["UNAUTHENTICATED"]
    assert body.get("data") is None


async def test_an_unchanged_forged_token_is_accepted(
    http: httpx.AsyncClient, forge: Forge, world: World
) -> None:
    # The control for every case below: the forge itself builds valid tokens.
    response = await call_viewer(http, f"Bearer {forge.sign()}")

    assert response.status_code == 200
    assert response.json() == {
        "data": {"viewer": {"label": f"admin@{world.slug}.example"}},
        "extensions": {"cost": {"requestedQueryCost": 2, "maximumQueryCost": 20_000}},
    }


@pytest.mark.parametrize("case", sorted(FORGERIES))
async def test_bad_token_is_unauthenticated(
    http: httpx.AsyncClient, forge: Forge, case: str
) -> None:
    authorization = FORGERIES[case](forge)

    response = await call_viewer(http, authorization)

    assert_unauthenticated(response)
    assert response.headers["www-authenticate"] == 'Bearer error="invalid_token"'


async def test_token_within_leeway_of_expiry_is_accepted(
    http: httpx.AsyncClient, forge: Forge
) -> None:
    now = int(time.time())
    token = forge.sign(claims=forge.claims(iat=now - 400, exp=now - LEEWAY_SECONDS // 3))

    response = await call_viewer(http, f"Bearer {token}")

    assert response.status_code == 200, response.text


async def test_revoked_clients_token_stops_working_at_once(
    gql: GraphQLClient,
    http: httpx.AsyncClient,
    world: World,
    revoke_client: Callable[[World, str], Awaitable[None]],
) -> None:
    token = world.tokens["reader"]
    before = await gql(VIEWER, token=token)
    assert before == {"data": {"viewer": {"label": "alpha reader"}}}

    await revoke_client(world, "reader")
    response = await call_viewer(http, f"Bearer {token}")

    assert_unauthenticated(response)


async def test_token_for_an_unknown_user_is_unauthenticated(
    http: httpx.AsyncClient, forge: Forge
) -> None:
    token = forge.sign(claims=forge.claims(sub=str(uuid.uuid4())))

    response = await call_viewer(http, f"Bearer {token}")

    assert_unauthenticated(response)


async def test_token_naming_another_tenants_user_is_unauthenticated(
    http: httpx.AsyncClient, forge: Forge, other_world: World
) -> None:
    # Signed by us, but the user lives in another tenant: not found under this one.
    token = forge.sign(claims=forge.claims(sub=str(other_world.users["admin"])))

    response = await call_viewer(http, f"Bearer {token}")

    assert_unauthenticated(response)


async def test_client_token_whose_tenant_disagrees_with_its_client_id_is_refused(
    http: httpx.AsyncClient, forge: Forge, world: World, other_world: World
) -> None:
    client_id = world.client_id("reader")
    token = forge.sign(
        claims=forge.claims(
            sub=client_id, client_id=client_id, tenant=str(other_world.id), scope="read"
        )
    )

    response = await call_viewer(http, f"Bearer {token}")

    assert_unauthenticated(response)


async def test_tenant_header_cannot_move_a_token_to_another_tenant(
    gql: GraphQLClient, world: World, other_world: World
) -> None:
    query = """{ viewer { label tenant { slug } }
                 organizations(first: 10) { edges { node { name } } } }"""

    body = await gql(
        query, token=world.tokens["admin"], headers={"X-Coalition-Tenant": other_world.slug}
    )

    assert body["data"]["viewer"] == {
        "label": f"admin@{world.slug}.example",
        "tenant": {"slug": world.slug},
    }
    names = sorted(edge["node"]["name"] for edge in body["data"]["organizations"]["edges"])
    assert names == ["alpha college", "alpha convener", "alpha employer", "alpha other_employer"]
