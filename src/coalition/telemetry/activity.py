"""Counters of what the domains did, for the domains to call (one line each).

A count made inside a transaction moves only when that transaction commits: a posting
or registration rolled back (a failed mutation, a lost race) was never made. The
label ``tenant`` is the request's (``RequestFacts.tenant_label``): the partnership's slug
when ``metrics_tenant_labels`` is on, else empty, as it is for CLI commands and jobs.
"""

from __future__ import annotations

from prometheus_client import Counter
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, SessionTransaction

from coalition.csv_files import ImportReport
from coalition.telemetry import metrics
from coalition.telemetry.facts import current_facts

_PENDING = "telemetry_pending"

Pending = list[tuple[Counter, dict[str, str], int]]


def _count_on_commit(
    session: AsyncSession, counter: Counter, amount: int = 1, **labels: str
) -> None:
    facts = current_facts()
    labels[metrics.TENANT] = facts.tenant_label if facts is not None else ""
    pending: Pending = session.sync_session.info.setdefault(_PENDING, [])
    pending.append((counter, labels, amount))


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    for counter, labels, amount in session.info.pop(_PENDING, ()):
        counter.labels(**labels).inc(amount)


@event.listens_for(Session, "after_transaction_end")
def _ended(session: Session, transaction: SessionTransaction) -> None:
    # After a commit the list is gone already; after a rollback (or a close) it goes now.
    if transaction.parent is None:
        session.info.pop(_PENDING, None)


def ledger_posted(session: AsyncSession, *, kind: str) -> None:
    _count_on_commit(session, metrics.LEDGER_POSTINGS, kind=kind)


def release_published(session: AsyncSession, *, made_by: str) -> None:
    _count_on_commit(session, metrics.DEMAND_RELEASES, made_by=made_by)


def release_failed() -> None:
    """A scheduled release that raised (counted at once: its transaction is gone)."""
    metrics.DEMAND_RELEASE_FAILURES.inc()


def place_taken(session: AsyncSession, *, status: str) -> None:
    _count_on_commit(session, metrics.EVENT_REGISTRATIONS, status=status.lower())


def import_finished(session: AsyncSession, *, kind: str, report: ImportReport) -> ImportReport:
    """One import of ``kind`` (``demand_signals``): refused when ``report`` has row
    errors, else imported with its rows. Returns ``report``, for ``return`` to wrap."""
    refused = bool(report.row_errors)
    _count_on_commit(
        session, metrics.IMPORTS, kind=kind, outcome="refused" if refused else "imported"
    )
    if not refused:
        _count_on_commit(session, metrics.IMPORTED_ROWS, report.imported_count, kind=kind)
    return report


def cache_looked_up(cache: str, *, hit: bool) -> None:
    metrics.CACHE_LOOKUPS.labels(cache=cache, result="hit" if hit else "miss").inc()
