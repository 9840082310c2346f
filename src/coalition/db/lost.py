"""Recognizing a lost or unreachable database connection, however it surfaces.

A connection the server terminated (``pg_terminate_backend``, a restart, a
failover) or could not open reaches the application in many shapes: asyncpg's
``ConnectionDoesNotExistError`` or ``InterfaceError("connection is closed")``,
the server's own FATAL ``57P01`` (sent just before it closes the socket, so
SQLAlchemy does not yet see a closed connection), an ``OSError`` from the
socket, SQLAlchemy's ``DBAPIError`` with ``connection_invalidated``, a pool
that had no connection to give, or any of these wrapped again by SQLAlchemy or
raised inside a DataLoader batch. ``is_connection_lost`` walks the whole chain.
"""

from __future__ import annotations

import asyncpg
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

# Class 08 (connection exception) and the shutdown codes of class 57 (never 57014,
# a statement cancelled by a timeout, which a retry would only repeat).
_SHUTDOWN_STATES = {"57P01", "57P02", "57P03"}


def _lost_here(error: BaseException) -> bool:
    if isinstance(error, PoolTimeoutError | ConnectionError):
        return True
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return True
    if isinstance(error, asyncpg.PostgresConnectionError | asyncpg.CannotConnectNowError):
        return True
    if isinstance(error, asyncpg.AdminShutdownError | asyncpg.CrashShutdownError):
        return True
    if isinstance(error, asyncpg.InterfaceError):
        # "connection is closed"; not "another operation is in progress", which is a bug.
        return "closed" in str(error)
    if isinstance(error, OSError):
        return True
    state = getattr(error, "sqlstate", None)
    return isinstance(state, str) and (state.startswith("08") or state in _SHUTDOWN_STATES)


def is_connection_lost(error: BaseException | None) -> bool:
    """Whether ``error``, or anything it wraps or was raised from, says the database
    connection died or could not be had."""
    seen: set[int] = set()
    pending = [error]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if _lost_here(current):
            return True
        pending.extend([current.__cause__, current.__context__])
        wrapped = getattr(current, "orig", None) or getattr(current, "original_error", None)
        if isinstance(wrapped, BaseException):
            pending.append(wrapped)
    return False
