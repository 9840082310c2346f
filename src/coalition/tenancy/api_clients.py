"""Partner applications' OAuth2 clients: created and revoked by partnership admins."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from coalition.audit.service import diff, record_event
from coalition.auth.principal import Principal
from coalition.auth.secrets import hash_client_secret, new_client_secret
from coalition.db.scoping import scoped
from coalition.errors import InvalidInput, UserError
from coalition.tenancy import validation
from coalition.tenancy.models import ApiClient
from coalition.tenancy.permissions import require_api_client_manager
from coalition.validation import Checker


async def create_api_client(
    session: AsyncSession, principal: Principal, *, name: Any, scopes: Sequence[str]
) -> tuple[ApiClient, str]:
    """The new client and its secret; only the secret's hash is stored, so the secret
    cannot be shown again. Every problem with the name and scopes is reported at once."""
    require_api_client_manager(principal)
    check = Checker()
    clean_name, requested = validation.api_client_fields(check, name=name, scopes=scopes)
    check.done()
    assert clean_name is not None
    secret = new_client_secret()
    client = ApiClient(
        tenant_id=principal.tenant_id,
        id=uuid.uuid4(),
        name=clean_name,
        secret_hash=hash_client_secret(secret),
        scopes=requested,
    )
    session.add(client)
    await session.flush()
    await record_event(
        session,
        principal,
        action="api_client.create",
        object_type="ApiClient",
        object_id=client.id,
        changes=diff({}, {"name": clean_name, "scopes": requested}),
    )
    return client, secret


async def revoke_api_client(
    session: AsyncSession, principal: Principal, *, client_id: uuid.UUID
) -> ApiClient:
    """A revoked client gets no new tokens, and its live tokens stop working at once."""
    require_api_client_manager(principal)
    client = await session.scalar(
        scoped(ApiClient, principal).where(ApiClient.id == client_id).with_for_update()
    )
    if client is None:
        raise validation.not_found("id", "API client")
    if client.revoked_at is not None:
        raise InvalidInput([UserError(("id",), "Already revoked.", "ALREADY_REVOKED")])
    client.revoked_at = datetime.now(UTC)
    await session.flush()
    await record_event(
        session,
        principal,
        action="api_client.revoke",
        object_type="ApiClient",
        object_id=client.id,
        changes={"revoked": {"from": False, "to": True}},
    )
    return client
