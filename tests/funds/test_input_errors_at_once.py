"""Every problem of one input is reported in one answer, cross-field and state checks
included (fixing one error never reveals the next), and money messages say cents.

Each refused call runs as a mutation does (a savepoint in a transaction that commits) and
writes nothing (``steps.rejected`` compares every funds row and audit event)."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from coalition.errors import InvalidInput
from coalition.funds.models.ledger import LedgerTransactionKind
from coalition.funds.service.cancellations import cancel_disbursement
from coalition.funds.service.commitments import CommitmentInput, add_commitment
from coalition.funds.service.contributions import record_contribution
from coalition.funds.service.disbursements import schedule_disbursement
from coalition.funds.service.pools import create_pool
from coalition.funds.service.reversals import reverse_transaction
from tests.funds.support.steps import (
    Action,
    approve,
    new_pool,
    pay,
    rejected,
    schedule,
    snapshot,
    tranche_input,
    transaction_of,
    verified,
)
from tests.funds.support.world import FundsWorld, contribution_input, key, pool_input

Problems = list[tuple[tuple[str, ...], str, str]]


async def problems(sessions: SessionFactory, fw: FundsWorld, action: Action) -> Problems:
    """(field, message, code) of every userError ``action`` raises; nothing is written."""
    before = await snapshot(sessions, fw.tenant_id)
    async with tenant_transaction(sessions, fw.tenant_id) as session:
        with pytest.raises(InvalidInput) as raised:
            async with session.begin_nested():
                await action(session)
    assert await snapshot(sessions, fw.tenant_id) == before
    return [(error.field, error.message, error.code) for error in raised.value.errors]


async def test_a_new_pool_with_four_kinds_of_problem_hears_of_all_of_them(
    owner_sessions: SessionFactory, funds: FundsWorld
) -> None:
    # given: no key, an end before the start, a tier wrong in both fields, a cap in dollars
    given = pool_input(
        funds.funder,
        starts_on=date(2025, 6, 1),
        ends_on=date(2025, 1, 1),
        match_tiers=[(-5, "two"), (None, "1")],
        cap_per_recipient_minor="50.00",
    )

    # when
    errors = await rejected(
        owner_sessions,
        funds,
        lambda s: create_pool(s, funds.principal("admin"), given, idempotency_key=" "),
    )

    # then
    assert errors == [
        (("idempotencyKey",), "REQUIRED"),
        (("endsOn",), "OUT_OF_RANGE"),
        (("matchTiers", "0", "maxEmployees"), "OUT_OF_RANGE"),
        (("matchTiers", "0", "ratio"), "INVALID"),
        (("capPerRecipient", "amountMinor"), "INVALID"),
    ]


async def test_a_contribution_to_an_unknown_pool_hears_of_its_amount_too(
    owner_sessions: SessionFactory, funds: FundsWorld
) -> None:
    given = contribution_input(funds, pool_id=uuid.uuid4(), amount_minor="12.5")

    errors = await problems(
        owner_sessions,
        funds,
        lambda s: record_contribution(s, funds.principal("org_admin"), given, idempotency_key=""),
    )

    assert errors == [
        (("idempotencyKey",), "An idempotency key is required.", "REQUIRED"),
        (("poolId",), "No fund pool with this ID.", "NOT_FOUND"),
        (
            ("amount", "amountMinor"),
            "Give the amount in the currency's smallest unit (cents for USD) as digits, "
            "e.g. 2350 for $23.50.",
            "INVALID",
        ),
    ]


@pytest.mark.parametrize(
    ("currency", "amount", "message"),
    [
        ("USD", "23.50", "Give the amount in cents as digits, e.g. 2350 for $23.50."),
        (
            "USD",
            10**14 + 1,
            "The amount may be at most 100,000,000,000,000 cents ($1,000,000,000,000.00).",
        ),
        (
            "EUR",
            "23,50",
            "Give the amount in the currency's smallest unit (cents for USD) as digits, "
            "e.g. 2350 for €23.50.",
        ),
        (
            "EUR",
            10**14 + 1,
            "The amount may be at most 100,000,000,000,000 in the currency's smallest unit "
            "(€1,000,000,000,000.00).",
        ),
    ],
)
async def test_money_messages_say_cents_in_the_pools_currency(
    owner_sessions: SessionFactory,
    funds: FundsWorld,
    currency: str,
    amount: int | str,
    message: str,
) -> None:
    pool_id = await new_pool(
        owner_sessions, funds, commitment_minor=0, currency=currency, cap_per_recipient_minor=None
    )
    given = CommitmentInput(pool_id, funds.funder, "STATE", amount, currency, date(2025, 1, 2))

    errors = await problems(
        owner_sessions,
        funds,
        lambda s: add_commitment(s, funds.principal("admin"), given, idempotency_key=key()),
    )

    assert errors == [
        (
            ("amount", "amountMinor"),
            message,
            "OUT_OF_RANGE" if isinstance(amount, int) else "INVALID",
        )
    ]


async def test_a_tranche_too_large_with_a_bad_requirement_hears_of_both(
    owner_sessions: SessionFactory, funds: FundsWorld
) -> None:
    # given: a contribution of $1,000.00 matched 2:1, so $2,000.00 of match to disburse
    contribution_id = await verified(owner_sessions, funds)
    given = tranche_input(funds, contribution_id, 200_001, requirement="x" * 5001)

    errors = await problems(
        owner_sessions,
        funds,
        lambda s: schedule_disbursement(s, funds.principal("admin"), given, idempotency_key=key()),
    )

    assert errors == [
        (("requirement",), "Use at most 5000 characters.", "TOO_LONG"),
        (
            ("amount", "amountMinor"),
            "Only 200,000 cents ($2,000.00) of this contribution's match is left to disburse.",
            "EXCEEDS_MATCH",
        ),
    ]


async def test_cancelling_a_paid_tranche_without_a_reason_hears_of_both(
    owner_sessions: SessionFactory, funds: FundsWorld
) -> None:
    contribution_id = await verified(owner_sessions, funds)
    tranche_id = await schedule(owner_sessions, funds, contribution_id, 50_000)
    await approve(owner_sessions, funds, tranche_id)
    await pay(owner_sessions, funds, tranche_id)

    errors = await rejected(
        owner_sessions,
        funds,
        lambda s: cancel_disbursement(
            s, funds.principal("admin"), tranche_id, "  ", idempotency_key=key()
        ),
    )

    assert errors == [
        (("reason",), "BLANK"),
        (("disbursementId",), "INVALID_TRANSITION"),
    ]


async def test_reversing_a_payment_without_a_reason_hears_of_both(
    owner_sessions: SessionFactory, funds: FundsWorld
) -> None:
    contribution_id = await verified(owner_sessions, funds)
    tranche_id = await schedule(owner_sessions, funds, contribution_id, 50_000)
    await approve(owner_sessions, funds, tranche_id)
    payment = await transaction_of(
        owner_sessions,
        funds,
        LedgerTransactionKind.DISBURSEMENT_APPROVAL,
        disbursement_id=tranche_id,
    )

    async def reverse(session: AsyncSession) -> object:
        return await reverse_transaction(
            session, funds.principal("admin"), payment, "", idempotency_key=key()
        )

    errors = await rejected(owner_sessions, funds, reverse)

    assert errors == [
        (("reason",), "BLANK"),
        (("transactionId",), "NOT_REVERSIBLE"),
    ]
