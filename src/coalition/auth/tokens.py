"""Coalition's own access tokens: RFC 9068 JWTs signed with ES256.

Verification is strict: the header must say ``typ: at+jwt`` and ``alg:
ES256`` and name a known ``kid``; issuer, audience, expiry, issue time,
subject, token id and tenant are all required.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass
from typing import Any

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import ECKey
from joserfc.jws import extract_compact
from joserfc.jwt import JWTClaimsRegistry

from coalition.auth.keys import ALGORITHM, KeyStore
from coalition.config import Settings
from coalition.errors import Unauthenticated

TOKEN_TYPE = "at+jwt"  # noqa: S105 - a media type, not a secret
USER_TOKEN_CLIENT_ID = "coalition-cli"  # noqa: S105 - a public client id
LEEWAY_SECONDS = 30


@dataclass(frozen=True)
class AccessClaims:
    subject: str
    client_id: str
    tenant_id: uuid.UUID
    scopes: frozenset[str]
    expires_at: int

    @property
    def is_client(self) -> bool:
        return self.subject == self.client_id


def issue_access_token(
    key: ECKey,
    settings: Settings,
    *,
    tenant_id: uuid.UUID,
    subject: str,
    client_id: str,
    scopes: frozenset[str] | set[str],
    now: int | None = None,
) -> str:
    issued_at = int(time.time()) if now is None else now
    header = {"alg": ALGORITHM, "kid": key.kid, "typ": TOKEN_TYPE}
    claims = {
        "iss": settings.issuer,
        "aud": settings.audience,
        "sub": subject,
        "client_id": client_id,
        "iat": issued_at,
        "exp": issued_at + settings.access_token_seconds,
        "jti": uuid.uuid4().hex,
        "tenant": str(tenant_id),
        "scope": " ".join(sorted(scopes)),
    }
    return jwt.encode(header, claims, key, algorithms=[ALGORITHM])


def unverified_parts(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The header and claims *before* verification: only for choosing how to verify."""
    try:
        compact = extract_compact(token.encode("ascii"))
        claims = json.loads(compact.payload)
    except (JoseError, ValueError, UnicodeError) as error:
        raise Unauthenticated("The access token is malformed.") from error
    if not isinstance(claims, dict):
        raise Unauthenticated("The access token is malformed.")
    return dict(compact.protected), claims


def _check_type(header: dict[str, Any]) -> None:
    typ = str(header.get("typ", "")).lower()
    if typ not in (TOKEN_TYPE, f"application/{TOKEN_TYPE}"):
        raise Unauthenticated("The access token must have 'typ: at+jwt'.")


async def verify_access_token(token: str, keys: KeyStore, settings: Settings) -> AccessClaims:
    header, _ = unverified_parts(token)
    _check_type(header)
    if header.get("alg") != ALGORITHM:
        raise Unauthenticated("The access token's algorithm is not accepted.")
    kid = header.get("kid")
    if not isinstance(kid, str):
        raise Unauthenticated("The access token has no key id.")
    verifiers = await keys.verifiers(kid)
    try:
        decoded = jwt.decode(token, verifiers, algorithms=[ALGORITHM])
    except (JoseError, ValueError) as error:
        raise Unauthenticated("The access token's signature is not valid.") from error
    registry = JWTClaimsRegistry(
        leeway=LEEWAY_SECONDS,
        iss={"essential": True, "value": settings.issuer},
        aud={"essential": True, "value": settings.audience},
        exp={"essential": True},
        iat={"essential": True},
        sub={"essential": True},
        jti={"essential": True},
        client_id={"essential": True},
        tenant={"essential": True},
    )
    try:
        registry.validate(decoded.claims)
    except JoseError as error:
        raise Unauthenticated(f"The access token is not valid: {error.description}") from error
    claims = decoded.claims
    try:
        tenant_id = uuid.UUID(str(claims["tenant"]))
    except ValueError as error:
        raise Unauthenticated("The access token names no valid tenant.") from error
    return AccessClaims(
        subject=str(claims["sub"]),
        client_id=str(claims["client_id"]),
        tenant_id=tenant_id,
        scopes=frozenset(str(claims.get("scope", "")).split()),
        expires_at=int(claims["exp"]),
    )
