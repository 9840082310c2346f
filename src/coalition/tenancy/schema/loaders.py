"""Per-request DataLoaders of tenancy, over ``reads``: one statement per batch, whatever
its size. Resolvers reach them as ``info.context.loaders.of(TenancyLoaders)``."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.dataloader import DataLoader

from coalition.api.loaders import LoaderSet, by_key, pages_by_parent
from coalition.auth.principal import Principal
from coalition.pagination import Page, PageRequest
from coalition.tenancy import reads
from coalition.tenancy.models import ApiClient, Membership, Organization, User

if TYPE_CHECKING:
    from coalition.api.context import Context

MembershipsKey = tuple[uuid.UUID, PageRequest]


async def _memberships(
    session: AsyncSession,
    principal: Principal,
    organization_ids: Sequence[uuid.UUID],
    page: PageRequest,
) -> dict[uuid.UUID, Page[Membership]]:
    return await reads.memberships_of_organizations(session, principal, organization_ids, page=page)


class TenancyLoaders(LoaderSet):
    def __init__(self, context: Context) -> None:
        super().__init__(context)
        self.organization: DataLoader[uuid.UUID, Organization | None] = by_key(
            context, reads.organizations_by_ids
        )
        self.user: DataLoader[uuid.UUID, User | None] = by_key(context, reads.users_by_ids)
        self.membership: DataLoader[uuid.UUID, Membership | None] = by_key(
            context, reads.memberships_by_ids
        )
        self.api_client: DataLoader[uuid.UUID, ApiClient | None] = by_key(
            context, reads.api_clients_by_ids
        )
        self.memberships_of_organization: DataLoader[MembershipsKey, Page[Membership]] = (
            pages_by_parent(context, _memberships)
        )
