"""Signing-key rotation without downtime, and the key cache's reload limits (SECURITY 25).

A rotated-in key is published at once and signs only ``PUBLICATION_DELAY`` later,
so no verifier, however long it cached the JWKS, meets a token whose key it lacks.

Rotation writes the global ``signing_keys`` table, which the shared app signs
with. So every test here rotates inside one owner transaction that is rolled
back at teardown (SQLAlchemy's "join an outer transaction" recipe): its own
``KeyStore`` reads through that transaction, and the shared app never sees a
rotated key.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from joserfc.jwk import ECKey
from joserfc.jws import extract_compact
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from starlette.applications import Starlette
from starlette.routing import Route

from coalition.app import jwks
from coalition.auth.authenticate import Authenticator
from coalition.auth.keys import (
    JWKS_CACHE_SECONDS,
    KEY_CACHE_SECONDS,
    PUBLICATION_DELAY,
    RETENTION,
    KeyStore,
    rotate_signing_key,
)
from coalition.auth.models import SigningKey
from coalition.auth.oauth import token_endpoint
from coalition.auth.principal import PrincipalKind
from coalition.auth.scopes import USER_SCOPES
from coalition.auth.tokens import USER_TOKEN_CLIENT_ID, issue_access_token, verify_access_token
from coalition.config import Settings
from coalition.db.engine import SessionFactory
from coalition.errors import Unauthenticated
from tests.support.statements import StatementCounter
from tests.support.world import CLIENT_SECRET, World


@pytest.fixture
async def key_sessions(owner_engine: AsyncEngine) -> AsyncIterator[SessionFactory]:
    """Owner sessions inside one outer transaction that is rolled back afterwards.

    Inside it, only the current signing key exists (keys other tests may have
    superseded are deleted, for now), so tests can name every published key.
    """
    async with owner_engine.connect() as connection:
        outer = await connection.begin()
        try:
            await connection.execute(
                delete(SigningKey).where(SigningKey.superseded_at.is_not(None))
            )
            yield async_sessionmaker(
                bind=connection,
                class_=AsyncSession,
                expire_on_commit=False,
                autoflush=False,
                join_transaction_mode="create_savepoint",
            )
        finally:
            await outer.rollback()


async def rotate(sessions: SessionFactory, now: datetime) -> str:
    async with sessions() as session, session.begin():
        return await rotate_signing_key(session, now=now)


def kid_of(token: str) -> str:
    return str(extract_compact(token.encode()).protected["kid"])


def admin_token(key: ECKey, settings: Settings, world: World) -> str:
    return issue_access_token(
        key,
        settings,
        tenant_id=world.id,
        subject=str(world.users["admin"]),
        client_id=USER_TOKEN_CLIENT_ID,
        scopes=USER_SCOPES,
    )


def key_service(store: KeyStore, settings: Settings, app: Starlette) -> httpx.AsyncClient:
    """The token and JWKS endpoints, serving from ``store`` instead of the shared app's."""
    tiny = Starlette(
        routes=[
            Route("/oauth/token", token_endpoint, methods=["POST"]),
            Route("/.well-known/jwks.json", jwks, methods=["GET"]),
        ]
    )
    tiny.state.settings = settings
    tiny.state.sessions = app.state.sessions
    tiny.state.keys = store
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=tiny), base_url="http://127.0.0.1:8000"
    )


async def published_kids(client: httpx.AsyncClient) -> list[str]:
    response = await client.get("/.well-known/jwks.json")
    assert response.status_code == 200
    return [key["kid"] for key in response.json()["keys"]]


async def test_jwks_publishes_public_keys_only(http: httpx.AsyncClient) -> None:
    response = await http.get("/.well-known/jwks.json")

    keys = response.json()["keys"]
    assert len(keys) >= 1
    for key in keys:
        assert sorted(key) == ["alg", "crv", "kid", "kty", "use", "x", "y"]
        assert (key["kty"], key["crv"], key["alg"], key["use"]) == ("EC", "P-256", "ES256", "sig")


