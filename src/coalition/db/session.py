"""Tenant-scoped transactions: the only way application code reaches tenant data.

Each unit of work (an HTTP request, a CLI command) runs in one transaction
that first sets ``app.tenant_id`` with ``SET LOCAL``: the value lives only as
long as the transaction, so a pooled connection never carries one request's
tenant into the next (a plain ``SET`` would).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from coalition.db.engine import SessionFactory
from coalition.db.lost import is_connection_lost
from coalition.db.rls import TENANT_SETTING


class MissingTenantError(RuntimeError):
    """Raised before any SQL runs when a tenant-scoped transaction has no tenant."""


async def set_tenant(session: AsyncSession, tenant_id: uuid.UUID) -> None:
    """Bind the current transaction to ``tenant_id``.

    ``SET LOCAL`` rather than ``set_config(..., true)``: both last only until the
    transaction ends, but Citus forwards ``SET LOCAL`` to its workers (with
    ``citus.propagate_set_commands = 'local'``), where the policies run. The
    value is a ``uuid.UUID`` rendered by Python, so it cannot carry SQL.
    """
    if not isinstance(tenant_id, uuid.UUID):
        raise MissingTenantError("a tenant-scoped transaction needs the tenant's UUID")
    await session.execute(text(f"SET LOCAL {TENANT_SETTING} = '{tenant_id}'"))


@asynccontextmanager
async def tenant_transaction(
    sessions: SessionFactory, tenant_id: uuid.UUID | None
) -> AsyncIterator[AsyncSession]:
    """One transaction bound to ``tenant_id``; commits on success, rolls back on error."""
    if tenant_id is None:
        raise MissingTenantError("no tenant in this context")
    async with sessions() as session, session.begin():
        await set_tenant(session, tenant_id)
        yield session


class RequestTransaction:
    """The transaction of one request, opened on first use.

    GraphQL resolves sibling fields and DataLoader batches concurrently, but
    one connection runs one statement at a time ("another operation is in
    progress"), so every use goes through ``session()``, which holds a lock
    for as long as the caller works with the session. Callers must not await
    a DataLoader while they hold it.
    """

    def __init__(self, sessions: SessionFactory, tenant_id: uuid.UUID) -> None:
        self._sessions = sessions
        self._tenant_id = tenant_id
        self._session: AsyncSession | None = None
        self._lock = asyncio.Lock()
        self._holder: asyncio.Task[object] | None = None

    @property
    def tenant_id(self) -> uuid.UUID:
        return self._tenant_id

    def held_by_current_task(self) -> bool:
        """Whether the running task is inside ``session()`` (a DataLoader awaited there
        would wait for this same lock forever)."""
        return self._holder is not None and self._holder is asyncio.current_task()

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        async with self._lock:
            self._holder = asyncio.current_task()
            try:
                yield await self._open()
            finally:
                self._holder = None

    async def _open(self) -> AsyncSession:
        if self._session is None:
            session = self._sessions()
            await session.begin()
            try:
                await set_tenant(session, self._tenant_id)
            except BaseException:
                await session.close()
                raise
            self._session = session
        return self._session

    async def finish(self, *, commit: bool) -> None:
        """Commit or roll back, and return the connection to the pool; a connection that
        was lost is discarded instead (never handed to the next request).

        A lost connection's transaction ended with it, so a rollback that fails for that
        reason is no error; a commit that does raises (it may or may not have committed).
        """
        async with self._lock:
            session, self._session = self._session, None
            if session is None:
                return
            lost = False
            try:
                if commit:
                    await session.commit()
                else:
                    await session.rollback()
            except Exception as error:
                lost = is_connection_lost(error)
                if commit or not lost:
                    raise
            finally:
                if lost:
                    await session.invalidate()
                else:
                    await session.close()
