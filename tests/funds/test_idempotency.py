"""Idempotency keys on every money mutation (SECURITY.md item 30).

A replay (same key, same input) answers with the first result's object and
writes nothing; the same key with other input, or for another operation, is the
userError IDEMPOTENCY_KEY_REUSED and writes nothing; concurrent requests with
one key produce one row; keys belong to their tenant; a request that ended in
userErrors leaves its key unused. "Writes nothing" is checked on every row of
the tenant's funds tables and its audit log, not only on row counts.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette

from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from coalition.funds.service.disbursements import approve_disbursement
from tests.funds.support.live import (
    live_api,
    payload_of,
    race,
    record_contributions,
    rows,
    scalar,
    schedule_now,
    uuid_of,
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


async def _contribution(fw: FundsWorld, sessions: SessionFactory) -> uuid.UUID:
    (contribution_id,) = await record_contributions(
        fw, sessions, fw.pool, [(fw.world.organizations["employer"], 100_000, CONTRIBUTED_ON)]
    )
    return contribution_id


async def _verified(fw: FundsWorld, sessions: SessionFactory) -> uuid.UUID:
    contribution_id = await _contribution(fw, sessions)
    await verify_now(fw, sessions, contribution_id)
    return contribution_id


async def _approved(fw: FundsWorld, sessions: SessionFactory) -> uuid.UUID:
    tranche = await schedule_now(fw, sessions, await _verified(fw, sessions), 50_000)
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
    first, second = await _contribution(fw, sessions), await _contribution(fw, sessions)
    return (
        {"contributionId": global_id("Contribution", first)},
        {"contributionId": global_id("Contribution", second)},
    )


def _tranche_input(contribution_id: uuid.UUID, payee: uuid.UUID, amount: int) -> dict[str, Any]:
    return {
        "contributionId": global_id("Contribution", contribution_id),
        "payeeOrganizationId": global_id("Organization", payee),
        "amount": money(amount),
        "scheduledOn": "2025-06-30",
        "requirement": "Outcome report",
    }


async def setup_schedule(fw: FundsWorld, sessions: SessionFactory, engine: AsyncEngine) -> Inputs:
    contribution_id = await _verified(fw, sessions)
    return (
        _tranche_input(contribution_id, fw.provider, 40_000),
        _tranche_input(contribution_id, fw.provider, 40_001),
    )


async def setup_approve(fw: FundsWorld, sessions: SessionFactory, engine: AsyncEngine) -> Inputs:
    contribution_id = await _verified(fw, sessions)
    first = await schedule_now(fw, sessions, contribution_id, 30_000)
    second = await schedule_now(fw, sessions, contribution_id, 30_000)
    return (
        {"disbursementId": global_id("Disbursement", first)},
        {"disbursementId": global_id("Disbursement", second)},
    )


async def setup_pay(fw: FundsWorld, sessions: SessionFactory, engine: AsyncEngine) -> Inputs:
    first, second = await _approved(fw, sessions), await _approved(fw, sessions)
    return (
        {"disbursementId": global_id("Disbursement", first)},
        {"disbursementId": global_id("Disbursement", second)},
    )


async def setup_cancel(fw: FundsWorld, sessions: SessionFactory, engine: AsyncEngine) -> Inputs:
    first, second = await _approved(fw, sessions), await _approved(fw, sessions)
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
    first = await _match_of(fw, engine, await _verified(fw, sessions))
    second = await _match_of(fw, engine, await _verified(fw, sessions))
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


# -- replays ---------------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
async def test_a_replay_answers_with_the_first_result_and_writes_nothing(
    case: Case,
    funds: FundsWorld,
    owner_sessions: SessionFactory,
    admin_engine: AsyncEngine,
    gql: GraphQLClient,
) -> None:
    given, other = await case.setup(funds, owner_sessions, admin_engine)
    the_key = key()
    before = await snapshot(admin_engine, funds.tenant_id)

    first = await run(gql, funds, case, given, the_key)
    assert first["userErrors"] == [] and first[case.result] is not None, first
    after_first = await snapshot(admin_engine, funds.tenant_id)
    assert counts(after_first)["idempotency_keys"] == counts(before)["idempotency_keys"] + 1
    assert counts(after_first)["audit_events"] == counts(before)["audit_events"] + 1

    replay = await run(gql, funds, case, given, the_key)
    assert replay == first
    assert await snapshot(admin_engine, funds.tenant_id) == after_first

    changed = await run(gql, funds, case, other, the_key)
    reused(changed, case.result)
    assert await snapshot(admin_engine, funds.tenant_id) == after_first

    # The other input is fine in itself: under a new key it is done.
    fresh = await run(gql, funds, case, other, key())
    assert fresh["userErrors"] == [] and fresh[case.result]["id"] != first[case.result]["id"]


@pytest.mark.parametrize(
    ("used_by", "reused_by"),
    [
        ("recordContribution", "verifyContribution"),
        ("verifyContribution", "reverseLedgerTransaction"),
        ("approveDisbursement", "payDisbursement"),
        ("payDisbursement", "cancelDisbursement"),
        ("createFundPool", "addFundCommitment"),
    ],
)
async def test_a_key_used_for_one_operation_is_refused_for_another(
    used_by: str,
    reused_by: str,
    funds: FundsWorld,
    owner_sessions: SessionFactory,
    admin_engine: AsyncEngine,
    gql: GraphQLClient,
) -> None:
    first_case, second_case = BY_NAME[used_by], BY_NAME[reused_by]
    first_input, _ = await first_case.setup(funds, owner_sessions, admin_engine)
    second_input, _ = await second_case.setup(funds, owner_sessions, admin_engine)
    the_key = key()
    done = await run(gql, funds, first_case, first_input, the_key)
    assert done["userErrors"] == [], done
    before = await snapshot(admin_engine, funds.tenant_id)

    refused = await run(gql, funds, second_case, second_input, the_key)

    reused(refused, second_case.result)
    assert await snapshot(admin_engine, funds.tenant_id) == before


# -- concurrency -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["recordContribution", "verifyContribution", "scheduleDisbursement"]
)
async def test_twenty_concurrent_requests_with_one_key_make_one_row(
    name: str,
    funds: FundsWorld,
    owner_sessions: SessionFactory,
    admin_engine: AsyncEngine,
    app: Starlette,
) -> None:
    case = BY_NAME[name]
    given, _ = await case.setup(funds, owner_sessions, admin_engine)
    the_key = key()
    before = counts(await snapshot(admin_engine, funds.tenant_id))
    variables = {"input": given | {"idempotencyKey": the_key}}

    async with live_api(app) as api:
        responses = await race(
            [api.post(case.document, variables, token=funds.token(case.person)) for _ in range(20)]
        )

    assert all(status == 200 for status, _ in responses), responses
    payloads = [payload_of(body, name) for _, body in responses]
    assert all(payload["userErrors"] == [] for payload in payloads), payloads
    ids = {payload[case.result]["id"] for payload in payloads}
    assert len(ids) == 1
    after = counts(await snapshot(admin_engine, funds.tenant_id))
    written = {table: after[table] - before[table] for table in FUNDS_TABLE_NAMES}
    expected = {
        "recordContribution": {"contributions": 1},
        "verifyContribution": {"ledger_transactions": 1, "ledger_entries": 2},
        "scheduleDisbursement": {"disbursements": 1},
    }[name]
    assert written == dict.fromkeys(FUNDS_TABLE_NAMES, 0) | expected | {
        "idempotency_keys": 1,
        "audit_events": 1,
    }
    assert await key_count(admin_engine, funds.tenant_id, the_key) == 1


async def test_concurrent_requests_with_one_key_and_two_inputs_do_one_of_them(
    funds: FundsWorld, owner_sessions: SessionFactory, admin_engine: AsyncEngine, app: Starlette
) -> None:
    the_key = key()
    inputs = [contribution_variables(funds, 10_000 + (i % 2)) for i in range(20)]
    before = counts(await snapshot(admin_engine, funds.tenant_id))

    async with live_api(app) as api:
        responses = await race(
            [
                api.post(
                    BY_NAME["recordContribution"].document,
                    {"input": given | {"idempotencyKey": the_key}},
                    token=funds.token("org_admin"),
                )
                for given in inputs
            ]
        )

    payloads = [payload_of(body, "recordContribution") for _, body in responses]
    done = [(given, p) for given, p in zip(inputs, payloads, strict=True) if p["contribution"]]
    assert {p["contribution"]["id"] for _, p in done} and len(
        {p["contribution"]["id"] for _, p in done}
    ) == 1
    winning_amount = done[0][0]["amount"]
    # Every request with the winner's input got its contribution; the others were refused.
    for given, payload in zip(inputs, payloads, strict=True):
        if given["amount"] == winning_amount:
            assert payload["userErrors"] == [] and payload["contribution"], payload
        else:
            reused(payload, "contribution")
    after = counts(await snapshot(admin_engine, funds.tenant_id))
    assert after["contributions"] - before["contributions"] == 1
    assert after["idempotency_keys"] - before["idempotency_keys"] == 1
    (amount,) = await rows(
        admin_engine,
        "SELECT amount_minor FROM contributions WHERE tenant_id = :t AND id = :c",
        t=funds.tenant_id,
        c=uuid_of(done[0][1]["contribution"]["id"]),
    )
    assert str(amount[0]) == winning_amount["amountMinor"]


# -- scope and lifetime of a key --------------------------------------------------------------


async def test_keys_belong_to_their_tenant(
    funds: FundsWorld,
    other_funds: FundsWorld,
    admin_engine: AsyncEngine,
    gql: GraphQLClient,
) -> None:
    case = BY_NAME["recordContribution"]
    the_key = key()
    mine = await run(gql, funds, case, contribution_variables(funds, 12_300), the_key)
    assert mine["userErrors"] == [], mine
    theirs_before = counts(await snapshot(admin_engine, other_funds.tenant_id))

    # The other partnership uses the same key string, with other input: a new request.
    theirs = await run(gql, other_funds, case, contribution_variables(other_funds, 45_600), the_key)

    assert theirs["userErrors"] == [], theirs
    assert theirs["contribution"]["id"] != mine["contribution"]["id"]
    theirs_after = counts(await snapshot(admin_engine, other_funds.tenant_id))
    assert theirs_after["contributions"] == theirs_before["contributions"] + 1
    assert await key_count(admin_engine, funds.tenant_id, the_key) == 1
    assert await key_count(admin_engine, other_funds.tenant_id, the_key) == 1
    # Each tenant's replay answers with its own contribution.
    again = await run(gql, funds, case, contribution_variables(funds, 12_300), the_key)
    assert again == mine
    again = await run(gql, other_funds, case, contribution_variables(other_funds, 45_600), the_key)
    assert again == theirs


@pytest.mark.parametrize("name", ["cancelDisbursement", "reverseLedgerTransaction"])
async def test_the_same_key_with_another_reason_is_other_input(
    name: str,
    funds: FundsWorld,
    owner_sessions: SessionFactory,
    admin_engine: AsyncEngine,
    gql: GraphQLClient,
) -> None:
    case = BY_NAME[name]
    given, _ = await case.setup(funds, owner_sessions, admin_engine)
    the_key = key()
    first = await run(gql, funds, case, given, the_key)
    assert first["userErrors"] == [], first
    before = await snapshot(admin_engine, funds.tenant_id)

    refused = await run(gql, funds, case, given | {"reason": "Another reason."}, the_key)

    reused(refused, case.result)
    assert await snapshot(admin_engine, funds.tenant_id) == before


async def test_a_refused_request_leaves_its_key_free_for_the_corrected_one(
    funds: FundsWorld, admin_engine: AsyncEngine, gql: GraphQLClient
) -> None:
    case = BY_NAME["recordContribution"]
    the_key = key()
    before = await snapshot(admin_engine, funds.tenant_id)

    wrong = await run(gql, funds, case, contribution_variables(funds, 0), the_key)

    assert wrong["contribution"] is None
    assert [e["code"] for e in wrong["userErrors"]] == ["OUT_OF_RANGE"]
    assert await snapshot(admin_engine, funds.tenant_id) == before
    assert await key_count(admin_engine, funds.tenant_id, the_key) == 0
    fixed = await run(gql, funds, case, contribution_variables(funds, 9_900), the_key)
    assert fixed["userErrors"] == [] and fixed["contribution"] is not None
    assert await key_count(admin_engine, funds.tenant_id, the_key) == 1


async def test_a_key_claimed_before_a_late_refusal_is_released_with_it(
    funds: FundsWorld, owner_sessions: SessionFactory, admin_engine: AsyncEngine, gql: GraphQLClient
) -> None:
    # Scheduling more than the match is refused only after the key was claimed and the
    # guarded UPDATE ran: the whole savepoint goes, key included.
    case = BY_NAME["scheduleDisbursement"]
    contribution_id = await _verified(funds, owner_sessions)
    the_key = key()
    before = await snapshot(admin_engine, funds.tenant_id)

    too_much = await run(
        gql, funds, case, _tranche_input(contribution_id, funds.provider, 200_001), the_key
    )

    assert [e["code"] for e in too_much["userErrors"]] == ["EXCEEDS_MATCH"]
    assert await snapshot(admin_engine, funds.tenant_id) == before
    fixed = await run(
        gql, funds, case, _tranche_input(contribution_id, funds.provider, 200_000), the_key
    )
    assert fixed["userErrors"] == [] and fixed["disbursement"] is not None
    assert await key_count(admin_engine, funds.tenant_id, the_key) == 1


async def test_a_verification_refused_after_its_update_writes_nothing(
    funds: FundsWorld, owner_sessions: SessionFactory, admin_engine: AsyncEngine, gql: GraphQLClient
) -> None:
    # A closed pool is noticed after the key is claimed and the contribution's status
    # was changed by the guarded UPDATE: all of it is rolled back.
    contribution_id = await _contribution(funds, owner_sessions)
    close = (
        "mutation Close($input: SetFundPoolStatusInput!) { setFundPoolStatus(input: $input) "
        "{ fundPool { status } userErrors { code } } }"
    )
    closed = await gql(
        close,
        {"input": {"poolId": global_id("FundPool", funds.pool), "status": "CLOSED"}},
        token=funds.token("admin"),
    )
    assert closed["data"]["setFundPoolStatus"]["fundPool"] == {"status": "CLOSED"}
    the_key = key()
    before = await snapshot(admin_engine, funds.tenant_id)

    refused = await run(
        gql,
        funds,
        BY_NAME["verifyContribution"],
        {"contributionId": global_id("Contribution", contribution_id)},
        the_key,
    )

    assert [e["code"] for e in refused["userErrors"]] == ["POOL_NOT_OPEN"]
    assert await snapshot(admin_engine, funds.tenant_id) == before


@pytest.mark.parametrize(
    ("given", "code"),
    [("", "REQUIRED"), ("   ", "REQUIRED"), ("k" * 256, "TOO_LONG"), ("two words", "INVALID")],
    ids=["empty", "blank", "too-long", "space"],
)
async def test_a_bad_key_is_a_user_error_and_writes_nothing(
    given: str, code: str, funds: FundsWorld, admin_engine: AsyncEngine, gql: GraphQLClient
) -> None:
    before = await snapshot(admin_engine, funds.tenant_id)

    payload = await run(
        gql, funds, BY_NAME["recordContribution"], contribution_variables(funds, 5_000), given
    )

    assert payload["contribution"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(["idempotencyKey"], code)]
    assert await snapshot(admin_engine, funds.tenant_id) == before


async def test_a_missing_key_is_refused_and_the_longest_key_works(
    funds: FundsWorld, admin_engine: AsyncEngine, gql: GraphQLClient
) -> None:
    case = BY_NAME["recordContribution"]
    before = await snapshot(admin_engine, funds.tenant_id)

    body = await gql.post(
        case.document,
        {"input": contribution_variables(funds, 5_000)},
        token=funds.token("org_admin"),
    )

    # idempotencyKey is a non-null input field: the request never reaches a resolver.
    assert body.status_code == 200
    assert body.json()["data"] is None
    (code,) = [e["extensions"]["code"] for e in body.json()["errors"]]
    assert code in {"GRAPHQL_VALIDATION_FAILED", "BAD_USER_INPUT"}
    assert await snapshot(admin_engine, funds.tenant_id) == before
    longest = "k" * 255
    done = await run(gql, funds, case, contribution_variables(funds, 5_000), longest)
    assert done["userErrors"] == [] and done["contribution"] is not None
    assert await key_count(admin_engine, funds.tenant_id, longest) == 1


async def test_a_replay_after_the_object_moved_on_returns_it_as_it_is_now(
    funds: FundsWorld, owner_sessions: SessionFactory, admin_engine: AsyncEngine, gql: GraphQLClient
) -> None:
    # Replaying a scheduling after the tranche was approved neither schedules again nor
    # rolls the approval back.
    contribution_id = await _verified(funds, owner_sessions)
    case = BY_NAME["scheduleDisbursement"]
    given = _tranche_input(contribution_id, funds.provider, 60_000)
    the_key = key()
    first = await run(gql, funds, case, given, the_key)
    tranche = uuid_of(first["disbursement"]["id"])
    async with tenant_transaction(owner_sessions, funds.tenant_id) as session:
        await approve_disbursement(
            session, funds.principal("admin"), tranche, idempotency_key=key()
        )
    before = await snapshot(admin_engine, funds.tenant_id)

    body = await gql(
        "mutation Run($input: ScheduleDisbursementInput!) { scheduleDisbursement(input: $input) "
        "{ disbursement { id status amount { amountMinor } } userErrors { code } } }",
        {"input": given | {"idempotencyKey": the_key}},
        token=funds.token("admin"),
    )

    assert payload_of(body, "scheduleDisbursement") == {
        "disbursement": {
            "id": first["disbursement"]["id"],
            "status": "APPROVED",
            "amount": {"amountMinor": "60000"},
        },
        "userErrors": [],
    }
    assert await snapshot(admin_engine, funds.tenant_id) == before
