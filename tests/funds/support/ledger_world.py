"""The ledger state machine's world: a fresh tenant with a pool and its recipients, the
inputs the machine draws from, a private event loop to run the async services on, and
the snapshot of rows the invariants read."""

from __future__ import annotations

import asyncio
import threading
import uuid
from collections import Counter
from collections.abc import Coroutine
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from coalition.auth.principal import Principal, system_principal
from coalition.config import Settings
from coalition.db.engine import SessionFactory, create_session_factory
from coalition.db.session import tenant_transaction
from coalition.db.urls import app_url, owner_url
from coalition.funds.models.contributions import Contribution
from coalition.funds.models.disbursements import Disbursement
from coalition.funds.models.ledger import LedgerEntry, LedgerTransaction
from coalition.funds.models.pools import FundCommitment, FundPool, FundPoolStatus
from coalition.funds.report.breakdowns import BreakdownBy, BreakdownRow, pool_breakdown
from coalition.funds.report.summaries import PoolSummary, pool_summary
from coalition.funds.service.initiatives import create_initiative
from coalition.funds.service.pools import PoolInput, create_pool, set_pool_status
from coalition.tenancy.models import Organization, OrganizationKind, Tenant
from tests.funds.support import reference

T = TypeVar("T")

TERM = (date(2024, 1, 1), date(2030, 12, 31))
RECIPIENTS: dict[str, int | None] = {
    "tiny": 10,
    "small": 40,
    "medium": 120,
    "large": 800,
    "unsized": None,
}
# Tiers as the pool is given them; "0.333333" makes rounding down matter.
TIER_CHOICES: list[list[tuple[int | None, str]]] = [
    [(10, "3"), (49, "2"), (499, "0.333333")],
    [(49, "1.5"), (None, "0.25")],
]
ELIGIBLE_PURPOSES = ["TRAINING_COSTS", "WORK_BASED_LEARNING_WAGES", "SUPPORT_SERVICES"]
# Two calendar years in the pool's term (and in the past): the annual cap applies per year.
DATES = [date(2024, 3, 1), date(2024, 11, 30), date(2025, 2, 14), date(2025, 12, 31)]
FLAWS = ["zero", "negative", "too_much", "before_term", "future", "evidence", "purpose"]
REVERSIBLE = frozenset({"COMMITMENT", "MATCH"})
# How often each kind of step is drawn, among those that have a target to succeed on.
# The order matters to Hypothesis, which fills the tail of an example with its first
# choices: from the last stage of a tranche back to new money, so such a tail still
# drives contributions through their whole life.
STEP_WEIGHTS = {
    "pay": 5,
    "mark_requirement_met": 3,
    "approve": 5,
    "schedule": 5,
    "verify": 4,
    "record": 3,
    "commit": 1,
    "cancel": 2,
    "reverse_match": 2,
    "reverse_commitment": 1,
    "reverse_other": 1,
    "replay": 2,
    "record_flawed": 1,
    "pay_too_early": 1,
}
# Most tranches are asked for correctly; some have one flaw.
SCHEDULE_FLAWS: list[str | None] = [None, None, None, None, "zero", "too_much", "college"]
REASONS = ["Evidence withdrawn.", "Cohort postponed.", "Entered twice.", "   "]

amounts = st.one_of(
    st.integers(1, 1_000),
    st.integers(1_000, 2_000_000),
    st.integers(2_000_000, 400_000_000),
    st.integers(10**12, reference.MAX_AMOUNT_MINOR),
)
bad_amounts = st.sampled_from([0, -100, reference.MAX_AMOUNT_MINOR + 1])
choices = st.integers(0, 2**16)


