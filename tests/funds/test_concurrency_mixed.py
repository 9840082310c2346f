"""Mixed money mutations raced over real HTTP on one pool (SECURITY.md items 28 and 29):
the books balance after a storm of them, and a commitment withdrawn during a race never
leaves the pool over-matched. The server and the race are in tests/funds/support/live.py.
"""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette

from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from coalition.funds.service.commitments import CommitmentInput, add_commitment
from tests.funds.support.live import (
    APPROVE,
    CANCEL,
    SCHEDULE,
    VERIFY,
    add_members,
    assert_ledger_consistent,
    live_api,
    minor,
    open_pool,
    payload_of,
    race,
    record_contributions,
    rows,
    scalar,
    schedule_now,
    user_error_codes,
    verified_contributions,
    verifier_token,
    verify_now,
)
from tests.funds.support.world import CONTRIBUTED_ON, FundsWorld, key
from tests.support.world import global_id


async def test_a_storm_of_mixed_money_mutations_on_one_pool_keeps_the_books(
    funds: FundsWorld, owner_sessions: SessionFactory, admin_engine: AsyncEngine, app: Starlette
) -> None:
    # Verifications, schedules, approvals and cancellations on one pool at once: no
    # deadlock, no server error, and the books still balance to the cent.
    pool_id = await open_pool(
        funds, owner_sessions, commitment_minor=3_000_000, cap_per_recipient_minor=None
    )
    members = await add_members(funds, owner_sessions, 4)
    settled = await record_contributions(
        funds,
        owner_sessions,
        pool_id,
        [(members[i % 4], 100_000, CONTRIBUTED_ON) for i in range(6)],
    )
    for contribution_id in settled:
        await verify_now(funds, owner_sessions, contribution_id)
    tranches = [await schedule_now(funds, owner_sessions, cid, 40_000) for cid in settled]
    fresh = await record_contributions(
        funds,
        owner_sessions,
        pool_id,
        [(members[i % 4], 100_000, CONTRIBUTED_ON) for i in range(30)],
    )

    async with live_api(app) as api:
        calls: list[Awaitable[tuple[int, dict[str, Any]]]] = []
        for index, contribution_id in enumerate(fresh):
            calls.append(
                api.post(
                    VERIFY,
                    {"key": key(), "id": global_id("Contribution", contribution_id)},
                    token=verifier_token(funds, index),
                )
            )
        for index, contribution_id in enumerate(settled):
            for copy in range(3):
                calls.append(
                    api.post(
                        SCHEDULE,
                        {
                            "key": key(),
                            "id": global_id("Contribution", contribution_id),
                            "payee": global_id("Organization", funds.provider),
                            "amount": "60000",
                            "on": CONTRIBUTED_ON.isoformat(),
                        },
                        token=verifier_token(funds, index + copy),
                    )
                )
        for index, tranche in enumerate(tranches):
            variables = {"key": key(), "id": global_id("Disbursement", tranche)}
            calls.append(api.post(APPROVE, variables, token=verifier_token(funds, index)))
            if index % 2:
                calls.append(
                    api.post(
                        CANCEL,
                        {**variables, "key": key(), "reason": "storm"},
                        token=verifier_token(funds, index + 1),
                    )
                )
        responses = await race(calls)

    for status, body in responses:
        assert status == 200, body
        assert "errors" not in body, body
        (payload,) = body["data"].values()
        assert all(
            error["code"] in {"INVALID_TRANSITION", "EXCEEDS_MATCH"}
            for error in payload["userErrors"]
        ), payload
    pool = await assert_ledger_consistent(admin_engine, funds.tenant_id, pool_id)
    # $12,000.00 matched before, then 30 * $2,000.00 asked of the $18,000.00 left: the
    # pool is spent to the cent.
    assert pool.matched == pool.committed == 3_000_000
    # Each settled contribution has $2,000.00 matched: however the tranches of $600.00
    # and the cancellations of its $400.00 one interleaved, no more is scheduled.
    for contribution_id in settled:
        scheduled = await scalar(
            admin_engine,
            "SELECT scheduled_minor FROM contributions WHERE tenant_id = :t AND id = :c",
            t=funds.tenant_id,
            c=contribution_id,
        )
        assert scheduled <= 200_000


REVERSE = """
mutation Reverse($key: String!, $id: ID!, $reason: String!) {
  reverseLedgerTransaction(input: {idempotencyKey: $key, transactionId: $id, reason: $reason}) {
    reversal { id kind }
    userErrors { field message code }
  }
}
"""


async def test_a_commitment_withdrawn_during_a_race_never_leaves_the_pool_over_matched(
    funds: FundsWorld, owner_sessions: SessionFactory, admin_engine: AsyncEngine, app: Starlette
) -> None:
    # Two commitments of $10,000.00; 20 verifications asking $2,000.00 each race three
    # reversals of the second commitment. A reversal can win only while $10,000.00 is
    # still unmatched; whichever way it goes, the pool ends fully and exactly matched.
    pool_id = await open_pool(
        funds, owner_sessions, commitment_minor=1_000_000, cap_per_recipient_minor=None
    )
    async with tenant_transaction(owner_sessions, funds.tenant_id) as session:
        second = await add_commitment(
            session,
            funds.principal("admin"),
            CommitmentInput(pool_id, funds.funder, "LOCAL", 1_000_000, "USD", date(2024, 2, 1)),
            idempotency_key=key(),
        )
    (commitment_transaction,) = await rows(
        admin_engine,
        "SELECT id FROM ledger_transactions WHERE tenant_id = :t AND commitment_id = :c",
        t=funds.tenant_id,
        c=second.id,
    )
    members = await add_members(funds, owner_sessions, 5)
    contribution_ids = await record_contributions(
        funds,
        owner_sessions,
        pool_id,
        [(members[i % 5], 100_000, CONTRIBUTED_ON) for i in range(20)],
    )

    async with live_api(app) as api:
        reversals = [
            api.post(
                REVERSE,
                {
                    "key": key(),
                    "id": global_id("LedgerTransaction", commitment_transaction[0]),
                    "reason": "The grant was withdrawn.",
                },
                token=verifier_token(funds, index),
            )
            for index in range(3)
        ]
        verifications = [
            api.post(
                VERIFY,
                {"key": key(), "id": global_id("Contribution", contribution_id)},
                token=verifier_token(funds, index),
            )
            for index, contribution_id in enumerate(contribution_ids)
        ]
        # Interleave them so the reversals land in the middle of the verifications.
        responses = await race([*verifications[:8], *reversals, *verifications[8:]])

    reversal_payloads = [
        payload_of(body, "reverseLedgerTransaction") for _, body in responses[8:11]
    ]
    verified = verified_contributions([*responses[:8], *responses[11:]])
    won = [p for p in reversal_payloads if p["reversal"] is not None]
    assert len(won) <= 1
    for payload in reversal_payloads:
        if payload["reversal"] is None:
            assert user_error_codes(payload) in (["INVALID_TRANSITION"], ["INSUFFICIENT_FUNDS"])
    committed = 1_000_000 if won else 2_000_000
    assert sum(minor(c["matched"]) for c in verified) == committed
    pool = await assert_ledger_consistent(admin_engine, funds.tenant_id, pool_id)
    assert (pool.committed, pool.matched) == (committed, committed)
    (status,) = await rows(
        admin_engine,
        "SELECT status FROM fund_commitments WHERE tenant_id = :t AND id = :c",
        t=funds.tenant_id,
        c=second.id,
    )
    assert status[0] == ("REVERSED" if won else "ACTIVE")
