"""Riding out lost database connections: the backoff of a query's retries, and the answer
when they run out (SECURITY.md item 33).

A query (never a mutation) whose connection died runs again on a fresh connection
after 50 ms, then 100 ms, 200 ms ... (each pause jittered between half and one and
a half times, so the clients of one failover do not come back in step), until the
next pause would pass the budget (``Settings.db_retry_seconds``). Then, and for a
mutation at once, the client gets HTTP 503 with ``Retry-After`` and the code
``RETRYABLE``: send the operation again (a mutation with the same idempotency key,
which applies it once whether or not the lost attempt committed).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable

from starlette.responses import JSONResponse, Response

FIRST_DELAY_SECONDS = 0.05
MAX_DELAY_SECONDS = 1.0
RETRY_AFTER_SECONDS = 1
RETRYABLE = "RETRYABLE"

UNAVAILABLE = "The database is unavailable; send the operation again shortly."
MUTATION_INTERRUPTED = (
    "The database connection was lost before the operation finished, so it may or may not "
    "have been applied. Send it again with the same idempotency key: it is applied once."
)


class Backoff:
    """The pauses between a query's attempts within a time budget."""

    def __init__(
        self,
        budget_seconds: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        self._clock = clock
        self._jitter = jitter
        self._deadline = clock() + budget_seconds
        self._delay = FIRST_DELAY_SECONDS

    def next_delay(self) -> float | None:
        """The pause before the next attempt, or None when it would end past the budget."""
        delay = self._delay * (0.5 + self._jitter())
        if self._clock() + delay > self._deadline:
            return None
        self._delay = min(self._delay * 2, MAX_DELAY_SECONDS)
        return delay


def retryable(message: str, request_id: str) -> Response:
    """HTTP 503 for an operation the client should send again after ``Retry-After``."""
    error = {"message": message, "extensions": {"code": RETRYABLE, "requestId": request_id}}
    return JSONResponse(
        {"errors": [error], "data": None},
        status_code=503,
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )
