"""``coalition token``: a person's bearer token, for development and tests."""

from __future__ import annotations

import sys
import uuid
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from coalition.cli.support import Email, TenantSlug, fail, tenant_id_of, with_owner
from coalition.config import get_settings

NAME = "token"


def command(tenant: TenantSlug, email: Email) -> None:
    """Print a bearer token for an existing person (development and tests only)."""
    from joserfc.jwk import ECKey

    from coalition.auth.keys import current_signing_key, list_signing_keys
    from coalition.auth.scopes import USER_SCOPES
    from coalition.auth.tokens import USER_TOKEN_CLIENT_ID, issue_access_token
    from coalition.db.engine import create_session_factory
    from coalition.db.scoping import in_tenant
    from coalition.db.session import tenant_transaction
    from coalition.tenancy.models import User

    settings = get_settings()
    if settings.is_production:
        raise fail("`coalition token` is refused when COALITION_ENV=production")

    async def work(engine: AsyncEngine) -> str:
        tenant_id = await tenant_id_of(engine, tenant)
        sessions = create_session_factory(engine)
        async with tenant_transaction(sessions, tenant_id) as session:
            user: uuid.UUID | None = await session.scalar(
                select(User.id).where(
                    in_tenant(User, tenant_id), User.email == email.strip().lower()
                )
            )
            signer = current_signing_key(await list_signing_keys(session), datetime.now(UTC))
        if user is None:
            raise fail(f"no person with email {email!r} in {tenant!r}")
        if signer is None:
            raise fail("no signing key: run 'coalition db upgrade'")
        key = ECKey.import_key(signer.private_jwk)
        return issue_access_token(
            key,
            settings,
            tenant_id=tenant_id,
            subject=str(user),
            client_id=USER_TOKEN_CLIENT_ID,
            scopes=USER_SCOPES,
        )

    sys.stdout.write(with_owner(settings, work) + "\n")
