"""Recognizing a lost or unreachable database connection, however it surfaces.

A connection the server terminated (``pg_terminate_backend``, a restart, a
failover) or could not open reaches the application in many shapes: asyncpg's
``ConnectionDoesNotExistError`` or ``InterfaceError("connection is closed")``,
the server's own FATAL ``57P01`` (sent just before it closes the socket, so
SQLAlchemy does not yet see a closed connection), a socket's ``OSError`` (reset,
refused, unreachable, a name that did not resolve), SQLAlchemy's ``DBAPIError``
with ``connection_invalidated``, a pool that had no connection to give, or any of
these wrapped again by SQLAlchemy or raised inside a DataLoader batch.
``is_connection_lost`` walks the whole chain.
Any other ``OSError`` (a file that cannot be read, a full disk) is not a lost
connection: running the operation again would only fail again.
"""

from __future__ import annotations

import errno
import socket

import asyncpg
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

# Class 08 (connection exception) and the shutdown codes of class 57 (never 57014,
# a statement cancelled by a timeout, which a retry would only repeat).
_SHUTDOWN_STATES = {"57P01", "57P02", "57P03"}
# What a socket reports when its peer went away or cannot be reached (ConnectionError's
# subclasses cover refused, reset, aborted and a broken pipe).
_SOCKET_ERRNOS = {
    errno.ECONNREFUSED,
    errno.ECONNRESET,
    errno.ECONNABORTED,
    errno.EPIPE,
    errno.ENOTCONN,
    errno.ESHUTDOWN,
    errno.ETIMEDOUT,
    errno.EHOSTUNREACH,
    errno.EHOSTDOWN,
    errno.ENETUNREACH,
    errno.ENETDOWN,
    errno.ENETRESET,
}


def _socket_failed(error: OSError) -> bool:
    if isinstance(error, ConnectionError | socket.gaierror):
        return True
    if error.errno in _SOCKET_ERRNOS:
        return True
    # asyncio's create_connection, when each address of the host failed in its own way,
    # raises one OSError without an errno that lists them all.
    return error.errno is None and str(error).startswith("Multiple exceptions: ")


def _lost_here(error: BaseException) -> bool:
    if isinstance(error, PoolTimeoutError):
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
        return _socket_failed(error)
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
