"""The report tests' scenario: a pool with known contributions, matches, tranches, a
reversal and a cancellation, whose summary and breakdowns are computed by hand; the
funder CSV parsed back."""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import event, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from coalition.auth.principal import Principal, PrincipalKind
from coalition.auth.scopes import FUNDS_READ
from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from coalition.funds.export import ENTRY_HEADER
from coalition.funds.models.ledger import LedgerTransaction, LedgerTransactionKind
from coalition.funds.models.pools import FundPoolStatus
from coalition.funds.report.summaries import PoolSummary
from coalition.funds.service.cancellations import cancel_disbursement
from coalition.funds.service.commitments import CommitmentInput, add_commitment
from coalition.funds.service.contributions import record_contribution
from coalition.funds.service.disbursements import (
    DisbursementInput,
    approve_disbursement,
    pay_disbursement,
    schedule_disbursement,
)
from coalition.funds.service.initiatives import add_initiative_participant, create_initiative
from coalition.funds.service.pools import create_pool, set_pool_status
from coalition.funds.service.reversals import reverse_transaction
from coalition.funds.service.verifications import verify_contribution
from coalition.tenancy.models import Organization, OrganizationKind
from tests.funds.support.world import TERM, FundsWorld, contribution_input, key, pool_input


@dataclass
class Scenario:
    funds: FundsWorld
    pool: uuid.UUID
    initiatives: dict[str, uuid.UUID] = field(default_factory=dict)
    organizations: dict[str, uuid.UUID] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    contributions: dict[str, uuid.UUID] = field(default_factory=dict)

    @property
    def tenant_id(self) -> uuid.UUID:
        return self.funds.tenant_id


CONTRIBUTIONS = {
    # name: (organization, amount, purpose, contributed_on, initiative)
    "c1": ("employer", 100_000, "TRAINING_COSTS", date(2025, 3, 14), "machinist"),
    "c2": ("employer", 50_000, "SUPPORT_SERVICES", date(2025, 4, 2), "cna"),
    "c3": ("other_employer", 300_000, "WORK_BASED_LEARNING_WAGES", date(2025, 3, 20), "machinist"),
    "c4": ("provider", 200_000, "TRAINING_EQUIPMENT", date(2025, 4, 10), "cna"),
    "c5": ("steelworks", 1_000_000, "TRAINING_COSTS", date(2025, 4, 15), "machinist"),
    "c6": ("other_employer", 70_000, "TRAINING_COSTS", date(2025, 3, 25), "machinist"),
    "c7": ("employer", 99_900, "TRAINING_COSTS", date(2025, 3, 30), "machinist"),
}
REVERSAL_REASON = '=HYPERLINK("http://example.com","duplicate invoice")'
CANCEL_REASON = "-outcome report missing"


