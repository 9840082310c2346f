"""Withdrawing a contribution: a matched one through a REVERSAL of its match, one that
moved no pool money (never verified, or matched with nothing) by only no longer counting."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from coalition.errors import InvalidInput
from coalition.funds.ledger import balances_of, pool_balances
from coalition.funds.models.contributions import Contribution, ContributionStatus
from coalition.funds.models.ledger import LedgerEntry, LedgerTransaction, LedgerTransactionKind
from coalition.funds.models.pools import FundPool, FundPoolStatus
from coalition.funds.service.commitments import CommitmentInput, add_commitment
from coalition.funds.service.contributions import record_contribution
from coalition.funds.service.disbursements import DisbursementInput, schedule_disbursement
from coalition.funds.service.pools import create_pool, set_pool_status
from coalition.funds.service.reversals import reverse_contribution
from coalition.funds.service.verifications import verify_contribution
from tests.funds.support.world import FundsWorld, contribution_input, key, pool_input
from tests.support.graphql import GraphQLClient
from tests.support.world import global_id

REVERSE = """mutation($input: ReverseContributionInput!) { reverseContribution(input: $input) {
    contribution { id status matched { amountMinor } } userErrors { field code } } }"""


async def _record(
    fw: FundsWorld, sessions: SessionFactory, pool: uuid.UUID | None = None, verify: bool = True
) -> uuid.UUID:
    async with tenant_transaction(sessions, fw.tenant_id) as session:
        contribution = await record_contribution(
            session,
            fw.principal("org_admin"),
            contribution_input(fw, pool_id=pool or fw.pool),
            idempotency_key=key(),
        )
        if verify:
            await verify_contribution(
                session, fw.principal("admin"), contribution.id, idempotency_key=key()
            )
        return contribution.id


async def _state(
    fw: FundsWorld, sessions: SessionFactory, pool_id: uuid.UUID, contribution_id: uuid.UUID
) -> tuple[FundPool, Contribution, list[str]]:
    async with tenant_transaction(sessions, fw.tenant_id) as session:
        pool = await session.scalar(
            select(FundPool).where(FundPool.tenant_id == fw.tenant_id, FundPool.id == pool_id)
        )
        contribution = await session.scalar(
            select(Contribution).where(
                Contribution.tenant_id == fw.tenant_id, Contribution.id == contribution_id
            )
        )
        kinds = list(
            await session.scalars(
                select(LedgerTransaction.kind)
                .where(
                    LedgerTransaction.tenant_id == fw.tenant_id,
                    LedgerTransaction.pool_id == pool_id,
                )
                .order_by(LedgerTransaction.seq)
            )
        )
        entries = list(
            await session.execute(
                select(LedgerEntry.account, LedgerEntry.amount_minor).where(
                    LedgerEntry.tenant_id == fw.tenant_id, LedgerEntry.pool_id == pool_id
                )
            )
        )
    assert pool is not None and contribution is not None
    assert pool_balances(pool) == balances_of(entries)  # type: ignore[arg-type]
    return pool, contribution, [str(kind) for kind in kinds]


async def _reverse(
    fw: FundsWorld,
    sessions: SessionFactory,
    contribution_id: uuid.UUID,
    reason: str = "Recorded twice.",
    idempotency_key: str | None = None,
) -> None:
    async with tenant_transaction(sessions, fw.tenant_id) as session:
        await reverse_contribution(
            session,
            fw.principal("admin"),
            contribution_id,
            reason,
            idempotency_key=idempotency_key or key(),
        )


async def test_a_matched_contribution_is_withdrawn_by_reversing_its_match(
    funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    contribution_id = await _record(funds, owner_sessions)
    before, _, _ = await _state(funds, owner_sessions, funds.pool, contribution_id)

    await _reverse(funds, owner_sessions, contribution_id)

    pool, contribution, kinds = await _state(funds, owner_sessions, funds.pool, contribution_id)
    assert (contribution.status, contribution.matched_minor) == (ContributionStatus.REVERSED, 0)
    assert kinds == ["COMMITMENT", "MATCH", "REVERSAL"]
    assert (pool.matched_minor, pool.contributed_minor) == (
        before.matched_minor - 200_000,
        before.contributed_minor - 100_000,
    )


async def test_a_contribution_matched_with_nothing_stops_counting_without_a_ledger_entry(
    funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    # Tiers cover only employers of up to 10: the 40-employee employer gets no match.
    async with tenant_transaction(owner_sessions, funds.tenant_id) as session:
        admin = funds.principal("admin")
        pool = await create_pool(
            session, admin, pool_input(funds.funder, match_tiers=[(10, "1")]), idempotency_key=key()
        )
        await add_commitment(
            session,
            admin,
            CommitmentInput(pool.id, funds.funder, "STATE", 1_000_000, "USD", pool.starts_on),
            idempotency_key=key(),
        )
        await set_pool_status(session, admin, pool.id, FundPoolStatus.OPEN)
        pool_id = pool.id
    contribution_id = await _record(funds, owner_sessions, pool=pool_id)
    before, contribution, _ = await _state(funds, owner_sessions, pool_id, contribution_id)
    assert (contribution.status, contribution.matched_minor) == (ContributionStatus.VERIFIED, 0)
    assert before.contributed_minor == 100_000

    await _reverse(funds, owner_sessions, contribution_id)

    after, contribution, kinds = await _state(funds, owner_sessions, pool_id, contribution_id)
    assert contribution.status is ContributionStatus.REVERSED
    assert after.contributed_minor == 0
    assert kinds == ["COMMITMENT"]


async def test_a_recorded_contribution_is_withdrawn_and_can_no_longer_be_verified(
    funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    contribution_id = await _record(funds, owner_sessions, verify=False)

    await _reverse(funds, owner_sessions, contribution_id)

    pool, contribution, kinds = await _state(funds, owner_sessions, funds.pool, contribution_id)
    assert contribution.status is ContributionStatus.REVERSED
    assert (pool.contributed_minor, kinds) == (0, ["COMMITMENT"])
    async with tenant_transaction(owner_sessions, funds.tenant_id) as session:
        with pytest.raises(InvalidInput) as refused:
            await verify_contribution(
                session, funds.principal("admin"), contribution_id, idempotency_key=key()
            )
    assert [e.code for e in refused.value.errors] == ["INVALID_TRANSITION"]


@pytest.mark.parametrize("problem", ["scheduled", "twice", "blank reason"])
async def test_a_withdrawal_that_cannot_be_made_is_a_user_error_and_writes_nothing(
    funds: FundsWorld, owner_sessions: SessionFactory, problem: str
) -> None:
    contribution_id = await _record(funds, owner_sessions)
    if problem == "scheduled":
        async with tenant_transaction(owner_sessions, funds.tenant_id) as session:
            await schedule_disbursement(
                session,
                funds.principal("admin"),
                DisbursementInput(
                    contribution_id,
                    funds.world.organizations["employer"],
                    1_000,
                    "USD",
                    pool_input(funds.funder).starts_on,
                ),
                idempotency_key=key(),
            )
    if problem == "twice":
        await _reverse(funds, owner_sessions, contribution_id)
    before = await _state(funds, owner_sessions, funds.pool, contribution_id)

    with pytest.raises(InvalidInput) as refused:
        await _reverse(
            funds,
            owner_sessions,
            contribution_id,
            reason="   " if problem == "blank reason" else "Wrong amount.",
        )

    expected = {
        "scheduled": ("contributionId", "INVALID_TRANSITION"),
        "twice": ("contributionId", "INVALID_TRANSITION"),
        "blank reason": ("reason", "BLANK"),
    }[problem]
    assert [(e.field[0], e.code) for e in refused.value.errors] == [expected]
    after = await _state(funds, owner_sessions, funds.pool, contribution_id)
    assert (pool_balances(after[0]), after[1].status, after[2]) == (
        pool_balances(before[0]),
        before[1].status,
        before[2],
    )


async def test_over_graphql_a_replay_returns_the_first_result_and_writes_nothing(
    gql: GraphQLClient, funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    contribution_id = await _record(funds, owner_sessions)
    the_key = key()
    variables = {
        "input": {
            "idempotencyKey": the_key,
            "reason": "Recorded twice.",
            "contributionId": global_id("Contribution", contribution_id),
        }
    }

    first = await gql(REVERSE, variables, token=funds.token("funder_admin"))
    replay = await gql(REVERSE, variables, token=funds.token("funder_admin"))
    variables["input"]["reason"] = "Another reason."
    reused = await gql(REVERSE, variables, token=funds.token("funder_admin"))

    assert (
        first["data"]["reverseContribution"]
        == replay["data"]["reverseContribution"]
        == {
            "contribution": {
                "id": global_id("Contribution", contribution_id),
                "status": "REVERSED",
                "matched": {"amountMinor": "0"},
            },
            "userErrors": [],
        }
    )
    assert reused["data"]["reverseContribution"]["userErrors"] == [
        {"field": ["idempotencyKey"], "code": "IDEMPOTENCY_KEY_REUSED"}
    ]
    async with tenant_transaction(owner_sessions, funds.tenant_id) as session:
        reversals = await session.scalar(
            select(func.count())
            .select_from(LedgerTransaction)
            .where(
                LedgerTransaction.tenant_id == funds.tenant_id,
                LedgerTransaction.kind == LedgerTransactionKind.REVERSAL,
            )
        )
    assert reversals == 1