class Harness:
    """A private event loop in a worker thread, with engines created on it."""

    def __init__(self, settings: Settings) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        # Steps run, by what and whether they were to succeed (printed after the run).
        self.outcomes: Counter[str] = Counter()
        self.owner_engine, self.app_engine = self.run(self._engines(settings))
        self.owner_sessions = create_session_factory(self.owner_engine)
        self.app_sessions = create_session_factory(self.app_engine)

    @staticmethod
    async def _engines(settings: Settings) -> tuple[AsyncEngine, AsyncEngine]:
        return create_async_engine(owner_url(settings)), create_async_engine(app_url(settings))

    def run(self, work: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(work, self.loop).result(timeout=120)

    def close(self) -> None:
        async def dispose() -> None:
            await self.owner_engine.dispose()
            await self.app_engine.dispose()

        try:
            self.run(dispose())
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(timeout=30)
            self.loop.close()


@dataclass
class WorldIds:
    tenant: uuid.UUID
    funder: uuid.UUID
    provider: uuid.UUID
    college: uuid.UUID
    recipients: dict[str, uuid.UUID]
    initiative: uuid.UUID
    pool: uuid.UUID


async def create_pool_world(
    owner: SessionFactory,
    app: SessionFactory,
    tiers: list[tuple[int | None, str]],
    cap: int,
    annual_cap: int,
) -> tuple[WorldIds, Principal]:
    """A fresh tenant: a funder, a training provider, a college, the recipients, an
    initiative they all take part in, and an OPEN pool with no money yet."""
    tenant = uuid.uuid4()
    async with owner() as session, session.begin():
        session.add(
            Tenant(id=tenant, slug=f"ledger-{tenant.hex[:12]}", name="Ledger", region="Test")
        )
    kinds = {"funder": OrganizationKind.FUNDER, "provider": OrganizationKind.TRAINING_PROVIDER}
    kinds["college"] = OrganizationKind.EDUCATION_INSTITUTION
    ids = {name: uuid.uuid4() for name in [*kinds, *RECIPIENTS]}
    async with tenant_transaction(owner, tenant) as session:
        for name, organization_id in ids.items():
            session.add(
                Organization(
                    tenant_id=tenant,
                    id=organization_id,
                    name=name,
                    kind=kinds.get(name, OrganizationKind.EMPLOYER),
                    employee_count=RECIPIENTS.get(name, 300),
                )
            )
    admin = system_principal(tenant, "ledger-properties")
    async with tenant_transaction(app, tenant) as session:
        initiative = await create_initiative(
            session,
            admin,
            name="Apprenticeships",
            description=None,
            starts_on=TERM[0],
            ends_on=None,
            participant_ids=[ids["provider"], *(ids[name] for name in RECIPIENTS)],
        )
        pool = await create_pool(
            session,
            admin,
            PoolInput(
                funder_organization_id=ids["funder"],
                name="Matching pool",
                purpose=None,
                currency="USD",
                starts_on=TERM[0],
                ends_on=TERM[1],
                match_tiers=tiers,
                cap_per_recipient_minor=cap,
                annual_cap_per_recipient_minor=annual_cap,
                eligible_recipient_kinds=["EMPLOYER", "TRAINING_PROVIDER"],
                eligible_purposes=ELIGIBLE_PURPOSES,
            ),
            idempotency_key=f"pool-{tenant}",
        )
        await set_pool_status(session, admin, pool.id, FundPoolStatus.OPEN)
    world = WorldIds(
        tenant=tenant,
        funder=ids["funder"],
        provider=ids["provider"],
        college=ids["college"],
        recipients={name: ids[name] for name in RECIPIENTS},
        initiative=initiative.id,
        pool=pool.id,
    )
    return world, admin


@dataclass
class Snapshot:
    """Everything the invariants read, in one transaction."""

    pool: FundPool
    transactions: list[LedgerTransaction]
    entries: list[LedgerEntry]
    contributions: dict[uuid.UUID, Contribution]
    tranches: dict[uuid.UUID, Disbursement]
    commitments: dict[uuid.UUID, FundCommitment]
    summary: PoolSummary
    by_recipient: list[BreakdownRow]


async def read_snapshot(
    sessions: SessionFactory, world: WorldIds, principal: Principal
) -> Snapshot:
    tenant = world.tenant
    async with tenant_transaction(sessions, tenant) as session:
        pool = await session.scalar(
            select(FundPool).where(FundPool.tenant_id == tenant, FundPool.id == world.pool)
        )
        assert pool is not None
        transactions = await session.scalars(
            select(LedgerTransaction)
            .where(LedgerTransaction.tenant_id == tenant)
            .order_by(LedgerTransaction.seq)
        )
        entries = await session.scalars(
            select(LedgerEntry).where(LedgerEntry.tenant_id == tenant).order_by(LedgerEntry.seq)
        )
        contributions = await session.scalars(
            select(Contribution).where(Contribution.tenant_id == tenant)
        )
        tranches = await session.scalars(
            select(Disbursement).where(Disbursement.tenant_id == tenant)
        )
        commitments = await session.scalars(
            select(FundCommitment).where(FundCommitment.tenant_id == tenant)
        )
        summary = await pool_summary(session, principal, world.pool)
        assert summary is not None
        by_recipient = await pool_breakdown(session, principal, world.pool, BreakdownBy.RECIPIENT)
        return Snapshot(
            pool=pool,
            transactions=list(transactions),
            entries=list(entries),
            contributions={row.id: row for row in contributions},
            tranches={row.id: row for row in tranches},
            commitments={row.id: row for row in commitments},
            summary=summary,
            by_recipient=by_recipient,
        )
