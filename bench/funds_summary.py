"""How fast the funder views answer over one pool with 100,000+ ledger entries.

    .venv/bin/python bench/funds_summary.py [--contributions 40000] [--employers 500] [--runs 7]

Uses the server of DATABASE_URL (its user must be allowed to create databases and
roles), or an embedded server in a temporary folder when it is unset. Creates its
own database, migrates it as ``coalition db upgrade`` does, opens a pool through
the service layer (tiers 2:1 up to 49 employees, 1:1 up to 499, 0.5:1 above) and
then bulk-inserts consistent data with the ledger's triggers on: VERIFIED
contributions of ~500 employers over four initiatives and three years, a MATCH
transaction for each, tranches (a quarter of the contributions: approved, half of
those paid, some cancelled) with their DISBURSEMENT_APPROVAL, PAYMENT and
CANCELLATION transactions, and REVERSALs of some matches; then moves the pool's
running totals by the sums and checks they equal the entries.

Times, over several runs each and against a baseline measured in the same run
(``SELECT count(*), sum(amount_minor)`` of the pool's entries): ``pool_summary``,
each ``pool_breakdown``, ``initiative_funding`` of the four initiatives,
``investment_recognition`` and ``pool_report_csv``. Then verifies contributions on
the big pool and on an empty one, counting statements, to show that verification
does not grow with the ledger, and last times the joins through ledger_transactions
again with an index on (tenant_id, contribution_id), a candidate the migration does
not have. Prints medians, ratios and the plans of two breakdowns' ledger sides.
Drops the database (and the role it made) at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from fractions import Fraction
from typing import Any

import asyncpg
from scratch import dsn, scratch_database
from sqlalchemy import event, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncEngine

from coalition.auth.principal import Principal, system_principal
from coalition.db.engine import SessionFactory
from coalition.db.session import set_tenant, tenant_transaction
from coalition.funds.export import pool_report_csv
from coalition.funds.ledger import Balances, balances_of
from coalition.funds.models.pools import FundPoolStatus
from coalition.funds.report.breakdowns import BreakdownBy, _breakdown_statements, pool_breakdown
from coalition.funds.report.initiatives import initiative_funding
from coalition.funds.report.recognition import investment_recognition
from coalition.funds.report.summaries import pool_summary
from coalition.funds.service.commitments import CommitmentInput, add_commitment
from coalition.funds.service.contributions import ContributionInput, record_contribution
from coalition.funds.service.initiatives import create_initiative
from coalition.funds.service.pools import PoolInput, create_pool, set_pool_status
from coalition.funds.service.verifications import verify_contribution
from coalition.money import format_ratio
from coalition.tenancy.models import Organization, OrganizationKind, Tenant

TERM = (date(2024, 1, 1), date(2030, 12, 31))
FIRST_DAY, DAYS = date(2024, 1, 1), 3 * 365
TIERS = [(49, Fraction(2)), (499, Fraction(1)), (None, Fraction(1, 2))]
PURPOSES = ["TRAINING_COSTS", "WORK_BASED_LEARNING_WAGES", "SUPPORT_SERVICES", "TRAINING_EQUIPMENT"]
COMMITTED = 10**13
SUGGESTED_INDEX = (
    "CREATE INDEX bench_ledger_transactions_contribution "
    "ON ledger_transactions (tenant_id, contribution_id)"
)

CONTRIBUTIONS = """
INSERT INTO contributions (tenant_id, id, initiative_id, organization_id, pool_id, kind, purpose,
    amount_minor, currency, contributed_on, evidence_note, status, recipient_employee_count,
    match_ratio_numerator, match_ratio_denominator, match_requested_minor, matched_minor,
    unmatched_minor, scheduled_minor, verified_at, verified_by)
SELECT $1, id, initiative_id, organization_id, $2, 'CASH', purpose, amount, 'USD', contributed_on,
    '', status, employees, numerator, denominator, matched, matched, 0, scheduled,
    contributed_on + time '12:00', 'bench'
