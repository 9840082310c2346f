"""Funds mutations over HTTP: userErrors, idempotency keys and permissions."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, select

from coalition.audit.models import AuditEvent
from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from coalition.funds.models.ledger import LedgerEntry
from coalition.funds.models.pools import FundCommitment
from tests.funds.support.documents import (
    ADD_COMMITMENT,
    ADD_PARTICIPANT,
    CREATE_INITIATIVE,
    CREATE_POOL,
    RECORD,
    SCHEDULE,
    SET_STATUS,
    VERIFY,
    contribution_variables,
    ok,
    payload,
    pool_variables,
    record_and_verify,
    usd,
)
from tests.funds.support.world import FundsWorld, key
from tests.support.graphql import GraphQLClient, error_codes
from tests.support.world import global_id

# -- userErrors ----------------------------------------------------------------------------


async def test_bad_input_comes_back_as_user_errors_with_fields_and_codes(
    gql: GraphQLClient, funds: FundsWorld
) -> None:
    token = funds.token("org_admin")
    cases: list[tuple[dict[str, Any], list[tuple[list[str], str]]]] = [
        (
            {"amount": {"amountMinor": "100", "currency": "EUR"}},
            [(["amount", "currency"], "CURRENCY_MISMATCH")],
        ),
        ({"amount": usd(-5)}, [(["amount", "amountMinor"], "OUT_OF_RANGE")]),
        ({"poolId": global_id("FundPool", uuid.uuid4())}, [(["poolId"], "NOT_FOUND")]),
        ({"poolId": "not-an-id"}, [(["poolId"], "NOT_FOUND")]),
        ({"contributedOn": "2031-01-01"}, [(["contributedOn"], "OUT_OF_RANGE")]),
        ({"kind": "IN_KIND"}, [(["valuationMethod"], "REQUIRED"), (["evidenceNote"], "REQUIRED")]),
        ({"idempotencyKey": ""}, [(["idempotencyKey"], "REQUIRED")]),
    ]
    for overrides, expected in cases:
        result = payload(
            await gql(RECORD, {"input": contribution_variables(funds, **overrides)}, token=token),
            "recordContribution",
        )
        assert result["contribution"] is None
        found = [(e["field"], e["code"]) for e in result["userErrors"]]
        for problem in expected:
            assert problem in found, (overrides, result["userErrors"])
        assert all(e["message"] for e in result["userErrors"])

    # Nothing was written by any of them.
    listed = await gql("{ contributions { totalCount } }", token=funds.token("analyst"))
    assert listed["data"]["contributions"]["totalCount"] == 0

    pool = payload(
        await gql(
            CREATE_POOL,
            {
                "input": pool_variables(
                    funds,
                    currency="XXX",
                    matchTiers=[{"ratio": "0"}],
                    endsOn="2023-01-01",
                )
            },
            token=funds.token("admin"),
        ),
        "createFundPool",
    )
    codes = {(tuple(e["field"]), e["code"]) for e in pool["userErrors"]}
    assert ("currency",) in {field for field, _ in codes}
    assert any(field[0] == "matchTiers" for field, _ in codes)
    assert pool["fundPool"] is None


async def test_initiative_errors_name_the_field_at_fault(
    gql: GraphQLClient, funds: FundsWorld
) -> None:
    employer = global_id("Organization", funds.world.organizations["employer"])
    created = payload(
        await gql(
            CREATE_INITIATIVE,
            {
                "input": {
                    "name": "Welding pathway",
                    "startsOn": "2024-06-01",
                    "participantIds": [
                        employer,
                        "garbage",
                        global_id("Organization", uuid.uuid4()),
                    ],
                }
            },
            token=funds.token("admin"),
        ),
        "createInitiative",
    )
    assert created["initiative"] is None
    # Every bad ID at once: the malformed one and the one that names no organization.
    assert [(e["field"], e["code"]) for e in created["userErrors"]] == [
        (["participantIds", "1"], "NOT_FOUND"),
        (["participantIds", "2"], "NOT_FOUND"),
    ]
    duplicate = payload(
        await gql(
            ADD_PARTICIPANT,
            {
                "input": {
                    "initiativeId": global_id("Initiative", funds.initiative),
                    "organizationId": employer,
                }
            },
            token=funds.token("admin"),
        ),
        "addInitiativeParticipant",
    )
    assert duplicate == {
        "initiative": None,
        "userErrors": [{"field": ["organizationId"], "code": "DUPLICATE"}],
    }


async def test_disbursing_more_than_matched_is_refused(
    gql: GraphQLClient, funds: FundsWorld
) -> None:
    verified = await record_and_verify(gql, funds)
    result = payload(
        await gql(
            SCHEDULE,
            {
                "input": {
                    "idempotencyKey": key(),
                    "contributionId": verified["id"],
                    "payeeOrganizationId": verified["organization"]["id"],
                    "amount": usd(200_001),
                    "scheduledOn": "2025-06-30",
                }
            },
            token=funds.token("admin"),
        ),
        "scheduleDisbursement",
    )
    assert result["disbursement"] is None
    assert [(e["field"], e["code"]) for e in result["userErrors"]] == [
        (["amount", "amountMinor"], "EXCEEDS_MATCH")
    ]


# -- idempotency ---------------------------------------------------------------------------


async def test_a_replay_returns_the_same_object_and_writes_nothing(
    gql: GraphQLClient, funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    variables = {
        "input": {
            "idempotencyKey": key(),
            "poolId": global_id("FundPool", funds.pool),
            "funderOrganizationId": global_id("Organization", funds.funder),
            "source": "FEDERAL",
            "amount": usd(250_000),
            "committedOn": "2024-03-01",
        }
    }

    async def counts() -> tuple[int, int]:
        async with tenant_transaction(owner_sessions, funds.tenant_id) as session:
            commitments = await session.scalar(
                select(func.count())
                .select_from(FundCommitment)
                .where(FundCommitment.tenant_id == funds.tenant_id)
            )
            entries = await session.scalar(
                select(func.count())
                .select_from(LedgerEntry)
                .where(LedgerEntry.tenant_id == funds.tenant_id)
            )
        return int(commitments or 0), int(entries or 0)

    first = ok(
        await gql(ADD_COMMITMENT, variables, token=funds.token("funder_admin")),
        "addFundCommitment",
        "commitment",
    )
    after_first = await counts()
    second = ok(
        await gql(ADD_COMMITMENT, variables, token=funds.token("funder_admin")),
        "addFundCommitment",
        "commitment",
    )
    assert second == first
    assert await counts() == after_first

    variables["input"]["amount"] = usd(250_001)
    reused = payload(
        await gql(ADD_COMMITMENT, variables, token=funds.token("funder_admin")),
        "addFundCommitment",
    )
    assert reused["commitment"] is None
    assert [(e["field"], e["code"]) for e in reused["userErrors"]] == [
        (["idempotencyKey"], "IDEMPOTENCY_KEY_REUSED")
    ]
    assert await counts() == after_first


async def test_a_replayed_verification_returns_the_first_result(
    gql: GraphQLClient, funds: FundsWorld
) -> None:
    recorded = ok(
        await gql(RECORD, {"input": contribution_variables(funds)}, token=funds.token("org_admin")),
        "recordContribution",
        "contribution",
    )
    variables = {"input": {"idempotencyKey": key(), "contributionId": recorded["id"]}}
    first = ok(
        await gql(VERIFY, variables, token=funds.token("admin")),
        "verifyContribution",
        "contribution",
    )
    second = ok(
        await gql(VERIFY, variables, token=funds.token("admin")),
        "verifyContribution",
        "contribution",
    )
    assert second == first
    fresh = payload(
        await gql(
            VERIFY,
            {"input": {"idempotencyKey": key(), "contributionId": recorded["id"]}},
            token=funds.token("admin"),
        ),
        "verifyContribution",
    )
    assert [e["code"] for e in fresh["userErrors"]] == ["INVALID_TRANSITION"]
    summary = (
        await gql(
            "query($id: ID!) { fundPool(id: $id) { summary { matched { amountMinor } } } }",
            {"id": global_id("FundPool", funds.pool)},
            token=funds.token("admin"),
        )
    )["data"]["fundPool"]["summary"]
    assert summary == {"matched": {"amountMinor": "200000"}}


# -- permissions ---------------------------------------------------------------------------


async def test_refusals_are_forbidden_errors_and_are_audited(
    gql: GraphQLClient, funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    analyst = await gql(CREATE_POOL, {"input": pool_variables(funds)}, token=funds.token("analyst"))
    assert error_codes(analyst) == ["FORBIDDEN"]
    assert analyst["data"] is None

    # Nobody verifies their own organization's contribution.
    recorded = ok(
        await gql(RECORD, {"input": contribution_variables(funds)}, token=funds.token("org_admin")),
        "recordContribution",
        "contribution",
    )
    own = await gql(
        VERIFY,
        {"input": {"idempotencyKey": key(), "contributionId": recorded["id"]}},
        token=funds.token("org_admin"),
    )
    assert error_codes(own) == ["FORBIDDEN"]

    # A partner app without funds:read reads nothing of the funds.
    reader = await gql(
        "query($id: ID!) { fundPool(id: $id) { id } }",
        {"id": global_id("FundPool", funds.pool)},
        token=funds.token("reader"),
    )
    assert error_codes(reader) == ["FORBIDDEN"]
    listed = await gql("{ fundPools { totalCount } }", token=funds.token("reader"))
    assert error_codes(listed) == ["FORBIDDEN"]

    async with tenant_transaction(owner_sessions, funds.tenant_id) as session:
        actions = list(
            await session.scalars(
                select(AuditEvent.action).where(
                    AuditEvent.tenant_id == funds.tenant_id,
                    AuditEvent.action.like("%.denied"),
                )
            )
        )
    assert sorted(actions) == [
        "createFundPool.denied",
        "fundPool.denied",
        "fundPools.denied",
        "verifyContribution.denied",
    ]


async def test_a_funds_reader_app_reads_pools_and_who_funded_them(
    gql: GraphQLClient, funds: FundsWorld
) -> None:
    await record_and_verify(gql, funds)
    body = await gql(
        """{ fundPools(status: OPEN) { totalCount edges { node {
               id funder { id name } commitments { funder { id } }
               contributions { edges { node { organization { id } } } } } } } }""",
        token=funds.token("funds_reader"),
    )
    assert "errors" not in body, body
    pools = body["data"]["fundPools"]
    assert pools["totalCount"] == 1
    node = pools["edges"][0]["node"]
    assert node["funder"]["id"] == global_id("Organization", funds.funder)
    assert node["contributions"]["edges"][0]["node"]["organization"]["id"] == global_id(
        "Organization", funds.world.organizations["employer"]
    )
    # ...but cannot change anything.
    refused = await gql(
        SET_STATUS,
        {"input": {"poolId": global_id("FundPool", funds.pool), "status": "CLOSED"}},
        token=funds.token("funds_reader"),
    )
    assert error_codes(refused) == ["FORBIDDEN"]


async def test_another_tenants_ids_behave_as_missing(
    gql: GraphQLClient, funds: FundsWorld, other_funds: FundsWorld
) -> None:
    foreign_pool = global_id("FundPool", other_funds.pool)
    body = await gql(
        "query($id: ID!) { fundPool(id: $id) { id } node(id: $id) { id } }",
        {"id": foreign_pool},
        token=funds.token("admin"),
    )
    assert body["data"] == {"fundPool": None, "node": None}
    result = payload(
        await gql(
            RECORD,
            {"input": contribution_variables(funds, poolId=foreign_pool)},
            token=funds.token("org_admin"),
        ),
        "recordContribution",
    )
    assert [(e["field"], e["code"]) for e in result["userErrors"]] == [(["poolId"], "NOT_FOUND")]
