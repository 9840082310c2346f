"""Races over real HTTP: however many requests arrive at once, a pool is never matched
beyond its commitments, a recipient never beyond its cap, a contribution is matched
once (SECURITY.md items 28 and 29). Tranches raced are in test_concurrency_tranches.py,
mixed money mutations in test_concurrency_mixed.py.

Each test starts a uvicorn server on a free local port for the session's app and
fires its requests over TCP at once; the app's database pool (10 + 10 overflow)
queues what it cannot serve. Every wait is bounded. The helpers (the server, the
race, the ledger checks) are in tests/funds/support/live.py.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette

from coalition.db.engine import SessionFactory
from tests.funds.support.live import (
    POOL_SUMMARY,
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
    scalar,
    user_error_codes,
    uuid_of,
    verified_contributions,
    verifier_token,
    verify_all,
)
from tests.funds.support.world import CONTRIBUTED_ON, FundsWorld, key
from tests.support.world import global_id


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
