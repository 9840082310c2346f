"""The funder report of a pool as CSV: the summary, then one row per ledger entry.

Layout (``csv`` module, comma-separated, ``\\r\\n`` line ends, UTF-8 text)::

    Fund pool,<name>
    Pool ID,<uuid>
    Currency,USD
    Committed,100000.00          <- every amount: a plain decimal in major units
    ...                             (money.plain_amount), the numbers of pool_summary
    Leverage,0.5000              <- empty while nothing is matched
    Ledger entries,<count>
    <empty line>
    sequence,date,transaction_kind,...      <- ENTRY_HEADER
    <one row per ledger entry, oldest first (by sequence)>

``sequence`` is the entry's number in the pool's ledger (GraphQL's
``LedgerEntry.sequence``: 1, 2, 3... without gaps, so a missing row shows), ``date`` its
transaction's ``occurred_on``, ``organization`` the recipient (empty on the
COMMITMENTS and AVAILABLE accounts), ``amount`` signed (debit > 0).

Spreadsheet formula injection: a cell of user text (the pool's and organizations'
names, reasons) that a spreadsheet would read as a formula (it starts with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return, possibly after spaces) gets a
leading apostrophe (``csv_files.text_cell``), which spreadsheets show as text and do
not evaluate. Amounts are left alone on purpose: they are produced here from
integers and can only be ``-?[0-9]+(\\.[0-9]+)?``, which every spreadsheet reads as
a number; an apostrophe in front of a negative amount would turn a credit into text
and drop it from sums.
"""

from __future__ import annotations

import csv
import io
import uuid
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Text, and_, cast, func, select, type_coerce
from sqlalchemy.ext.asyncio import AsyncSession

from coalition.auth.principal import Principal
from coalition.csv_files import text_cell
from coalition.db.scoping import in_tenant
from coalition.funds.ledger import Balances, balances_of
from coalition.funds.models.ledger import LedgerEntry, LedgerTransaction
from coalition.funds.permissions import overseen_pool_clause
from coalition.funds.report.summaries import PoolSummary, summarize_pool
from coalition.money import minor_digits, plain_amount
from coalition.tenancy.models import Organization

ENTRY_HEADER = (
    "sequence",
    "date",
    "transaction_kind",
    "transaction_id",
    "account",
    "organization",
    "amount",
    "currency",
    "contribution_id",
    "disbursement_id",
    "reverses_transaction_id",
    "reason",
)
ACCOUNT, ORGANIZATION, AMOUNT, CURRENCY, REASON = (  # positions in ENTRY_HEADER
    ENTRY_HEADER.index(column)
    for column in ("account", "organization", "amount", "currency", "reason")
)
# Reads of one export; see ``pool_report_csv``.
MAX_READS = 5


class LedgerOutOfStep(RuntimeError):
    """The pool's running totals and the sum of its entries disagree, read after read."""


def plain_amounts(currency: str) -> Callable[[int], str]:
    """``money.plain_amount`` for one currency, looked up once rather than per entry
    (a tenth of the time over 100,000 entries; tests prove both give the same text)."""
    digits = minor_digits(currency)
    if digits == 0:
        return str
    scale = 10**digits

    def plain(amount_minor: int) -> str:
        whole, fraction = divmod(abs(amount_minor), scale)
        return f"{'-' if amount_minor < 0 else ''}{whole}.{fraction:0{digits}d}"

    return plain


def _ratio_cell(value: object) -> str:
    return "" if value is None else str(value)


def _summary_rows(
    name: str, pool_id: uuid.UUID, summary: PoolSummary, entries: int
) -> list[tuple[str, str]]:
    def money(amount: int) -> str:
        return plain_amount(amount, summary.currency)

    return [
        ("Fund pool", text_cell(name)),
        ("Pool ID", str(pool_id)),
        ("Currency", summary.currency),
        ("Committed", money(summary.committed)),
        ("Matched", money(summary.matched)),
        ("Disbursed", money(summary.disbursed)),
        ("Paid", money(summary.paid)),
        ("Remaining", money(summary.remaining)),
        ("Contributed", money(summary.contributed)),
        ("Leverage", _ratio_cell(summary.leverage)),
        ("Small employer share under 50", _ratio_cell(summary.small_employer_share_under_50)),
        ("Small employer share under 500", _ratio_cell(summary.small_employer_share_under_500)),
        ("Ledger entries", str(entries)),
    ]


