"""Every shape in which a lost or unreachable connection reaches the application is
recognized, and nothing else is (SECURITY.md item 33)."""

from __future__ import annotations

import socket

import asyncpg
import pytest
from graphql import GraphQLError
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from coalition.db.lost import is_connection_lost


def _wrapped(orig: BaseException, *, invalidated: bool = False) -> DBAPIError:
    return DBAPIError("SELECT 1", None, orig, connection_invalidated=invalidated)


def _raised_from(cause: BaseException) -> RuntimeError:
    try:
        raise RuntimeError("while loading a batch") from cause
    except RuntimeError as error:
        return error


def _sqlstate(code: str) -> Exception:
    error = Exception("translated by the driver adapter")
    error.sqlstate = code  # type: ignore[attr-defined]
    return error


LOST = {
    "connection does not exist": asyncpg.ConnectionDoesNotExistError("closed mid-operation"),
    "admin shutdown (57P01)": asyncpg.AdminShutdownError("terminating connection"),
    "cannot connect now (57P03)": asyncpg.CannotConnectNowError("starting up"),
    "interface error, connection closed": asyncpg.InterfaceError("connection is closed"),
    "connection reset": ConnectionResetError(104, "Connection reset by peer"),
    "connection refused": ConnectionRefusedError(111, "Connect call failed"),
    "socket error": OSError(113, "No route to host"),
    "broken pipe": BrokenPipeError(32, "Broken pipe"),
    "socket timeout": TimeoutError(110, "Connection timed out"),
    "network unreachable": OSError(101, "Network is unreachable"),
    "host name not resolved": socket.gaierror(-2, "Name or service not known"),
    "every address refused": OSError(
        "Multiple exceptions: [Errno 111] Connect call failed ('127.0.0.1', 5432), "
        "[Errno 99] Cannot assign requested address"
    ),
    "wrapped socket error": _wrapped(OSError(113, "No route to host")),
    "pool had none": PoolTimeoutError("QueuePool limit reached"),
    "invalidated": _wrapped(Exception("gone"), invalidated=True),
    "wrapped asyncpg error": _wrapped(asyncpg.AdminShutdownError("terminating connection")),
    "adapter error with sqlstate 08006": _wrapped(_sqlstate("08006")),
    "raised from a lost connection": _raised_from(ConnectionResetError()),
    "in a GraphQL error": GraphQLError(
        "x", original_error=_wrapped(asyncpg.ConnectionDoesNotExistError("closed"))
    ),
}
NOT_LOST = {
    "another operation in progress": asyncpg.InterfaceError("another operation is in progress"),
    "statement timeout (57014)": asyncpg.QueryCanceledError("canceling statement"),
    "integrity error": IntegrityError("INSERT", None, Exception("duplicate key")),
    "adapter error with sqlstate 23505": _wrapped(_sqlstate("23505")),
    "a bug": KeyError("missing"),
    "a GraphQL error of its own": GraphQLError("x"),
    "file not found": FileNotFoundError(2, "No such file or directory"),
    "permission denied": PermissionError(13, "Permission denied"),
    "disk full": OSError(28, "No space left on device"),
    "too many open files": OSError(24, "Too many open files"),
    "an OSError without an errno": OSError("something else"),
    "raised from a file error": _raised_from(FileNotFoundError(2, "No such file")),
    "a file error in a GraphQL error": GraphQLError(
        "x", original_error=IsADirectoryError(21, "Is a directory")
    ),
}


@pytest.mark.parametrize("error", LOST.values(), ids=LOST.keys())
def test_a_lost_connection_is_recognized(error: BaseException) -> None:
    assert is_connection_lost(error) is True


@pytest.mark.parametrize("error", NOT_LOST.values(), ids=NOT_LOST.keys())
def test_other_errors_are_not_taken_for_a_lost_connection(error: BaseException) -> None:
    assert is_connection_lost(error) is False


def test_nothing_is_not_a_lost_connection() -> None:
    assert is_connection_lost(None) is False
