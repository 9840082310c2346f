"""The ledger as raw SQL sees it: a transaction as the API role, the asyncpg error behind
SQLAlchemy's, ledger rows inserted by hand, and a verified contribution to match against.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from coalition.funds import ledger
from coalition.funds.models.contributions import Contribution
from coalition.funds.models.ledger import LedgerTransaction, LedgerTransactionKind
from coalition.funds.service.contributions import record_contribution
from coalition.funds.service.verifications import verify_contribution
from tests.funds.support.world import CONTRIBUTED_ON, FundsWorld, contribution_input, key

INSUFFICIENT_PRIVILEGE = "42501"
CHECK_VIOLATION = "23514"
UNIQUE_VIOLATION = "23505"
RECIPIENT_ACCOUNTS = {account.value for account in ledger.RECIPIENT_ACCOUNTS}


@asynccontextmanager
async def as_app(engine: AsyncEngine, tenant_id: uuid.UUID) -> AsyncIterator[AsyncConnection]:
    """A transaction as the API role, bound to ``tenant_id``; rolled back unless committed."""
    async with engine.connect() as conn:
        await conn.execute(
            text("SELECT set_config('app.tenant_id', :tenant, true)"), {"tenant": str(tenant_id)}
        )
        yield conn


def pg_error(error: DBAPIError) -> Any:
    """The asyncpg exception behind SQLAlchemy's wrapper (sqlstate, constraint_name)."""
    return error.orig.__cause__  # type: ignore[union-attr]


async def ledger_counts(engine: AsyncEngine, tenant_id: uuid.UUID) -> tuple[int, int]:
    async with as_app(engine, tenant_id) as conn:
        transactions = (
            await conn.execute(text("SELECT count(*) FROM ledger_transactions"))
        ).scalar_one()
        entries = (await conn.execute(text("SELECT count(*) FROM ledger_entries"))).scalar_one()
    return transactions, entries


async def insert_transaction(
    conn: AsyncConnection,
    fw: FundsWorld,
    legs: Sequence[tuple[str, int, str]],
    *,
    kind: str = "COMMITMENT",
    contribution_id: uuid.UUID | None = None,
    reverses_id: uuid.UUID | None = None,
) -> uuid.UUID:
    """Insert a ledger transaction with ``legs`` (account, signed amount, currency) in the
    connection's open transaction, without committing."""
    transaction_id = uuid.uuid4()
    await conn.execute(
        text(
            "INSERT INTO ledger_transactions (tenant_id, id, pool_id, kind, occurred_on, "
            "contribution_id, reverses_id, actor) VALUES (:tenant, :id, :pool, :kind, "
            ":occurred_on, :contribution, :reverses, 'raw sql test')"
        ),
        {
            "tenant": fw.tenant_id,
            "id": transaction_id,
            "pool": fw.pool,
            "kind": kind,
            "occurred_on": CONTRIBUTED_ON,
            "contribution": contribution_id,
            "reverses": reverses_id,
        },
    )
    for account, amount, currency in legs:
        recipient = None if account in {"COMMITMENTS", "AVAILABLE"} else fw.provider
        await conn.execute(
            text(
                "INSERT INTO ledger_entries (tenant_id, id, pool_id, transaction_id, account, "
                "organization_id, amount_minor, currency, seq) VALUES (:tenant, :id, :pool, :txn, "
                ":account, :organization, :amount, :currency, (SELECT coalesce(max(seq), 0) + 1 "
                "FROM ledger_entries WHERE tenant_id = :tenant AND pool_id = :pool))"
            ),
            {
                "tenant": fw.tenant_id,
                "id": uuid.uuid4(),
                "pool": fw.pool,
                "txn": transaction_id,
                "account": account,
                "organization": recipient,
                "amount": amount,
                "currency": currency,
            },
        )
    return transaction_id


async def verified_contribution(
    fw: FundsWorld, sessions: SessionFactory, amount_minor: int = 100_000
) -> Contribution:
    """A contribution of the world's 40-employee employer, recorded and verified (2:1)."""
    admin = fw.principal("admin")
    async with tenant_transaction(sessions, fw.tenant_id) as session:
        recorded = await record_contribution(
            session, admin, contribution_input(fw, amount_minor=amount_minor), idempotency_key=key()
        )
        return await verify_contribution(session, admin, recorded.id, idempotency_key=key())


async def match_transaction(
    fw: FundsWorld, sessions: SessionFactory, contribution_id: uuid.UUID
) -> uuid.UUID:
    async with tenant_transaction(sessions, fw.tenant_id) as session:
        found = await session.scalar(
            select(LedgerTransaction.id).where(
                LedgerTransaction.tenant_id == fw.tenant_id,
                LedgerTransaction.contribution_id == contribution_id,
                LedgerTransaction.kind == LedgerTransactionKind.MATCH,
            )
        )
    assert found is not None
    return found


# -- append-only -----------------------------------------------------------------------
