"""Statements over the ledger's recipient-account entries that the breakdowns and
an initiative's funding share: matched = MATCHED + APPROVED + PAID, disbursed =
APPROVED + PAID, paid = PAID."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, select

from coalition.auth.principal import Principal
from coalition.db.scoping import in_tenant
from coalition.funds.models.contributions import Contribution
from coalition.funds.models.ledger import LedgerAccount, LedgerEntry, LedgerTransaction

# The recipient accounts: a recipient's matched money, by stage.
MATCHED_ACCOUNTS = (LedgerAccount.MATCHED, LedgerAccount.APPROVED, LedgerAccount.PAID)
DISBURSED_ACCOUNTS = (LedgerAccount.APPROVED, LedgerAccount.PAID)


def stage_sums() -> tuple[ColumnElement[Any], ...]:
    """matched, disbursed, paid of entries already limited to the recipient accounts."""
    amount = LedgerEntry.amount_minor
    return (
        func.sum(amount),
        func.coalesce(func.sum(amount).filter(LedgerEntry.account.in_(DISBURSED_ACCOUNTS)), 0),
        func.coalesce(func.sum(amount).filter(LedgerEntry.account == LedgerAccount.PAID), 0),
    )


def with_transaction(query: Select[Any], principal: Principal) -> Select[Any]:
    """Join each entry's transaction."""
    return query.join(
        LedgerTransaction,
        and_(
            in_tenant(LedgerTransaction, principal),
            LedgerTransaction.id == LedgerEntry.transaction_id,
        ),
    )


def recipient_entries(principal: Principal) -> Select[Any]:
    """The tenant's recipient-account entries (what matched, disbursed and paid sum)."""
    return (
        select()
        .select_from(LedgerEntry)
        .where(
            in_tenant(LedgerEntry, principal),
            LedgerEntry.account.in_(MATCHED_ACCOUNTS),
        )
    )


def with_contribution(query: Select[Any], principal: Principal) -> Select[Any]:
    """Join each entry's transaction and its contribution: every recipient-account entry
    belongs to a transaction about one contribution (its match, an approval, a payment,
    a cancellation, or the reversal of its match)."""
    return with_transaction(query, principal).join(
        Contribution,
        and_(
            in_tenant(Contribution, principal),
            Contribution.id == LedgerTransaction.contribution_id,
        ),
    )
