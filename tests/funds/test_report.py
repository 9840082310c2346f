"""Pool summary, breakdowns, initiative funding and investment recognition, against
numbers computed by hand from a scenario built through the service layer.

The scenario (``build_scenario``), on its own pool with tiers 2:1 up to 49
employees, 1:1 up to 499 and 0.5:1 above, $100,000.00 committed:

    c1 employer (40)         $1,000.00 TRAINING_COSTS  2025-03-14 machinist  -> 2,000.00
    c2 employer (40)           $500.00 SUPPORT_SERV.   2025-04-02 cna        -> 1,000.00
    c3 other_employer (120)  $3,000.00 WBL_WAGES       2025-03-20 machinist  -> 3,000.00
    c4 provider (300)        $2,000.00 TRAINING_EQUIP. 2025-04-10 cna        -> 2,000.00
    c5 steelworks (799)     $10,000.00 TRAINING_COSTS  2025-04-15 machinist  -> 5,000.00
    c6 other_employer (120)    $700.00 TRAINING_COSTS  2025-03-25 machinist  -> 700.00, REVERSED
    c7 employer (40)           $999.00 TRAINING_COSTS  2025-03-30 machinist  (only recorded)

Tranches: c1 $1,500.00 paid (to the provider), c3 $1,000.00 approved, c4 $500.00
approved then cancelled, c2 $300.00 scheduled only. Hence committed 10,000,000,
matched 1,300,000, disbursed 250,000, paid 150,000, contributed 1,650,000 (minor).
"""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from coalition.auth.principal import Principal, PrincipalKind
from coalition.auth.scopes import FUNDS_READ
from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from coalition.errors import Forbidden, InvalidInput
from coalition.funds.ledger import balances_of
from coalition.funds.models.ledger import LedgerEntry, LedgerTransaction, LedgerTransactionKind
from coalition.funds.models.pools import FundPoolStatus
from coalition.funds.report.breakdowns import BreakdownBy, BreakdownRow, pool_breakdown
from coalition.funds.report.initiatives import InitiativeFunding, initiative_funding
from coalition.funds.report.recognition import RecognitionRow, investment_recognition
from coalition.funds.report.summaries import PoolSummary, pool_summary, ratio
from coalition.funds.service.commitments import CommitmentInput, add_commitment
from coalition.funds.service.contributions import record_contribution
from coalition.funds.service.initiatives import add_initiative_participant
from coalition.funds.service.pools import create_pool, set_pool_status
from coalition.funds.service.verifications import verify_contribution
from coalition.tenancy.models import Organization, OrganizationKind
from tests.funds.support.scenario import (
    EXPECTED_SUMMARY,
    Scenario,
    build_scenario,
    reader,
    statements,
)
from tests.funds.support.world import TERM, FundsWorld, contribution_input, key, pool_input


@pytest.fixture
async def scenario(funds: FundsWorld, owner_sessions: SessionFactory) -> Scenario:
    return await build_scenario(owner_sessions, funds)


def totals(rows: list[BreakdownRow]) -> tuple[int, int, int, int]:
    return (
        sum(row.contributed for row in rows),
        sum(row.matched for row in rows),
        sum(row.disbursed for row in rows),
        sum(row.paid for row in rows),
    )


# -- the summary --------------------------------------------------------------------------


async def test_the_summary_matches_a_hand_computation(
    scenario: Scenario, owner_sessions: SessionFactory, owner_engine: AsyncEngine
) -> None:
    async with tenant_transaction(owner_sessions, scenario.tenant_id) as session:
        with statements(owner_engine) as seen:
            summary = await pool_summary(session, reader(scenario.funds), scenario.pool)

    assert summary == EXPECTED_SUMMARY
    assert len(seen) == 1
    assert "tenant_id" in seen[0]


async def test_the_running_totals_equal_the_entries(
    scenario: Scenario, owner_sessions: SessionFactory
) -> None:
    async with tenant_transaction(owner_sessions, scenario.tenant_id) as session:
        rows = await session.execute(
            select(LedgerEntry.account, LedgerEntry.amount_minor).where(
                LedgerEntry.tenant_id == scenario.tenant_id, LedgerEntry.pool_id == scenario.pool
            )
        )
        balances = balances_of((row.account, row.amount_minor) for row in rows)

    assert (balances.committed, balances.matched, balances.disbursed, balances.paid) == (
        EXPECTED_SUMMARY.committed,
        EXPECTED_SUMMARY.matched,
        EXPECTED_SUMMARY.disbursed,
        EXPECTED_SUMMARY.paid,
    )


