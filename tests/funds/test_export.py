"""The funder report CSV: it parses back, its summary is pool_summary's, its entries are
the ledger's and add up, and user text cannot become a spreadsheet formula."""

from __future__ import annotations

import random
import uuid
from collections import Counter
from decimal import Decimal

import pytest
from sqlalchemy import select, text, update

from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from coalition.funds import export
from coalition.funds.export import (
    LedgerOutOfStep,
    plain_amounts,
    pool_report_csv,
    text_cell,
)
from coalition.funds.ledger import balances_of
from coalition.funds.models.ledger import LedgerEntry
from coalition.funds.models.pools import FundPool
from coalition.funds.report.summaries import pool_summary
from coalition.funds.service.commitments import CommitmentInput, add_commitment
from coalition.funds.service.pools import PoolInput, create_pool
from coalition.money import plain_amount
from coalition.tenancy.models import Organization
from tests.funds.support.scenario import (
    CANCEL_REASON,
    EXPECTED_SUMMARY,
    REVERSAL_REASON,
    Scenario,
    build_scenario,
    parse,
    reader,
)
from tests.funds.support.world import TERM, FundsWorld, key

# Each leg of the scenario's ledger (the commitment; six matches, one reversed; three
# approvals, one payment, one cancellation): 2 entries per transaction.
ENTRY_COUNT = 2 * (1 + 6 + 1 + 3 + 1 + 1)


def minor(amount: str) -> int:
    """A plain decimal amount in dollars back to cents, exactly."""
    value = Decimal(amount) * 100
    assert value == value.to_integral_value()
    return int(value)


def ratio_cell(value: Decimal | None) -> str:
    return "" if value is None else str(value)


@pytest.fixture
async def scenario(funds: FundsWorld, owner_sessions: SessionFactory) -> Scenario:
    return await build_scenario(owner_sessions, funds, pool_name="@Lakeshore match")


async def read_report(sessions: SessionFactory, scenario: Scenario) -> str:
    async with tenant_transaction(sessions, scenario.tenant_id) as session:
        found = await pool_report_csv(session, reader(scenario.funds), scenario.pool)
    assert found is not None
    return found


async def test_the_summary_rows_are_the_pool_summary(
    scenario: Scenario, owner_sessions: SessionFactory
) -> None:
    report_text = await read_report(owner_sessions, scenario)
    async with tenant_transaction(owner_sessions, scenario.tenant_id) as session:
        summary = await pool_summary(session, reader(scenario.funds), scenario.pool)

    parsed, _ = parse(report_text)
    assert summary == EXPECTED_SUMMARY
    assert parsed == {
        "Fund pool": "'@Lakeshore match",
        "Pool ID": str(scenario.pool),
        "Currency": "USD",
        "Committed": "100000.00",
        "Matched": "13000.00",
        "Disbursed": "2500.00",
        "Paid": "1500.00",
        "Remaining": "87000.00",
        "Contributed": "16500.00",
        "Leverage": "1.2692",
        "Small employer share under 50": "0.2308",
        "Small employer share under 500": "0.6154",
        "Ledger entries": str(ENTRY_COUNT),
    }
    # The same numbers, derived from the summary rather than typed in.
    for label, amount in (
        ("Committed", summary.committed),
        ("Matched", summary.matched),
        ("Disbursed", summary.disbursed),
        ("Paid", summary.paid),
        ("Remaining", summary.remaining),
        ("Contributed", summary.contributed),
    ):
        assert minor(parsed[label]) == amount
    assert parsed["Leverage"] == ratio_cell(summary.leverage)


async def test_there_is_one_row_per_ledger_entry_in_order_and_they_add_up(
    scenario: Scenario, owner_sessions: SessionFactory
) -> None:
    report_text = await read_report(owner_sessions, scenario)
    async with tenant_transaction(owner_sessions, scenario.tenant_id) as session:
        sequences = list(
            await session.scalars(
                select(LedgerEntry.seq)
                .where(
                    LedgerEntry.tenant_id == scenario.tenant_id,
                    LedgerEntry.pool_id == scenario.pool,
                )
                .order_by(LedgerEntry.seq)
            )
        )

    _, entries = parse(report_text)
    assert [int(entry["sequence"]) for entry in entries] == sequences
    assert len(entries) == ENTRY_COUNT
    balances = balances_of((entry["account"], minor(entry["amount"])) for entry in entries)
    assert (balances.committed, balances.matched, balances.disbursed, balances.paid) == (
        10_000_000,
        1_300_000,
        250_000,
        150_000,
    )
    assert Counter(entry["transaction_kind"] for entry in entries) == {
        "COMMITMENT": 2,
        "MATCH": 12,
        "REVERSAL": 2,
        "DISBURSEMENT_APPROVAL": 6,
        "PAYMENT": 2,
        "CANCELLATION": 2,
    }
    # Every transaction balances in the file too.
    by_transaction: Counter[str] = Counter()
    for entry in entries:
        by_transaction[entry["transaction_id"]] += minor(entry["amount"])
    assert set(by_transaction.values()) == {0}