class Clock:
    """A wall clock the test moves by hand (for the times keys start and stop signing)."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


async def test_rotation_publishes_the_new_key_before_it_signs(
    app: Starlette, key_sessions: SessionFactory, settings: Settings, world: World
) -> None:
    # given a store that reads the keys on every call, and a rotation
    clock = Clock(datetime.now(UTC))
    store = KeyStore(key_sessions, max_age=0, clock=clock)
    old_key = await store.signer()
    first_token = admin_token(old_key, settings, world)
    async with key_service(store, settings, app) as service:
        assert await published_kids(service) == [old_key.kid]
        new_kid = await rotate(key_sessions, clock.now)

        # when tokens are issued just before the new key's time
        clock.now += PUBLICATION_DELAY - timedelta(seconds=1)
        waiting = await request_client_token(service, world)

        # then the new key is published but the old one still signs
        assert await published_kids(service) == [old_key.kid, new_kid]
        assert kid_of(waiting) == old_key.kid

        # when its time has come, the new key signs
        clock.now += timedelta(seconds=1)
        assert kid_of(await request_client_token(service, world)) == new_kid
    assert (await store.signer()).kid == new_kid
    assert kid_of(first_token) == old_key.kid
    verified = await verify_access_token(first_token, store, settings)
    assert verified.subject == str(world.users["admin"])
    identity = await Authenticator(settings, store, key_sessions).identify(
        first_token, tenant_slug=None
    )
    assert (identity.kind, identity.tenant_id) == (PrincipalKind.USER, world.id)


async def request_client_token(service: httpx.AsyncClient, world: World) -> str:
    response = await service.post(
        "/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(world.client_id("reader"), CLIENT_SECRET),
    )
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


def test_no_cached_jwks_can_miss_a_key_that_signs() -> None:
    # A process reads the keys again within KEY_CACHE_SECONDS; a JWKS it served just
    # before may be cached for JWKS_CACHE_SECONDS more. A new key signs only after both.
    assert KEY_CACHE_SECONDS + JWKS_CACHE_SECONDS < PUBLICATION_DELAY.total_seconds()


async def test_the_jwks_says_how_long_it_may_be_cached(http: httpx.AsyncClient) -> None:
    response = await http.get("/.well-known/jwks.json")

    assert response.headers["cache-control"] == f"public, max-age={JWKS_CACHE_SECONDS}"


async def test_two_processes_agree_when_a_new_key_signs(
    key_sessions: SessionFactory, settings: Settings, world: World
) -> None:
    # given one process that read the keys before a rotation and one that reads them after
    rotated_at = datetime.now(UTC)
    clock = Clock(rotated_at)
    before = KeyStore(key_sessions, max_age=3600, min_reload_interval=0, clock=clock)
    old_kid = (await before.signer()).kid
    new_kid = await rotate(key_sessions, rotated_at)
    after = KeyStore(key_sessions, max_age=3600, clock=clock)

    # then neither signs with the new key before its time, though one already publishes it
    clock.now = rotated_at + PUBLICATION_DELAY - timedelta(seconds=1)
    assert [(await before.signer()).kid, (await after.signer()).kid] == [old_kid, old_kid]
    assert [key["kid"] for key in (await after.public_jwks())["keys"]] == [old_kid, new_kid]

    # and from then on the process that knows the new key signs with it, while the other
    # keeps signing with the old key, which is still published, until it reloads (a token
    # with a kid it does not know makes it reload)
    clock.now = rotated_at + PUBLICATION_DELAY
    assert [(await before.signer()).kid, (await after.signer()).kid] == [old_kid, new_kid]
    token = admin_token(await after.signer(), settings, world)
    assert (await verify_access_token(token, before, settings)).tenant_id == world.id


async def test_superseded_key_is_deleted_after_retention_and_its_tokens_fail(
    key_sessions: SessionFactory, settings: Settings, world: World
) -> None:
    rotated_at = datetime.now(UTC)
    # The first key stops signing when the second starts: PUBLICATION_DELAY after the rotation.
    stopped_at = rotated_at + PUBLICATION_DELAY
    clock = Clock(rotated_at)
    store = KeyStore(key_sessions, max_age=0, clock=clock)
    first_key = await store.signer()
    first_token = admin_token(first_key, settings, world)
    second_kid = await rotate(key_sessions, rotated_at)
    clock.now = stopped_at
    second_token = admin_token(await store.signer(), settings, world)
    assert kid_of(second_token) == second_kid

    # Just inside the retention window the first key is still published.
    third_kid = await rotate(key_sessions, stopped_at + RETENTION - timedelta(seconds=60))
    assert [key["kid"] for key in (await store.public_jwks())["keys"]] == [
        first_key.kid,
        second_kid,
        third_kid,
    ]
    assert (await verify_access_token(first_token, store, settings)).tenant_id == world.id

    fourth_kid = await rotate(key_sessions, stopped_at + RETENTION + timedelta(seconds=1))

    assert [key["kid"] for key in (await store.public_jwks())["keys"]] == [
        second_kid,
        third_kid,
        fourth_kid,
    ]
    with pytest.raises(Unauthenticated):
        await verify_access_token(first_token, store, settings)
    with pytest.raises(Unauthenticated):
        await Authenticator(settings, store, key_sessions).identify(first_token, tenant_slug=None)
    assert (await verify_access_token(second_token, store, settings)).tenant_id == world.id


async def test_a_running_store_picks_up_a_rotation_when_its_cache_expires(
    key_sessions: SessionFactory, settings: Settings, world: World
) -> None:
    rotated_at = datetime.now(UTC)
    store = KeyStore(
        key_sessions,
        max_age=0.5,
        min_reload_interval=60,
        clock=Clock(rotated_at + PUBLICATION_DELAY),
    )
    old_kid = (await store.signer()).kid

    new_kid = await rotate(key_sessions, rotated_at)

    assert (await store.signer()).kid == old_kid
    assert [key["kid"] for key in (await store.public_jwks())["keys"]] == [old_kid]
    await asyncio.sleep(0.55)
    assert [key["kid"] for key in (await store.public_jwks())["keys"]] == [old_kid, new_kid]
    assert (await store.signer()).kid == new_kid


async def test_token_signed_by_a_new_key_forces_one_reload(
    key_sessions: SessionFactory, settings: Settings, world: World
) -> None:
    # Another replica rotated: a token with the new kid arrives before our cache expires.
    rotated_at = datetime.now(UTC)
    store = KeyStore(key_sessions, max_age=60, min_reload_interval=0.2)
    await store.signer()
    await rotate(key_sessions, rotated_at)
    other_replica = KeyStore(key_sessions, max_age=0, clock=Clock(rotated_at + PUBLICATION_DELAY))
    token = admin_token(await other_replica.signer(), settings, world)
    await asyncio.sleep(0.25)

    verified = await verify_access_token(token, store, settings)

    assert verified.tenant_id == world.id


def signing_key_loads(counter: StatementCounter) -> int:
    return sum("FROM signing_keys" in statement for statement in counter.every_statement)


async def test_unknown_kids_reload_at_most_once_per_interval(
    app: Starlette, count_statements: StatementCounter
) -> None:
    interval = 0.5
    store = KeyStore(app.state.sessions, max_age=60, min_reload_interval=interval)
    await store.signer()
    assert signing_key_loads(count_statements) == 1

    # Within the interval: no reload at all, however many strangers knock.
    await asyncio.gather(*(store.verifiers(f"stranger-{n}") for n in range(5)))
    assert signing_key_loads(count_statements) == 1

    await asyncio.sleep(interval + 0.05)
    started = time.monotonic()
    await asyncio.gather(*(store.verifiers(f"stranger-{n}") for n in range(5)))
    await store.verifiers("stranger-again")
    assert time.monotonic() - started < interval  # still inside the new interval
    assert signing_key_loads(count_statements) == 2

    # A known kid never forces a reload.
    await store.verifiers((await store.signer()).kid)
    assert signing_key_loads(count_statements) == 2
