"""The match rules: tiers by recipient size, rounding, the caps, a pool running low."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from coalition.funds.models.contributions import ContributionStatus
from coalition.funds.models.ledger import LedgerTransaction, LedgerTransactionKind
from tests.funds.support.steps import (
    contribution_row,
    match_of,
    new_pool,
    pool_row,
    reverse_action,
    run,
    set_employees,
    transaction_of,
    verified,
)
from tests.funds.support.world import (
    FundsWorld,
)

# -- the match rules ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("employees", "ratio", "requested"),
    [
        (0, (2, 1), 200_000),
        (40, (2, 1), 200_000),
        (49, (2, 1), 200_000),
        (50, (1, 1), 100_000),
        (120, (1, 1), 100_000),
        (499, (1, 1), 100_000),
        (500, (None, None), 0),
        (800, (None, None), 0),
        (None, (None, None), 0),
    ],
)
async def test_the_tier_is_chosen_by_the_recipients_size(
    funds: FundsWorld,
    owner_sessions: SessionFactory,
    employees: int | None,
    ratio: tuple[int | None, int | None],
    requested: int,
) -> None:
    # given: tiers 2:1 up to 49 employees, 1:1 up to 499, none above
    employer = funds.world.organizations["employer"]
    await set_employees(owner_sessions, funds, employer, employees)
    before = await pool_row(owner_sessions, funds, funds.pool)

    # when: $1,000.00 is verified
    contribution_id = await verified(owner_sessions, funds)

    # then: matched in full when a tier applies; with no tier, verified with nothing matched
    row = await contribution_row(owner_sessions, funds, contribution_id)
    assert match_of(row) == (ContributionStatus.VERIFIED, *ratio, requested, requested, 0)
    assert row.recipient_employee_count == employees
    pool = await pool_row(owner_sessions, funds, funds.pool)
    assert (pool.matched_minor, pool.contributed_minor) == (
        before.matched_minor + requested,
        before.contributed_minor + 100_000,
    )
    async with tenant_transaction(owner_sessions, funds.tenant_id) as session:
        matches = list(
            await session.scalars(
                select(LedgerTransaction.id).where(
                    LedgerTransaction.tenant_id == funds.tenant_id,
                    LedgerTransaction.contribution_id == contribution_id,
                )
            )
        )
    assert len(matches) == (1 if requested else 0)


async def test_an_unknown_size_gets_only_the_unbounded_tier(
    funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    # given: 3:1 up to 49 employees, 1:2 for anybody; the employer's size is not known
    pool_id = await new_pool(owner_sessions, funds, match_tiers=[(None, "0.5"), (49, "3")])
    employer = funds.world.organizations["employer"]
    await set_employees(owner_sessions, funds, employer, None)

    # when
    unknown = await verified(owner_sessions, funds, pool_id=pool_id, amount_minor=10_001)
    await set_employees(owner_sessions, funds, employer, 10)
    small = await verified(owner_sessions, funds, pool_id=pool_id, amount_minor=10_001)

    # then
    assert match_of(await contribution_row(owner_sessions, funds, unknown)) == (
        ContributionStatus.VERIFIED,
        1,
        2,
        5_000,
        5_000,
        0,
    )
    assert match_of(await contribution_row(owner_sessions, funds, small)) == (
        ContributionStatus.VERIFIED,
        3,
        1,
        30_003,
        30_003,
        0,
    )


@pytest.mark.parametrize(
    ("ratio", "amount", "expected", "fraction"),
    [
        ("1.5", 333, 499, (3, 2)),
        ("1.5", 1, 1, (3, 2)),
        ("0.333", 1000, 333, (333, 1000)),
        ("0.333", 3, 0, (333, 1000)),
        ("2.25", 7, 15, (9, 4)),
        ("100", 10**12, 10**14, (100, 1)),
    ],
)
async def test_the_match_is_rounded_down_to_a_whole_minor_unit(
    funds: FundsWorld,
    owner_sessions: SessionFactory,
    ratio: str,
    amount: int,
    expected: int,
    fraction: tuple[int, int],
) -> None:
    pool_id = await new_pool(
        owner_sessions,
        funds,
        commitment_minor=10**14,
        cap_per_recipient_minor=None,
        match_tiers=[(None, ratio)],
    )

    contribution_id = await verified(owner_sessions, funds, pool_id=pool_id, amount_minor=amount)

    row = await contribution_row(owner_sessions, funds, contribution_id)
    assert match_of(row) == (ContributionStatus.VERIFIED, *fraction, expected, expected, 0)


async def test_a_pool_running_low_matches_in_part_and_records_the_rest(
    funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    # given: $1,000.00 committed, 2:1 for the 40-employee employers
    pool_id = await new_pool(owner_sessions, funds, commitment_minor=100_000)

    # when: three contributions of $400.00 each ask for $800.00 each
    first = await verified(owner_sessions, funds, pool_id=pool_id, amount_minor=40_000)
    second = await verified(
        owner_sessions,
        funds,
        by="other_org_admin",
        pool_id=pool_id,
        amount_minor=40_000,
        organization_id=funds.world.organizations["other_employer"],
    )
    third = await verified(owner_sessions, funds, pool_id=pool_id, amount_minor=40_000)

    # then
    rows = [await contribution_row(owner_sessions, funds, c) for c in (first, second, third)]
    assert [(r.match_requested_minor, r.matched_minor, r.unmatched_minor) for r in rows] == [
        (80_000, 80_000, 0),
        (80_000, 20_000, 60_000),
        (80_000, 0, 80_000),
    ]
    assert [r.status for r in rows] == [ContributionStatus.VERIFIED] * 3
    pool = await pool_row(owner_sessions, funds, pool_id)
    assert (pool.committed_minor, pool.matched_minor, pool.contributed_minor) == (
        100_000,
        100_000,
        120_000,
    )


async def test_the_cap_per_recipient_limits_the_term_per_organization(
    funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    # given: at most $1,500.00 per recipient over the term
    pool_id = await new_pool(owner_sessions, funds, cap_per_recipient_minor=150_000)
    other = funds.world.organizations["other_employer"]

    # when
    first = await verified(owner_sessions, funds, pool_id=pool_id, amount_minor=50_000)
    second = await verified(
        owner_sessions, funds, pool_id=pool_id, amount_minor=50_000, contributed_on=date(2026, 2, 1)
    )
    third = await verified(owner_sessions, funds, pool_id=pool_id, amount_minor=10_000)
    others = await verified(
        owner_sessions,
        funds,
        by="other_org_admin",
        pool_id=pool_id,
        amount_minor=75_000,
        organization_id=other,
    )

    # then: the employer reaches its cap; the other employer has its own
    rows = [
        await contribution_row(owner_sessions, funds, c) for c in (first, second, third, others)
    ]
    assert [(r.match_requested_minor, r.matched_minor, r.unmatched_minor) for r in rows] == [
        (100_000, 100_000, 0),
        (100_000, 50_000, 50_000),
        (20_000, 0, 20_000),
        (150_000, 150_000, 0),
    ]


async def test_the_annual_cap_limits_each_calendar_year(
    funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    # given: at most $600.00 a year and $1,000.00 over the term per recipient
    pool_id = await new_pool(
        owner_sessions,
        funds,
        cap_per_recipient_minor=100_000,
        annual_cap_per_recipient_minor=60_000,
    )

    # when: contributions of $250.00 each (2:1 asks for $500.00)
    amounts = [
        (date(2024, 3, 1), 25_000),
        (date(2024, 12, 31), 25_000),
        (date(2025, 1, 1), 25_000),
        (date(2025, 6, 1), 25_000),
    ]
    ids = [
        await verified(owner_sessions, funds, pool_id=pool_id, amount_minor=a, contributed_on=d)
        for d, a in amounts
    ]

    # then: 2024 gets 500 + 100 (the year's cap), 2025 gets 400 (the term's cap), then 0
    rows = [await contribution_row(owner_sessions, funds, c) for c in ids]
    assert [(r.matched_minor, r.unmatched_minor) for r in rows] == [
        (50_000, 0),
        (10_000, 40_000),
        (40_000, 10_000),
        (0, 50_000),
    ]


async def test_a_reversed_match_frees_the_recipients_cap(
    funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    # given: a recipient at its cap
    pool_id = await new_pool(owner_sessions, funds, cap_per_recipient_minor=100_000)
    first = await verified(owner_sessions, funds, pool_id=pool_id, amount_minor=50_000)
    match = await transaction_of(
        owner_sessions, funds, LedgerTransactionKind.MATCH, contribution_id=first
    )

    # when: its match is reversed
    await run(owner_sessions, funds, reverse_action(funds, match))
    second = await verified(owner_sessions, funds, pool_id=pool_id, amount_minor=50_000)

    # then
    row = await contribution_row(owner_sessions, funds, second)
    assert (row.matched_minor, row.unmatched_minor) == (100_000, 0)
    pool = await pool_row(owner_sessions, funds, pool_id)
    assert (pool.matched_minor, pool.contributed_minor) == (100_000, 50_000)
