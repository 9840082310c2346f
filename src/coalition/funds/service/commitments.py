"""Funders' commitments of money to a pool."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from coalition.audit.service import record_event
from coalition.auth.principal import Principal
from coalition.funds import idempotency, ledger, permissions
from coalition.funds.ledger import Leg
from coalition.funds.lookups import find_organization, load_pool
from coalition.funds.models.ledger import LedgerAccount, LedgerTransactionKind
from coalition.funds.models.pools import (
    CommitmentStatus,
    FundCommitment,
    FundingSource,
    FundPool,
    FundPoolStatus,
)
from coalition.validation import Checker


@dataclass(frozen=True)
class CommitmentInput:
    pool_id: uuid.UUID
    funder_organization_id: uuid.UUID
    source: str
    amount_minor: int | str
    currency: str
    committed_on: date


async def add_commitment(
    session: AsyncSession,
    principal: Principal,
    given: CommitmentInput,
    *,
    idempotency_key: str | None,
) -> FundCommitment:
    """A funder commits money to a DRAFT or OPEN pool: COMMITMENTS -x, AVAILABLE +x."""
    check = Checker()
    key = idempotency.check_key(check, idempotency_key)
    pool = await load_pool(session, principal, given.pool_id)
    permissions.require_committer(
        principal, pool.funder_organization_id, given.funder_organization_id
    )
    await find_organization(
        session, principal, check, given.funder_organization_id, "funderOrganizationId"
    )
    return await idempotency.once(
        session,
        principal,
        check,
        key,
        "addFundCommitment",
        idempotency.payload_of(given),
        FundCommitment,
        lambda: _add_commitment(session, principal, check, pool, given),
    )


async def _add_commitment(
    session: AsyncSession,
    principal: Principal,
    check: Checker,
    pool: FundPool,
    given: CommitmentInput,
) -> FundCommitment:
    source = check.choice(("source",), given.source, FundingSource)
    amount = check.amount(("amount", "amountMinor"), given.amount_minor, currency=pool.currency)
    check.currency(("amount", "currency"), given.currency, expected=pool.currency)
    if pool.status is FundPoolStatus.CLOSED:
        check.add(("poolId",), "This pool is closed.", "POOL_CLOSED")
    check.done()
    assert source is not None and amount is not None
    commitment = FundCommitment(
        tenant_id=principal.tenant_id,
        id=uuid.uuid4(),
        pool_id=pool.id,
        funder_organization_id=given.funder_organization_id,
        source=source,
        amount_minor=amount,
        committed_on=given.committed_on,
        status=CommitmentStatus.ACTIVE,
    )
    session.add(commitment)
    await session.flush()
    await ledger.post(
        session,
        principal,
        pool,
        LedgerTransactionKind.COMMITMENT,
        [Leg(LedgerAccount.COMMITMENTS, -amount), Leg(LedgerAccount.AVAILABLE, amount)],
        occurred_on=given.committed_on,
        commitment_id=commitment.id,
    )
    await record_event(
        session,
        principal,
        action="fund_commitment.create",
        object_type="FundCommitment",
        object_id=commitment.id,
        changes={"pool_id": str(pool.id), "amount_minor": amount},
    )
    return commitment
