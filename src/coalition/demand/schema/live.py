# mypy: disable-error-code="untyped-decorator"
"""Pooled demand's live updates: ``demandReleasePublished``, for whoever may read pooled
demand, checked at subscribe time and again for every release."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry

from coalition.api.context import Info
from coalition.api.subscriptions import updates
from coalition.demand import releases
from coalition.demand.permissions import require_demand_read
from coalition.demand.schema.summary import DemandReleaseType
from coalition.live import Notification


@strawberry.type
class ReleaseSubscription:
    @strawberry.subscription(
        description="Each demand release of the partnership from now on (on its schedule "
        "or by a partnership admin), once it commits: read `demandSummary` with it. For "
        "those who may read pooled demand (members of any role, partner apps with "
        "demand:read); anyone else gets FORBIDDEN."
    )
    async def demand_release_published(self, info: Info) -> AsyncGenerator[DemandReleaseType, None]:
        require_demand_read(info.context.require_principal())

        async def read(notification: Notification) -> list[DemandReleaseType]:
            principal = info.context.require_principal()
            async with info.context.session() as session:
                release = await releases.release_by_id(session, principal, notification.item_id)
            return [DemandReleaseType.from_model(release)]

        return updates(info, releases.RELEASE_PUBLISHED, read)