async def test_a_pool_with_nothing_matched_has_no_ratios(
    funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    admin = funds.principal("admin")
    async with tenant_transaction(owner_sessions, funds.tenant_id) as session:
        # The steelworks of the scenario is too big for the fixture's pool (no tier).
        big = uuid.uuid4()
        session.add(
            Organization(
                tenant_id=funds.tenant_id,
                id=big,
                name="Big Works",
                kind=OrganizationKind.EMPLOYER,
                employee_count=900,
            )
        )
        await session.flush()
        await add_initiative_participant(session, admin, funds.initiative, big)
        contribution = await record_contribution(
            session, admin, contribution_input(funds, organization_id=big), idempotency_key=key()
        )
        await verify_contribution(session, admin, contribution.id, idempotency_key=key())
    async with tenant_transaction(owner_sessions, funds.tenant_id) as session:
        summary = await pool_summary(session, reader(funds), funds.pool)

    assert summary == PoolSummary("USD", 10_000_000, 0, 0, 0, 10_000_000, 100_000, None, None, None)


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [
        (1, 8, Decimal("0.1250")),
        (1, 20_000, Decimal("0.0000")),  # 0.00005: half to even, down
        (3, 20_000, Decimal("0.0002")),  # 0.00015: half to even, up
        (2, 3, Decimal("0.6667")),
        (0, 7, Decimal("0.0000")),
        (10**14, 1, Decimal("100000000000000.0000")),
        (5, 0, None),
    ],
)
def test_ratios_round_half_to_even_exactly(
    numerator: int, denominator: int, expected: Decimal | None
) -> None:
    found = ratio(numerator, denominator)

    assert found == expected
    assert str(found) == str(expected)


# -- breakdowns ---------------------------------------------------------------------------


async def test_the_breakdown_by_recipient_is_per_contributing_organization(
    scenario: Scenario, owner_sessions: SessionFactory
) -> None:
    async with tenant_transaction(owner_sessions, scenario.tenant_id) as session:
        rows = await pool_breakdown(
            session, reader(scenario.funds), scenario.pool, BreakdownBy.RECIPIENT
        )

    def row(name: str, *figures: int) -> BreakdownRow:
        return BreakdownRow(str(scenario.organizations[name]), scenario.names[name], *figures)

    # c1's tranche was paid to the provider, but it is the employer's matched money; c6's
    # match and its reversal cancel out; c7 is not verified; c4's tranche was cancelled.
    assert rows == [
        row("steelworks", 1_000_000, 500_000, 0, 0),
        row("other_employer", 300_000, 300_000, 100_000, 0),
        row("employer", 150_000, 300_000, 150_000, 150_000),
        row("provider", 200_000, 200_000, 0, 0),
    ]
    assert totals(rows) == (1_650_000, 1_300_000, 250_000, 150_000)


async def test_the_breakdown_by_initiative(
    scenario: Scenario, owner_sessions: SessionFactory
) -> None:
    async with tenant_transaction(owner_sessions, scenario.tenant_id) as session:
        rows = await pool_breakdown(
            session, reader(scenario.funds), scenario.pool, BreakdownBy.INITIATIVE
        )

    assert rows == [
        BreakdownRow(
            str(scenario.initiatives["machinist"]),
            "Machinist apprenticeship",
            1_400_000,  # c1 + c3 + c5
            1_000_000,
            250_000,
            150_000,
        ),
        BreakdownRow(str(scenario.initiatives["cna"]), "CNA cohort", 250_000, 300_000, 0, 0),
    ]


