"""The demo's matching funds: a funded pool per partnership, seeded once however often
the demo runs, whose running totals equal its ledger."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select

from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from coalition.demo import NAMESPACE, seed_demo
from coalition.funds.ledger import balances_of, pool_balances
from coalition.funds.models.contributions import Contribution, ContributionStatus
from coalition.funds.models.disbursements import Disbursement, TrancheStatus
from coalition.funds.models.idempotency import IdempotencyKey
from coalition.funds.models.ledger import LedgerEntry
from coalition.funds.models.pools import FundPool

SLUGS = ("lakeshore-manufacturing", "metro-healthcare")


async def _state(sessions: SessionFactory, slug: str) -> dict[str, object]:
    tenant_id = uuid.uuid5(NAMESPACE, slug)
    async with tenant_transaction(sessions, tenant_id) as session:
        pool = await session.scalars(select(FundPool).where(FundPool.tenant_id == tenant_id))
        pools = list(pool)
        entries = list(
            await session.execute(
                select(LedgerEntry.account, LedgerEntry.amount_minor).where(
                    LedgerEntry.tenant_id == tenant_id
                )
            )
        )
        statuses = list(
            await session.scalars(
                select(Contribution.status).where(Contribution.tenant_id == tenant_id)
            )
        )
        matched = await session.scalar(
            select(func.sum(Contribution.matched_minor)).where(Contribution.tenant_id == tenant_id)
        )
        tranches = list(
            await session.scalars(
                select(Disbursement.status).where(Disbursement.tenant_id == tenant_id)
            )
        )
        keys = await session.scalar(
            select(func.count())
            .select_from(IdempotencyKey)
            .where(IdempotencyKey.tenant_id == tenant_id)
        )
    return {
        "pools": [pool_balances(p) for p in pools],
        "entries": entries,
        "statuses": sorted(statuses),
        "matched": matched,
        "tranches": sorted(tranches),
        "keys": keys,
    }


async def test_each_demo_partnership_has_a_funded_pool_seeded_once(
    owner_sessions: SessionFactory,
) -> None:
    await seed_demo(owner_sessions)
    first = {slug: await _state(owner_sessions, slug) for slug in SLUGS}
    await seed_demo(owner_sessions)
    second = {slug: await _state(owner_sessions, slug) for slug in SLUGS}

    assert first == second
    for slug in SLUGS:
        state = first[slug]
        (balances,) = state["pools"]  # type: ignore[misc]
        # Funded, matched and partly disbursed: every stage holds money, none all of it.
        assert balances.committed > balances.matched > balances.disbursed >= balances.paid > 0
        assert balances == balances_of(state["entries"])  # type: ignore[arg-type]
        assert balances.matched == state["matched"]
        assert ContributionStatus.VERIFIED in state["statuses"]  # type: ignore[operator]
        assert TrancheStatus.PAID in state["tranches"]  # type: ignore[operator]
        assert TrancheStatus.SCHEDULED in state["tranches"]  # type: ignore[operator]
    assert ContributionStatus.RECORDED in first["lakeshore-manufacturing"]["statuses"]  # type: ignore[operator]