async def test_an_entry_row_names_everything_a_funder_follows(
    scenario: Scenario, owner_sessions: SessionFactory
) -> None:
    report_text = await read_report(owner_sessions, scenario)

    _, entries = parse(report_text)
    commitment = entries[:2]
    assert [
        (e["transaction_kind"], e["account"], e["organization"], e["amount"]) for e in commitment
    ] == [
        ("COMMITMENT", "COMMITMENTS", "", "-100000.00"),
        ("COMMITMENT", "AVAILABLE", "", "100000.00"),
    ]
    assert commitment[0]["date"] == TERM[0].isoformat()
    c1_match = [
        e
        for e in entries
        if e["contribution_id"] == str(scenario.contributions["c1"])
        and e["transaction_kind"] == "MATCH"
    ]
    assert [(e["account"], e["organization"], e["amount"], e["currency"]) for e in c1_match] == [
        ("AVAILABLE", "", "-2000.00", "USD"),
        ("MATCHED", scenario.names["employer"], "2000.00", "USD"),
    ]
    payment = [e for e in entries if e["transaction_kind"] == "PAYMENT"]
    assert {e["disbursement_id"] for e in payment} != {""}
    reversal = [e for e in entries if e["transaction_kind"] == "REVERSAL"]
    c6_match = {
        e["transaction_id"]
        for e in entries
        if e["contribution_id"] == str(scenario.contributions["c6"])
        and e["transaction_kind"] == "MATCH"
    }
    assert {e["reverses_transaction_id"] for e in reversal} == c6_match


async def test_user_text_cannot_become_a_formula_but_amounts_stay_numbers(
    scenario: Scenario, owner_sessions: SessionFactory
) -> None:
    async with tenant_transaction(owner_sessions, scenario.tenant_id) as session:
        await session.execute(
            update(Organization)
            .where(
                Organization.tenant_id == scenario.tenant_id,
                Organization.id == scenario.organizations["employer"],
            )
            .values(name="+cmd|' /C calc'!A0")
        )
    report_text = await read_report(owner_sessions, scenario)

    summary, entries = parse(report_text)
    assert summary["Fund pool"] == "'@Lakeshore match"
    assert {e["reason"] for e in entries if e["transaction_kind"] == "REVERSAL"} == {
        "'" + REVERSAL_REASON
    }
    assert {e["reason"] for e in entries if e["transaction_kind"] == "CANCELLATION"} == {
        "'" + CANCEL_REASON
    }
    assert "'+cmd|' /C calc'!A0" in {e["organization"] for e in entries}
    # No cell of user text starts with a formula character; negative amounts do, as numbers.
    for entry in entries:
        for column in ("organization", "reason"):
            assert not entry[column].startswith(("=", "+", "-", "@", "\t", "\r"))
        Decimal(entry["amount"])
    assert any(entry["amount"].startswith("-") for entry in entries)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+2", "'=1+2"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("  =1", "'  =1"),
        ("Acme, Inc.", "Acme, Inc."),
        ("a=b", "a=b"),
        ("", ""),
        (None, ""),
    ],
)
def test_text_cells(value: str | None, expected: str) -> None:
    assert text_cell(value) == expected


