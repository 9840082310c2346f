"""The app's connection pool, measured: its size, the connections checked out, and the
checkouts that had to wait because the pool and its overflow were all in use (the sign
of pool exhaustion, before requests time out)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.pool import AsyncAdaptedQueuePool, ConnectionPoolEntry

from coalition.telemetry import metrics


class MeasuredPool(AsyncAdaptedQueuePool):
    """SQLAlchemy's asyncio queue pool, reporting into ``telemetry.metrics``.

    ``_do_get`` and ``_do_return_conn`` are the hooks SQLAlchemy's pools are built on
    (``Pool`` leaves them to subclasses); every connection handed out comes back
    through the second, a broken one included. The gauges are set, not moved, so a
    retry inside ``_do_get`` (it calls itself) counts nothing twice."""

    # Log as the pool it extends (under "sqlalchemy", which SQLAlchemy keeps at WARNING),
    # not as a coalition module at INFO.
    _sqla_logger_namespace = "sqlalchemy.pool.impl.AsyncAdaptedQueuePool"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        metrics.POOL_SIZE.set(self.size())
        metrics.POOL_MAX_OVERFLOW.set(max(self._max_overflow, 0))
        metrics.POOL_CHECKED_OUT.set(0)

    def _do_get(self) -> ConnectionPoolEntry:
        exhausted = (
            self._max_overflow > -1
            and self.overflow() >= self._max_overflow
            and self.checkedin() == 0
        )
        if exhausted:
            metrics.POOL_WAITS.inc()
            metrics.POOL_WAITING.inc()
        try:
            record = super()._do_get()
        finally:
            if exhausted:
                metrics.POOL_WAITING.dec()
        metrics.POOL_CHECKED_OUT.set(self.checkedout())
        return record

    def _do_return_conn(self, record: ConnectionPoolEntry) -> None:
        super()._do_return_conn(record)
        metrics.POOL_CHECKED_OUT.set(self.checkedout())