FROM unnest($3::uuid[], $4::uuid[], $5::uuid[], $6::text[], $7::bigint[], $8::date[], $9::text[],
            $10::int[], $11::bigint[], $12::bigint[], $13::bigint[], $14::bigint[])
    AS t(id, initiative_id, organization_id, purpose, amount, contributed_on, status, employees,
         numerator, denominator, matched, scheduled)
"""
DISBURSEMENTS = """
INSERT INTO disbursements (tenant_id, id, pool_id, contribution_id, payee_organization_id,
    amount_minor, scheduled_on, status, approved_at, paid_at, cancelled_at, cancel_reason)
SELECT $1, id, $2, contribution_id, payee, amount, scheduled_on, status,
    scheduled_on + time '09:00', paid_at, cancelled_at, reason
FROM unnest($3::uuid[], $4::uuid[], $5::uuid[], $6::bigint[], $7::date[], $8::text[],
            $9::timestamptz[], $10::timestamptz[], $11::text[])
    AS t(id, contribution_id, payee, amount, scheduled_on, status, paid_at, cancelled_at, reason)
"""
TRANSACTIONS = """
INSERT INTO ledger_transactions (tenant_id, id, pool_id, kind, occurred_on, contribution_id,
    disbursement_id, reverses_id, reason, actor)
SELECT $1, id, $2, kind, occurred_on, contribution_id, disbursement_id, reverses_id, reason,
    'bench'
FROM unnest($3::uuid[], $4::text[], $5::date[], $6::uuid[], $7::uuid[], $8::uuid[], $9::text[])
    WITH ORDINALITY AS t(id, kind, occurred_on, contribution_id, disbursement_id, reverses_id,
                          reason, position)
ORDER BY position
"""
ENTRIES = """
INSERT INTO ledger_entries (tenant_id, id, pool_id, transaction_id, account, organization_id,
    amount_minor, currency, seq)
SELECT $1, gen_random_uuid(), $2, transaction_id, account, organization_id, amount, 'USD',
    position + (SELECT entry_count FROM fund_pools WHERE tenant_id = $1 AND id = $2)
FROM unnest($3::uuid[], $4::text[], $5::uuid[], $6::bigint[])
    WITH ORDINALITY AS t(transaction_id, account, organization_id, amount, position)