async def _entries(
    session: AsyncSession, principal: Principal, pool_id: uuid.UUID
) -> list[Sequence[Any]]:
    """The pool's entries as CSV cells, oldest first (ENTRY_HEADER's order, amounts still
    in minor units). The database renders IDs, dates and names as text and the query
    runs on the Core connection, so a 100,000-entry pool costs no Python objects per
    cell beyond the strings themselves."""

    def as_text(column: Any) -> Any:
        return cast(column, Text)

    connection = await session.connection()
    result = await connection.execute(
        select(
            LedgerEntry.seq,
            func.to_char(LedgerTransaction.occurred_on, "YYYY-MM-DD"),
            type_coerce(LedgerTransaction.kind, Text),
            as_text(LedgerTransaction.id),
            type_coerce(LedgerEntry.account, Text),
            Organization.name,
            LedgerEntry.amount_minor,
            LedgerEntry.currency,
            as_text(LedgerTransaction.contribution_id),
            as_text(LedgerTransaction.disbursement_id),
            as_text(LedgerTransaction.reverses_id),
            LedgerTransaction.reason,
        )
        .select_from(LedgerEntry)
        .join(
            LedgerTransaction,
            and_(
                in_tenant(LedgerTransaction, principal),
                LedgerTransaction.id == LedgerEntry.transaction_id,
            ),
        )
        .outerjoin(
            Organization,
            and_(
                in_tenant(Organization, principal),
                Organization.id == LedgerEntry.organization_id,
            ),
        )
        .where(
            in_tenant(LedgerEntry, principal),
            LedgerEntry.pool_id == pool_id,
            overseen_pool_clause(principal, LedgerEntry.pool_id),
        )
        .order_by(LedgerEntry.seq)
    )
    return list(result.all())


def _balances(entries: list[Sequence[Any]]) -> Balances:
    by_account: dict[str, int] = defaultdict(int)
    for entry in entries:
        by_account[entry[ACCOUNT]] += entry[AMOUNT]
    return balances_of(by_account.items())


async def pool_report_csv(
    session: AsyncSession, principal: Principal, pool_id: uuid.UUID
) -> str | None:
    """The funder report of one pool as CSV text; None when the tenant has no such pool
    or the caller does not oversee it (``permissions.may_oversee_pool``: the report
    names every recipient; the GraphQL fields refuse non-overseers before asking).

    The summary rows are ``report.pool_summary``'s numbers, and the entry rows add up to
    them. The two reads (summary, entries) run as two statements: in a READ COMMITTED
    transaction a posting can commit between them, so the export checks that the
    entries' balances equal the summary's and reads again when they do not (a
    REPEATABLE READ transaction, as the CLI uses, always agrees at once). Raises
    ``LedgerOutOfStep`` after ``MAX_READS`` disagreeing reads: the running totals
    would then be wrong, and no report is better than one that does not add up.
    """
    for _ in range(MAX_READS):
        found = await summarize_pool(session, principal, pool_id)
        if found is None:
            return None
        name, summary = found
        entries = await _entries(session, principal, pool_id)
        expected = Balances(summary.committed, summary.matched, summary.disbursed, summary.paid)
        if _balances(entries) == expected:
            break
    else:
        raise LedgerOutOfStep(f"the entries of pool {pool_id} do not add up to its totals")
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerows(_summary_rows(name, pool_id, summary, len(entries)))
    writer.writerow([])
    writer.writerow(ENTRY_HEADER)
    amount = plain_amounts(summary.currency)
    writer.writerows(
        (
            *entry[:ORGANIZATION],
            text_cell(entry[ORGANIZATION]),
            amount(entry[AMOUNT]),
            *entry[CURRENCY:REASON],
            text_cell(entry[REASON]),
        )
        for entry in entries
    )
    return buffer.getvalue()


__all__ = ["ENTRY_HEADER", "LedgerOutOfStep", "pool_report_csv", "text_cell"]
