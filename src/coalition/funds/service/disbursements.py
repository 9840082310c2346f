"""Paying out matched funds in tranches.

A contribution's match is disbursed in tranches: SCHEDULED (no money moves;
the contribution's ``scheduled_minor`` grows, never beyond its match), APPROVED
(MATCHED -> APPROVED), PAID (APPROVED -> PAID, only once any requirement is
met), or CANCELLED (an approved tranche moves APPROVED -> MATCHED back; in
``cancellations``). A paid tranche is final.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from coalition.audit.service import record_event
from coalition.auth.principal import Principal
from coalition.db.scoping import in_tenant
from coalition.errors import InvalidInput, UserError
from coalition.funds import idempotency, ledger
from coalition.funds.ledger import Leg
from coalition.funds.lookups import (
    find_organization,
    load_contribution,
    load_disbursement,
    load_managed_pool,
    refuse,
)
from coalition.funds.models.contributions import Contribution, ContributionStatus
from coalition.funds.models.disbursements import Disbursement, TrancheStatus
from coalition.funds.models.ledger import LedgerAccount, LedgerTransactionKind
from coalition.funds.models.pools import FundPool
from coalition.money import in_smallest_unit
from coalition.tenancy.models import Organization, OrganizationKind
from coalition.validation import Checker

AMOUNT = ("amount", "amountMinor")


@dataclass(frozen=True)
class DisbursementInput:
    contribution_id: uuid.UUID
    payee_organization_id: uuid.UUID
    amount_minor: int | str
    currency: str
    scheduled_on: date
    requirement: str | None = None


def _left_to_disburse(left: int, currency: str) -> UserError:
    return UserError(
        AMOUNT,
        f"Only {in_smallest_unit(max(left, 0), currency)} of this contribution's match is "
        "left to disburse.",
        "EXCEEDS_MATCH",
    )


async def schedule_disbursement(
    session: AsyncSession,
    principal: Principal,
    given: DisbursementInput,
    *,
    idempotency_key: str | None,
) -> Disbursement:
    """Schedule a tranche of a verified contribution's match (never beyond what is left
    of it, even under concurrent requests)."""
    check = Checker()
    key = idempotency.check_key(check, idempotency_key)
    contribution = await load_contribution(
        session, principal, given.contribution_id, "contributionId"
    )
    pool = await load_managed_pool(session, principal, contribution.pool_id)
    payee = await find_organization(
        session, principal, check, given.payee_organization_id, "payeeOrganizationId"
    )
    return await idempotency.once(
        session,
        principal,
        check,
        key,
        "scheduleDisbursement",
        idempotency.payload_of(given),
        Disbursement,
        lambda: _schedule(session, principal, check, given, contribution, pool, payee),
    )


async def _schedule(
    session: AsyncSession,
    principal: Principal,
    check: Checker,
    given: DisbursementInput,
    contribution: Contribution,
    pool: FundPool,
    payee: Organization | None,
) -> Disbursement:
    amount = check.amount(AMOUNT, given.amount_minor, currency=pool.currency)
    check.currency(("amount", "currency"), given.currency, expected=pool.currency)
    requirement = check.text(("requirement",), given.requirement, required=False)
    if (
        payee is not None
        and payee.id != contribution.organization_id
        and payee.kind is not OrganizationKind.TRAINING_PROVIDER
    ):
        check.add(
            ("payeeOrganizationId",),
            "Pay the contributor, or a training provider on its behalf.",
            "INVALID",
        )
    left = contribution.matched_minor - contribution.scheduled_minor
    if contribution.status is not ContributionStatus.VERIFIED:
        check.add(
            ("contributionId",),
            f"This contribution is {contribution.status}.",
            "INVALID_TRANSITION",
        )
    elif amount is not None and amount > left:
        check.errors.append(_left_to_disburse(left, pool.currency))
    check.done()
    assert amount is not None and payee is not None
    # The guard against disbursing more than was matched, atomic under concurrency.
    taken = await session.scalar(
        update(Contribution)
        .where(
            in_tenant(Contribution, principal),
            Contribution.id == contribution.id,
            Contribution.status == ContributionStatus.VERIFIED,
            Contribution.scheduled_minor + amount <= Contribution.matched_minor,
        )
        .values(scheduled_minor=Contribution.scheduled_minor + amount)
        .returning(Contribution.id)
        .execution_options(synchronize_session=False)
    )
    if taken is None:
        current = await load_contribution(session, principal, contribution.id, "contributionId")
        left = current.matched_minor - current.scheduled_minor
        raise InvalidInput([_left_to_disburse(left, pool.currency)])
    disbursement = Disbursement(
        tenant_id=principal.tenant_id,
        id=uuid.uuid4(),
        pool_id=pool.id,
        contribution_id=contribution.id,
        payee_organization_id=payee.id,
        amount_minor=amount,
        scheduled_on=given.scheduled_on,
        status=TrancheStatus.SCHEDULED,
        requirement=requirement,
    )
    session.add(disbursement)
    await session.flush()
    await record_event(
        session,
        principal,
        action="disbursement.schedule",
        object_type="Disbursement",
        object_id=disbursement.id,
        changes={"amount_minor": amount, "contribution_id": str(contribution.id)},
    )
    return disbursement


async def move_tranche(
    session: AsyncSession,
    principal: Principal,
    disbursement: Disbursement,
    from_status: frozenset[TrancheStatus],
    values: dict[str, object],
) -> Disbursement:
    """Change a tranche's status only if it is still in one of ``from_status``; refuse
    (INVALID_TRANSITION, naming the status it has now) if another request moved it first."""
    moved = (
        await session.scalars(
            update(Disbursement)
            .where(
                in_tenant(Disbursement, principal),
                Disbursement.id == disbursement.id,
                Disbursement.status.in_(from_status),
            )
            .values(**values)
            .returning(Disbursement)
            .execution_options(populate_existing=True)
        )
    ).one_or_none()
    if moved is None:
        # Read the status now (READ COMMITTED: the winner's commit is visible to this next
        # statement): the loser reports the state it lost to, not the one it had loaded.
        current = await session.scalar(
            select(Disbursement.status).where(
                in_tenant(Disbursement, principal), Disbursement.id == disbursement.id
            )
        )
        raise refuse(
            "disbursementId",
            f"This disbursement is {current or disbursement.status}.",
            "INVALID_TRANSITION",
        )
    return moved


@dataclass(frozen=True)
class _Stage:
    """One step of a tranche that moves money between two of the recipient's accounts."""

    operation: str
    before: TrancheStatus
    after: TrancheStatus
    stamp: str
    kind: LedgerTransactionKind
    source: LedgerAccount
    target: LedgerAccount
    action: str
    gated: bool