ORDER BY position
"""


@dataclass
class Ledger:
    """Generated rows, column by column, and the totals they add up to."""

    contributions: list[list[Any]] = field(default_factory=lambda: [[] for _ in range(12)])
    disbursements: list[list[Any]] = field(default_factory=lambda: [[] for _ in range(9)])
    transactions: list[tuple[Any, ...]] = field(default_factory=list)
    entries: dict[uuid.UUID, list[tuple[str, uuid.UUID | None, int]]] = field(default_factory=dict)
    matched: int = 0
    disbursed: int = 0
    paid: int = 0
    contributed: int = 0

    def post(
        self,
        kind: str,
        on: date,
        legs: list[tuple[str, uuid.UUID | None, int]],
        *,
        contribution: uuid.UUID,
        disbursement: uuid.UUID | None = None,
        reverses: uuid.UUID | None = None,
        reason: str | None = None,
    ) -> uuid.UUID:
        transaction_id = uuid.uuid4()
        self.transactions.append(
            (transaction_id, kind, on, contribution, disbursement, reverses, reason)
        )
        self.entries[transaction_id] = legs
        return transaction_id


def tier_ratio(employees: int | None) -> Fraction:
    for bound, ratio in TIERS:
        if bound is None or (employees is not None and employees <= bound):
            return ratio
    raise AssertionError("the last tier covers everyone")


def generate(
    employers: list[tuple[uuid.UUID, int | None]],
    initiatives: list[uuid.UUID],
    provider: uuid.UUID,
    count: int,
) -> Ledger:
    """Contributions and their ledger; a few employers contribute a lot, most a little."""
    rng = random.Random(17)
    ledger = Ledger()
    weights = [1 / (rank + 1) ** 0.6 for rank in range(len(employers))]
    picks = rng.choices(employers, weights, k=count)
    tranches = count // 4
    reversed_from = count - count // 80
    for index, (organization, employees) in enumerate(picks):
        contribution = uuid.uuid4()
        amount = rng.randint(50_00, 25_000_00)
        on = FIRST_DAY + timedelta(days=rng.randrange(DAYS))
        ratio = tier_ratio(employees)
        matched = amount * ratio.numerator // ratio.denominator
        is_reversed = index >= reversed_from
        tranche = matched // 2 if index < tranches else 0
        cancelled = tranches // 2 <= index < tranches // 2 + tranches // 10
        for column, value in zip(
            ledger.contributions,
            (
                contribution,
                rng.choice(initiatives),
                organization,
                rng.choice(PURPOSES),
                amount,
                on,
                "REVERSED" if is_reversed else "VERIFIED",
                employees,
                ratio.numerator,
                ratio.denominator,
                matched,
                0 if cancelled else tranche,
            ),
            strict=True,
        ):
            column.append(value)
        matched_on = on + timedelta(days=rng.randint(1, 20))
        match = ledger.post(
            "MATCH",
            matched_on,
            [("AVAILABLE", None, -matched), ("MATCHED", organization, matched)],
            contribution=contribution,
        )
        ledger.matched += matched
        ledger.contributed += amount
        if is_reversed:
            ledger.post(
                "REVERSAL",
                matched_on + timedelta(days=30),
                [("AVAILABLE", None, matched), ("MATCHED", organization, -matched)],
                contribution=contribution,
                reverses=match,
                reason="Evidence did not hold up.",
            )
            ledger.matched -= matched
            ledger.contributed -= amount
        if not tranche:
            continue
        disbursement = uuid.uuid4()
        approved_on = matched_on + timedelta(days=rng.randint(5, 60))
        paid = index < tranches // 2
        status = "PAID" if paid else "CANCELLED" if cancelled else "APPROVED"
        settled = datetime.combine(approved_on + timedelta(days=14), datetime.min.time(), UTC)
        for column, value in zip(
            ledger.disbursements,
            (
                disbursement,
                contribution,
                provider if index % 3 == 0 else organization,
                tranche,
                approved_on,
                status,
                settled if paid else None,
                settled if cancelled else None,
                "Cohort postponed." if cancelled else None,
            ),
            strict=True,
        ):
            column.append(value)
        stage: list[tuple[str, uuid.UUID | None, int]] = [
            ("MATCHED", organization, -tranche),
            ("APPROVED", organization, tranche),
        ]
        ledger.post(
            "DISBURSEMENT_APPROVAL",
            approved_on,
            stage,
            contribution=contribution,
            disbursement=disbursement,
        )
        ledger.disbursed += tranche
        if paid:
            ledger.post(
                "PAYMENT",
                settled.date(),
                [("APPROVED", organization, -tranche), ("PAID", organization, tranche)],
                contribution=contribution,
                disbursement=disbursement,
            )
            ledger.paid += tranche
        elif cancelled:
            ledger.post(
                "CANCELLATION",
                settled.date(),
                [(account, org, -amount) for account, org, amount in stage],
                contribution=contribution,
                disbursement=disbursement,
                reason="Cohort postponed.",
            )
            ledger.disbursed -= tranche
    return ledger


async def seed(
    sessions: SessionFactory, url: URL, args: argparse.Namespace
) -> tuple[uuid.UUID, uuid.UUID, uuid.UUID, list[uuid.UUID], list[uuid.UUID]]:
    """The tenant, the big pool, an empty pool, the initiatives and the employers."""
    tenant_id = uuid.uuid4()
    rng = random.Random(5)
    employers = [
        (uuid.uuid4(), rng.choice([None, *range(1, 60), *range(60, 3000, 7)]))
        for _ in range(args.employers)
    ]
    funder, provider = uuid.uuid4(), uuid.uuid4()
    async with sessions() as session, session.begin():
        session.add(
            Tenant(
                id=tenant_id,
                slug=f"bench-{tenant_id.hex[:8]}",
                name="Bench",
                region="Bench",
                settings={"time_zone": "UTC"},
            )
        )
        await session.flush()
        await set_tenant(session, tenant_id)
        session.add_all(
            [
                Organization(
                    tenant_id=tenant_id,
                    id=organization,
                    name=f"Employer {number:03d}",
                    kind=OrganizationKind.EMPLOYER,
                    employee_count=employees,
                    recognition_opt_out=number % 25 == 0,
                )
                for number, (organization, employees) in enumerate(employers)
            ]
            + [
                Organization(
                    tenant_id=tenant_id, id=funder, name="Foundation", kind=OrganizationKind.FUNDER
                ),
                Organization(
                    tenant_id=tenant_id,
                    id=provider,
                    name="Tech College",
                    kind=OrganizationKind.TRAINING_PROVIDER,
                    employee_count=300,
                ),
            ]
        )
    principal = system_principal(tenant_id, "bench")
    members = [organization for organization, _ in employers] + [provider]
    pools: list[uuid.UUID] = []
    async with tenant_transaction(sessions, tenant_id) as session:
        initiatives = [
            (
                await create_initiative(
                    session,
                    principal,
                    name=f"Initiative {number}",
                    description="",
                    starts_on=TERM[0],
                    ends_on=None,
                    participant_ids=members,
                )
            ).id
            for number in range(4)
        ]
        for name in ("Big pool", "Empty pool"):
            pool = await create_pool(
                session,
                principal,
                PoolInput(
                    funder,
                    name,
                    None,
                    "USD",
                    TERM[0],
                    TERM[1],
                    [(bound, format_ratio(ratio)) for bound, ratio in TIERS],
                    None,
                    None,
                    ["EMPLOYER", "TRAINING_PROVIDER"],
                    PURPOSES,
                ),
                idempotency_key=f"bench-pool-{len(pools)}",
            )
            await add_commitment(
                session,
                principal,
                CommitmentInput(pool.id, funder, "STATE", COMMITTED, "USD", TERM[0]),
                idempotency_key=f"bench-commit-{len(pools)}",
            )
            await set_pool_status(session, principal, pool.id, FundPoolStatus.OPEN)
            pools.append(pool.id)
    big, empty = pools
    ledger = generate(employers, initiatives, provider, args.contributions)
    legs = [
        (transaction_id, account, organization, amount)
        for transaction_id, *_ in ledger.transactions
        for account, organization, amount in ledger.entries[transaction_id]
    ]
    connection = await asyncpg.connect(dsn(url))
    try:
        started = time.perf_counter()
        async with connection.transaction():
            await connection.execute(f"SET LOCAL app.tenant_id = '{tenant_id}'")
            await connection.execute(CONTRIBUTIONS, tenant_id, big, *ledger.contributions)
            await connection.execute(DISBURSEMENTS, tenant_id, big, *ledger.disbursements)
            await connection.execute(
                TRANSACTIONS,
                tenant_id,
                big,
                *(list(column) for column in zip(*ledger.transactions, strict=True)),
            )
            await connection.execute(
                ENTRIES, tenant_id, big, *(list(column) for column in zip(*legs, strict=True))
            )
            await connection.execute(
                "UPDATE fund_pools SET matched_minor = matched_minor + $3, "
                "disbursed_minor = disbursed_minor + $4, paid_minor = paid_minor + $5, "
                "contributed_minor = contributed_minor + $6, entry_count = entry_count + $7 "
                "WHERE tenant_id = $1 AND id = $2",
                tenant_id,
                big,
                ledger.matched,
                ledger.disbursed,
                ledger.paid,
                ledger.contributed,
                len(legs),
            )
            inserted = time.perf_counter() - started
        committed = time.perf_counter() - started - inserted
        for table in (
            "organizations",
            "contributions",
            "disbursements",
            "ledger_transactions",
            "ledger_entries",
        ):
            await connection.execute(f"ANALYZE {table}")
        print(
            f"seeded {args.contributions:,} contributions of {args.employers} employers, "
            f"{len(ledger.disbursements[0]):,} tranches, {len(ledger.transactions):,} "
            f"transactions and {len(legs) + 2:,} ledger entries on one pool in "
            f"{inserted:.1f} s (+ {committed:.1f} s for the deferred balance checks at COMMIT)"
        )
    finally:
        await connection.close()
    return tenant_id, big, empty, initiatives, members


async def timed(runs: int, work: Callable[[], Awaitable[object]]) -> list[float]:
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        await work()
        seconds.append(time.perf_counter() - started)
    return seconds


def plan_of(statement: Any) -> str:
    compiled = statement.compile(
        dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}
    )
    return f"EXPLAIN (ANALYZE, COSTS OFF) {compiled}"


Work = Callable[[Any], Awaitable[object]]


async def run_cases(
    sessions: SessionFactory, tenant_id: uuid.UUID, cases: list[tuple[str, Work]], runs: int
) -> None:
    """Time each case (the first is the baseline) in its own transactions; print medians."""

    def reading(work: Work) -> Callable[[], Awaitable[object]]:
        async def run() -> object:
            async with tenant_transaction(sessions, tenant_id) as session:
                return await work(session)

        return run

    results: list[tuple[str, list[float]]] = []
    for label, work in cases:
        await reading(work)()  # warm the connection and the planner's caches
        results.append((label, await timed(runs, reading(work))))
    base = statistics.median(results[0][1])
    for label, seconds in results:
        median = statistics.median(seconds)
        print(
            f"{label:50s} median {median * 1000:8.1f} ms over {runs} runs"
            f" ({median / base:6.1f} x baseline)"
        )


def report_cases(
    tenant_id: uuid.UUID, pool_id: uuid.UUID, initiatives: list[uuid.UUID]
) -> list[tuple[str, Work]]:
    principal = system_principal(tenant_id, "bench")

    async def baseline(session: Any) -> object:
        return (
            await session.execute(
                text(
                    "SELECT count(*), sum(amount_minor) FROM ledger_entries "
                    "WHERE tenant_id = :t AND pool_id = :p"
                ),
                {"t": tenant_id, "p": pool_id},
            )
        ).one()

    def breakdown(by: BreakdownBy) -> Work:
        return lambda session: pool_breakdown(session, principal, pool_id, by)

    def funding(wanted: list[uuid.UUID]) -> Work:
        return lambda session: initiative_funding(session, principal, wanted)

    return [
        ("baseline count(*), sum(amount_minor) of entries", baseline),
        ("pool_summary", lambda s: pool_summary(s, principal, pool_id)),
        *((f"pool_breakdown {by}", breakdown(by)) for by in BreakdownBy),
        ("initiative_funding (1 initiative)", funding(initiatives[:1])),
        ("initiative_funding (4 initiatives)", funding(initiatives)),
        ("investment_recognition", lambda s: investment_recognition(s, principal)),
        ("pool_report_csv", lambda s: pool_report_csv(s, principal, pool_id)),
    ]


async def measure(
    sessions: SessionFactory,
    tenant_id: uuid.UUID,
    pool_id: uuid.UUID,
    initiatives: list[uuid.UUID],
    runs: int,
) -> None:
    principal = system_principal(tenant_id, "bench")
    async with tenant_transaction(sessions, tenant_id) as session:
        summary = await pool_summary(session, principal, pool_id)
        sums = await session.execute(
            text(
                "SELECT account, sum(amount_minor)::bigint, count(*) FROM ledger_entries "
                "WHERE tenant_id = :t AND pool_id = :p GROUP BY account"
            ),
            {"t": tenant_id, "p": pool_id},
        )
        by_account = {account: (total, count) for account, total, count in sums}
    assert summary is not None
    entries = sum(count for _, count in by_account.values())
    derived = balances_of((account, total) for account, (total, _) in by_account.items())
    totals = Balances(summary.committed, summary.matched, summary.disbursed, summary.paid)
    print(
        f"pool: {entries:,} entries; committed {summary.committed:,}, matched "
        f"{summary.matched:,}, disbursed {summary.disbursed:,}, paid {summary.paid:,}, "
        f"contributed {summary.contributed:,}; leverage {summary.leverage}, shares "
        f"{summary.small_employer_share_under_50} / {summary.small_employer_share_under_500};"
        f" running totals = sums of entries: {derived == totals}"
    )
    await run_cases(sessions, tenant_id, report_cases(tenant_id, pool_id, initiatives), runs)
    async with tenant_transaction(sessions, tenant_id) as session:
        csv_text = await pool_report_csv(session, principal, pool_id)
        print(f"report CSV: {len(csv_text or '') / 1e6:.1f} MB")
        for by in (BreakdownBy.RECIPIENT, BreakdownBy.INITIATIVE):
            ledger_statement, _ = _breakdown_statements(principal, pool_id, by)
            print(f"plan of the ledger side of pool_breakdown {by}:")
            for (line,) in await session.execute(text(plan_of(ledger_statement))):
                print("   ", line)


async def with_suggested_index(
    sessions: SessionFactory,
    tenant_id: uuid.UUID,
    pool_id: uuid.UUID,
    initiatives: list[uuid.UUID],
    runs: int,
) -> None:
    """Again, with an index on ledger_transactions (tenant_id, contribution_id)."""
    async with sessions() as session, session.begin():
        await session.execute(text(SUGGESTED_INDEX))
        await session.execute(text("ANALYZE ledger_transactions"))
    print(f"with {SUGGESTED_INDEX}:")
    cases = report_cases(tenant_id, pool_id, initiatives)
    wanted = {"baseline", "pool_breakdown INITIATIVE", "pool_breakdown PURPOSE", "initiative_"}
    await run_cases(
        sessions,
        tenant_id,
        [case for case in cases if any(case[0].startswith(prefix) for prefix in wanted)],
        runs,
    )


async def verification(
    engine: AsyncEngine,
    sessions: SessionFactory,
    tenant_id: uuid.UUID,
    pools: dict[str, uuid.UUID],
    initiative: uuid.UUID,
    members: list[uuid.UUID],
    runs: int,
) -> None:
    """Verify ``runs`` fresh contributions on each pool; count statements and time."""
    principal: Principal = system_principal(tenant_id, "bench")
    seen: list[str] = []

    def record(conn: object, cursor: object, statement: str, *args: object) -> None:
        seen.append(statement)

    for label, pool_id in pools.items():
        counts, seconds = [], []
        for run in range(runs):
            async with tenant_transaction(sessions, tenant_id) as session:
                contribution = await record_contribution(
                    session,
                    principal,
                    ContributionInput(
                        initiative,
                        members[run],
                        pool_id,
                        "CASH",
                        "TRAINING_COSTS",
                        100_000,
                        "USD",
                        date(2025, 6, 1),
                    ),
                    idempotency_key=f"bench-record-{pool_id}-{run}",
                )
            seen.clear()
            event.listen(engine.sync_engine, "before_cursor_execute", record)
            started = time.perf_counter()
            try:
                async with tenant_transaction(sessions, tenant_id) as session:
                    await verify_contribution(
                        session,
                        principal,
                        contribution.id,
                        idempotency_key=f"bench-verify-{pool_id}-{run}",
                    )
            finally:
                seconds.append(time.perf_counter() - started)
                event.remove(engine.sync_engine, "before_cursor_execute", record)
            counts.append(len(seen))
        median = statistics.median(seconds) * 1000
        print(
            f"verify_contribution on the {label:28s} median {median:6.1f}"
            f" ms over {runs} runs, statements {sorted(set(counts))} (SET LOCAL included)"
        )


async def main(args: argparse.Namespace) -> None:
    async with scratch_database() as scratch:
        sessions = scratch.sessions
        tenant_id, big, empty, initiatives, members = await seed(sessions, scratch.database, args)
        await measure(sessions, tenant_id, big, initiatives, args.runs)
        await verification(
            scratch.engine,
            sessions,
            tenant_id,
            {"big pool (100k+ entries)": big, "empty pool (2 entries)": empty},
            initiatives[0],
            members,
            args.runs,
        )
        await with_suggested_index(sessions, tenant_id, big, initiatives, args.runs)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--contributions", type=int, default=40_000)
    parser.add_argument("--employers", type=int, default=500)
    parser.add_argument("--runs", type=int, default=7)
    asyncio.run(main(parser.parse_args()))
