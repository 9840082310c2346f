"""Matching funds over HTTP: the whole flow, from a pool to a paid tranche."""

from __future__ import annotations

from tests.funds.support.documents import (
    ADD_COMMITMENT,
    ADD_PARTICIPANT,
    APPROVE,
    CANCEL,
    CREATE_INITIATIVE,
    CREATE_POOL,
    PAY,
    POOL_VIEW,
    RECORD,
    REQUIREMENT_MET,
    REVERSE,
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
from tests.support.graphql import GraphQLClient
from tests.support.world import global_id

# -- the whole flow ------------------------------------------------------------------------


async def test_a_pool_matches_a_contribution_and_pays_it_out_over_http(
    gql: GraphQLClient, funds: FundsWorld
) -> None:
    world = funds.world
    funder_admin, admin = funds.token("funder_admin"), funds.token("admin")
    pool = ok(
        await gql(CREATE_POOL, {"input": pool_variables(funds)}, token=funder_admin),
        "createFundPool",
        "fundPool",
    )
    assert pool["status"] == "DRAFT"
    assert pool["matchTiers"] == [
        {"maxEmployees": 49, "ratio": "2"},
        {"maxEmployees": 499, "ratio": "1.5"},
    ]
    assert pool["capPerRecipient"] == {
        "amountMinor": "5000000",
        "currency": "USD",
        "formatted": "$50,000.00",
    }
    assert pool["funder"]["id"] == global_id("Organization", funds.funder)
    assert pool["eligibleRecipientKinds"] == ["EMPLOYER", "TRAINING_PROVIDER"]

    commitment = ok(
        await gql(
            ADD_COMMITMENT,
            {
                "input": {
                    "idempotencyKey": key(),
                    "poolId": pool["id"],
                    "funderOrganizationId": global_id("Organization", funds.funder),
                    "source": "STATE",
                    "amount": usd(300_000_000_000),
                    "committedOn": "2024-02-01",
                }
            },
            token=funder_admin,
        ),
        "addFundCommitment",
        "commitment",
    )
    # $3 billion in cents does not fit a GraphQL Int; it travels as a string.
    assert commitment["amount"] == {
        "amountMinor": "300000000000",
        "currency": "USD",
        "formatted": "$3,000,000,000.00",
    }
    assert (commitment["source"], commitment["status"]) == ("STATE", "ACTIVE")
    assert commitment["pool"]["id"] == pool["id"]

    opened = ok(
        await gql(SET_STATUS, {"input": {"poolId": pool["id"], "status": "OPEN"}}, token=admin),
        "setFundPoolStatus",
        "fundPool",
    )
    assert opened["status"] == "OPEN"

    employer = global_id("Organization", world.organizations["employer"])
    initiative = ok(
        await gql(
            CREATE_INITIATIVE,
            {
                "input": {
                    "name": "CNA cohort",
                    "description": "Certified nursing assistants.",
                    "startsOn": "2024-06-01",
                    "participantIds": [employer],
                }
            },
            token=admin,
        ),
        "createInitiative",
        "initiative",
    )
    assert initiative["participants"] == [{"id": employer}]
    assert initiative["endsOn"] is None
    provider = global_id("Organization", funds.provider)
    joined = ok(
        await gql(
            ADD_PARTICIPANT,
            {"input": {"initiativeId": initiative["id"], "organizationId": provider}},
            token=admin,
        ),
        "addInitiativeParticipant",
        "initiative",
    )
    assert {p["id"] for p in joined["participants"]} == {employer, provider}

    recorded = ok(
        await gql(
            RECORD,
            {
                "input": contribution_variables(
                    funds,
                    initiativeId=initiative["id"],
                    poolId=pool["id"],
                    kind="IN_KIND",
                    valuationMethod="WAGE_RATE",
                    evidenceNote="Mentor hours, timesheets attached.",
                    amount=usd(123_45),
                )
            },
            token=funds.token("org_admin"),
        ),
        "recordContribution",
        "contribution",
    )
    assert recorded["status"] == "RECORDED"
    assert recorded["amount"]["formatted"] == "$123.45"
    assert (recorded["matchRatio"], recorded["matched"]["amountMinor"]) == (None, "0")
    assert recorded["valuationMethod"] == "WAGE_RATE"

    verified = ok(
        await gql(
            VERIFY,
            {"input": {"idempotencyKey": key(), "contributionId": recorded["id"]}},
            token=funder_admin,
        ),
        "verifyContribution",
        "contribution",
    )
    # 40 employees: the 2:1 tier.
    assert verified["status"] == "VERIFIED"
    assert verified["matchRatio"] == "2"
    assert verified["matchRequested"]["amountMinor"] == "24690"
    assert verified["matched"] == {
        "amountMinor": "24690",
        "currency": "USD",
        "formatted": "$246.90",
    }
    assert verified["unmatched"]["amountMinor"] == "0"
    assert verified["verifiedBy"] == f"funder@{world.slug}.example"

    scheduled = ok(
        await gql(
            SCHEDULE,
            {
                "input": {
                    "idempotencyKey": key(),
                    "contributionId": recorded["id"],
                    "payeeOrganizationId": provider,
                    "amount": usd(20_000),
                    "scheduledOn": "2025-06-30",
                    "requirement": "Outcome report",
                }
            },
            token=admin,
        ),
        "scheduleDisbursement",
        "disbursement",
    )
    assert scheduled["status"] == "SCHEDULED"
    assert scheduled["payee"]["id"] == provider
    assert scheduled["contribution"]["scheduled"]["amountMinor"] == "20000"
    assert scheduled["amount"]["formatted"] == "$200.00"

    approved = ok(
        await gql(
            APPROVE,
            {"input": {"idempotencyKey": key(), "disbursementId": scheduled["id"]}},
            token=admin,
        ),
        "approveDisbursement",
        "disbursement",
    )
    assert approved["status"] == "APPROVED" and approved["approvedAt"]

    refused = payload(
        await gql(
            PAY,
            {"input": {"idempotencyKey": key(), "disbursementId": scheduled["id"]}},
            token=admin,
        ),
        "payDisbursement",
    )
    assert refused["disbursement"] is None
    assert [(e["field"], e["code"]) for e in refused["userErrors"]] == [
        (["disbursementId"], "REQUIREMENT_NOT_MET")
    ]

    met = ok(
        await gql(REQUIREMENT_MET, {"input": {"disbursementId": scheduled["id"]}}, token=admin),
        "markDisbursementRequirementMet",
        "disbursement",
    )
    assert met["requirementMetAt"] is not None

    paid = ok(
        await gql(
            PAY,
            {"input": {"idempotencyKey": key(), "disbursementId": scheduled["id"]}},
            token=admin,
        ),
        "payDisbursement",
        "disbursement",
    )
    assert paid["status"] == "PAID" and paid["paidAt"]

    view = (await gql(POOL_VIEW, {"id": pool["id"]}, token=funds.token("funds_reader")))["data"]
    summary = view["fundPool"]["summary"]
    assert {
        name: value["amountMinor"]
        for name, value in summary.items()
        if name != "leverage" and isinstance(value, dict)
    } == {
        "committed": "300000000000",
        "matched": "24690",
        "disbursed": "20000",
        "paid": "20000",
        "remaining": str(300_000_000_000 - 24690),
        "contributed": "12345",
    }
    assert summary["leverage"] == "0.5000"
    assert summary["smallEmployerShareUnder50"] == "1.0000"
    ledger = view["fundPool"]["ledgerEntries"]
    # commitment, match, approval, payment: two entries each, summing to zero.
    assert ledger["totalCount"] == 8
    assert [edge["node"]["transaction"]["kind"] for edge in ledger["edges"]][::2] == [
        "COMMITMENT",
        "MATCH",
        "DISBURSEMENT_APPROVAL",
        "PAYMENT",
    ]
    assert sum(int(edge["node"]["amount"]["amountMinor"]) for edge in ledger["edges"]) == 0
    assert view["fundPool"]["contributions"]["edges"] == [
        {"node": {"id": recorded["id"], "status": "VERIFIED"}}
    ]
    assert view["fundPool"]["disbursements"]["edges"] == [
        {"node": {"id": scheduled["id"], "status": "PAID"}}
    ]


async def test_a_cancelled_tranche_and_a_reversed_match(
    gql: GraphQLClient, funds: FundsWorld
) -> None:
    admin = funds.token("admin")
    verified = await record_and_verify(gql, funds)
    scheduled = ok(
        await gql(
            SCHEDULE,
            {
                "input": {
                    "idempotencyKey": key(),
                    "contributionId": verified["id"],
                    "payeeOrganizationId": verified["organization"]["id"],
                    "amount": usd(50_000),
                    "scheduledOn": "2025-06-30",
                }
            },
            token=admin,
        ),
        "scheduleDisbursement",
        "disbursement",
    )
    cancelled = ok(
        await gql(
            CANCEL,
            {
                "input": {
                    "idempotencyKey": key(),
                    "disbursementId": scheduled["id"],
                    "reason": "Cohort postponed",
                }
            },
            token=admin,
        ),
        "cancelDisbursement",
        "disbursement",
    )
    assert (cancelled["status"], cancelled["cancelReason"]) == ("CANCELLED", "Cohort postponed")
    assert cancelled["contribution"]["scheduled"]["amountMinor"] == "0"

    entries = (
        await gql(
            """query($id: ID!) { fundPool(id: $id) { ledgerEntries(first: 100) {
                 edges { node { transaction { id kind } } } } } }""",
            {"id": global_id("FundPool", funds.pool)},
            token=admin,
        )
    )["data"]["fundPool"]["ledgerEntries"]["edges"]
    match_id = next(
        e["node"]["transaction"]["id"]
        for e in entries
        if e["node"]["transaction"]["kind"] == "MATCH"
    )
    reversal = ok(
        await gql(
            REVERSE,
            {
                "input": {
                    "idempotencyKey": key(),
                    "transactionId": match_id,
                    "reason": "Invoice was a duplicate",
                }
            },
            token=admin,
        ),
        "reverseLedgerTransaction",
        "reversal",
    )
    assert reversal["kind"] == "REVERSAL"
    assert reversal["reverses"] == {"id": match_id, "kind": "MATCH"}
    assert reversal["reason"] == "Invoice was a duplicate"
    assert sorted((e["account"], e["amount"]["amountMinor"]) for e in reversal["entries"]) == [
        ("AVAILABLE", "200000"),
        ("MATCHED", "-200000"),
    ]
    again = payload(
        await gql(
            REVERSE,
            {"input": {"idempotencyKey": key(), "transactionId": reversal["id"], "reason": "x"}},
            token=admin,
        ),
        "reverseLedgerTransaction",
    )
    assert [e["code"] for e in again["userErrors"]] == ["NOT_REVERSIBLE"]
    contribution = (
        await gql(
            "query($id: ID!) { contribution(id: $id) { status } }",
            {"id": verified["id"]},
            token=admin,
        )
    )["data"]["contribution"]
    assert contribution == {"status": "REVERSED"}