async def test_an_empty_pool_has_a_summary_and_no_entries(
    funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    admin = funds.principal("admin")
    async with tenant_transaction(owner_sessions, funds.tenant_id) as session:
        pool = await create_pool(
            session,
            admin,
            PoolInput(
                funds.funder,
                "Empty",
                None,
                "JPY",
                TERM[0],
                TERM[1],
                [(None, "1")],
                None,
                None,
                ["EMPLOYER"],
                ["TRAINING_COSTS"],
            ),
            idempotency_key=key(),
        )
    async with tenant_transaction(owner_sessions, funds.tenant_id) as session:
        report_text = await pool_report_csv(session, reader(funds), pool.id)
    assert report_text is not None

    summary, entries = parse(report_text)
    assert entries == []
    assert summary == {
        "Fund pool": "Empty",
        "Pool ID": str(pool.id),
        "Currency": "JPY",
        "Committed": "0",
        "Matched": "0",
        "Disbursed": "0",
        "Paid": "0",
        "Remaining": "0",
        "Contributed": "0",
        "Leverage": "",
        "Small employer share under 50": "",
        "Small employer share under 500": "",
        "Ledger entries": "0",
    }
    assert report_text.endswith("reverses_transaction_id,reason\r\n")


async def test_another_tenants_pool_is_missing(
    scenario: Scenario, other_funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    async with tenant_transaction(owner_sessions, other_funds.tenant_id) as session:
        assert await pool_report_csv(session, reader(other_funds), scenario.pool) is None
        assert await pool_report_csv(session, reader(other_funds), uuid.uuid4()) is None


async def test_a_posting_between_the_two_reads_is_read_again(
    scenario: Scenario, owner_sessions: SessionFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    funds, reads = scenario.funds, []
    read_entries = export._entries

    async def entries_after_a_commitment(*args: object) -> object:
        if not reads:
            # Another request commits $5,000.00 after the summary was read.
            async with tenant_transaction(owner_sessions, funds.tenant_id) as other:
                await add_commitment(
                    other,
                    funds.principal("admin"),
                    CommitmentInput(scenario.pool, funds.funder, "LOCAL", 500_000, "USD", TERM[0]),
                    idempotency_key=key(),
                )
        reads.append(args)
        return await read_entries(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(export, "_entries", entries_after_a_commitment)
    report_text = await read_report(owner_sessions, scenario)

    summary, entries = parse(report_text)
    assert len(reads) == 2
    assert summary["Committed"] == "105000.00"
    assert len(entries) == ENTRY_COUNT + 2


async def test_a_repeatable_read_export_reads_once(
    scenario: Scenario, owner_sessions: SessionFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    funds, reads = scenario.funds, []
    read_entries = export._entries

    async def entries_after_a_commitment(*args: object) -> object:
        async with tenant_transaction(owner_sessions, funds.tenant_id) as other:
            await add_commitment(
                other,
                funds.principal("admin"),
                CommitmentInput(scenario.pool, funds.funder, "LOCAL", 500_000, "USD", TERM[0]),
                idempotency_key=key(),
            )
        reads.append(args)
        return await read_entries(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(export, "_entries", entries_after_a_commitment)
    async with tenant_transaction(owner_sessions, scenario.tenant_id) as session:
        await session.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"))
        report_text = await pool_report_csv(session, reader(funds), scenario.pool)
    assert report_text is not None

    summary, entries = parse(report_text)
    assert len(reads) == 1
    assert summary["Committed"] == "100000.00"
    assert len(entries) == ENTRY_COUNT


async def test_totals_out_of_step_with_the_entries_give_no_report(
    scenario: Scenario, owner_sessions: SessionFactory
) -> None:
    with pytest.raises(LedgerOutOfStep):
        async with tenant_transaction(owner_sessions, scenario.tenant_id) as session:
            # A bug elsewhere (simulated by the owner, rolled back): a total moves alone.
            await session.execute(
                update(FundPool)
                .where(FundPool.tenant_id == scenario.tenant_id, FundPool.id == scenario.pool)
                .values(committed_minor=FundPool.committed_minor + 1)
            )
            await pool_report_csv(session, reader(scenario.funds), scenario.pool)


@pytest.mark.parametrize("currency", ["USD", "JPY", "KWD", "EUR"])
def test_the_fast_amount_format_is_plain_amount(currency: str) -> None:
    rng = random.Random(currency)
    amounts = [0, 1, -1, 9, -10, 99, 100, -101, 10**14, -(10**14)] + [
        rng.randint(-(10**15), 10**15) for _ in range(2_000)
    ]
    fast = plain_amounts(currency)

    assert [fast(amount) for amount in amounts] == [
        plain_amount(amount, currency) for amount in amounts
    ]
