"""People's tokens from an external OpenID Connect provider (SECURITY 26, and 25 for its keys).

The provider is the fake one in ``conftest.py``: a real HTTP server on
127.0.0.1 that counts fetches. The app under test is built per test, so its
key cache starts empty.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import ECKey, OctKey, RSAKey
from pydantic import ValidationError
from sqlalchemy import update

from coalition.auth.oidc import OidcVerifier
from coalition.config import Settings
from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from coalition.errors import Unauthenticated
from coalition.tenancy.models import User
from tests.auth.conftest import (
    IDP_AUDIENCE,
    IDP_ISSUER,
    IDP_LEEWAY_SECONDS,
    IDP_TENANT_CLAIM,
    KeyServer,
    public_jwks,
)
from tests.support.graphql import error_codes
from tests.support.world import World

VIEWER = "{ viewer { label roles tenant { slug } } }"
TENANT = "X-Coalition-Tenant"


def email_of(world: World, person: str) -> str:
    return f"{person}@{world.slug}.example"


def person_claims(world: World, person: str = "admin", **changes: Any) -> dict[str, Any]:
    now = int(time.time())
    claims = {
        "iss": IDP_ISSUER,
        "aud": IDP_AUDIENCE,
        "sub": f"idp|{uuid.uuid4().hex}",
        "iat": now,
        "exp": now + 300,
        "email": email_of(world, person),
        "email_verified": True,
    }
    claims.update(changes)
    return {name: value for name, value in claims.items() if value is not None}


def sign(key: RSAKey, claims: dict[str, Any], **header: Any) -> str:
    return jwt.encode(
        {"alg": "RS256", "kid": key.kid, "typ": "JWT", **header}, claims, key, algorithms=["RS256"]
    )


async def ask_viewer(http: httpx.AsyncClient, token: str, tenant: str | None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"}
    if tenant is not None:
        headers[TENANT] = tenant
    return await http.post("/graphql", json={"query": VIEWER}, headers=headers)


def assert_unauthenticated(response: httpx.Response) -> None:
    assert response.status_code == 401, response.text
    assert error_codes(response.json()) == ["UNAUTHENTICATED"]


async def test_verified_email_maps_to_the_tenants_user(
    oidc_http: httpx.AsyncClient, idp_key: RSAKey, key_server: KeyServer, world: World
) -> None:
    token = sign(idp_key, person_claims(world, "org_admin"))

    response = await ask_viewer(oidc_http, token, world.slug)

    assert response.status_code == 200, response.text
    assert response.json() == {
        "data": {
            "viewer": {
                "label": email_of(world, "org_admin"),
                "roles": ["ORGANIZATION_ADMIN"],
                "tenant": {"slug": world.slug},
            }
        },
        "extensions": {"cost": {"requestedQueryCost": 5, "maximumQueryCost": 20_000}},
    }
    assert key_server.fetches == {"/jwks": 1}


async def test_subject_maps_to_the_user_who_has_it(
    oidc_http: httpx.AsyncClient, idp_key: RSAKey, owner_sessions: SessionFactory, world: World
) -> None:
    async with tenant_transaction(owner_sessions, world.id) as session:
        await session.execute(
            update(User)
            .where(
                User.tenant_id == world.id,
                User.id == world.users["analyst"],
            )
            .values(oidc_subject="idp|analyst-7")
        )
    token = sign(
        idp_key, person_claims(world, sub="idp|analyst-7", email=None, email_verified=None)
    )

    response = await ask_viewer(oidc_http, token, world.slug)

    assert response.status_code == 200, response.text
    assert response.json()["data"]["viewer"]["label"] == email_of(world, "analyst")
    assert response.json()["data"]["viewer"]["roles"] == ["ANALYST"]


async def test_email_does_not_take_over_a_person_linked_to_another_subject(
    oidc_http: httpx.AsyncClient, idp_key: RSAKey, owner_sessions: SessionFactory, world: World
) -> None:
    async with tenant_transaction(owner_sessions, world.id) as session:
        await session.execute(
            update(User)
            .where(
                User.tenant_id == world.id,
                User.id == world.users["admin"],
            )
            .values(oidc_subject="idp|the-real-admin")
        )
    impostor = sign(idp_key, person_claims(world, "admin", sub="idp|someone-else"))

    response = await ask_viewer(oidc_http, impostor, world.slug)

    assert_unauthenticated(response)


async def test_tenant_claim_works_without_the_header(
    oidc_http: httpx.AsyncClient, idp_key: RSAKey, world: World
) -> None:
    token = sign(idp_key, person_claims(world, "member", **{IDP_TENANT_CLAIM: world.slug}))

    response = await ask_viewer(oidc_http, token, None)

    assert response.status_code == 200, response.text
    assert response.json()["data"]["viewer"] == {
        "label": email_of(world, "member"),
        "roles": ["MEMBER"],
        "tenant": {"slug": world.slug},
    }


async def test_tenant_claim_outranks_the_header(
    oidc_http: httpx.AsyncClient, idp_key: RSAKey, world: World, other_world: World
) -> None:
    token = sign(idp_key, person_claims(world, **{IDP_TENANT_CLAIM: world.slug}))

    response = await ask_viewer(oidc_http, token, other_world.slug)

    assert response.status_code == 200, response.text
    assert response.json()["data"]["viewer"]["tenant"] == {"slug": world.slug}


async def test_expiry_within_the_leeway_is_accepted(
    oidc_http: httpx.AsyncClient, idp_key: RSAKey, world: World
) -> None:
    now = int(time.time())
    token = sign(idp_key, person_claims(world, iat=now - 300, exp=now - IDP_LEEWAY_SECONDS // 3))

    response = await ask_viewer(oidc_http, token, world.slug)

    assert response.status_code == 200, response.text


def _refused_claims(case: str, world: World) -> dict[str, Any]:
    now = int(time.time())
    return {
        "email_not_verified": person_claims(world, email_verified=False),
        "email_verified_as_string": person_claims(world, email_verified="true"),
        "email_verified_missing": person_claims(world, email_verified=None),
        "unknown_email": person_claims(world, email=f"nobody@{world.slug}.example"),
        "wrong_audience": person_claims(world, aud="someone-else"),
        "wrong_issuer": person_claims(world, iss="https://idp.test.evil"),
        "issuer_with_trailing_slash": person_claims(world, iss=IDP_ISSUER + "/"),
        "expired_beyond_leeway": person_claims(
            world, iat=now - 600, exp=now - IDP_LEEWAY_SECONDS - 60
        ),
        "future_nbf": person_claims(world, nbf=now + 3600),
        "missing_exp": person_claims(world, exp=None),
        "missing_sub": person_claims(world, sub=None),
    }[case]


@pytest.mark.parametrize(
    "case",
    [
        "email_not_verified",
        "email_verified_as_string",
        "email_verified_missing",
        "unknown_email",
        "wrong_audience",
        "wrong_issuer",
        "issuer_with_trailing_slash",
        "expired_beyond_leeway",
        "future_nbf",
        "missing_exp",
        "missing_sub",
    ],
)
async def test_bad_claims_are_unauthenticated(
    oidc_http: httpx.AsyncClient, idp_key: RSAKey, world: World, case: str
) -> None:
    token = sign(idp_key, _refused_claims(case, world))

    response = await ask_viewer(oidc_http, token, world.slug)

    assert_unauthenticated(response)


async def test_hs256_is_refused(
    oidc_http: httpx.AsyncClient, idp_key: RSAKey, world: World
) -> None:
    secret = OctKey.import_key(b"a shared secret the idp never agreed to use")
    token = jwt.encode(
        {"alg": "HS256", "kid": idp_key.kid, "typ": "JWT"},
        person_claims(world),
        secret,
        algorithms=["HS256"],
    )

    response = await ask_viewer(oidc_http, token, world.slug)

    assert_unauthenticated(response)


async def test_signature_by_another_key_with_the_idps_kid_is_refused(
    oidc_http: httpx.AsyncClient, idp_key: RSAKey, world: World
) -> None:
    impostor = RSAKey.generate_key(2048, {"kid": "idp-key-1"}, private=True)  # the IdP's kid

    response = await ask_viewer(oidc_http, sign(impostor, person_claims(world)), world.slug)

    assert_unauthenticated(response)


@pytest.mark.parametrize("pointer", ["jku", "x5u", "jwk"])
@pytest.mark.parametrize("attacker_kid", ["attacker-1", "idp-key-1"])
async def test_key_pointers_in_the_header_are_ignored(
    oidc_http: httpx.AsyncClient,
    key_server: KeyServer,
    world: World,
    pointer: str,
    attacker_kid: str,
) -> None:
    # An EC key (ES256 is an accepted algorithm) keeps an embedded "jwk" header
    # small enough to parse, so the token is refused for its key, not its size.
    attacker = ECKey.generate_key("P-256", {"kid": attacker_kid}, private=True)
    key_server.documents["/attacker/jwks"] = public_jwks(attacker)
    value: Any = {
        "jku": key_server.url("/attacker/jwks"),
        "x5u": key_server.url("/attacker/jwks"),
        "jwk": dict(attacker.as_dict(private=False)),
    }[pointer]
    token = jwt.encode(
        {"alg": "ES256", "kid": attacker_kid, "typ": "JWT", pointer: value},
        person_claims(world),
        attacker,
        algorithms=["ES256"],
    )

    response = await ask_viewer(oidc_http, token, world.slug)

    assert_unauthenticated(response)
    assert response.json()["errors"][0]["message"] == (
        "The identity token's signature is not valid."
    )
    assert key_server.fetches["/attacker/jwks"] == 0
    assert key_server.fetches["/jwks"] == 1


async def test_idp_token_with_a_jku_is_verified_against_the_configured_keys(
    oidc_http: httpx.AsyncClient, idp_key: RSAKey, key_server: KeyServer, world: World
) -> None:
    token = sign(idp_key, person_claims(world), jku=key_server.url("/attacker/jwks"))

    response = await ask_viewer(oidc_http, token, world.slug)

    assert response.status_code == 200, response.text
    assert key_server.fetches == {"/jwks": 1}


async def test_unknown_kid_within_the_refetch_interval_fetches_nothing(
    oidc_http: httpx.AsyncClient, idp_key: RSAKey, key_server: KeyServer, world: World
) -> None:
    assert (
        await ask_viewer(oidc_http, sign(idp_key, person_claims(world)), world.slug)
    ).status_code == 200
    stranger = RSAKey.generate_key(2048, {"kid": "idp-key-unknown"}, private=True)

    for _ in range(3):
        response = await ask_viewer(oidc_http, sign(stranger, person_claims(world)), world.slug)
        assert_unauthenticated(response)

    assert key_server.fetches == {"/jwks": 1}


async def test_unknown_kid_triggers_exactly_one_refetch_per_interval(
    idp_key: RSAKey, key_server: KeyServer, world: World
) -> None:
    # The provider rotates: its new key appears in the JWKS after our first fetch.
    interval = 0.5
    new_key = RSAKey.generate_key(2048, {"kid": "idp-key-2"}, private=True)
    stranger = RSAKey.generate_key(2048, {"kid": "idp-key-3"}, private=True)
    verifier = OidcVerifier(
        issuer=IDP_ISSUER,
        jwks_url=key_server.url("/jwks"),
        audience=IDP_AUDIENCE,
        leeway_seconds=IDP_LEEWAY_SECONDS,
        min_refetch_interval=interval,
    )
    token = sign(idp_key, person_claims(world))
    assert (await verifier.verify(token, {"alg": "RS256", "kid": idp_key.kid}))["sub"]
    key_server.documents["/jwks"] = public_jwks(idp_key, new_key)
    rotated = sign(new_key, person_claims(world))
    header = {"alg": "RS256", "kid": "idp-key-2", "typ": "JWT"}
    with pytest.raises(Unauthenticated):
        await verifier.verify(rotated, header)
    assert key_server.fetches == {"/jwks": 1}

    await asyncio.sleep(interval + 0.05)
    results = await asyncio.gather(*(verifier.verify(rotated, header) for _ in range(5)))

    assert [claims["email"] for claims in results] == [email_of(world, "admin")] * 5
    assert key_server.fetches == {"/jwks": 2}
    with pytest.raises(Unauthenticated):
        await verifier.verify(sign(stranger, person_claims(world)), {**header, "kid": "idp-key-3"})
    assert key_server.fetches == {"/jwks": 2}


async def test_unreachable_keys_are_unauthenticated(
    oidc_http: httpx.AsyncClient, idp_key: RSAKey, key_server: KeyServer, world: World
) -> None:
    del key_server.documents["/jwks"]

    response = await ask_viewer(oidc_http, sign(idp_key, person_claims(world)), world.slug)

    assert_unauthenticated(response)
    assert key_server.fetches == {"/jwks": 1}


async def test_no_tenant_claim_and_no_header_is_unauthenticated(
    oidc_http: httpx.AsyncClient, idp_key: RSAKey, world: World
) -> None:
    response = await ask_viewer(oidc_http, sign(idp_key, person_claims(world)), None)

    assert_unauthenticated(response)


@pytest.mark.parametrize("tenant", ["other_world", "no_such_tenant"])
async def test_header_naming_a_tenant_without_the_person_is_unauthenticated(
    oidc_http: httpx.AsyncClient, idp_key: RSAKey, world: World, other_world: World, tenant: str
) -> None:
    slug = other_world.slug if tenant == "other_world" else f"missing-{uuid.uuid4().hex[:8]}"

    response = await ask_viewer(oidc_http, sign(idp_key, person_claims(world)), slug)

    assert_unauthenticated(response)


def test_leeway_is_bounded_to_a_minute(settings: Settings) -> None:
    with pytest.raises(ValidationError):
        Settings.model_validate({**settings.model_dump(), "oidc_leeway_seconds": 61})
    allowed = Settings.model_validate({**settings.model_dump(), "oidc_leeway_seconds": 60})
    assert allowed.oidc_leeway_seconds == 60
