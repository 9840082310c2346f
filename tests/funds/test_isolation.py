"""With a token of partnership A, partnership B's funds IDs behave as if they did not exist.

Every funds query that takes an ID answers for B's ID exactly as for a random one (the same
body once the ID is masked): null or an empty list. Nothing is written in either
partnership, A's lists never show B's pools, initiatives or contributions, and
idempotency keys are kept per partnership. Mutations are in test_isolation_mutations.py.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from coalition.funds.service.contributions import record_contribution
from tests.funds.support.documents import usd
from tests.funds.support.isolation import Objects, masked
from tests.funds.support.steps import snapshot
from tests.funds.support.world import CONTRIBUTED_ON, FundsWorld, contribution_input, key
from tests.support.graphql import GraphQLClient
from tests.support.world import global_id

# -- queries --------------------------------------------------------------------------------

QUERIES: dict[str, tuple[str, str, tuple[str, str], Any]] = {
    "fundPool": (
        "query($id: ID!) { fundPool(id: $id) { id name summary { matched { amountMinor } } } }",
        "fundPool",
        ("FundPool", "pool"),
        None,
    ),
    "initiative": (
        "query($id: ID!) { initiative(id: $id) { id name } }",
        "initiative",
        ("Initiative", "initiative"),
        None,
    ),
    "contribution": (
        "query($id: ID!) { contribution(id: $id) { id amount { amountMinor } } }",
        "contribution",
        ("Contribution", "matched"),
        None,
    ),
    "fundReportCsv": (
        "query($id: ID!) { fundReportCsv(poolId: $id) }",
        "fundReportCsv",
        ("FundPool", "pool"),
        None,
    ),
    "contributions(poolId)": (
        """query($id: ID!) { contributions(first: 50, filter: {poolId: $id}) {
            edges { node { id } } } }""",
        "contributions",
        ("FundPool", "pool"),
        {"edges": []},
    ),
    "contributions(initiativeId)": (
        """query($id: ID!) { contributions(first: 50, filter: {initiativeId: $id}) {
            edges { node { id } } } }""",
        "contributions",
        ("Initiative", "initiative"),
        {"edges": []},
    ),
    "contributions(organizationId)": (
        """query($id: ID!) { contributions(first: 50, filter: {organizationId: $id}) {
            edges { node { id } } } }""",
        "contributions",
        ("Organization", "organization"),
        {"edges": []},
    ),
}


@pytest.mark.parametrize("actor", ["admin", "funds_reader"])
@pytest.mark.parametrize("query_name", list(QUERIES))
async def test_a_query_given_a_foreign_id_answers_like_for_a_random_one(
    gql: GraphQLClient,
    own: Objects,
    foreign: Objects,
    owner_sessions: SessionFactory,
    query_name: str,
    actor: str,
) -> None:
    # given
    document, field, (type_name, name), expected = QUERIES[query_name]
    foreign_id = global_id(type_name, foreign.ids[name])
    random_id = global_id(type_name, uuid.uuid4())
    before = await snapshot(owner_sessions, foreign.fw.tenant_id)
    token = own.fw.token(actor)

    # when
    foreign_body = await gql(document, {"id": foreign_id}, token=token)
    random_body = await gql(document, {"id": random_id}, token=token)

    # then
    assert foreign_body == {"data": {field: expected}}
    assert masked(foreign_body, foreign_id) == masked(random_body, random_id)
    assert await snapshot(owner_sessions, foreign.fw.tenant_id) == before


NODE_TARGETS: dict[str, str] = {
    "FundPool": "pool",
    "FundCommitment": "commitment",
    "Initiative": "initiative",
    "Contribution": "matched",
    "Disbursement": "approved",
    "LedgerTransaction": "match",
    "LedgerEntry": "entry",
}
NODE = "query($id: ID!) { node(id: $id) { id __typename } }"
NODES = "query($ids: [ID!]!) { nodes(ids: $ids) { id __typename } }"


@pytest.mark.parametrize("actor", ["admin", "funds_reader"])
@pytest.mark.parametrize("type_name", list(NODE_TARGETS))
async def test_node_with_a_foreign_funds_id_is_null_like_a_random_one(
    gql: GraphQLClient, own: Objects, foreign: Objects, type_name: str, actor: str
) -> None:
    # given
    foreign_id = global_id(type_name, foreign.ids[NODE_TARGETS[type_name]])
    random_id = global_id(type_name, uuid.uuid4())
    own_id = global_id(type_name, own.ids[NODE_TARGETS[type_name]])
    token = own.fw.token(actor)

    # when
    foreign_body = await gql(NODE, {"id": foreign_id}, token=token)
    random_body = await gql(NODE, {"id": random_id}, token=token)
    own_body = await gql(NODE, {"id": own_id}, token=token)

    # then: null for B's object, while A's own object of the same type is found
    assert foreign_body == {"data": {"node": None}}
    assert masked(foreign_body, foreign_id) == masked(random_body, random_id)
    assert own_body == {"data": {"node": {"id": own_id, "__typename": type_name}}}


async def test_nodes_with_foreign_funds_ids_are_null_like_random_ones(
    gql: GraphQLClient, own: Objects, foreign: Objects
) -> None:
    # given
    foreign_ids = [global_id(t, foreign.ids[n]) for t, n in NODE_TARGETS.items()]
    random_ids = [global_id(t, uuid.uuid4()) for t in NODE_TARGETS]
    own_ids = [global_id(t, own.ids[n]) for t, n in NODE_TARGETS.items()]
    token = own.fw.token("admin")

    # when
    foreign_body = await gql(NODES, {"ids": [*foreign_ids, *own_ids]}, token=token)
    random_body = await gql(NODES, {"ids": [*random_ids, *own_ids]}, token=token)

    # then
    assert foreign_body == {
        "data": {
            "nodes": [None] * len(NODE_TARGETS)
            + [{"id": i, "__typename": t} for i, t in zip(own_ids, NODE_TARGETS, strict=True)]
        }
    }
    assert masked(foreign_body, *foreign_ids) == masked(random_body, *random_ids)


# -- lists ----------------------------------------------------------------------------------

# Pages big enough for everything A has (1 pool, 9 ledger entries, 2 contributions).
LISTS = """{
    fundPools(first: 10) { edges { node { id name funder { id }
        contributions(first: 10) { edges { node { id } } }
        ledgerEntries(first: 20) { edges { node { id organization { id } } } } } } }
    initiatives(first: 10) { edges { node { id name participants { id }
        contributions(first: 10) { edges { node { id } } } } } }
    contributions(first: 20) { edges { node { id organization { id } } } }
    investmentRecognition(first: 20) { organization { id name } rank }
}"""


def _foreign_strings(foreign: Objects) -> list[str]:
    """Every ID and name of B that could leak into A's lists."""
    types = {
        "pool": "FundPool",
        "initiative": "Initiative",
        "organization": "Organization",
        "funder": "Organization",
        "recorded": "Contribution",
        "matched": "Contribution",
        "scheduled": "Disbursement",
        "approved": "Disbursement",
        "match": "LedgerTransaction",
        "commitment_transaction": "LedgerTransaction",
        "commitment": "FundCommitment",
        "entry": "LedgerEntry",
    }
    strings = [foreign.fw.world.slug]
    for name, object_id in foreign.ids.items():
        strings += [str(object_id), global_id(types[name], object_id)]
    for name, object_id in foreign.fw.world.organizations.items():
        strings += [str(object_id), global_id("Organization", object_id), f"beta {name}"]
    return strings