_APPROVE = _Stage(
    "approveDisbursement",
    TrancheStatus.SCHEDULED,
    TrancheStatus.APPROVED,
    "approved_at",
    LedgerTransactionKind.DISBURSEMENT_APPROVAL,
    LedgerAccount.MATCHED,
    LedgerAccount.APPROVED,
    "disbursement.approve",
    gated=False,
)
_PAY = _Stage(
    "payDisbursement",
    TrancheStatus.APPROVED,
    TrancheStatus.PAID,
    "paid_at",
    LedgerTransactionKind.PAYMENT,
    LedgerAccount.APPROVED,
    LedgerAccount.PAID,
    "disbursement.pay",
    gated=True,
)


async def _advance(
    session: AsyncSession,
    principal: Principal,
    disbursement_id: uuid.UUID,
    idempotency_key: str | None,
    stage: _Stage,
) -> Disbursement:
    check = Checker()
    key = idempotency.check_key(check, idempotency_key)
    disbursement = await load_disbursement(session, principal, disbursement_id, "disbursementId")
    pool = await load_managed_pool(session, principal, disbursement.pool_id)
    return await idempotency.once(
        session,
        principal,
        check,
        key,
        stage.operation,
        {"disbursement_id": disbursement_id},
        Disbursement,
        lambda: _step(session, principal, disbursement, pool, stage),
    )


async def _step(
    session: AsyncSession,
    principal: Principal,
    disbursement: Disbursement,
    pool: FundPool,
    stage: _Stage,
) -> Disbursement:
    contribution = await load_contribution(
        session, principal, disbursement.contribution_id, "disbursementId"
    )
    if stage.gated and disbursement.requirement is not None:
        if disbursement.requirement_met_at is None:
            raise refuse(
                "disbursementId",
                f"The requirement is not met yet: {disbursement.requirement}",
                "REQUIREMENT_NOT_MET",
            )
    now = datetime.now(UTC)
    disbursement = await move_tranche(
        session,
        principal,
        disbursement,
        frozenset({stage.before}),
        {"status": stage.after, stage.stamp: now},
    )
    recipient = contribution.organization_id
    await ledger.post(
        session,
        principal,
        pool,
        stage.kind,
        [
            Leg(stage.source, -disbursement.amount_minor, recipient),
            Leg(stage.target, disbursement.amount_minor, recipient),
        ],
        occurred_on=now.date(),
        contribution_id=contribution.id,
        disbursement_id=disbursement.id,
    )
    await record_event(
        session,
        principal,
        action=stage.action,
        object_type="Disbursement",
        object_id=disbursement.id,
    )
    return disbursement


async def approve_disbursement(
    session: AsyncSession,
    principal: Principal,
    disbursement_id: uuid.UUID,
    *,
    idempotency_key: str | None,
) -> Disbursement:
    """Approve a scheduled tranche: MATCHED -> APPROVED."""
    return await _advance(session, principal, disbursement_id, idempotency_key, _APPROVE)


async def pay_disbursement(
    session: AsyncSession,
    principal: Principal,
    disbursement_id: uuid.UUID,
    *,
    idempotency_key: str | None,
) -> Disbursement:
    """Record the payment of an approved tranche (once any requirement is met):
    APPROVED -> PAID."""
    return await _advance(session, principal, disbursement_id, idempotency_key, _PAY)


async def mark_requirement_met(
    session: AsyncSession, principal: Principal, disbursement_id: uuid.UUID
) -> Disbursement:
    """Record that the tranche's requirement (e.g. an outcome report) is met."""
    disbursement = await load_disbursement(session, principal, disbursement_id, "disbursementId")
    await load_managed_pool(session, principal, disbursement.pool_id)
    if disbursement.requirement is None:
        raise refuse("disbursementId", "This disbursement has no requirement.", "INVALID")
    if disbursement.requirement_met_at is not None:
        return disbursement
    disbursement = await move_tranche(
        session,
        principal,
        disbursement,
        frozenset({TrancheStatus.SCHEDULED, TrancheStatus.APPROVED}),
        {"requirement_met_at": datetime.now(UTC)},
    )
    await record_event(
        session,
        principal,
        action="disbursement.requirement_met",
        object_type="Disbursement",
        object_id=disbursement.id,
    )
    return disbursement
