"""Tranches raced over real HTTP (SECURITY.md items 28 and 29): a contribution is never
disbursed beyond its match, and racing approvals, payments and cancellations move a
tranche once. The server and the race are in tests/funds/support/live.py.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Awaitable, Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette

from coalition.db.engine import SessionFactory
from tests.funds.support.live import (
    APPROVE,
    CANCEL,
    PAY,
    SCHEDULE,
    assert_ledger_consistent,
    live_api,
    minor,
    payload_of,
    race,
    record_contributions,
    rows,
    schedule_now,
    user_error_codes,
    verifier_token,
    verify_now,
)
from tests.funds.support.world import CONTRIBUTED_ON, FundsWorld, key
from tests.support.world import global_id


async def test_concurrent_tranches_never_exceed_the_match(
    funds: FundsWorld, owner_sessions: SessionFactory, admin_engine: AsyncEngine, app: Starlette
) -> None:
    # A $2,000.00 match; 30 tranches of $150.00 ($4,500.00) at once: 13 fit.
    employer = funds.world.organizations["employer"]
    (contribution_id,) = await record_contributions(
        funds, owner_sessions, funds.pool, [(employer, 100_000, CONTRIBUTED_ON)]
    )
    await verify_now(funds, owner_sessions, contribution_id)

    async with live_api(app) as api:
        responses = await race(
            [
                api.post(
                    SCHEDULE,
                    {
                        "key": key(),
                        "id": global_id("Contribution", contribution_id),
                        "payee": global_id(
                            "Organization", funds.provider if index % 2 else employer
                        ),
                        "amount": "15000",
                        "on": CONTRIBUTED_ON.isoformat(),
                    },
                    token=verifier_token(funds, index),
                )
                for index in range(30)
            ]
        )

    assert all(status == 200 for status, _ in responses)
    payloads = [payload_of(body, "scheduleDisbursement") for _, body in responses]
    scheduled = [p["disbursement"] for p in payloads if p["disbursement"] is not None]
    refused = [p for p in payloads if p["disbursement"] is None]
    assert len(scheduled) == 13
    assert all(p["userErrors"] == [] for p in payloads if p["disbursement"] is not None)
    assert len(refused) == 17
    assert all(user_error_codes(p) == ["EXCEEDS_MATCH"] for p in refused)
    total = sum(minor(d["amount"]) for d in scheduled)
    assert total == 195_000
    (row,) = await rows(
        admin_engine,
        "SELECT matched_minor, scheduled_minor, "
        " (SELECT count(*) FROM disbursements d WHERE d.tenant_id = c.tenant_id "
        "  AND d.contribution_id = c.id) "
        "FROM contributions c WHERE tenant_id = :t AND id = :c",
        t=funds.tenant_id,
        c=contribution_id,
    )
    assert tuple(row) == (200_000, 195_000, 13)
    await assert_ledger_consistent(admin_engine, funds.tenant_id, funds.pool)


async def test_racing_approvals_payments_and_cancellations_move_a_tranche_once(
    funds: FundsWorld, owner_sessions: SessionFactory, admin_engine: AsyncEngine, app: Starlette
) -> None:
    employer = funds.world.organizations["employer"]
    (contribution_id,) = await record_contributions(
        funds, owner_sessions, funds.pool, [(employer, 100_000, CONTRIBUTED_ON)]
    )
    await verify_now(funds, owner_sessions, contribution_id)
    first = await schedule_now(funds, owner_sessions, contribution_id, 50_000)
    second = await schedule_now(funds, owner_sessions, contribution_id, 70_000)

    def approve(tranche: uuid.UUID, index: int) -> Awaitable[tuple[int, dict[str, Any]]]:
        variables = {"key": key(), "id": global_id("Disbursement", tranche)}
        return api.post(APPROVE, variables, token=verifier_token(funds, index))

    def pay(tranche: uuid.UUID, index: int) -> Awaitable[tuple[int, dict[str, Any]]]:
        variables = {"key": key(), "id": global_id("Disbursement", tranche)}
        return api.post(PAY, variables, token=verifier_token(funds, index))

    def cancel(tranche: uuid.UUID, index: int) -> Awaitable[tuple[int, dict[str, Any]]]:
        variables = {"key": key(), "id": global_id("Disbursement", tranche), "reason": "race"}
        return api.post(CANCEL, variables, token=verifier_token(funds, index))

    async with live_api(app) as api:
        # 20 approvals of the first tranche, while 10 approvals and 10 cancellations
        # fight over the second one.
        approvals = await race(
            [approve(first, i) for i in range(20)]
            + [approve(second, i) if i % 2 else cancel(second, i) for i in range(20)]
        )
        # Then 10 payments and 10 cancellations of the (approved) first tranche.
        endings = await race([pay(first, i) if i % 2 else cancel(first, i) for i in range(20)])

    def winners(
        responses: Sequence[tuple[int, dict[str, Any]]], names: Sequence[str]
    ) -> list[tuple[str, str]]:
        found: list[tuple[str, str]] = []
        for (status, body), name in zip(responses, names, strict=True):
            assert status == 200, body
            payload = payload_of(body, name)
            if payload["disbursement"] is None:
                assert user_error_codes(payload) == ["INVALID_TRANSITION"], payload
            else:
                assert payload["userErrors"] == []
                found.append((name, payload["disbursement"]["status"]))
        return found

    first_names = ["approveDisbursement"] * 20
    second_names = ["approveDisbursement" if i % 2 else "cancelDisbursement" for i in range(20)]
    assert winners(approvals[:20], first_names) == [("approveDisbursement", "APPROVED")]
    # The second tranche: one approval or one cancellation wins, or one approval and
    # then one cancellation of the approved tranche (a cancellation that read it as
    # APPROVED); never two of a kind.
    second_won = Counter(name for name, _ in winners(approvals[20:], second_names))
    assert second_won in (
        Counter({"approveDisbursement": 1}),
        Counter({"cancelDisbursement": 1}),
        Counter({"approveDisbursement": 1, "cancelDisbursement": 1}),
    )
    ending_names = ["payDisbursement" if i % 2 else "cancelDisbursement" for i in range(20)]
    (ended,) = winners(endings, ending_names)
    assert ended in {("payDisbursement", "PAID"), ("cancelDisbursement", "CANCELLED")}

    kinds = Counter(
        (row[0], row[1])
        for row in await rows(
            admin_engine,
            "SELECT disbursement_id, kind FROM ledger_transactions "
            "WHERE tenant_id = :t AND disbursement_id IS NOT NULL",
            t=funds.tenant_id,
        )
    )
    statuses = dict(
        await rows(
            admin_engine,
            "SELECT id, status FROM disbursements WHERE tenant_id = :t",
            t=funds.tenant_id,
        )
    )
    assert kinds[(first, "DISBURSEMENT_APPROVAL")] == 1
    if statuses[first] == "PAID":
        assert (kinds[(first, "PAYMENT")], kinds[(first, "CANCELLATION")]) == (1, 0)
    else:
        assert statuses[first] == "CANCELLED"
        assert (kinds[(first, "PAYMENT")], kinds[(first, "CANCELLATION")]) == (0, 1)
    approved_second = second_won["approveDisbursement"]
    assert statuses[second] == ("CANCELLED" if second_won["cancelDisbursement"] else "APPROVED")
    assert kinds[(second, "DISBURSEMENT_APPROVAL")] == approved_second
    # Cancelling an approved tranche moves its money back: one CANCELLATION then.
    assert kinds[(second, "CANCELLATION")] == (
        1 if statuses[second] == "CANCELLED" and approved_second else 0
    )
    await assert_ledger_consistent(admin_engine, funds.tenant_id, funds.pool)
