"""The demand domain's background jobs: the release scheduler.

``JOBS`` is what ``coalition.app`` starts for the server's lifetime (each domain
may have a ``jobs`` module). ``release_schedule`` (when the server's
``release_check_seconds`` is above 0) every so often looks at every
partnership and publishes a release for each whose last one is older than its
``every_hours`` (or that has none). Several server processes may run it at once:
``publish_release`` serializes per partnership and re-checks, so a due release is
made once. A failure for one partnership is logged and the others go on.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Collection

from sqlalchemy import select

from coalition.auth.principal import Principal, system_principal
from coalition.config import Settings
from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from coalition.demand.releases import MadeBy, publish_release, release_is_due
from coalition.errors import InvalidInput
from coalition.telemetry import activity
from coalition.tenancy.models import Tenant

log = logging.getLogger(__name__)
LABEL = "release schedule"


async def system_tenant_ids(sessions: SessionFactory) -> list[uuid.UUID]:
    async with sessions() as session:
        # The partnerships' directory: the scheduler visits each.
        every = select(Tenant.id).order_by(Tenant.slug)  # scoping: system
        return list(await session.scalars(every))


async def _release_if_due(sessions: SessionFactory, principal: Principal) -> bool:
    async with tenant_transaction(sessions, principal.tenant_id) as session:
        if not await release_is_due(session, principal):
            return False
        try:
            await publish_release(session, principal, made_by=MadeBy.SCHEDULE)
        except InvalidInput:
            return False  # another process, or the convener, made one just now
    return True


async def publish_due_releases(
    sessions: SessionFactory, only: Collection[uuid.UUID] | None = None
) -> int:
    """One pass: a release for every partnership that is due (of ``only``, when given);
    how many were made."""
    made = 0
    for tenant_id in await system_tenant_ids(sessions):
        if only is not None and tenant_id not in only:
            continue
        try:
            made += await _release_if_due(sessions, system_principal(tenant_id, LABEL))
        except Exception:
            log.exception("demand release failed", extra={"tenant_id": str(tenant_id)})
            activity.release_failed()
    return made


async def run_schedule(sessions: SessionFactory, every_seconds: float) -> None:
    """``publish_due_releases`` every ``every_seconds`` until cancelled."""
    while True:
        try:
            made = await publish_due_releases(sessions)
            if made:
                log.info("published %d scheduled demand releases", made)
        except Exception:
            log.exception("the demand release schedule failed; trying again later")
        await asyncio.sleep(every_seconds)


async def release_schedule(sessions: SessionFactory, settings: Settings) -> None:
    """The scheduler, unless the server's ``release_check_seconds`` is 0."""
    if settings.release_check_seconds > 0:
        await run_schedule(sessions, settings.release_check_seconds)


JOBS = [release_schedule]

__all__ = ["JOBS", "publish_due_releases", "release_schedule", "run_schedule"]
