"""Cancelling a tranche: a scheduled one gives its amount back to the contribution's match
to schedule; an approved one also moves its money APPROVED -> MATCHED back. A paid tranche
is final."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from coalition.audit.service import record_event
from coalition.auth.principal import Principal
from coalition.db.scoping import in_tenant
from coalition.funds import idempotency, ledger
from coalition.funds.ledger import Leg
from coalition.funds.lookups import load_contribution, load_disbursement, load_managed_pool
from coalition.funds.models.contributions import Contribution
from coalition.funds.models.disbursements import Disbursement, TrancheStatus
from coalition.funds.models.ledger import LedgerAccount, LedgerTransactionKind
from coalition.funds.models.pools import FundPool
from coalition.funds.service.disbursements import move_tranche
from coalition.funds.validation import check_reason
from coalition.validation import Checker

CANCELLABLE = frozenset({TrancheStatus.SCHEDULED, TrancheStatus.APPROVED})


async def cancel_disbursement(
    session: AsyncSession,
    principal: Principal,
    disbursement_id: uuid.UUID,
    reason: str,
    *,
    idempotency_key: str | None,
) -> Disbursement:
    """Cancel a scheduled or approved tranche (an approved one: APPROVED -> MATCHED)."""
    check = Checker()
    key = idempotency.check_key(check, idempotency_key)
    disbursement = await load_disbursement(session, principal, disbursement_id, "disbursementId")
    pool = await load_managed_pool(session, principal, disbursement.pool_id)
    return await idempotency.once(
        session,
        principal,
        check,
        key,
        "cancelDisbursement",
        {"disbursement_id": disbursement_id, "reason": reason},
        Disbursement,
        lambda: _cancel(session, principal, check, disbursement, pool, reason),
    )


async def _cancel(
    session: AsyncSession,
    principal: Principal,
    check: Checker,
    disbursement: Disbursement,
    pool: FundPool,
    reason: str,
) -> Disbursement:
    why = check_reason(check, reason)
    if disbursement.status not in CANCELLABLE:
        check.add(
            ("disbursementId",),
            f"This disbursement is {disbursement.status}.",
            "INVALID_TRANSITION",
        )
    check.done()
    assert why is not None
    contribution = await load_contribution(
        session, principal, disbursement.contribution_id, "disbursementId"
    )
    was_approved = disbursement.status is TrancheStatus.APPROVED
    now = datetime.now(UTC)
    # Only from the status it was read in: a payment that won meanwhile is final.
    disbursement = await move_tranche(
        session,
        principal,
        disbursement,
        frozenset({disbursement.status}),
        {"status": TrancheStatus.CANCELLED, "cancelled_at": now, "cancel_reason": why},
    )
    await session.execute(
        update(Contribution)
        .where(in_tenant(Contribution, principal), Contribution.id == contribution.id)
        .values(scheduled_minor=Contribution.scheduled_minor - disbursement.amount_minor)
        .execution_options(synchronize_session=False)
    )
    if was_approved:
        recipient = contribution.organization_id
        await ledger.post(
            session,
            principal,
            pool,
            LedgerTransactionKind.CANCELLATION,
            [
                Leg(LedgerAccount.APPROVED, -disbursement.amount_minor, recipient),
                Leg(LedgerAccount.MATCHED, disbursement.amount_minor, recipient),
            ],
            occurred_on=now.date(),
            contribution_id=contribution.id,
            disbursement_id=disbursement.id,
            reason=why,
        )
    await record_event(
        session,
        principal,
        action="disbursement.cancel",
        object_type="Disbursement",
        object_id=disbursement.id,
        changes={"reason": why},
    )
    return disbursement
