"""Matching funds over HTTP: the mutations, the queries, node lookups, pages, batching."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import func, select

from coalition.audit.models import AuditEvent
from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from coalition.funds.models.ledger import LedgerEntry
from coalition.funds.models.pools import FundCommitment
from coalition.funds.service.contributions import record_contribution, verify_contribution
from tests.funds.support.world import CONTRIBUTED_ON, TERM, FundsWorld, contribution_input, key
from tests.support.graphql import GraphQLClient, error_codes
from tests.support.statements import StatementCounter, without_tenant_filter
from tests.support.world import global_id

MONEY = "{ amountMinor currency formatted }"

CREATE_POOL = """
mutation($input: CreateFundPoolInput!) {
  createFundPool(input: $input) {
    fundPool { id name status currency matchTiers { maxEmployees ratio }
               capPerRecipient { amountMinor currency formatted }
               eligibleRecipientKinds eligiblePurposes funder { id name } }
    userErrors { field message code }
  }
}"""


def mutation(name: str, result: str, fields: str) -> str:
    """``name(input: $input) { result { fields } userErrors { ... } }``."""
    input_type = name[0].upper() + name[1:] + "Input"
    return (
        f"mutation($input: {input_type}!) {{ {name}(input: $input) {{ "
        f"{result} {{ {fields} }} userErrors {{ field message code }} }} }}"
    )


ADD_COMMITMENT = mutation(
    "addFundCommitment",
    "commitment",
    f"id source status committedOn amount {MONEY} funder {{ id }} pool {{ id }}",
)
SET_STATUS = """
mutation($input: SetFundPoolStatusInput!) {
  setFundPoolStatus(input: $input) { fundPool { id status } userErrors { field code } }
}"""
CREATE_INITIATIVE = """
mutation($input: CreateInitiativeInput!) {
  createInitiative(input: $input) {
    initiative { id name startsOn endsOn participants { id } }
    userErrors { field message code }
  }
}"""
ADD_PARTICIPANT = """
mutation($input: AddInitiativeParticipantInput!) {
  addInitiativeParticipant(input: $input) {
    initiative { id participants { id } } userErrors { field code }
  }
}"""
CONTRIBUTION_FIELDS = f"""
  id kind purpose status contributedOn valuationMethod evidenceNote matchRatio
  amount {MONEY} matchRequested {MONEY} matched {MONEY} unmatched {MONEY} scheduled {MONEY}
  verifiedAt verifiedBy organization {{ id }} initiative {{ id }} pool {{ id }}
"""
RECORD = mutation("recordContribution", "contribution", CONTRIBUTION_FIELDS)
VERIFY = mutation("verifyContribution", "contribution", CONTRIBUTION_FIELDS)
DISBURSEMENT_FIELDS = f"""
  id status scheduledOn requirement requirementMetAt approvedAt paidAt cancelledAt cancelReason
  amount {MONEY} payee {{ id }} contribution {{ id scheduled {{ amountMinor }} }} pool {{ id }}
