"""The per-request GraphQL context: caller, transaction, DataLoaders."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.dataloader import DataLoader
from strawberry.types import Info as StrawberryInfo

from coalition.auth.principal import Principal
from coalition.config import Settings
from coalition.db.session import RequestTransaction
from coalition.demand.loaders import DemandLoaders
from coalition.errors import Unauthenticated
from coalition.funds.loaders import FundsLoaders
from coalition.pagination import Page, PageRequest
from coalition.skills.loaders import SkillsLoaders
from coalition.tenancy import service as tenancy
from coalition.tenancy.models import Membership

K = TypeVar("K")
V = TypeVar("V")


@dataclass
class Context:
    settings: Settings
    request_id: str
    principal: Principal | None
    transaction: RequestTransaction | None
    auth_error: Unauthenticated | None = None
    loaders: Loaders = field(init=False)

    def __post_init__(self) -> None:
        self.loaders = Loaders(self)

    def require_principal(self) -> Principal:
        if self.principal is None:
            raise self.auth_error or Unauthenticated()
        return self.principal

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """The request's session, held exclusively; do not await a DataLoader inside."""
        self.require_principal()
        assert self.transaction is not None
        async with self.transaction.session() as session:
            yield session

    @asynccontextmanager
    async def savepoint(self) -> AsyncIterator[AsyncSession]:
        """For a mutation: its writes vanish if it raises, whatever it wrote before."""
        async with self.session() as session, session.begin_nested():
            yield session


Info = StrawberryInfo[Context, None]


def _by_id_loader(
    context: Context,
    fetch: Callable[[AsyncSession, Principal, Sequence[uuid.UUID]], Awaitable[dict[uuid.UUID, V]]],
) -> DataLoader[uuid.UUID, V | None]:
    async def load(ids: list[uuid.UUID]) -> list[V | None]:
        principal = context.require_principal()
        async with context.session() as session:
            found = await fetch(session, principal, ids)
        return [found.get(object_id) for object_id in ids]

    return DataLoader(load_fn=load)


class Loaders:
    """Per-request DataLoaders: each batch is one SQL statement, whatever the item count."""

    def __init__(self, context: Context) -> None:
        self.organization = _by_id_loader(context, tenancy.organizations_by_ids)
        self.user = _by_id_loader(context, tenancy.users_by_ids)
        self.membership = _by_id_loader(context, tenancy.memberships_by_ids)
        self.api_client = _by_id_loader(context, tenancy.api_clients_by_ids)

        async def memberships(
            keys: list[tuple[uuid.UUID, PageRequest]],
        ) -> list[Page[Membership]]:
            principal = context.require_principal()
            results: dict[tuple[uuid.UUID, PageRequest], Page[Membership]] = {}
            by_page: dict[PageRequest, list[uuid.UUID]] = {}
            for organization_id, page in keys:
                by_page.setdefault(page, []).append(organization_id)
            async with context.session() as session:
                for page, organization_ids in by_page.items():
                    pages = await tenancy.memberships_of_organizations(
                        session, principal, organization_ids, page=page
                    )
                    for organization_id, result in pages.items():
                        results[(organization_id, page)] = result
            return [results[key] for key in keys]

        self.memberships_of_organization: DataLoader[
            tuple[uuid.UUID, PageRequest], Page[Membership]
        ] = DataLoader(load_fn=memberships)
        self.skills = SkillsLoaders(context)
        self.demand = DemandLoaders(context)
        self.funds = FundsLoaders(context)


__all__ = ["Context", "Info", "Loaders"]
