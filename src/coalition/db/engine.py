"""Engines and session factories."""

from __future__ import annotations

from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import Pool

SessionFactory = async_sessionmaker[AsyncSession]


def create_engine(
    url: URL, *, pool_size: int = 10, poolclass: type[Pool] | None = None
) -> AsyncEngine:
    # pool_pre_ping: a connection the server dropped while idle (restart,
    # failover, pg_terminate_backend) is replaced instead of failing a request.
    # poolclass: the server's is measured (telemetry.pool.MeasuredPool).
    options = {} if poolclass is None else {"poolclass": poolclass}
    return create_async_engine(
        url, pool_pre_ping=True, pool_size=pool_size, max_overflow=pool_size, **options
    )


def create_session_factory(engine: AsyncEngine) -> SessionFactory:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)