@pytest.mark.parametrize("actor", ["admin", "funds_reader"])
async def test_lists_never_include_the_other_partnerships_funds(
    gql: GraphQLClient, own: Objects, foreign: Objects, actor: str
) -> None:
    # when
    body = await gql(LISTS, token=own.fw.token(actor))

    # then: A's own rows, and nothing of B
    assert "errors" not in body, body
    data = body["data"]
    assert [edge["node"]["id"] for edge in data["fundPools"]["edges"]] == [
        global_id("FundPool", own.ids["pool"])
    ]
    assert [edge["node"]["id"] for edge in data["initiatives"]["edges"]] == [
        global_id("Initiative", own.ids["initiative"])
    ]
    assert sorted(edge["node"]["id"] for edge in data["contributions"]["edges"]) == sorted(
        [
            global_id("Contribution", own.ids["recorded"]),
            global_id("Contribution", own.ids["matched"]),
        ]
    )
    [pool] = [edge["node"] for edge in data["fundPools"]["edges"]]
    assert len(pool["ledgerEntries"]["edges"]) == 6
    assert [edge["node"]["id"] for edge in pool["contributions"]["edges"]] == [
        global_id("Contribution", own.ids["matched"]),
        global_id("Contribution", own.ids["recorded"]),
    ]
    assert [row["organization"]["id"] for row in data["investmentRecognition"]] == [
        global_id("Organization", own.ids["organization"])
    ]
    text = json.dumps(body)
    assert [value for value in _foreign_strings(foreign) if value in text] == []


async def test_idempotency_keys_are_kept_per_partnership(
    gql: GraphQLClient, funds: FundsWorld, other_funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    # given: B used a key for its own contribution
    shared = key()
    async with tenant_transaction(owner_sessions, other_funds.tenant_id) as session:
        theirs = await record_contribution(
            session,
            other_funds.principal("org_admin"),
            contribution_input(other_funds, amount_minor=7_777),
            idempotency_key=shared,
        )
    before = await snapshot(owner_sessions, other_funds.tenant_id)

    # when: A uses the same key for a different contribution
    body = await gql(
        """mutation($input: RecordContributionInput!) { recordContribution(input: $input) {
            contribution { id amount { amountMinor } } userErrors { field code } } }""",
        {
            "input": {
                "idempotencyKey": shared,
                "initiativeId": global_id("Initiative", funds.initiative),
                "organizationId": global_id("Organization", funds.world.organizations["employer"]),
                "poolId": global_id("FundPool", funds.pool),
                "kind": "CASH",
                "purpose": "TRAINING_COSTS",
                "amount": usd(1234),
                "contributedOn": CONTRIBUTED_ON.isoformat(),
            }
        },
        token=funds.token("org_admin"),
    )

    # then: a new contribution of A, neither a conflict nor B's contribution
    payload = body["data"]["recordContribution"]
    assert payload["userErrors"] == []
    assert payload["contribution"]["amount"] == {"amountMinor": "1234"}
    assert payload["contribution"]["id"] != global_id("Contribution", theirs.id)
    assert await snapshot(owner_sessions, other_funds.tenant_id) == before
