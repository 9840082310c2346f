"""Bad input to the tranche mutations and to reversals: a userError on the right field, and
nothing is written."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from coalition.funds.models.contributions import ContributionStatus
from coalition.funds.models.ledger import LedgerTransactionKind
from coalition.funds.models.pools import FundCommitment
from coalition.funds.service.cancellations import cancel_disbursement
from coalition.funds.service.disbursements import (
    approve_disbursement,
    mark_requirement_met,
    pay_disbursement,
)
from tests.funds.support.steps import (
    AMOUNT_FIELD,
    CURRENCY_FIELD,
    Action,
    approve,
    commitment_action,
    contribution_row,
    pay,
    pool_row,
    record,
    rejected,
    reverse_action,
    run,
    schedule,
    set_employees,
    tranche_action,
    transaction_of,
    verified,
)
from tests.funds.support.world import (
    FundsWorld,
    key,
)

# -- disbursements --------------------------------------------------------------------------


async def test_a_tranche_may_not_exceed_the_match(
    funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    # given: $2,000.00 matched
    contribution_id = await verified(owner_sessions, funds)

    # when
    errors = await rejected(owner_sessions, funds, tranche_action(funds, contribution_id, 200_001))

    # then
    assert errors == [(AMOUNT_FIELD, "EXCEEDS_MATCH")]


async def test_two_tranches_may_not_exceed_the_match(
    funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    # given: $2,000.00 matched, $1,500.00 scheduled
    contribution_id = await verified(owner_sessions, funds)
    await schedule(owner_sessions, funds, contribution_id, 150_000)

    # when
    errors = await rejected(owner_sessions, funds, tranche_action(funds, contribution_id, 50_001))

    # then: one cent too much is refused, the exact rest is not
    assert errors == [(AMOUNT_FIELD, "EXCEEDS_MATCH")]
    await schedule(owner_sessions, funds, contribution_id, 50_000)
    row = await contribution_row(owner_sessions, funds, contribution_id)
    assert (row.matched_minor, row.scheduled_minor) == (200_000, 200_000)
    errors = await rejected(owner_sessions, funds, tranche_action(funds, contribution_id, 1))
    assert errors == [(AMOUNT_FIELD, "EXCEEDS_MATCH")]


async def test_a_cancelled_tranche_frees_its_amount(
    funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    # given: the whole match in one approved tranche, then cancelled
    contribution_id = await verified(owner_sessions, funds)
    tranche = await schedule(owner_sessions, funds, contribution_id, 200_000)
    await approve(owner_sessions, funds, tranche)
    await run(owner_sessions, funds, _cancel(funds, tranche))

    # when
    await schedule(owner_sessions, funds, contribution_id, 200_000)

    # then
    errors = await rejected(owner_sessions, funds, tranche_action(funds, contribution_id, 1))
    assert errors == [(AMOUNT_FIELD, "EXCEEDS_MATCH")]


async def test_a_contribution_matched_with_nothing_has_nothing_to_disburse(
    funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    await set_employees(owner_sessions, funds, funds.world.organizations["employer"], 800)
    contribution_id = await verified(owner_sessions, funds)

    errors = await rejected(owner_sessions, funds, tranche_action(funds, contribution_id, 1))

    assert errors == [(AMOUNT_FIELD, "EXCEEDS_MATCH")]


async def test_only_a_verified_contribution_is_disbursed(
    funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    # given: a recorded contribution, and one whose match was reversed
    recorded = await record(owner_sessions, funds)
    reversed_ = await verified(owner_sessions, funds)
    match = await transaction_of(
        owner_sessions, funds, LedgerTransactionKind.MATCH, contribution_id=reversed_
    )
    await run(owner_sessions, funds, reverse_action(funds, match))

    for contribution_id in (recorded, reversed_):
        # when
        errors = await rejected(owner_sessions, funds, tranche_action(funds, contribution_id, 100))

        # then
        assert errors == [(("contributionId",), "INVALID_TRANSITION")]


async def test_the_payee_is_the_contributor_or_a_training_provider(
    funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    # given
    contribution_id = await verified(owner_sessions, funds)

    for name in ("other_employer", "college", "convener"):
        # when
        errors = await rejected(
            owner_sessions,
            funds,
            tranche_action(funds, contribution_id, 100, payee=funds.world.organizations[name]),
        )

        # then
        assert errors == [(("payeeOrganizationId",), "INVALID")], name
    await run(
        owner_sessions, funds, tranche_action(funds, contribution_id, 100, payee=funds.provider)
    )


async def test_every_problem_of_a_tranche_is_reported_at_once(
    funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    contribution_id = await record(owner_sessions, funds)

    errors = await rejected(
        owner_sessions,
        funds,
        tranche_action(
            funds,
            contribution_id,
            "-3",
            currency="JPY",
            payee=funds.world.organizations["other_employer"],
            requirement="x" * 5001,
        ),
    )

    assert sorted(errors) == sorted(
        [
            (AMOUNT_FIELD, "OUT_OF_RANGE"),
            (CURRENCY_FIELD, "CURRENCY_MISMATCH"),
            (("requirement",), "TOO_LONG"),
            (("payeeOrganizationId",), "INVALID"),
            (("contributionId",), "INVALID_TRANSITION"),
        ]
    )


def _pay(fw: FundsWorld, tranche_id: uuid.UUID) -> Action:
    return lambda s: pay_disbursement(s, fw.principal("admin"), tranche_id, idempotency_key=key())


def _approve(fw: FundsWorld, tranche_id: uuid.UUID) -> Action:
    return lambda s: approve_disbursement(
        s, fw.principal("admin"), tranche_id, idempotency_key=key()
    )


def _cancel(fw: FundsWorld, tranche_id: uuid.UUID, reason: str = "Cohort postponed.") -> Action:
    return lambda s: cancel_disbursement(
        s, fw.principal("admin"), tranche_id, reason, idempotency_key=key()
    )


async def test_a_tranche_is_paid_only_once_its_requirement_is_met(
    funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    # given: an approved tranche that waits for an outcome report
    contribution_id = await verified(owner_sessions, funds)
    tranche = await schedule(owner_sessions, funds, contribution_id, 50_000, "Outcome report")
    await approve(owner_sessions, funds, tranche)

    # when
    errors = await rejected(owner_sessions, funds, _pay(funds, tranche))

    # then
    assert errors == [(("disbursementId",), "REQUIREMENT_NOT_MET")]
    await run(
        owner_sessions,
        funds,
        lambda s: mark_requirement_met(s, funds.principal("admin"), tranche),
    )
    await pay(owner_sessions, funds, tranche)


async def test_a_scheduled_tranche_is_not_paid_before_approval(
    funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    contribution_id = await verified(owner_sessions, funds)
    tranche = await schedule(owner_sessions, funds, contribution_id, 50_000)

    errors = await rejected(owner_sessions, funds, _pay(funds, tranche))

    assert errors == [(("disbursementId",), "INVALID_TRANSITION")]


async def test_a_tranche_moves_only_forward(
    funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    # given: a paid tranche and a cancelled one
    contribution_id = await verified(owner_sessions, funds)
    paid = await schedule(owner_sessions, funds, contribution_id, 50_000)
    await approve(owner_sessions, funds, paid)
    await pay(owner_sessions, funds, paid)
    cancelled = await schedule(owner_sessions, funds, contribution_id, 50_000)
    await run(owner_sessions, funds, _cancel(funds, cancelled))

    # when / then
    refused: dict[str, Action] = {
        "cancel paid": _cancel(funds, paid),
        "pay paid": _pay(funds, paid),
        "approve paid": _approve(funds, paid),
        "approve cancelled": _approve(funds, cancelled),
        "pay cancelled": _pay(funds, cancelled),
        "cancel cancelled": _cancel(funds, cancelled),
    }
    for name, action in refused.items():
        errors = await rejected(owner_sessions, funds, action)
        assert errors == [(("disbursementId",), "INVALID_TRANSITION")], name


async def test_a_requirement_is_met_only_where_there_is_one(
    funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    contribution_id = await verified(owner_sessions, funds)
    tranche = await schedule(owner_sessions, funds, contribution_id, 50_000)

    errors = await rejected(
        owner_sessions,
        funds,
        lambda s: mark_requirement_met(s, funds.principal("admin"), tranche),
    )

    assert errors == [(("disbursementId",), "INVALID")]


@pytest.mark.parametrize("reason", ["", "   ", "\n\t"])
async def test_a_cancellation_needs_a_reason(
    funds: FundsWorld, owner_sessions: SessionFactory, reason: str
) -> None:
    contribution_id = await verified(owner_sessions, funds)
    tranche = await schedule(owner_sessions, funds, contribution_id, 50_000)

    errors = await rejected(owner_sessions, funds, _cancel(funds, tranche, reason))

    assert errors == [(("reason",), "BLANK")]


# -- reversals ------------------------------------------------------------------------------


async def test_only_commitments_and_matches_are_reversed(
    funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    # given: a paid tranche, a cancelled approved one, and a reversed commitment
    contribution_id = await verified(owner_sessions, funds)
    paid = await schedule(owner_sessions, funds, contribution_id, 50_000)
    await approve(owner_sessions, funds, paid)
    await pay(owner_sessions, funds, paid)
    cancelled = await schedule(owner_sessions, funds, contribution_id, 50_000)
    await approve(owner_sessions, funds, cancelled)
    await run(owner_sessions, funds, _cancel(funds, cancelled))
    await run(owner_sessions, funds, commitment_action(funds, 30_000))
    async with tenant_transaction(owner_sessions, funds.tenant_id) as session:
        extra = await session.scalar(
            select(FundCommitment.id).where(
                FundCommitment.tenant_id == funds.tenant_id, FundCommitment.amount_minor == 30_000
            )
        )
    assert extra is not None
    commitment = await transaction_of(
        owner_sessions, funds, LedgerTransactionKind.COMMITMENT, commitment_id=extra
    )
    await run(owner_sessions, funds, reverse_action(funds, commitment))
    transactions = {
        "payment": await transaction_of(
            owner_sessions, funds, LedgerTransactionKind.PAYMENT, disbursement_id=paid
        ),
        "approval": await transaction_of(
            owner_sessions,
            funds,
            LedgerTransactionKind.DISBURSEMENT_APPROVAL,
            disbursement_id=paid,
        ),
        "cancellation": await transaction_of(
            owner_sessions, funds, LedgerTransactionKind.CANCELLATION, disbursement_id=cancelled
        ),
        "reversal": await transaction_of(
            owner_sessions, funds, LedgerTransactionKind.REVERSAL, reverses_id=commitment
        ),
    }

    for name, transaction_id in transactions.items():
        # when
        errors = await rejected(owner_sessions, funds, reverse_action(funds, transaction_id))

        # then
        assert errors == [(("transactionId",), "NOT_REVERSIBLE")], name


async def test_a_commitment_already_matched_is_not_reversed(
    funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    # given: the pool's one $100,000.00 commitment, $2,000.00 of it matched
    await verified(owner_sessions, funds)
    commitment = await transaction_of(
        owner_sessions, funds, LedgerTransactionKind.COMMITMENT, pool_id=funds.pool
    )

    # when
    errors = await rejected(owner_sessions, funds, reverse_action(funds, commitment))

    # then
    assert errors == [(("transactionId",), "INSUFFICIENT_FUNDS")]
    async with tenant_transaction(owner_sessions, funds.tenant_id) as session:
        statuses = list(
            await session.scalars(
                select(FundCommitment.status).where(
                    FundCommitment.tenant_id == funds.tenant_id,
                    FundCommitment.pool_id == funds.pool,
                )
            )
        )
    assert statuses == ["ACTIVE"]
    # once another commitment covers what was matched, it can be reversed (to the cent)
    await run(owner_sessions, funds, commitment_action(funds, 200_000))
    await run(owner_sessions, funds, reverse_action(funds, commitment))
    pool = await pool_row(owner_sessions, funds, funds.pool)
    assert (pool.committed_minor, pool.matched_minor) == (200_000, 200_000)


async def test_a_match_with_scheduled_tranches_is_not_reversed(
    funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    # given
    contribution_id = await verified(owner_sessions, funds)
    tranche = await schedule(owner_sessions, funds, contribution_id, 1)
    match = await transaction_of(
        owner_sessions, funds, LedgerTransactionKind.MATCH, contribution_id=contribution_id
    )

    # when
    errors = await rejected(owner_sessions, funds, reverse_action(funds, match))

    # then: refused; once the tranche is cancelled the match can be reversed
    assert errors == [(("transactionId",), "INVALID_TRANSITION")]
    await run(owner_sessions, funds, _cancel(funds, tranche))
    await run(owner_sessions, funds, reverse_action(funds, match))
    row = await contribution_row(owner_sessions, funds, contribution_id)
    assert row.status is ContributionStatus.REVERSED


async def test_a_transaction_is_reversed_once(
    funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    # given: a reversed match and a reversed commitment
    contribution_id = await verified(owner_sessions, funds)
    match = await transaction_of(
        owner_sessions, funds, LedgerTransactionKind.MATCH, contribution_id=contribution_id
    )
    await run(owner_sessions, funds, reverse_action(funds, match))
    commitment = await transaction_of(
        owner_sessions, funds, LedgerTransactionKind.COMMITMENT, pool_id=funds.pool
    )
    await run(owner_sessions, funds, reverse_action(funds, commitment))

    for transaction_id in (match, commitment):
        # when
        errors = await rejected(owner_sessions, funds, reverse_action(funds, transaction_id))

        # then
        assert errors == [(("transactionId",), "INVALID_TRANSITION")]


@pytest.mark.parametrize("reason", ["", "  ", "x" * 2001])
async def test_a_reversal_needs_a_reason(
    funds: FundsWorld, owner_sessions: SessionFactory, reason: str
) -> None:
    commitment = await transaction_of(
        owner_sessions, funds, LedgerTransactionKind.COMMITMENT, pool_id=funds.pool
    )

    errors = await rejected(owner_sessions, funds, reverse_action(funds, commitment, reason))

    assert errors == [(("reason",), "TOO_LONG" if reason.strip() else "BLANK")]