async def test_the_breakdown_by_purpose(scenario: Scenario, owner_sessions: SessionFactory) -> None:
    async with tenant_transaction(owner_sessions, scenario.tenant_id) as session:
        rows = await pool_breakdown(
            session, reader(scenario.funds), scenario.pool, BreakdownBy.PURPOSE
        )

    assert rows == [
        BreakdownRow("TRAINING_COSTS", "Training costs", 1_100_000, 700_000, 150_000, 150_000),
        BreakdownRow(
            "WORK_BASED_LEARNING_WAGES",
            "Wages during work-based learning",
            300_000,
            300_000,
            100_000,
            0,
        ),
        BreakdownRow("TRAINING_EQUIPMENT", "Training equipment", 200_000, 200_000, 0, 0),
        BreakdownRow("SUPPORT_SERVICES", "Support services", 50_000, 100_000, 0, 0),
    ]


async def test_the_breakdown_by_month_splits_contributions_and_ledger_dates(
    scenario: Scenario, owner_sessions: SessionFactory
) -> None:
    async with tenant_transaction(owner_sessions, scenario.tenant_id) as session:
        rows = await pool_breakdown(
            session, reader(scenario.funds), scenario.pool, BreakdownBy.MONTH
        )
        # The service dates every match, approval, payment, cancellation and reversal
        # today; ask the ledger which month that was rather than the clock.
        months = set(
            await session.scalars(
                select(LedgerTransaction.occurred_on).where(
                    LedgerTransaction.tenant_id == scenario.tenant_id,
                    LedgerTransaction.pool_id == scenario.pool,
                    LedgerTransaction.kind != LedgerTransactionKind.COMMITMENT,
                )
            )
        )
    (today,) = {(day.year, day.month) for day in months}
    names = (
        "January February March April May June July August September October November December"
    ).split()

    assert rows == [
        BreakdownRow("2025-03", "March 2025", 400_000, 0, 0, 0),  # c1 + c3 (c6 reversed)
        BreakdownRow("2025-04", "April 2025", 1_250_000, 0, 0, 0),  # c2 + c4 + c5
        BreakdownRow(
            f"{today[0]}-{today[1]:02d}",
            f"{names[today[1] - 1]} {today[0]}",
            0,
            1_300_000,  # c6's match and its reversal in the same month net out
            250_000,
            150_000,
        ),
    ]


@pytest.mark.parametrize("by", list(BreakdownBy))
async def test_every_breakdown_adds_up_to_the_summary(
    scenario: Scenario, owner_sessions: SessionFactory, owner_engine: AsyncEngine, by: BreakdownBy
) -> None:
    async with tenant_transaction(owner_sessions, scenario.tenant_id) as session:
        with statements(owner_engine) as seen:
            rows = await pool_breakdown(session, reader(scenario.funds), scenario.pool, by)
        summary = await pool_summary(session, reader(scenario.funds), scenario.pool)

    assert summary is not None
    assert totals(rows) == (summary.contributed, summary.matched, summary.disbursed, summary.paid)
    assert len(seen) == 2
    assert all("tenant_id" in statement for statement in seen)


# -- initiatives --------------------------------------------------------------------------


async def test_initiative_funding_is_per_pool_and_batched(
    scenario: Scenario, owner_sessions: SessionFactory, owner_engine: AsyncEngine
) -> None:
    funds, admin = scenario.funds, scenario.funds.principal("admin")
    async with tenant_transaction(owner_sessions, funds.tenant_id) as session:
        # The machinist initiative also gets $100.00 matched 2:1 by the fixture's pool.
        extra = await record_contribution(
            session, admin, contribution_input(funds, amount_minor=10_000), idempotency_key=key()
        )
        await verify_contribution(session, admin, extra.id, idempotency_key=key())
    unknown = uuid.uuid4()
    async with tenant_transaction(owner_sessions, funds.tenant_id) as session:
        with statements(owner_engine) as seen:
            funding = await initiative_funding(
                session,
                reader(funds),
                [scenario.initiatives["machinist"], scenario.initiatives["cna"], unknown],
            )

    # "Lakeshore match" sorts before the fixture's "Pool ......".
    assert funding == {
        scenario.initiatives["machinist"]: [
            InitiativeFunding(scenario.pool, "USD", 1_400_000, 1_000_000, 250_000, 150_000),
            InitiativeFunding(funds.pool, "USD", 10_000, 20_000, 0, 0),
        ],
        scenario.initiatives["cna"]: [
            InitiativeFunding(scenario.pool, "USD", 250_000, 300_000, 0, 0)
        ],
        unknown: [],
    }
    assert len(seen) == 2
    assert all("tenant_id" in statement for statement in seen)


