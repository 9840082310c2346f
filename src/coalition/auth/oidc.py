"""People's tokens from an external OpenID Connect provider.

The issuer and algorithms are pinned; ``jku``, ``x5u`` and any other header
that points at keys is ignored: keys come only from the configured JWKS URL.
An unknown ``kid`` triggers at most one refetch per ``min_refetch_interval``.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from joserfc.jwt import JWTClaimsRegistry

from coalition.errors import Unauthenticated

ALGORITHMS = ("RS256", "ES256")
ACCEPTED_TYPES = ("", "jwt", "at+jwt", "application/at+jwt")


class OidcVerifier:
    def __init__(
        self,
        *,
        issuer: str,
        jwks_url: str,
        audience: str,
        leeway_seconds: int,
        min_refetch_interval: float = 30.0,
        max_age: float = 3600.0,
    ) -> None:
        self.issuer = issuer
        self._jwks_url = jwks_url
        self._audience = audience
        self._leeway = leeway_seconds
        self._min_refetch_interval = min_refetch_interval
        self._max_age = max_age
        self._keys: KeySet | None = None
        self._fetched_at = float("-inf")
        self._lock = asyncio.Lock()
        self.fetch_count = 0

    async def _fetch(self) -> None:
        async with httpx.AsyncClient(timeout=5.0, follow_redirects=False) as client:
            response = await client.get(self._jwks_url)
            response.raise_for_status()
            document = response.json()
        self._keys = KeySet.import_key_set(document)
        self.fetch_count += 1

    async def _key_set(self, kid: str | None) -> KeySet:
        async with self._lock:
            now = time.monotonic()
            age = now - self._fetched_at
            unknown = self._keys is None or (
                kid is not None and all(key.kid != kid for key in self._keys.keys)
            )
            if age > self._max_age or (unknown and age > self._min_refetch_interval):
                self._fetched_at = now
                try:
                    await self._fetch()
                except (httpx.HTTPError, ValueError, JoseError) as error:
                    if self._keys is None:
                        raise Unauthenticated(
                            "The identity provider's keys are unavailable."
                        ) from error
        if self._keys is None:
            raise Unauthenticated("The identity provider's keys are unavailable.")
        return self._keys

    async def verify(self, token: str, header: dict[str, Any]) -> dict[str, Any]:
        if str(header.get("typ", "")).lower() not in ACCEPTED_TYPES:
            raise Unauthenticated("The identity token's type is not accepted.")
        if header.get("alg") not in ALGORITHMS:
            raise Unauthenticated("The identity token's algorithm is not accepted.")
        kid = header.get("kid")
        keys = await self._key_set(kid if isinstance(kid, str) else None)
        try:
            decoded = jwt.decode(token, keys, algorithms=list(ALGORITHMS))
        except (JoseError, ValueError) as error:
            raise Unauthenticated("The identity token's signature is not valid.") from error
        registry = JWTClaimsRegistry(
            leeway=self._leeway,
            iss={"essential": True, "value": self.issuer},
            aud={"essential": True, "value": self._audience},
            exp={"essential": True},
            sub={"essential": True},
        )
        try:
            registry.validate(decoded.claims)
        except JoseError as error:
            raise Unauthenticated(
                f"The identity token is not valid: {error.description}"
            ) from error
        return dict(decoded.claims)
