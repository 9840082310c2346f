"""Races over real HTTP: however many requests arrive at once, a pool is never matched
beyond its commitments, a recipient never beyond its cap, a contribution is matched
once and never disbursed beyond its match (SECURITY.md items 28 and 29).

Each test starts a uvicorn server on a free local port for the session's app and
fires its requests over TCP at once; the app's database pool (10 + 10 overflow)
queues what it cannot serve. Every wait is bounded. The helpers here (the server,
the race, the ledger checks) are shared with the idempotency and interruption tests.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Awaitable, Sequence
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
    PAY,
    POOL_SUMMARY,
    SCHEDULE,
    VERIFY,
    LockWatch,
    add_members,
    assert_ledger_consistent,
    live_api,
    match_transactions,
    minor,
    open_pool,
    payload_of,
    pool_row,
    race,
    record_contributions,
    rows,
    scalar,
    schedule_now,
    user_error_codes,
    uuid_of,
    verified_contributions,
    verifier_token,
    verify_all,
    verify_now,
)
from tests.funds.support.world import (
    CONTRIBUTED_ON,
    FundsWorld,
    key,
)
from tests.support.world import global_id

# -- the races -------------------------------------------------------------------------------


async def test_sixty_verifications_never_match_a_pool_beyond_its_commitments(
    funds: FundsWorld, owner_sessions: SessionFactory, admin_engine: AsyncEngine, app: Starlette
) -> None:
    # 60 contributions of $1,000.00 from 6 small employers (2:1): $2,000.00 asked each,
    # $120,000.00 in all, from a pool of $50,700.00: 25 full matches, one of $700.00,
    # and 34 verified with nothing left to match.
    committed = 5_070_000
    pool_id = await open_pool(
        funds, owner_sessions, commitment_minor=committed, cap_per_recipient_minor=None
    )
    members = await add_members(funds, owner_sessions, 6)
    contribution_ids = await record_contributions(
        funds,
        owner_sessions,
        pool_id,
        [(members[i % 6], 100_000, CONTRIBUTED_ON) for i in range(60)],
    )

    async with live_api(app) as api, LockWatch(admin_engine) as watch:
        responses = await verify_all(api, funds, contribution_ids)
        summary = await api.ok(
            POOL_SUMMARY, {"id": global_id("FundPool", pool_id)}, token=funds.token("analyst")
        )

    verified = verified_contributions(responses)
    assert sorted(uuid_of(c["id"]) for c in verified) == sorted(contribution_ids)
    assert {minor(c["matchRequested"]) for c in verified} == {200_000}
    for contribution in verified:
        assert minor(contribution["matched"]) + minor(contribution["unmatched"]) == 200_000
    matched = Counter(minor(c["matched"]) for c in verified)
    assert matched == Counter({200_000: 25, 70_000: 1, 0: 34})
    assert sum(minor(c["matched"]) for c in verified) == committed

    pool = await assert_ledger_consistent(admin_engine, funds.tenant_id, pool_id)
    assert (pool.committed, pool.matched, pool.contributed) == (committed, committed, 6_000_000)
    assert await match_transactions(admin_engine, funds.tenant_id, pool_id) == Counter(
        {uuid_of(c["id"]): 1 for c in verified if minor(c["matched"]) > 0}
    )
    assert summary["fundPool"]["summary"] == {
        "committed": {"amountMinor": str(committed), "currency": "USD"},
        "matched": {"amountMinor": str(committed), "currency": "USD"},
        "remaining": {"amountMinor": "0", "currency": "USD"},
    }
    # With 20 database connections, up to 19 verifications wait for the pool's lock.
    assert watch.most_waiting >= 5


async def test_mixed_ratios_and_odd_amounts_spend_the_pool_to_the_cent(
    funds: FundsWorld, owner_sessions: SessionFactory, admin_engine: AsyncEngine, app: Starlette
) -> None:
    # Ratios 1.5:1 (40 employees), 1:1 (200) and none (900, no tier): whatever the
    # order, each match is all it asked for, nothing, or the one that empties the pool.
    committed = 1_234_567
    pool_id = await open_pool(
        funds,
        owner_sessions,
        commitment_minor=committed,
        cap_per_recipient_minor=None,
        match_tiers=[(49, "1.5"), (499, "1")],
    )
    small = await add_members(funds, owner_sessions, 3, employee_count=40)
    mid = await add_members(funds, owner_sessions, 2, employee_count=200)
    large = await add_members(funds, owner_sessions, 1, employee_count=900)
    members = [*small, *mid, *large]
    items = [(members[i % 6], 12_345 + 1_013 * i, CONTRIBUTED_ON) for i in range(64)]
    contribution_ids = await record_contributions(funds, owner_sessions, pool_id, items)
    ratio = {**dict.fromkeys(small, (3, 2)), **dict.fromkeys(mid, (1, 1))}
    asked = {
        contribution_id: (amount * ratio[org][0]) // ratio[org][1] if org in ratio else 0
        for contribution_id, (org, amount, _) in zip(contribution_ids, items, strict=True)
    }
    assert sum(asked.values()) > committed

    async with live_api(app) as api:
        responses = await verify_all(api, funds, contribution_ids)

    verified = verified_contributions(responses)
    partial = 0
    for contribution in verified:
        requested, matched = minor(contribution["matchRequested"]), minor(contribution["matched"])
        assert requested == asked[uuid_of(contribution["id"])]
        assert minor(contribution["unmatched"]) == requested - matched
        if 0 < matched < requested:
            partial += 1
    assert partial <= 1
    assert sum(minor(c["matched"]) for c in verified) == committed
    pool = await assert_ledger_consistent(admin_engine, funds.tenant_id, pool_id)
    assert (pool.committed, pool.matched) == (committed, committed)
    assert pool.contributed == sum(amount for _, amount, _ in items)


async def test_sixty_verifications_never_match_a_recipient_beyond_its_cap(
    funds: FundsWorld, owner_sessions: SessionFactory, admin_engine: AsyncEngine, app: Starlette
) -> None:
    # One employer, 60 contributions asking $2,000.00 each, a cap of $25,000.50 and a
    # pool of $1,000,000.00: 12 full matches, one of $1,000.50, 47 with nothing.
    cap = 2_500_050
    pool_id = await open_pool(
        funds, owner_sessions, commitment_minor=100_000_000, cap_per_recipient_minor=cap
    )
    (employer,) = await add_members(funds, owner_sessions, 1)
    (neighbour,) = await add_members(funds, owner_sessions, 1)
    contribution_ids = await record_contributions(
        funds, owner_sessions, pool_id, [(employer, 100_000, CONTRIBUTED_ON)] * 60
    )
    # A neighbour verified in the same race is not held back by the employer's cap.
    (neighbour_contribution,) = await record_contributions(
        funds, owner_sessions, pool_id, [(neighbour, 100_000, CONTRIBUTED_ON)]
    )

    async with live_api(app) as api:
        responses = await verify_all(api, funds, [*contribution_ids, neighbour_contribution])

    verified = verified_contributions(responses)
    mine = [c for c in verified if uuid_of(c["id"]) != neighbour_contribution]
    assert sum(minor(c["matched"]) for c in mine) == cap
    assert Counter(minor(c["matched"]) for c in mine) == Counter({200_000: 12, 100_050: 1, 0: 47})
    (theirs,) = [c for c in verified if uuid_of(c["id"]) == neighbour_contribution]
    assert minor(theirs["matched"]) == 200_000
    pool = await assert_ledger_consistent(admin_engine, funds.tenant_id, pool_id)
    assert pool.matched == cap + 200_000
    booked = await scalar(
        admin_engine,
        "SELECT sum(amount_minor) FROM ledger_entries WHERE tenant_id = :t AND pool_id = :p "
        "AND organization_id = :o AND account = 'MATCHED'",
        t=funds.tenant_id,
        p=pool_id,
        o=employer,
    )
    assert booked == cap


async def test_annual_and_term_caps_both_hold_under_a_race(
    funds: FundsWorld, owner_sessions: SessionFactory, admin_engine: AsyncEngine, app: Starlette
) -> None:
    # $2,000.00 asked 30 times in 2024 and 30 times in 2025; at most $10,000.00 a year
    # and $15,000.00 over the term: the term cap binds, each year stays within its own.
    pool_id = await open_pool(
        funds,
        owner_sessions,
        commitment_minor=100_000_000,
        cap_per_recipient_minor=1_500_000,
        annual_cap_per_recipient_minor=1_000_000,
    )
    (employer,) = await add_members(funds, owner_sessions, 1)
    days = [date(2024, 6, 3), date(2025, 2, 10)]
    items = [(employer, 100_000, days[i % 2]) for i in range(60)]
    contribution_ids = await record_contributions(funds, owner_sessions, pool_id, items)
    year_of = {cid: day.year for cid, (_, _, day) in zip(contribution_ids, items, strict=True)}

    async with live_api(app) as api:
        responses = await verify_all(api, funds, contribution_ids)

    verified = verified_contributions(responses)
    per_year = Counter[int]()
    for contribution in verified:
        per_year[year_of[uuid_of(contribution["id"])]] += minor(contribution["matched"])
    assert sum(per_year.values()) == 1_500_000
    assert max(per_year.values()) <= 1_000_000
    pool = await assert_ledger_consistent(admin_engine, funds.tenant_id, pool_id)
    assert pool.matched == 1_500_000


async def test_twenty_verifications_of_one_contribution_match_it_once(
    funds: FundsWorld, owner_sessions: SessionFactory, admin_engine: AsyncEngine, app: Starlette
) -> None:
    (contribution_id,) = await record_contributions(
        funds,
        owner_sessions,
        funds.pool,
        [(funds.world.organizations["employer"], 100_000, CONTRIBUTED_ON)],
    )
    before = await pool_row(admin_engine, funds.tenant_id, funds.pool)
    keys = [key() for _ in range(20)]

    async with live_api(app) as api:
        responses = await race(
            [
                api.post(
                    VERIFY,
                    {"key": each, "id": global_id("Contribution", contribution_id)},
                    token=verifier_token(funds, index),
                )
                for index, each in enumerate(keys)
            ]
        )

    payloads = [payload_of(body, "verifyContribution") for status, body in responses]
    assert all(status == 200 for status, _ in responses)
    won = [p for p in payloads if p["contribution"] is not None]
    lost = [p for p in payloads if p["contribution"] is None]
    assert len(won) == 1 and won[0]["userErrors"] == []
    assert minor(won[0]["contribution"]["matched"]) == 200_000
    assert len(lost) == 19
    assert all(user_error_codes(p) == ["INVALID_TRANSITION"] for p in lost)
    # The losers say what the contribution is now, not what it was when they loaded it.
    assert {p["userErrors"][0]["message"] for p in lost} == {
        "This contribution is already VERIFIED."
    }

    assert await match_transactions(admin_engine, funds.tenant_id, funds.pool) == Counter(
        {contribution_id: 1}
    )
    after = await assert_ledger_consistent(admin_engine, funds.tenant_id, funds.pool)
    assert after.matched - before.matched == 200_000
    assert after.contributed - before.contributed == 100_000
    # Only the winner's key was kept; the losers' rolled back with their userErrors.
    stored = await scalar(
        admin_engine,
        "SELECT count(*) FROM idempotency_keys WHERE tenant_id = :t AND key = ANY(:k)",
        t=funds.tenant_id,
        k=keys,
    )
    assert stored == 1
    audits = await scalar(
        admin_engine,
        "SELECT count(*) FROM audit_events WHERE tenant_id = :t AND object_id = :c "
        "AND action = 'contribution.verify'",
        t=funds.tenant_id,
        c=contribution_id,
    )
    assert audits == 1


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