async def test_no_initiatives_ask_nothing(
    funds: FundsWorld, owner_sessions: SessionFactory, owner_engine: AsyncEngine
) -> None:
    async with tenant_transaction(owner_sessions, funds.tenant_id) as session:
        with statements(owner_engine) as seen:
            funding = await initiative_funding(session, reader(funds), [])

    assert (funding, seen) == ({}, [])


# -- investment recognition ---------------------------------------------------------------


async def add_employer(
    session_factory: SessionFactory,
    funds: FundsWorld,
    name: str,
    employees: int | None,
    amount: int,
    *,
    opted_out: bool = False,
    kind: OrganizationKind = OrganizationKind.EMPLOYER,
    verify: bool = True,
) -> uuid.UUID:
    """An organization with one contribution to the fixture's pool."""
    admin = funds.principal("admin")
    organization = uuid.uuid4()
    async with tenant_transaction(session_factory, funds.tenant_id) as session:
        session.add(
            Organization(
                tenant_id=funds.tenant_id,
                id=organization,
                name=name,
                kind=kind,
                employee_count=employees,
                recognition_opt_out=opted_out,
            )
        )
        await session.flush()
        await add_initiative_participant(session, admin, funds.initiative, organization)
        contribution = await record_contribution(
            session,
            admin,
            contribution_input(funds, organization_id=organization, amount_minor=amount),
            idempotency_key=key(),
        )
        if verify:
            await verify_contribution(session, admin, contribution.id, idempotency_key=key())
    return organization


async def test_recognition_ranks_employers_per_employee(
    scenario: Scenario, owner_sessions: SessionFactory, owner_engine: AsyncEngine
) -> None:
    funds = scenario.funds
    tie = await add_employer(owner_sessions, funds, "Acme tie", 10, 25_000)
    await add_employer(owner_sessions, funds, "Quiet Co", 10, 900_000, opted_out=True)
    await add_employer(owner_sessions, funds, "No staff LLC", 0, 900_000)
    await add_employer(owner_sessions, funds, "Unknown size Inc", None, 900_000)
    await add_employer(owner_sessions, funds, "Recorded only", 1, 900_000, verify=False)
    async with tenant_transaction(owner_sessions, funds.tenant_id) as session:
        with statements(owner_engine) as seen:
            rows = await investment_recognition(session, reader(funds))
        top_two = await investment_recognition(session, reader(funds), limit=2)

    employer, other = scenario.organizations["employer"], scenario.organizations["other_employer"]
    steelworks, names = scenario.organizations["steelworks"], scenario.names
    # employer: c1 + c2 = 150,000 over 40; other_employer: c3 (c6 reversed) over 120; the
    # tie: 25,000 over 10, same 2,500 as other_employer, first by name; steelworks:
    # 1,000,000 over 799 = 1,251.56 rounded down. The provider is no employer.
    assert rows == [
        RecognitionRow(1, employer, names["employer"], 40, 150_000, 3_750, "USD"),
        RecognitionRow(2, tie, "Acme tie", 10, 25_000, 2_500, "USD"),
        RecognitionRow(3, other, names["other_employer"], 120, 300_000, 2_500, "USD"),
        RecognitionRow(4, steelworks, names["steelworks"], 799, 1_000_000, 1_251, "USD"),
    ]
    assert top_two == rows[:2]
    assert len(seen) == 1
    assert "tenant_id" in seen[0]


