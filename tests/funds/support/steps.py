"""Steps of the funds tests through the services (each commits, as a request would),
and snapshots of every funds row and audit event, to prove a refused call wrote nothing."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from coalition.audit.models import AuditEvent
from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from coalition.errors import InvalidInput
from coalition.funds.models.contributions import Contribution
from coalition.funds.models.disbursements import Disbursement
from coalition.funds.models.idempotency import IdempotencyKey
from coalition.funds.models.initiatives import Initiative, InitiativeParticipant
from coalition.funds.models.ledger import LedgerEntry, LedgerTransaction, LedgerTransactionKind
from coalition.funds.models.pools import FundCommitment, FundPool, FundPoolStatus, MatchTier
from coalition.funds.service.commitments import CommitmentInput, add_commitment
from coalition.funds.service.contributions import record_contribution
from coalition.funds.service.disbursements import (
    DisbursementInput,
    approve_disbursement,
    pay_disbursement,
    schedule_disbursement,
)
from coalition.funds.service.initiatives import create_initiative
from coalition.funds.service.pools import create_pool, set_pool_status
from coalition.funds.service.reversals import reverse_transaction
from coalition.funds.service.verifications import verify_contribution
from coalition.tenancy.models import Organization
from tests.funds.support.world import (
    CONTRIBUTED_ON,
    TERM,
    FundsWorld,
    contribution_input,
    key,
    pool_input,
)
from tests.support.snapshots import Rows
from tests.support.snapshots import snapshot as snapshot_rows

# Every table a funds mutation can write, and the audit log.
FUNDS_TABLES = [
    model.__table__
    for model in (
        Initiative,
        InitiativeParticipant,
        FundPool,
        MatchTier,
        FundCommitment,
        Contribution,
        Disbursement,
        LedgerTransaction,
        LedgerEntry,
        IdempotencyKey,
        AuditEvent,
    )
]
FUNDS_TABLE_NAMES = [table.name for table in FUNDS_TABLES]

Errors = list[tuple[tuple[str, ...], str]]
Action = Callable[[AsyncSession], Awaitable[object]]


async def snapshot(sessions: SessionFactory, tenant_id: uuid.UUID) -> Rows:
    """Every row of the funds tables and of the audit log of one partnership."""
    return await snapshot_rows(sessions, tenant_id, FUNDS_TABLES)


async def rejected(sessions: SessionFactory, fw: FundsWorld, action: Action) -> Errors:
    """Run ``action`` as a mutation runs (a savepoint in a transaction that commits);
    it must raise InvalidInput and leave every funds row and audit event as it was."""
    before = await snapshot(sessions, fw.tenant_id)
    async with tenant_transaction(sessions, fw.tenant_id) as session:
        with pytest.raises(InvalidInput) as raised:
            async with session.begin_nested():
                await action(session)
    assert await snapshot(sessions, fw.tenant_id) == before
    return [(error.field, error.code) for error in raised.value.errors]


async def run(sessions: SessionFactory, fw: FundsWorld, action: Action) -> Any:
    async with tenant_transaction(sessions, fw.tenant_id) as session:
        return await action(session)


# -- set-up steps (each commits) --------------------------------------------------------------


async def new_pool(
    sessions: SessionFactory,
    fw: FundsWorld,
    *,
    commitment_minor: int = 10_000_000,
    status: FundPoolStatus = FundPoolStatus.OPEN,
    **overrides: object,
) -> uuid.UUID:
    admin = fw.principal("admin")
    async with tenant_transaction(sessions, fw.tenant_id) as session:
        pool = await create_pool(
            session, admin, pool_input(fw.funder, **overrides), idempotency_key=key()
        )
        if commitment_minor:
            await add_commitment(
                session,
                admin,
                CommitmentInput(
                    pool.id, fw.funder, "STATE", commitment_minor, pool.currency, TERM[0]
                ),
                idempotency_key=key(),
            )
        if status is not FundPoolStatus.DRAFT:
            await set_pool_status(session, admin, pool.id, FundPoolStatus.OPEN)
        if status is FundPoolStatus.CLOSED:
            await set_pool_status(session, admin, pool.id, FundPoolStatus.CLOSED)
        return pool.id


async def close(sessions: SessionFactory, fw: FundsWorld, pool_id: uuid.UUID) -> None:
    await run(
        sessions,
        fw,
        lambda s: set_pool_status(s, fw.principal("admin"), pool_id, FundPoolStatus.CLOSED),
    )


async def record(
    sessions: SessionFactory, fw: FundsWorld, *, by: str = "org_admin", **overrides: object
) -> uuid.UUID:
    async def action(session: AsyncSession) -> uuid.UUID:
        contribution = await record_contribution(
            session, fw.principal(by), contribution_input(fw, **overrides), idempotency_key=key()
        )
        return contribution.id

    result: uuid.UUID = await run(sessions, fw, action)
    return result


async def verify(sessions: SessionFactory, fw: FundsWorld, contribution_id: uuid.UUID) -> None:
    await run(
        sessions,
        fw,
        lambda s: verify_contribution(
            s, fw.principal("admin"), contribution_id, idempotency_key=key()
        ),
    )


async def verified(
    sessions: SessionFactory, fw: FundsWorld, *, by: str = "org_admin", **overrides: object
) -> uuid.UUID:
    contribution_id = await record(sessions, fw, by=by, **overrides)
    await verify(sessions, fw, contribution_id)
    return contribution_id


async def schedule(
    sessions: SessionFactory,
    fw: FundsWorld,
    contribution_id: uuid.UUID,
    amount_minor: int,
    requirement: str | None = None,
) -> uuid.UUID:
    async def action(session: AsyncSession) -> uuid.UUID:
        tranche = await schedule_disbursement(
            session,
            fw.principal("admin"),
            tranche_input(fw, contribution_id, amount_minor, requirement=requirement),
            idempotency_key=key(),
        )
        return tranche.id

    result: uuid.UUID = await run(sessions, fw, action)
    return result


def tranche_input(
    fw: FundsWorld,
    contribution_id: uuid.UUID,
    amount_minor: int | str,
    *,
    currency: str = "USD",
    payee: uuid.UUID | None = None,
    requirement: str | None = None,
) -> DisbursementInput:
    return DisbursementInput(
        contribution_id,
        payee or fw.world.organizations["employer"],
        amount_minor,
        currency,
        CONTRIBUTED_ON,
        requirement,
    )


async def approve(sessions: SessionFactory, fw: FundsWorld, tranche_id: uuid.UUID) -> None:
    await run(
        sessions,
        fw,
        lambda s: approve_disbursement(s, fw.principal("admin"), tranche_id, idempotency_key=key()),
    )


async def pay(sessions: SessionFactory, fw: FundsWorld, tranche_id: uuid.UUID) -> None:
    await run(
        sessions,
        fw,
        lambda s: pay_disbursement(s, fw.principal("admin"), tranche_id, idempotency_key=key()),
    )


async def set_employees(
    sessions: SessionFactory, fw: FundsWorld, organization_id: uuid.UUID, count: int | None
) -> None:
    async with tenant_transaction(sessions, fw.tenant_id) as session:
        await session.execute(
            update(Organization)
            .where(Organization.tenant_id == fw.tenant_id, Organization.id == organization_id)
            .values(employee_count=count)
        )


async def contribution_row(
    sessions: SessionFactory, fw: FundsWorld, contribution_id: uuid.UUID
) -> Contribution:
    async with tenant_transaction(sessions, fw.tenant_id) as session:
        found = await session.scalar(
            select(Contribution).where(
                Contribution.tenant_id == fw.tenant_id, Contribution.id == contribution_id
            )
        )
    assert found is not None
    return found


async def pool_row(sessions: SessionFactory, fw: FundsWorld, pool_id: uuid.UUID) -> FundPool:
    async with tenant_transaction(sessions, fw.tenant_id) as session:
        found = await session.scalar(
            select(FundPool).where(FundPool.tenant_id == fw.tenant_id, FundPool.id == pool_id)
        )
    assert found is not None
    return found


async def transaction_of(
    sessions: SessionFactory, fw: FundsWorld, kind: LedgerTransactionKind, **where: uuid.UUID
) -> uuid.UUID:
    async with tenant_transaction(sessions, fw.tenant_id) as session:
        query = select(LedgerTransaction.id).where(
            LedgerTransaction.tenant_id == fw.tenant_id, LedgerTransaction.kind == kind
        )
        for column, value in where.items():
            query = query.where(getattr(LedgerTransaction, column) == value)
        found = list(await session.scalars(query))
    [transaction_id] = found
    return transaction_id


def match_of(row: Contribution) -> tuple[object, ...]:
    return (
        row.status,
        row.match_ratio_numerator,
        row.match_ratio_denominator,
        row.match_requested_minor,
        row.matched_minor,
        row.unmatched_minor,
    )


# -- actions the input tests refuse -----------------------------------------------------------

AMOUNT_FIELD = ("amount", "amountMinor")
CURRENCY_FIELD = ("amount", "currency")


def commitment_action(fw: FundsWorld, amount: int | str, currency: str = "USD") -> Action:
    return lambda s: add_commitment(
        s,
        fw.principal("admin"),
        CommitmentInput(fw.pool, fw.funder, "STATE", amount, currency, TERM[0]),
        idempotency_key=key(),
    )


def tranche_action(
    fw: FundsWorld, contribution_id: uuid.UUID, amount: int | str, **options: Any
) -> Action:
    return lambda s: schedule_disbursement(
        s,
        fw.principal("admin"),
        tranche_input(fw, contribution_id, amount, **options),
        idempotency_key=key(),
    )


def create_initiative_action(fw: FundsWorld, **overrides: Any) -> Action:
    values: dict[str, Any] = {
        "name": "CNA cohort",
        "description": "",
        "starts_on": date(2025, 1, 1),
        "ends_on": date(2025, 12, 31),
        "participant_ids": [fw.world.organizations["employer"]],
    }
    values.update(overrides)
    return lambda s: create_initiative(s, fw.principal("admin"), **values)


def reverse_action(
    fw: FundsWorld, transaction_id: uuid.UUID, reason: str = "Entered twice."
) -> Action:
    return lambda s: reverse_transaction(
        s, fw.principal("admin"), transaction_id, reason, idempotency_key=key()
    )
