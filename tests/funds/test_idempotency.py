"""Idempotency keys on every money mutation (SECURITY.md item 30).

A replay (same key, same input) answers with the first result's object and
writes nothing; the same key with other input, or for another operation, is the
userError IDEMPOTENCY_KEY_REUSED and writes nothing; keys belong to their tenant;
a request that ended in userErrors leaves its key unused. "Writes nothing" is
checked on every row of the tenant's funds tables and its audit log, not only on
row counts. Concurrent requests with one key are in test_idempotency_concurrency.py,
the cases and their setup in tests/funds/support/idempotency.py.
"""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from coalition.funds.service.disbursements import approve_disbursement
from tests.funds.support.idempotency import (
    BY_NAME,
    CASES,
    Case,
    contribution_variables,
    counts,
    key_count,
    recorded_contribution,
    reused,
    run,
    snapshot,
    tranche_input,
    verified_contribution,
)
from tests.funds.support.live import payload_of, uuid_of
from tests.funds.support.world import FundsWorld, key
from tests.support.graphql import GraphQLClient
from tests.support.world import global_id

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
    contribution_id = await verified_contribution(funds, owner_sessions)
    the_key = key()
    before = await snapshot(admin_engine, funds.tenant_id)

    too_much = await run(
        gql, funds, case, tranche_input(contribution_id, funds.provider, 200_001), the_key
    )

    assert [e["code"] for e in too_much["userErrors"]] == ["EXCEEDS_MATCH"]
    assert await snapshot(admin_engine, funds.tenant_id) == before
    fixed = await run(
        gql, funds, case, tranche_input(contribution_id, funds.provider, 200_000), the_key
    )
    assert fixed["userErrors"] == [] and fixed["disbursement"] is not None
    assert await key_count(admin_engine, funds.tenant_id, the_key) == 1


async def test_a_verification_refused_after_its_update_writes_nothing(
    funds: FundsWorld, owner_sessions: SessionFactory, admin_engine: AsyncEngine, gql: GraphQLClient
) -> None:
    # A closed pool is noticed after the key is claimed and the contribution's status
    # was changed by the guarded UPDATE: all of it is rolled back.
    contribution_id = await recorded_contribution(funds, owner_sessions)
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

    # idempotencyKey is a non-null input field: the variable's value cannot be coerced,
    # and the request never reaches a resolver.
    assert body.status_code == 200
    assert body.json()["data"] is None
    assert [e["extensions"]["code"] for e in body.json()["errors"]] == ["BAD_USER_INPUT"]
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
    contribution_id = await verified_contribution(funds, owner_sessions)
    case = BY_NAME["scheduleDisbursement"]
    given = tranche_input(contribution_id, funds.provider, 60_000)
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