async def test_recognition_counts_only_its_currency(
    funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    admin = funds.principal("admin")
    employer = funds.world.organizations["employer"]
    async with tenant_transaction(owner_sessions, funds.tenant_id) as session:
        pool = await create_pool(
            session,
            admin,
            pool_input(funds.funder, currency="EUR", cap_per_recipient_minor=None),
            idempotency_key=key(),
        )
        await add_commitment(
            session,
            admin,
            CommitmentInput(pool.id, funds.funder, "PHILANTHROPIC", 1_000_000, "EUR", TERM[0]),
            idempotency_key=key(),
        )
        await set_pool_status(session, admin, pool.id, FundPoolStatus.OPEN)
        for pool_id, currency, amount in ((pool.id, "EUR", 30_000), (funds.pool, "USD", 8_000)):
            contribution = await record_contribution(
                session,
                admin,
                contribution_input(funds, pool_id=pool_id, currency=currency, amount_minor=amount),
                idempotency_key=key(),
            )
            await verify_contribution(session, admin, contribution.id, idempotency_key=key())
    async with tenant_transaction(owner_sessions, funds.tenant_id) as session:
        euros = await investment_recognition(session, reader(funds), currency="EUR")
        dollars = await investment_recognition(session, reader(funds), currency="usd")
        yen = await investment_recognition(session, reader(funds), currency="JPY")

    name = f"{funds.world.slug.split('-')[0]} employer"
    assert euros == [RecognitionRow(1, employer, name, 40, 30_000, 750, "EUR")]
    assert dollars == [RecognitionRow(1, employer, name, 40, 8_000, 200, "USD")]
    assert yen == []


@pytest.mark.parametrize(
    ("currency", "limit", "expected"),
    [
        ("XXX", 20, [(("currency",), "INVALID")]),
        ("USD", 0, [(("first",), "OUT_OF_RANGE")]),
        ("USD", 101, [(("first",), "OUT_OF_RANGE")]),
        ("", -1, [(("currency",), "INVALID"), (("first",), "OUT_OF_RANGE")]),
    ],
)
async def test_recognition_refuses_bad_arguments(
    funds: FundsWorld,
    owner_sessions: SessionFactory,
    currency: str,
    limit: int,
    expected: list[tuple[tuple[str, ...], str]],
) -> None:
    async with tenant_transaction(owner_sessions, funds.tenant_id) as session:
        with pytest.raises(InvalidInput) as raised:
            await investment_recognition(session, reader(funds), currency=currency, limit=limit)

    assert [(error.field, error.code) for error in raised.value.errors] == expected


# -- tenancy and permissions --------------------------------------------------------------


async def test_another_tenants_pool_and_initiatives_are_missing(
    scenario: Scenario, other_funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    outsider = reader(other_funds)
    async with tenant_transaction(owner_sessions, other_funds.tenant_id) as session:
        summary = await pool_summary(session, outsider, scenario.pool)
        breakdowns = [
            await pool_breakdown(session, outsider, scenario.pool, by) for by in BreakdownBy
        ]
        funding = await initiative_funding(session, outsider, list(scenario.initiatives.values()))
        recognition = await investment_recognition(session, outsider)

    assert summary is None
    assert breakdowns == [[], [], [], []]
    assert funding == {initiative: [] for initiative in scenario.initiatives.values()}
    assert recognition == []


async def test_a_pool_that_does_not_exist_has_no_summary(
    funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    async with tenant_transaction(owner_sessions, funds.tenant_id) as session:
        assert await pool_summary(session, reader(funds), uuid.uuid4()) is None


@pytest.mark.parametrize("who", ["app without funds:read", "person without membership"])
async def test_reading_needs_funds_read(
    funds: FundsWorld, owner_sessions: SessionFactory, who: str
) -> None:
    kind, scopes = (
        (PrincipalKind.CLIENT, frozenset({"read"}))
        if who.startswith("app")
        else (PrincipalKind.USER, frozenset({"read", FUNDS_READ}))
    )
    principal = Principal(
        kind=kind, id=uuid.uuid4(), tenant_id=funds.tenant_id, label=who, scopes=scopes
    )
    async with tenant_transaction(owner_sessions, funds.tenant_id) as session:
        with pytest.raises(Forbidden):
            await pool_summary(session, principal, funds.pool)
        with pytest.raises(Forbidden):
            await pool_breakdown(session, principal, funds.pool, BreakdownBy.MONTH)
        with pytest.raises(Forbidden):
            await initiative_funding(session, principal, [funds.initiative])
        with pytest.raises(Forbidden):
            await investment_recognition(session, principal)


@pytest.mark.parametrize("person", ["analyst", "member", "org_admin"])
async def test_every_member_reads(
    scenario: Scenario, owner_sessions: SessionFactory, person: str
) -> None:
    async with tenant_transaction(owner_sessions, scenario.tenant_id) as session:
        summary = await pool_summary(session, scenario.funds.principal(person), scenario.pool)

    assert summary == EXPECTED_SUMMARY
