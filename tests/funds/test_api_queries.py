"""Funds queries over HTTP: node lookups, pages, batching, reports and the query log."""

from __future__ import annotations

import uuid
from datetime import date

from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from coalition.funds.service.contributions import record_contribution
from coalition.funds.service.verifications import verify_contribution
from tests.funds.support.documents import (
    APPROVE,
    CREATE_POOL,
    PAY,
    RECORD,
    REQUIREMENT_MET,
    SCHEDULE,
    contribution_variables,
    ok,
    pool_variables,
    record_and_verify,
    usd,
)
from tests.funds.support.world import CONTRIBUTED_ON, FundsWorld, contribution_input, key
from tests.support.graphql import GraphQLClient, error_codes
from tests.support.statements import StatementCounter, without_tenant_filter
from tests.support.world import global_id

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
