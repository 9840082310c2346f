"""Per-request DataLoaders of tenancy: one statement per batch, whatever its size."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.dataloader import DataLoader

from coalition.api.loaders import LoaderSet, by_key, pages_by_parent
from coalition.auth.principal import Principal
from coalition.pagination import Page, PageRequest
from coalition.tenancy import service
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
    return await service.memberships_of_organizations(
        session, principal, organization_ids, page=page
    )


class TenancyLoaders(LoaderSet):
    def __init__(self, context: Context) -> None:
        super().__init__(context)
        self.organization: DataLoader[uuid.UUID, Organization | None] = by_key(
            context, service.organizations_by_ids
        )
        self.user: DataLoader[uuid.UUID, User | None] = by_key(context, service.users_by_ids)
        self.membership: DataLoader[uuid.UUID, Membership | None] = by_key(
            context, service.memberships_by_ids
        )
        self.api_client: DataLoader[uuid.UUID, ApiClient | None] = by_key(
            context, service.api_clients_by_ids
        )
        self.memberships_of_organization: DataLoader[MembershipsKey, Page[Membership]] = (
            pages_by_parent(context, _memberships)
        )