async def build_scenario(
    sessions: SessionFactory, funds: FundsWorld, *, pool_name: str = "Lakeshore match"
) -> Scenario:
    world, admin = funds.world, funds.principal("admin")
    organizations = {
        "employer": world.organizations["employer"],
        "other_employer": world.organizations["other_employer"],
        "provider": funds.provider,
        "steelworks": uuid.uuid4(),
    }
    async with tenant_transaction(sessions, funds.tenant_id) as session:
        session.add(
            Organization(
                tenant_id=funds.tenant_id,
                id=organizations["steelworks"],
                name=f"{world.slug} steelworks",
                kind=OrganizationKind.EMPLOYER,
                employee_count=799,
            )
        )
        await session.execute(
            update(Organization)
            .where(
                Organization.tenant_id == funds.tenant_id,
                Organization.id == organizations["other_employer"],
            )
            .values(employee_count=120)
        )
        await session.flush()
        await add_initiative_participant(
            session, admin, funds.initiative, organizations["steelworks"]
        )
        cna = await create_initiative(
            session,
            admin,
            name="CNA cohort",
            description="Nursing assistants.",
            starts_on=TERM[0],
            ends_on=None,
            participant_ids=[organizations["employer"], organizations["provider"]],
        )
        pool = await create_pool(
            session,
            admin,
            pool_input(
                funds.funder, name=pool_name, match_tiers=[(49, "2"), (499, "1"), (None, "0.5")]
            ),
            idempotency_key=key(),
        )
        await add_commitment(
            session,
            admin,
            CommitmentInput(pool.id, funds.funder, "STATE", 10_000_000, "USD", TERM[0]),
            idempotency_key=key(),
        )
        await set_pool_status(session, admin, pool.id, FundPoolStatus.OPEN)
        scenario = Scenario(funds, pool.id, {"machinist": funds.initiative, "cna": cna.id})
        scenario.organizations = organizations
        result = await session.execute(
            select(Organization.id, Organization.name).where(
                Organization.tenant_id == funds.tenant_id,
                Organization.id.in_(organizations.values()),
            )
        )
        names = {row.id: row.name for row in result}
        scenario.names = {name: names[org] for name, org in organizations.items()}
        for name, (organization, amount, purpose, on, initiative) in CONTRIBUTIONS.items():
            contribution = await record_contribution(
                session,
                admin,
                contribution_input(
                    funds,
                    organization_id=organizations[organization],
                    pool_id=pool.id,
                    initiative_id=scenario.initiatives[initiative],
                    amount_minor=amount,
                    purpose=purpose,
                    contributed_on=on,
                ),
                idempotency_key=key(),
            )
            scenario.contributions[name] = contribution.id
            if name != "c7":
                await verify_contribution(session, admin, contribution.id, idempotency_key=key())
        match = await session.scalar(
            select(LedgerTransaction.id).where(
                LedgerTransaction.tenant_id == funds.tenant_id,
                LedgerTransaction.contribution_id == scenario.contributions["c6"],
                LedgerTransaction.kind == LedgerTransactionKind.MATCH,
            )
        )
        assert match is not None
        await reverse_transaction(session, admin, match, REVERSAL_REASON, idempotency_key=key())

        async def tranche(contribution: str, payee: uuid.UUID, amount: int) -> uuid.UUID:
            scheduled = await schedule_disbursement(
                session,
                admin,
                DisbursementInput(
                    scenario.contributions[contribution], payee, amount, "USD", date(2025, 6, 1)
                ),
                idempotency_key=key(),
            )
            return scheduled.id

        paid = await tranche("c1", organizations["provider"], 150_000)
        approved = await tranche("c3", organizations["other_employer"], 100_000)
        cancelled = await tranche("c4", organizations["provider"], 50_000)
        await tranche("c2", organizations["employer"], 30_000)
        for tranche_id in (paid, approved, cancelled):
            await approve_disbursement(session, admin, tranche_id, idempotency_key=key())
        await pay_disbursement(session, admin, paid, idempotency_key=key())
        await cancel_disbursement(session, admin, cancelled, CANCEL_REASON, idempotency_key=key())
    return scenario


EXPECTED_SUMMARY = PoolSummary(
    currency="USD",
    committed=10_000_000,
    matched=1_300_000,
    disbursed=250_000,
    paid=150_000,
    remaining=8_700_000,
    contributed=1_650_000,
    leverage=Decimal("1.2692"),  # 1,650,000 / 1,300,000 = 1.26923...
    small_employer_share_under_50=Decimal("0.2308"),  # (200,000 + 100,000) / 1,300,000
    small_employer_share_under_500=Decimal("0.6154"),  # (300,000 + 300,000 + 200,000) / ...
)


def reader(funds: FundsWorld) -> Principal:
    """A partner app with only the funds:read scope."""
    return Principal(
        kind=PrincipalKind.CLIENT,
        id=uuid.uuid4(),
        tenant_id=funds.tenant_id,
        label="funds app",
        scopes=frozenset({FUNDS_READ}),
    )


@contextmanager
def statements(engine: AsyncEngine) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(conn: object, cursor: object, statement: str, *args: object) -> None:
        seen.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)


SUMMARY_LABELS = [
    "Fund pool",
    "Pool ID",
    "Currency",
    "Committed",
    "Matched",
    "Disbursed",
    "Paid",
    "Remaining",
    "Contributed",
    "Leverage",
    "Small employer share under 50",
    "Small employer share under 500",
    "Ledger entries",
]


def parse(report_text: str) -> tuple[dict[str, str], list[dict[str, str]]]:
    """The summary (label -> value) and the entry rows (by the entries' header)."""
    rows = list(csv.reader(io.StringIO(report_text, newline="")))
    blank = rows.index([])
    summary = dict((label, value) for label, value in rows[:blank])
    assert [label for label, _ in rows[:blank]] == SUMMARY_LABELS
    header = rows[blank + 1]
    assert tuple(header) == ENTRY_HEADER
    return summary, [dict(zip(header, row, strict=True)) for row in rows[blank + 2 :]]
