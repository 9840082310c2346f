# mypy: disable-error-code="untyped-decorator"
"""The ledger's live updates: ``ledgerEntryPosted``, read as ``FundPool.ledgerEntries``
reads them (its overseers only), at subscribe time and again for every posting."""

from __future__ import annotations

import uuid
from collections.abc import AsyncGenerator
from typing import Annotated

import strawberry

from coalition.api.context import Info
from coalition.api.relay import from_global_id
from coalition.api.subscriptions import updates
from coalition.errors import NotFound
from coalition.funds import permissions
from coalition.funds.ledger import ENTRY_POSTED
from coalition.funds.models.pools import FundPool
from coalition.funds.schema.ledger import LedgerEntryType
from coalition.funds.schema.loaders import FundsLoaders
from coalition.live import Notification


async def _overseen_pool(info: Info, pool_id: uuid.UUID) -> FundPool:
    """The pool, if the caller oversees it (FORBIDDEN otherwise, NOT_FOUND if they cannot
    see it at all), as ``fundPool``'s ``ledgerEntries`` decides."""
    principal = info.context.require_principal()
    permissions.require_funds_read(principal)
    pool = await info.context.loaders.of(FundsLoaders).pool.load(pool_id)
    if pool is None:
        raise NotFound("No fund pool with this ID.")
    permissions.require_pool_oversight(principal, pool.funder_organization_id)
    return pool


@strawberry.type
class LedgerSubscription:
    @strawberry.subscription(
        description="Each entry posted to the pool's ledger from now on, once its "
        "transaction commits, as `FundPool.ledgerEntries` reads it. Only the pool's "
        "overseers (partnership admins, analysts, members of its funder, funds:read apps) "
        "may subscribe: anyone else gets FORBIDDEN, an unknown pool NOT_FOUND; the "
        "subscription ends with an error once the caller may no longer see the entries."
    )
    async def ledger_entry_posted(
        self,
        info: Info,
        pool_id: Annotated[strawberry.ID, strawberry.argument(description="The pool's ID.")],
    ) -> AsyncGenerator[LedgerEntryType, None]:
        decoded = from_global_id(pool_id, "FundPool")
        if decoded is None:
            raise NotFound("No fund pool with this ID.")
        # The id, not the row: a delivery's transaction ends with a rollback, which
        # expires the rows it read.
        watched = (await _overseen_pool(info, decoded[1])).id

        async def read(notification: Notification) -> list[LedgerEntryType]:
            await _overseen_pool(info, watched)
            entries = await info.context.loaders.of(FundsLoaders).entries_of_transaction.load(
                notification.item_id
            )
            return [LedgerEntryType.from_model(e) for e in entries if e.pool_id == watched]

        return updates(info, ENTRY_POSTED, read, topic_id=watched)