"""
SCHEDULE = mutation("scheduleDisbursement", "disbursement", DISBURSEMENT_FIELDS)
APPROVE = mutation("approveDisbursement", "disbursement", DISBURSEMENT_FIELDS)
REQUIREMENT_MET = mutation("markDisbursementRequirementMet", "disbursement", DISBURSEMENT_FIELDS)
PAY = mutation("payDisbursement", "disbursement", DISBURSEMENT_FIELDS)
CANCEL = mutation("cancelDisbursement", "disbursement", DISBURSEMENT_FIELDS)
REVERSE = """
mutation($input: ReverseLedgerTransactionInput!) {
  reverseLedgerTransaction(input: $input) {
    reversal { id kind reason actor occurredOn reverses { id kind }
               entries { account amount { amountMinor } organization { id } } }
    userErrors { field message code }
  }
}"""
POOL_VIEW = """
query($id: ID!) {
  fundPool(id: $id) {
    id status
    summary { committed { amountMinor } matched { amountMinor } disbursed { amountMinor }
              paid { amountMinor } remaining { amountMinor } contributed { amountMinor }
              leverage smallEmployerShareUnder50 smallEmployerShareUnder500 }
    commitments { id amount { amountMinor } }
    contributions { totalCount edges { node { id status } } }
    disbursements { totalCount edges { node { id status } } }
    ledgerEntries(first: 100) {
      totalCount
      edges { node { sequence account amount { amountMinor } transaction { kind } } }
    }
  }
}"""


def usd(amount_minor: int) -> dict[str, str]:
    return {"amountMinor": str(amount_minor), "currency": "USD"}


def payload(body: dict[str, Any], name: str) -> dict[str, Any]:
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"][name]
    return result


def ok(body: dict[str, Any], name: str, field: str) -> dict[str, Any]:
    result = payload(body, name)
    assert result["userErrors"] == [], result["userErrors"]
    found: dict[str, Any] = result[field]
    return found


def pool_variables(funds: FundsWorld, **overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "idempotencyKey": key(),
        "funderOrganizationId": global_id("Organization", funds.funder),
        "name": f"API pool {uuid.uuid4().hex[:6]}",
        "purpose": "Match training investment.",
        "currency": "USD",
        "startsOn": TERM[0].isoformat(),
        "endsOn": TERM[1].isoformat(),
        "matchTiers": [{"maxEmployees": 49, "ratio": "2"}, {"maxEmployees": 499, "ratio": "1.5"}],
        "capPerRecipient": usd(5_000_000),
        "eligibleRecipientKinds": ["EMPLOYER", "TRAINING_PROVIDER"],
        "eligiblePurposes": ["TRAINING_COSTS", "SUPPORT_SERVICES"],
    }
    values.update(overrides)
    return values


def contribution_variables(funds: FundsWorld, **overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "idempotencyKey": key(),
        "initiativeId": global_id("Initiative", funds.initiative),
        "organizationId": global_id("Organization", funds.world.organizations["employer"]),
        "poolId": global_id("FundPool", funds.pool),
        "kind": "CASH",
        "purpose": "TRAINING_COSTS",
        "amount": usd(100_000),
        "contributedOn": CONTRIBUTED_ON.isoformat(),
    }
    values.update(overrides)
    return values


async def record_and_verify(
    gql: GraphQLClient, funds: FundsWorld, amount_minor: int = 100_000
) -> dict[str, Any]:
    recorded = ok(
        await gql(
            RECORD,
            {"input": contribution_variables(funds, amount=usd(amount_minor))},
            token=funds.token("org_admin"),
        ),
        "recordContribution",
        "contribution",
    )
    return ok(
        await gql(
            VERIFY,
            {"input": {"idempotencyKey": key(), "contributionId": recorded["id"]}},
            token=funds.token("admin"),
        ),
        "verifyContribution",
        "contribution",
    )


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


# -- node lookups --------------------------------------------------------------------------


async def test_node_finds_every_funds_type(gql: GraphQLClient, funds: FundsWorld) -> None:
    verified = await record_and_verify(gql, funds)
    scheduled = ok(
        await gql(
            SCHEDULE,
            {
                "input": {
                    "idempotencyKey": key(),
                    "contributionId": verified["id"],
                    "payeeOrganizationId": verified["organization"]["id"],
                    "amount": usd(1_000),
                    "scheduledOn": "2025-06-30",
                }
            },
            token=funds.token("admin"),
        ),
        "scheduleDisbursement",
        "disbursement",
    )
    pool = (
        await gql(
            """query($id: ID!) { fundPool(id: $id) { commitments { id }
                 ledgerEntries { edges { node { id transaction { id } } } } } }""",
            {"id": global_id("FundPool", funds.pool)},
            token=funds.token("analyst"),
        )
    )["data"]["fundPool"]
    entry = pool["ledgerEntries"]["edges"][0]["node"]
    ids = {
        "FundPool": global_id("FundPool", funds.pool),
        "FundCommitment": pool["commitments"][0]["id"],
        "Initiative": global_id("Initiative", funds.initiative),
        "Contribution": verified["id"],
        "Disbursement": scheduled["id"],
        "LedgerTransaction": entry["transaction"]["id"],
        "LedgerEntry": entry["id"],
    }
    body = await gql(
        "query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }",
        {"ids": list(ids.values())},
        token=funds.token("analyst"),
    )
    assert "errors" not in body, body
    assert body["data"]["nodes"] == [
        {"__typename": type_name, "id": object_id} for type_name, object_id in ids.items()
    ]
    single = await gql(
        """query($id: ID!) { node(id: $id) { ... on Contribution { matched { formatted } } } }""",
        {"id": verified["id"]},
        token=funds.token("funds_reader"),
    )
    assert single["data"]["node"] == {"matched": {"formatted": "$2,000.00"}}


# -- pages ---------------------------------------------------------------------------------


async def test_ledger_entries_page_oldest_first_without_gaps_or_repeats(
    gql: GraphQLClient, funds: FundsWorld
) -> None:
    for amount in (10_000, 20_000, 30_000):
        await record_and_verify(gql, funds, amount)
    query = """query($id: ID!, $after: String) { fundPool(id: $id) {
        ledgerEntries(first: 3, after: $after) {
          totalCount pageInfo { hasNextPage endCursor }
          edges { cursor node { id sequence } } } } }"""
    seen: list[int] = []
    after = None
    pages = 0
    while True:
        body = await gql(
            query,
            {"id": global_id("FundPool", funds.pool), "after": after},
            token=funds.token("funds_reader"),
        )
        assert "errors" not in body, body
        connection = body["data"]["fundPool"]["ledgerEntries"]
        assert connection["totalCount"] == 8  # a commitment and three matches
        seen += [int(edge["node"]["sequence"]) for edge in connection["edges"]]
        pages += 1
        if not connection["pageInfo"]["hasNextPage"]:
            break
        after = connection["pageInfo"]["endCursor"]
    assert pages == 3
    assert len(seen) == 8 and seen == sorted(set(seen))

    bad = await gql(
        """query($id: ID!) { fundPool(id: $id) { ledgerEntries(after: "nonsense") {
             totalCount } } }""",
        {"id": global_id("FundPool", funds.pool)},
        token=funds.token("funds_reader"),
    )
    assert error_codes(bad) == ["BAD_USER_INPUT"]


async def test_contributions_are_filtered_and_paged(gql: GraphQLClient, funds: FundsWorld) -> None:
    await record_and_verify(gql, funds)
    ok(
        await gql(
            RECORD,
            {
                "input": contribution_variables(
                    funds,
                    organizationId=global_id(
                        "Organization", funds.world.organizations["other_employer"]
                    ),
                )
            },
            token=funds.token("other_org_admin"),
        ),
        "recordContribution",
        "contribution",
    )
    query = """query($filter: ContributionFilter) {
        contributions(first: 1, filter: $filter) {
          totalCount pageInfo { hasNextPage } edges { node { status organization { id } } } } }"""
    everything = (await gql(query, {"filter": None}, token=funds.token("analyst")))["data"]
    assert everything["contributions"]["totalCount"] == 2
    assert everything["contributions"]["pageInfo"]["hasNextPage"] is True
    recorded = (await gql(query, {"filter": {"status": "RECORDED"}}, token=funds.token("analyst")))[
        "data"
    ]["contributions"]
    assert recorded["totalCount"] == 1
    assert recorded["edges"][0]["node"]["organization"]["id"] == global_id(
        "Organization", funds.world.organizations["other_employer"]
    )
    employer = global_id("Organization", funds.world.organizations["employer"])
    mine = (
        await gql(
            query,
            {
                "filter": {
                    "organizationId": employer,
                    "poolId": global_id("FundPool", funds.pool),
                    "initiativeId": global_id("Initiative", funds.initiative),
                }
            },
            token=funds.token("analyst"),
        )
    )["data"]["contributions"]
    assert (mine["totalCount"], mine["edges"][0]["node"]["status"]) == (1, "VERIFIED")
    wrong = await gql(query, {"filter": {"poolId": employer}}, token=funds.token("analyst"))
    assert error_codes(wrong) == ["BAD_USER_INPUT"]


# -- batching ------------------------------------------------------------------------------


async def test_nested_contributions_cost_the_same_statements_for_5_and_50(
    gql: GraphQLClient,
    funds: FundsWorld,
    owner_sessions: SessionFactory,
    count_statements: StatementCounter,
) -> None:
    query = """query($id: ID!) { fundPool(id: $id) { contributions(first: 100) {
        edges { node { id amount { formatted } organization { id name } initiative { id name }
                       pool { id } disbursements { id amount { amountMinor } payee { id } }
        } } } } }"""

    async def add(count: int) -> None:
        admin = funds.principal("admin")
        async with tenant_transaction(owner_sessions, funds.tenant_id) as session:
            for index in range(count):
                organization = ("employer", "other_employer")[index % 2]
                contribution = await record_contribution(
                    session,
                    admin,
                    contribution_input(
                        funds,
                        organization_id=funds.world.organizations[organization],
                        amount_minor=1_000 + index,
                    ),
                    idempotency_key=key(),
                )
                if index % 3 == 0:
                    await verify_contribution(
                        session, admin, contribution.id, idempotency_key=key()
                    )

    async def run() -> tuple[int, int]:
        count_statements.statements.clear()
        body = await gql(
            query, {"id": global_id("FundPool", funds.pool)}, token=funds.token("admin")
        )
        assert "errors" not in body, body
        return count_statements.count, len(body["data"]["fundPool"]["contributions"]["edges"])

    await add(5)
    small, seen = await run()
    assert seen == 5
    await add(45)
    large, seen = await run()
    assert seen == 50
    assert large == small


# -- reports -------------------------------------------------------------------------------


async def test_reports_breakdowns_and_funding(gql: GraphQLClient, funds: FundsWorld) -> None:
    await record_and_verify(gql, funds, 100_000)
    pool_id = global_id("FundPool", funds.pool)
    body = await gql(
        """query($id: ID!, $initiative: ID!) {
          fundPool(id: $id) { reportCsv breakdown(by: RECIPIENT) { key label
             contributed { amountMinor } matched { amountMinor } disbursed { amountMinor }
             paid { amountMinor } } }
          fundReportCsv(poolId: $id)
          initiative(id: $initiative) { name participants { id } contributions { totalCount }
             funding { pool { id } contributed { amountMinor } matched { amountMinor }
                       disbursed { amountMinor } paid { amountMinor } } }
        }""",
        {"id": pool_id, "initiative": global_id("Initiative", funds.initiative)},
        token=funds.token("funds_reader"),
    )
    assert "errors" not in body, body
    data = body["data"]
    assert data["fundReportCsv"] == data["fundPool"]["reportCsv"]
    assert data["fundReportCsv"].count("\n") >= 4
    rows = data["fundPool"]["breakdown"]
    assert [(row["contributed"]["amountMinor"], row["matched"]["amountMinor"]) for row in rows] == [
        ("100000", "200000")
    ]
    # An object's breakdown key is its global ID, usable with node().
    assert rows[0]["key"] == global_id("Organization", funds.world.organizations["employer"])
    initiative = data["initiative"]
    assert initiative["contributions"]["totalCount"] == 1
    assert len(initiative["participants"]) == 3
    assert initiative["funding"] == [
        {
            "pool": {"id": pool_id},
            "contributed": {"amountMinor": "100000"},
            "matched": {"amountMinor": "200000"},
            "disbursed": {"amountMinor": "0"},
            "paid": {"amountMinor": "0"},
        }
    ]
    missing = await gql(
        "query($id: ID!) { fundReportCsv(poolId: $id) }",
        {"id": global_id("FundPool", uuid.uuid4())},
        token=funds.token("funds_reader"),
    )
    assert missing["data"] == {"fundReportCsv": None}


async def test_investment_recognition_leaves_out_employers_who_opted_out(
    gql: GraphQLClient, funds: FundsWorld
) -> None:
    await record_and_verify(gql, funds, 400_000)
    employer = global_id("Organization", funds.world.organizations["employer"])
    query = """{ investmentRecognition(first: 10) {
        rank employeeCount organization { id recognitionOptOut }
        contributed { amountMinor } perEmployee { amountMinor formatted } } }"""
    ranked = (await gql(query, token=funds.token("funds_reader")))["data"]["investmentRecognition"]
    assert ranked == [
        {
            "rank": 1,
            "employeeCount": 40,
            "organization": {"id": employer, "recognitionOptOut": False},
            "contributed": {"amountMinor": "400000"},
            "perEmployee": {"amountMinor": "10000", "formatted": "$100.00"},
        }
    ]
    updated = await gql(
        """mutation($input: UpdateOrganizationInput!) { updateOrganization(input: $input) {
             organization { id recognitionOptOut } userErrors { field code } } }""",
        {"input": {"id": employer, "recognitionOptOut": True}},
        token=funds.token("org_admin"),
    )
    assert updated["data"]["updateOrganization"] == {
        "organization": {"id": employer, "recognitionOptOut": True},
        "userErrors": [],
    }
    ranked = (await gql(query, token=funds.token("funds_reader")))["data"]["investmentRecognition"]
    assert ranked == []
    # Omitting it leaves it as it is.
    kept = await gql(
        """mutation($input: UpdateOrganizationInput!) { updateOrganization(input: $input) {
             organization { recognitionOptOut } userErrors { code } } }""",
        {"input": {"id": employer, "city": "Dayton"}},
        token=funds.token("org_admin"),
    )
    assert kept["data"]["updateOrganization"]["organization"] == {"recognitionOptOut": True}


async def test_money_is_formatted_in_its_currency(gql: GraphQLClient, funds: FundsWorld) -> None:
    pool = ok(
        await gql(
            CREATE_POOL,
            {
                "input": pool_variables(
                    funds,
                    currency="JPY",
                    capPerRecipient={"amountMinor": "1234567", "currency": "JPY"},
                )
            },
            token=funds.token("admin"),
        ),
        "createFundPool",
        "fundPool",
    )
    assert pool["capPerRecipient"] == {
        "amountMinor": "1234567",
        "currency": "JPY",
        "formatted": "¥1,234,567",
    }
    assert date.fromisoformat("2025-03-14") == CONTRIBUTED_ON


# -- the query log ---------------------------------------------------------------------------

EVERYTHING = """query($pool: ID!, $initiative: ID!) {
  fundPools(first: 2) { edges { node { id funder { name } matchTiers { ratio }
      commitments { amount { formatted } funder { name } pool { name } }
      summary { matched { amountMinor } leverage }
      breakdown(by: MONTH) { key matched { amountMinor } }
      contributions(first: 5, status: VERIFIED) { totalCount edges { node {
        organization { name } initiative { name } pool { name }
        disbursements { amount { amountMinor } payee { name } contribution { id } pool { id } }
      } } }
      disbursements(first: 5) { totalCount edges { node { id } } }
      ledgerEntries(first: 10) { edges { node { sequence organization { name }
        transaction { kind pool { name } reverses { id } entries { account } } } } }
      reportCsv } } }
  initiatives(first: 2) { edges { node { participants { name } contributions { totalCount }
      funding { pool { name } matched { amountMinor } } } } }
  contributions(first: 1, filter: {poolId: $pool}) { totalCount }
  investmentRecognition(first: 5) { rank organization { name } }
  fundReportCsv(poolId: $pool)
  fundPool(id: $pool) { id }
  initiative(id: $initiative) { id }
  node(id: $pool) { id }
}"""


async def test_every_funds_statement_filters_by_tenant(
    gql: GraphQLClient, funds: FundsWorld, count_statements: StatementCounter
) -> None:
    count_statements.statements.clear()
    verified = await record_and_verify(gql, funds)
    scheduled = ok(
        await gql(
            SCHEDULE,
            {
                "input": {
                    "idempotencyKey": key(),
                    "contributionId": verified["id"],
                    "payeeOrganizationId": verified["organization"]["id"],
                    "amount": usd(1_000),
                    "scheduledOn": "2025-06-30",
                    "requirement": "Report",
                }
            },
            token=funds.token("admin"),
        ),
        "scheduleDisbursement",
        "disbursement",
    )
    for query, variables in (
        (APPROVE, {"idempotencyKey": key(), "disbursementId": scheduled["id"]}),
        (REQUIREMENT_MET, {"disbursementId": scheduled["id"]}),
        (PAY, {"idempotencyKey": key(), "disbursementId": scheduled["id"]}),
    ):
        assert "errors" not in await gql(query, {"input": variables}, token=funds.token("admin"))
    body = await gql(
        EVERYTHING,
        {
            "pool": global_id("FundPool", funds.pool),
            "initiative": global_id("Initiative", funds.initiative),
        },
        token=funds.token("admin"),
    )
    assert "errors" not in body, body
    assert len(count_statements.statements) > 20
    assert without_tenant_filter(count_statements.statements) == []
