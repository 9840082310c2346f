"""The idempotency tests' cases: one per money mutation, with how to set it up, its input and
other input; how to run one over GraphQL; and snapshots of the tenant's funds rows."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from coalition.funds.service.disbursements import approve_disbursement
from tests.funds.support.live import (
    payload_of,
    record_contributions,
    rows,
    scalar,
    schedule_now,
    verify_now,
)
from tests.funds.support.steps import FUNDS_TABLE_NAMES
from tests.funds.support.world import CONTRIBUTED_ON, FundsWorld, key
from tests.support.graphql import GraphQLClient
from tests.support.snapshots import Digests, digests
from tests.support.world import global_id

Snapshot = Digests


async def snapshot(engine: AsyncEngine, tenant_id: uuid.UUID) -> Snapshot:
    """Row count and a digest of every funds table and the audit log, for one tenant."""
    return await digests(engine, tenant_id, FUNDS_TABLE_NAMES)


def counts(taken: Snapshot) -> dict[str, int]:
    return {table: count for table, (count, _) in taken.items()}


async def key_count(engine: AsyncEngine, tenant_id: uuid.UUID, value: str) -> int:
    return int(
        await scalar(
            engine,
            "SELECT count(*) FROM idempotency_keys WHERE tenant_id = :t AND key = :k",
            t=tenant_id,
            k=value,
        )
    )


def document(name: str, input_type: str, result: str) -> str:
    return (
        f"mutation Run($input: {input_type}!) {{ {name}(input: $input) {{ "
        f"{result} {{ id }} userErrors {{ field message code }} }} }}"
    )


def money(amount: int) -> dict[str, str]:
    return {"amountMinor": str(amount), "currency": "USD"}


# -- one case per money mutation: how to set it up, its input, and other input ---------------


Inputs = tuple[dict[str, Any], dict[str, Any]]
Setup = Callable[[FundsWorld, SessionFactory, AsyncEngine], Awaitable[Inputs]]


@dataclass(frozen=True)
class Case:
    name: str
    input_type: str
    result: str
    person: str
    setup: Setup

    @property
    def document(self) -> str:
        return document(self.name, self.input_type, self.result)


async def recorded_contribution(fw: FundsWorld, sessions: SessionFactory) -> uuid.UUID:
    (contribution_id,) = await record_contributions(
        fw, sessions, fw.pool, [(fw.world.organizations["employer"], 100_000, CONTRIBUTED_ON)]
    )
    return contribution_id


async def verified_contribution(fw: FundsWorld, sessions: SessionFactory) -> uuid.UUID:
    contribution_id = await recorded_contribution(fw, sessions)
    await verify_now(fw, sessions, contribution_id)
    return contribution_id


async def approved_tranche(fw: FundsWorld, sessions: SessionFactory) -> uuid.UUID:
    tranche = await schedule_now(fw, sessions, await verified_contribution(fw, sessions), 50_000)
    async with tenant_transaction(sessions, fw.tenant_id) as session:
        await approve_disbursement(session, fw.principal("admin"), tranche, idempotency_key=key())
    return tranche


def _pool_input(fw: FundsWorld, name: str) -> dict[str, Any]:
    return {
        "funderOrganizationId": global_id("Organization", fw.funder),
        "name": name,
        "purpose": "Match training investment.",
        "currency": "USD",
        "startsOn": "2025-01-01",
        "endsOn": "2027-12-31",
        "matchTiers": [{"maxEmployees": 49, "ratio": "2"}, {"maxEmployees": None, "ratio": "1"}],
        "capPerRecipient": money(1_000_000),
        "eligibleRecipientKinds": ["EMPLOYER"],
        "eligiblePurposes": ["TRAINING_COSTS"],
    }


async def setup_pool(fw: FundsWorld, sessions: SessionFactory, engine: AsyncEngine) -> Inputs:
    return _pool_input(fw, "Replayed pool"), _pool_input(fw, "Another pool")


def _commitment_input(fw: FundsWorld, amount: int) -> dict[str, Any]:
    return {
        "poolId": global_id("FundPool", fw.pool),
        "funderOrganizationId": global_id("Organization", fw.funder),
        "source": "FEDERAL",
        "amount": money(amount),
        "committedOn": "2025-02-01",
    }


async def setup_commitment(fw: FundsWorld, sessions: SessionFactory, engine: AsyncEngine) -> Inputs:
    return _commitment_input(fw, 2_500_000), _commitment_input(fw, 2_500_001)


def contribution_variables(fw: FundsWorld, amount: int) -> dict[str, Any]:
    return {
        "initiativeId": global_id("Initiative", fw.initiative),
        "organizationId": global_id("Organization", fw.world.organizations["employer"]),
        "poolId": global_id("FundPool", fw.pool),
        "kind": "CASH",
        "purpose": "TRAINING_COSTS",
        "amount": money(amount),
        "contributedOn": CONTRIBUTED_ON.isoformat(),
    }


async def setup_contribution(
    fw: FundsWorld, sessions: SessionFactory, engine: AsyncEngine
) -> Inputs:
    return contribution_variables(fw, 75_000), contribution_variables(fw, 75_001)


async def setup_verify(fw: FundsWorld, sessions: SessionFactory, engine: AsyncEngine) -> Inputs:
    first, second = (
        await recorded_contribution(fw, sessions),
        await recorded_contribution(fw, sessions),
    )
    return (
        {"contributionId": global_id("Contribution", first)},
        {"contributionId": global_id("Contribution", second)},
    )


def tranche_input(contribution_id: uuid.UUID, payee: uuid.UUID, amount: int) -> dict[str, Any]:
    return {
        "contributionId": global_id("Contribution", contribution_id),
        "payeeOrganizationId": global_id("Organization", payee),
        "amount": money(amount),
        "scheduledOn": "2025-06-30",
        "requirement": "Outcome report",
    }


async def setup_schedule(fw: FundsWorld, sessions: SessionFactory, engine: AsyncEngine) -> Inputs:
    contribution_id = await verified_contribution(fw, sessions)
    return (
        tranche_input(contribution_id, fw.provider, 40_000),
        tranche_input(contribution_id, fw.provider, 40_001),
    )


async def setup_approve(fw: FundsWorld, sessions: SessionFactory, engine: AsyncEngine) -> Inputs:
    contribution_id = await verified_contribution(fw, sessions)
    first = await schedule_now(fw, sessions, contribution_id, 30_000)
    second = await schedule_now(fw, sessions, contribution_id, 30_000)
    return (
        {"disbursementId": global_id("Disbursement", first)},
        {"disbursementId": global_id("Disbursement", second)},
    )


async def setup_pay(fw: FundsWorld, sessions: SessionFactory, engine: AsyncEngine) -> Inputs:
    first, second = await approved_tranche(fw, sessions), await approved_tranche(fw, sessions)
    return (
        {"disbursementId": global_id("Disbursement", first)},
        {"disbursementId": global_id("Disbursement", second)},
    )


async def setup_cancel(fw: FundsWorld, sessions: SessionFactory, engine: AsyncEngine) -> Inputs:
    first, second = await approved_tranche(fw, sessions), await approved_tranche(fw, sessions)
    given = {"disbursementId": global_id("Disbursement", first), "reason": "Cohort postponed."}
    # Another reason alone is other input too (see the test of reasons below).
    return given, {"disbursementId": global_id("Disbursement", second), "reason": "Cancelled."}


async def _match_of(fw: FundsWorld, engine: AsyncEngine, contribution_id: uuid.UUID) -> str:
    (match_id,) = await rows(
        engine,
        "SELECT id FROM ledger_transactions WHERE tenant_id = :t AND contribution_id = :c "
        "AND kind = 'MATCH'",
        t=fw.tenant_id,
        c=contribution_id,
    )
    return global_id("LedgerTransaction", match_id[0])


async def setup_reverse(fw: FundsWorld, sessions: SessionFactory, engine: AsyncEngine) -> Inputs:
    first = await _match_of(fw, engine, await verified_contribution(fw, sessions))
    second = await _match_of(fw, engine, await verified_contribution(fw, sessions))
    return (
        {"transactionId": first, "reason": "Entered twice."},
        {"transactionId": second, "reason": "Wrong pool."},
    )


CASES = [
    Case("createFundPool", "CreateFundPoolInput", "fundPool", "admin", setup_pool),
    Case("addFundCommitment", "AddFundCommitmentInput", "commitment", "admin", setup_commitment),
    Case(
        "recordContribution",
        "RecordContributionInput",
        "contribution",
        "org_admin",
        setup_contribution,
    ),
    Case(
        "verifyContribution",
        "VerifyContributionInput",
        "contribution",
        "funder_admin",
        setup_verify,
    ),
    Case(
        "scheduleDisbursement",
        "ScheduleDisbursementInput",
        "disbursement",
        "admin",
        setup_schedule,
    ),
    Case("approveDisbursement", "ApproveDisbursementInput", "disbursement", "admin", setup_approve),
    Case("payDisbursement", "PayDisbursementInput", "disbursement", "funder_admin", setup_pay),
    Case("cancelDisbursement", "CancelDisbursementInput", "disbursement", "admin", setup_cancel),
    Case(
        "reverseLedgerTransaction",
        "ReverseLedgerTransactionInput",
        "reversal",
        "admin",
        setup_reverse,
    ),
]
BY_NAME = {case.name: case for case in CASES}


async def run(
    gql: GraphQLClient, fw: FundsWorld, case: Case, given: dict[str, Any], idempotency_key: str
) -> dict[str, Any]:
    body = await gql(
        case.document,
        {"input": given | {"idempotencyKey": idempotency_key}},
        token=fw.token(case.person),
    )
    return payload_of(body, case.name)


def reused(payload: dict[str, Any], result: str) -> None:
    assert payload[result] is None, payload
    assert payload["userErrors"] == [
        {
            "field": ["idempotencyKey"],
            "message": payload["userErrors"][0]["message"],
            "code": "IDEMPOTENCY_KEY_REUSED",
        }
    ]
