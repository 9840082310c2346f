"""From an ``Authorization`` header to a verified identity, then to a ``Principal``.

Step one (``Authenticator.identify``) checks the token's signature and
claims and settles the tenant: from our own token's ``tenant`` claim, or for
a person's OpenID Connect token from the configured tenant claim or the
``X-Coalition-Tenant`` header. Step two (``load_principal``) runs inside the
request's tenant transaction and looks the caller up under row-level
security: a tenant the caller does not belong to yields no user, so a
client-chosen header cannot open another partnership.
"""

from __future__ import annotations

import re
import time
import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from coalition.auth.keys import KeyStore
from coalition.auth.oidc import OidcVerifier
from coalition.auth.principal import Grant, Principal, PrincipalKind
from coalition.auth.scopes import USER_SCOPES
from coalition.auth.tokens import unverified_parts, verify_access_token
from coalition.config import Settings
from coalition.db.engine import SessionFactory
from coalition.db.scoping import in_tenant
from coalition.errors import Unauthenticated
from coalition.tenancy.models import ApiClient, Membership, Tenant, User, parse_client_id

TENANT_HEADER = "x-coalition-tenant"
# What a partnership's slug looks like (tenancy.provisioning.SLUG, which imports auth).
SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
NAMED_TENANT_SECONDS = 60.0
NAMED_TENANTS = 1024


@dataclass(frozen=True)
class Identity:
    """A verified token, before its subject has been looked up."""

    tenant_id: uuid.UUID
    kind: PrincipalKind
    subject: str
    scopes: frozenset[str]
    oidc_email: str | None = None
    is_oidc: bool = False


def bearer_token(authorization: str | None) -> str | None:
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("Use 'Authorization: Bearer <token>'.")
    return token.strip()


class Authenticator:
    def __init__(
        self,
        settings: Settings,
        keys: KeyStore,
        sessions: SessionFactory,
        oidc: OidcVerifier | None = None,
    ) -> None:
        self._settings = settings
        self._keys = keys
        self._sessions = sessions
        self._oidc = oidc
        self._named: dict[str, tuple[uuid.UUID, float]] = {}

    async def identify(self, token: str, *, tenant_slug: str | None) -> Identity:
        header, claims = unverified_parts(token)
        issuer = claims.get("iss")
        if issuer == self._settings.issuer:
            verified = await verify_access_token(token, self._keys, self._settings)
            kind = PrincipalKind.CLIENT if verified.is_client else PrincipalKind.USER
            return Identity(
                tenant_id=verified.tenant_id,
                kind=kind,
                subject=verified.subject,
                scopes=verified.scopes,
            )
        if self._oidc is not None and issuer == self._oidc.issuer:
            oidc_claims = await self._oidc.verify(token, header)
            slug = oidc_claims.get(self._settings.oidc_tenant_claim) or tenant_slug
            if not isinstance(slug, str) or not slug:
                raise Unauthenticated(
                    "Name the partnership with the X-Coalition-Tenant header (its slug)."
                )
            tenant_id = await self._tenant_by_slug(slug)
            email = oidc_claims.get("email")
            verified_email = (
                email.strip().lower()
                if isinstance(email, str) and oidc_claims.get("email_verified") is True
                else None
            )
            return Identity(
                tenant_id=tenant_id,
                kind=PrincipalKind.USER,
                subject=str(oidc_claims["sub"]),
                scopes=USER_SCOPES,
                oidc_email=verified_email,
                is_oidc=True,
            )
        raise Unauthenticated("The token's issuer is not trusted.")

    async def named_tenant(self, slug: str | None) -> uuid.UUID | None:
        """The partnership a request with no token names by its slug (a system read of
        the directory of partnerships), or None: no slug, not one a partnership could
        have (checked before any read: a NUL would reach the database), or unknown.

        A slug found is remembered for ``NAMED_TENANT_SECONDS`` (anonymous registration
        asks on every request; slugs do not change); unknown ones are not (random slugs
        must not fill the memory), and the memory holds ``NAMED_TENANTS`` at most."""
        if not slug or not SLUG.match(slug):
            return None
        now = time.monotonic()
        known = self._named.get(slug)
        if known is not None and known[1] > now:
            return known[0]
        async with self._sessions() as session:
            tenant_id: uuid.UUID | None = await session.scalar(
                select(Tenant.id).where(Tenant.slug == slug)  # scoping: system
            )
        if tenant_id is not None:
            if len(self._named) >= NAMED_TENANTS:
                self._named.clear()
            self._named[slug] = (tenant_id, now + NAMED_TENANT_SECONDS)
        return tenant_id

    async def _tenant_by_slug(self, slug: str) -> uuid.UUID:
        async with self._sessions() as session:
            tenant_id = await session.scalar(select(Tenant.id).where(Tenant.slug == slug))
        if tenant_id is None:
            raise Unauthenticated("You are not a member of that partnership.")
        return tenant_id


async def load_principal(session: AsyncSession, identity: Identity) -> Principal:
    """Look the identity up in its tenant; the session must be bound to that tenant."""
    if identity.kind is PrincipalKind.CLIENT:
        parsed = parse_client_id(identity.subject)
        client = None
        if parsed is not None and parsed[0] == identity.tenant_id:
            client = await session.scalar(
                select(ApiClient).where(
                    in_tenant(ApiClient, identity.tenant_id), ApiClient.id == parsed[1]
                )
            )
        if client is None or client.is_revoked:
            raise Unauthenticated("This client has been revoked.")
        return Principal(
            kind=PrincipalKind.CLIENT,
            id=client.id,
            tenant_id=client.tenant_id,
            label=client.name,
            scopes=identity.scopes & frozenset(client.scopes),
        )
    user = await _find_user(session, identity)
    if user is None:
        raise Unauthenticated("You are not a member of that partnership.")
    rows = await session.execute(
        select(Membership.id, Membership.organization_id, Membership.role)
        .where(in_tenant(Membership, identity.tenant_id), Membership.user_id == user.id)
        .order_by(Membership.created_at, Membership.id)
    )
    return Principal(
        kind=PrincipalKind.USER,
        id=user.id,
        tenant_id=user.tenant_id,
        label=user.email,
        scopes=identity.scopes,
        grants=tuple(Grant(row.id, row.organization_id, row.role) for row in rows),
    )


async def _find_user(session: AsyncSession, identity: Identity) -> User | None:
    people = select(User).where(in_tenant(User, identity.tenant_id))
    if not identity.is_oidc:
        try:
            user_id = uuid.UUID(identity.subject)
        except ValueError:
            return None
        return await session.scalar(people.where(User.id == user_id))
    user = await session.scalar(people.where(User.oidc_subject == identity.subject))
    if user is None and identity.oidc_email is not None:
        # A verified email finds a person not yet linked to another identity: once a
        # person has a subject, a second account with the same email cannot take it over.
        user = await session.scalar(
            people.where(User.email == identity.oidc_email, User.oidc_subject.is_(None))
        )
    return user
