"""The per-request GraphQL context: caller, transaction, DataLoaders.

A request with no token has no principal. If it names its partnership
(``X-Coalition-Tenant: <slug>``) it still gets a transaction bound to that tenant, which
only ``anonymous_session`` hands out: the two public registration mutations use it, and
every other resolver's ``session()`` keeps requiring a principal.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from graphql import DocumentNode
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.types import Info as StrawberryInfo

from coalition.api.loaders import Loaders
from coalition.auth.authenticate import Authenticator, Identity, load_principal
from coalition.auth.principal import Principal, public_principal
from coalition.config import Settings
from coalition.db.engine import SessionFactory
from coalition.db.session import RequestTransaction
from coalition.errors import Unauthenticated
from coalition.live import Hub


@dataclass(frozen=True)
class LiveSource:
    """For an operation over the WebSocket endpoint: where it hears of changes, and the
    connection's credentials, authenticated again for each delivery
    (``api.subscriptions``)."""

    hub: Hub
    authenticator: Authenticator
    sessions: SessionFactory
    token: str
    tenant_slug: str | None


@dataclass
class Context:
    settings: Settings
    request_id: str
    principal: Principal | None
    transaction: RequestTransaction | None
    auth_error: Unauthenticated | None = None
    # The request's document, parsed once by the endpoint (``schema.ParsedDocument``).
    document: DocumentNode | None = None
    # The client's address (the peer of the connection), for the registration limits.
    client_address: str | None = None
    # Subscriptions only (the WebSocket endpoint); None over HTTP.
    live: LiveSource | None = None
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

    def actor(self) -> Principal:
        """The caller, or for a request with no token that named its partnership the
        public actor of that partnership (``public_principal``); else Unauthenticated.
        Only for the public registration mutations."""
        if self.principal is not None:
            return self.principal
        if self.transaction is None:
            raise self.auth_error or Unauthenticated(
                "Log in, or name the partnership with the X-Coalition-Tenant header (its slug)."
            )
        return public_principal(self.transaction.tenant_id)

    @asynccontextmanager
    async def anonymous_session(self) -> AsyncIterator[AsyncSession]:
        """The request's session for a caller who may be anonymous (``actor``): ONLY for
        ``registerForEvent`` and ``cancelRegistration``; held exclusively, like
        ``session``."""
        self.actor()
        assert self.transaction is not None
        async with self.transaction.session() as session:
            yield session

    @asynccontextmanager
    async def savepoint(self) -> AsyncIterator[AsyncSession]:
        """For a mutation: its writes vanish if it raises, whatever it wrote before."""
        async with self.session() as session, session.begin_nested():
            yield session


Info = StrawberryInfo[Context, None]


async def open_as(
    sessions: SessionFactory, identity: Identity
) -> tuple[RequestTransaction, Principal]:
    """The tenant transaction of a verified identity and its principal, loaded in it
    (HTTP, WebSocket and in-process operations all start so); the transaction is
    rolled back if the principal cannot be loaded (``Unauthenticated`` included)."""
    transaction = RequestTransaction(sessions, identity.tenant_id)
    try:
        async with transaction.session() as session:
            principal = await load_principal(session, identity)
    except BaseException:
        await transaction.finish(commit=False)
        raise
    return transaction, principal


__all__ = ["Context", "Info", "LiveSource"]
