"""With a token of partnership A, partnership B's funds IDs behave as if they did not exist.

Every funds query and mutation that takes an ID answers for B's ID exactly as for a random
one (the same body once the ID is masked): NOT_FOUND or null. Nothing is written in either
partnership, and A's lists never show B's pools, initiatives or contributions.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select

from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from coalition.funds.models.ledger import LedgerEntry, LedgerTransactionKind
from coalition.funds.models.pools import FundCommitment
from coalition.funds.service.contributions import record_contribution
from tests.funds.support.steps import (
    approve,
    record,
    schedule,
    snapshot,
    transaction_of,
    verified,
)
from tests.funds.support.world import CONTRIBUTED_ON, FundsWorld, contribution_input, key
from tests.support.graphql import GraphQLClient
from tests.support.world import global_id

USER_ERRORS = "userErrors { field message code }"


@dataclass
class Objects:
    """One partnership's funds objects, by what they are."""

    fw: FundsWorld
    ids: dict[str, uuid.UUID]


async def make_objects(fw: FundsWorld, sessions: SessionFactory) -> Objects:
    """A recorded contribution, a verified one with a scheduled tranche (with a requirement)
    and an approved one, the pool's commitment and its ledger."""
    recorded = await record(sessions, fw)
    matched = await verified(sessions, fw)
    scheduled = await schedule(sessions, fw, matched, 50_000, "Outcome report")
    approved = await schedule(sessions, fw, matched, 50_000)
    await approve(sessions, fw, approved)
    match = await transaction_of(sessions, fw, LedgerTransactionKind.MATCH, contribution_id=matched)
    commitment_transaction = await transaction_of(
        sessions, fw, LedgerTransactionKind.COMMITMENT, pool_id=fw.pool
    )
    async with tenant_transaction(sessions, fw.tenant_id) as session:
        commitment = await session.scalar(
            select(FundCommitment.id).where(
                FundCommitment.tenant_id == fw.tenant_id, FundCommitment.pool_id == fw.pool
            )
        )
        entry = await session.scalar(
            select(LedgerEntry.id).where(
                LedgerEntry.tenant_id == fw.tenant_id, LedgerEntry.transaction_id == match
            )
        )
    assert commitment is not None and entry is not None
    return Objects(
        fw,
        {
            "pool": fw.pool,
            "initiative": fw.initiative,
            "organization": fw.world.organizations["employer"],
            "funder": fw.funder,
            "recorded": recorded,
            "matched": matched,
            "scheduled": scheduled,
            "approved": approved,
            "match": match,
            "commitment_transaction": commitment_transaction,
            "commitment": commitment,
            "entry": entry,
        },
    )


@pytest.fixture
async def own(funds: FundsWorld, owner_sessions: SessionFactory) -> Objects:
    return await make_objects(funds, owner_sessions)


@pytest.fixture
async def foreign(other_funds: FundsWorld, owner_sessions: SessionFactory) -> Objects:
    return await make_objects(other_funds, owner_sessions)


def _masked(body: dict[str, Any], *ids: str) -> str:
    text = json.dumps(body, sort_keys=True)
    for value in ids:
        text = text.replace(value, "<ID>")
    return text


def _gid(type_name: str, object_id: uuid.UUID) -> str:
    return global_id(type_name, object_id)


def _money(amount: str) -> dict[str, str]:
    return {"amountMinor": amount, "currency": "USD"}


# -- mutations ------------------------------------------------------------------------------


@dataclass(frozen=True)
class MutationCase:
    field: str
    input_type: str
    selection: str
    # The input, given A's objects and the ID under test.
    input: Callable[[Objects, str], dict[str, Any]]
    # Which of B's objects the ID names: (global ID type, key in Objects.ids).
    target: tuple[str, str]
    error_field: list[str]

    @property
    def document(self) -> str:
        return (
            f"mutation($input: {self.input_type}!) {{ {self.field}(input: $input) {{ "
            f"{self.selection} {USER_ERRORS} }} }}"
        )


def _contribution(o: Objects, **ids: str) -> dict[str, Any]:
    values = {
        "idempotencyKey": key(),
        "initiativeId": _gid("Initiative", o.ids["initiative"]),
        "organizationId": _gid("Organization", o.ids["organization"]),
        "poolId": _gid("FundPool", o.ids["pool"]),
        "kind": "CASH",
        "purpose": "TRAINING_COSTS",
        "amount": _money("1000"),
        "contributedOn": CONTRIBUTED_ON.isoformat(),
    }
    return values | ids


def _commitment(o: Objects, **ids: str) -> dict[str, Any]:
    values = {
        "idempotencyKey": key(),
        "poolId": _gid("FundPool", o.ids["pool"]),
        "funderOrganizationId": _gid("Organization", o.ids["funder"]),
        "source": "FEDERAL",
        "amount": _money("1000"),
        "committedOn": "2025-01-01",
    }
    return values | ids


def _tranche(o: Objects, **ids: str) -> dict[str, Any]:
    values = {
        "idempotencyKey": key(),
        "contributionId": _gid("Contribution", o.ids["matched"]),
        "payeeOrganizationId": _gid("Organization", o.ids["organization"]),
        "amount": _money("1000"),
        "scheduledOn": "2025-06-01",
    }
    return values | ids


def _pool(o: Objects, funder: str) -> dict[str, Any]:
    return {
        "idempotencyKey": key(),
        "funderOrganizationId": funder,
        "name": "Intruder pool",
        "currency": "USD",
        "startsOn": "2025-01-01",
        "endsOn": "2025-12-31",
        "matchTiers": [{"maxEmployees": None, "ratio": "1"}],
        "eligibleRecipientKinds": ["EMPLOYER"],
        "eligiblePurposes": ["TRAINING_COSTS"],
    }


MUTATIONS: dict[str, MutationCase] = {
    "createInitiative.participantIds": MutationCase(
        "createInitiative",
        "CreateInitiativeInput",
        "initiative { id }",
        lambda o, id_: {
            "name": "Intruder cohort",
            "startsOn": "2025-01-01",
            "participantIds": [id_],
        },
        ("Organization", "organization"),
        ["participantIds", "0"],
    ),
    "addInitiativeParticipant.initiativeId": MutationCase(
        "addInitiativeParticipant",
        "AddInitiativeParticipantInput",
        "initiative { id }",
        lambda o, id_: {
            "initiativeId": id_,
            "organizationId": _gid("Organization", o.fw.world.organizations["college"]),
        },
        ("Initiative", "initiative"),
        ["initiativeId"],
    ),
    "addInitiativeParticipant.organizationId": MutationCase(
        "addInitiativeParticipant",
        "AddInitiativeParticipantInput",
        "initiative { id }",
        lambda o, id_: {
            "initiativeId": _gid("Initiative", o.ids["initiative"]),
            "organizationId": id_,
        },
        ("Organization", "organization"),
        ["organizationId"],
    ),
    "createFundPool.funderOrganizationId": MutationCase(
        "createFundPool",
        "CreateFundPoolInput",
        "fundPool { id }",
        _pool,
        ("Organization", "funder"),
        ["funderOrganizationId"],
    ),
    "setFundPoolStatus.poolId": MutationCase(
        "setFundPoolStatus",
        "SetFundPoolStatusInput",
        "fundPool { id status }",
        lambda o, id_: {"poolId": id_, "status": "CLOSED"},
        ("FundPool", "pool"),
        ["poolId"],
    ),
    "addFundCommitment.poolId": MutationCase(
        "addFundCommitment",
        "AddFundCommitmentInput",
        "commitment { id }",
        lambda o, id_: _commitment(o, poolId=id_),
        ("FundPool", "pool"),
        ["poolId"],
    ),
    "addFundCommitment.funderOrganizationId": MutationCase(
        "addFundCommitment",
        "AddFundCommitmentInput",
        "commitment { id }",
        lambda o, id_: _commitment(o, funderOrganizationId=id_),
        ("Organization", "funder"),
        ["funderOrganizationId"],
    ),
    "recordContribution.initiativeId": MutationCase(
        "recordContribution",
        "RecordContributionInput",
        "contribution { id }",
        lambda o, id_: _contribution(o, initiativeId=id_),
        ("Initiative", "initiative"),
        ["initiativeId"],
    ),
    "recordContribution.organizationId": MutationCase(
        "recordContribution",
        "RecordContributionInput",
        "contribution { id }",
        lambda o, id_: _contribution(o, organizationId=id_),
        ("Organization", "organization"),
        ["organizationId"],
    ),
    "recordContribution.poolId": MutationCase(
        "recordContribution",
        "RecordContributionInput",
        "contribution { id }",
        lambda o, id_: _contribution(o, poolId=id_),
        ("FundPool", "pool"),
        ["poolId"],
    ),
    "verifyContribution.contributionId": MutationCase(
        "verifyContribution",
        "VerifyContributionInput",
        "contribution { id status }",
        lambda o, id_: {"idempotencyKey": key(), "contributionId": id_},
        ("Contribution", "recorded"),
        ["contributionId"],
    ),
    "reverseContribution.contributionId": MutationCase(
        "reverseContribution",
        "ReverseContributionInput",
        "contribution { id status }",
        lambda o, id_: {"idempotencyKey": key(), "contributionId": id_, "reason": "Intrusion."},
        ("Contribution", "recorded"),
        ["contributionId"],
    ),
    "scheduleDisbursement.contributionId": MutationCase(
        "scheduleDisbursement",
        "ScheduleDisbursementInput",
        "disbursement { id }",
        lambda o, id_: _tranche(o, contributionId=id_),
        ("Contribution", "matched"),
        ["contributionId"],
    ),
    "scheduleDisbursement.payeeOrganizationId": MutationCase(
        "scheduleDisbursement",
        "ScheduleDisbursementInput",
        "disbursement { id }",
        lambda o, id_: _tranche(o, payeeOrganizationId=id_),
        ("Organization", "organization"),
        ["payeeOrganizationId"],
    ),
    "approveDisbursement.disbursementId": MutationCase(
        "approveDisbursement",
        "ApproveDisbursementInput",
        "disbursement { id status }",
        lambda o, id_: {"idempotencyKey": key(), "disbursementId": id_},
        ("Disbursement", "scheduled"),
        ["disbursementId"],
    ),
    "markDisbursementRequirementMet.disbursementId": MutationCase(
        "markDisbursementRequirementMet",
        "MarkDisbursementRequirementMetInput",
        "disbursement { id requirementMetAt }",
        lambda o, id_: {"disbursementId": id_},
        ("Disbursement", "scheduled"),
        ["disbursementId"],
    ),
    "payDisbursement.disbursementId": MutationCase(
        "payDisbursement",
        "PayDisbursementInput",
        "disbursement { id status }",
        lambda o, id_: {"idempotencyKey": key(), "disbursementId": id_},
        ("Disbursement", "approved"),
        ["disbursementId"],
    ),
    "cancelDisbursement.disbursementId": MutationCase(
        "cancelDisbursement",
        "CancelDisbursementInput",
        "disbursement { id status }",
        lambda o, id_: {"idempotencyKey": key(), "disbursementId": id_, "reason": "Intrusion."},
        ("Disbursement", "approved"),
        ["disbursementId"],
    ),
    "reverseLedgerTransaction.transactionId(match)": MutationCase(
        "reverseLedgerTransaction",
        "ReverseLedgerTransactionInput",
        "reversal { id }",
        lambda o, id_: {"idempotencyKey": key(), "transactionId": id_, "reason": "Intrusion."},
        ("LedgerTransaction", "match"),
        ["transactionId"],
    ),
    "reverseLedgerTransaction.transactionId(commitment)": MutationCase(
        "reverseLedgerTransaction",
        "ReverseLedgerTransactionInput",
        "reversal { id }",
        lambda o, id_: {"idempotencyKey": key(), "transactionId": id_, "reason": "Intrusion."},
        ("LedgerTransaction", "commitment_transaction"),
        ["transactionId"],
    ),
}


@pytest.mark.parametrize("actor", ["admin", "funder_admin"])
@pytest.mark.parametrize("case_name", list(MUTATIONS))
async def test_a_mutation_given_a_foreign_id_fails_like_a_random_one(
    gql: GraphQLClient,
    own: Objects,
    foreign: Objects,
    owner_sessions: SessionFactory,
    case_name: str,
    actor: str,
) -> None:
    # given
    case = MUTATIONS[case_name]
    type_name, name = case.target
    foreign_id = _gid(type_name, foreign.ids[name])
    random_id = _gid(type_name, uuid.uuid4())
    before_own = await snapshot(owner_sessions, own.fw.tenant_id)
    before_foreign = await snapshot(owner_sessions, foreign.fw.tenant_id)
    token = own.fw.token(actor)

    # when
    foreign_body = await gql(case.document, {"input": case.input(own, foreign_id)}, token=token)
    random_body = await gql(case.document, {"input": case.input(own, random_id)}, token=token)

    # then: the same answer, and nothing written on either side
    assert _masked(foreign_body, foreign_id) == _masked(random_body, random_id)
    if "errors" not in foreign_body:
        payload = foreign_body["data"][case.field]
        assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
            (case.error_field, "NOT_FOUND")
        ]
    else:
        # Refused before the lookup (the funder admin is no partnership admin).
        assert actor == "funder_admin", foreign_body
        assert [e["extensions"]["code"] for e in foreign_body["errors"]] == ["FORBIDDEN"]
    assert await snapshot(owner_sessions, foreign.fw.tenant_id) == before_foreign
    after_own = await snapshot(owner_sessions, own.fw.tenant_id)
    if "errors" in foreign_body:
        after_own = {**after_own, "audit_events": before_own["audit_events"]}
    assert after_own == before_own


def test_every_funds_mutation_with_an_id_is_tried() -> None:
    from coalition.funds.schema import Mutation

    definition = Mutation.__strawberry_definition__  # type: ignore[attr-defined]
    names = {field.python_name for field in definition.fields}
    camel = {name.split("_")[0] + "".join(p.title() for p in name.split("_")[1:]) for name in names}

    assert camel == {case.field for case in MUTATIONS.values()}


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
    foreign_id = _gid(type_name, foreign.ids[name])
    random_id = _gid(type_name, uuid.uuid4())
    before = await snapshot(owner_sessions, foreign.fw.tenant_id)
    token = own.fw.token(actor)

    # when
    foreign_body = await gql(document, {"id": foreign_id}, token=token)
    random_body = await gql(document, {"id": random_id}, token=token)

    # then
    assert foreign_body == {"data": {field: expected}}
    assert _masked(foreign_body, foreign_id) == _masked(random_body, random_id)
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
    foreign_id = _gid(type_name, foreign.ids[NODE_TARGETS[type_name]])
    random_id = _gid(type_name, uuid.uuid4())
    own_id = _gid(type_name, own.ids[NODE_TARGETS[type_name]])
    token = own.fw.token(actor)

    # when
    foreign_body = await gql(NODE, {"id": foreign_id}, token=token)
    random_body = await gql(NODE, {"id": random_id}, token=token)
    own_body = await gql(NODE, {"id": own_id}, token=token)

    # then: null for B's object, while A's own object of the same type is found
    assert foreign_body == {"data": {"node": None}}
    assert _masked(foreign_body, foreign_id) == _masked(random_body, random_id)
    assert own_body == {"data": {"node": {"id": own_id, "__typename": type_name}}}


async def test_nodes_with_foreign_funds_ids_are_null_like_random_ones(
    gql: GraphQLClient, own: Objects, foreign: Objects
) -> None:
    # given
    foreign_ids = [_gid(t, foreign.ids[n]) for t, n in NODE_TARGETS.items()]
    random_ids = [_gid(t, uuid.uuid4()) for t in NODE_TARGETS]
    own_ids = [_gid(t, own.ids[n]) for t, n in NODE_TARGETS.items()]
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
    assert _masked(foreign_body, *foreign_ids) == _masked(random_body, *random_ids)


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
        strings += [str(object_id), _gid(types[name], object_id)]
    for name, object_id in foreign.fw.world.organizations.items():
        strings += [str(object_id), _gid("Organization", object_id), f"beta {name}"]
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
        _gid("FundPool", own.ids["pool"])
    ]
    assert [edge["node"]["id"] for edge in data["initiatives"]["edges"]] == [
        _gid("Initiative", own.ids["initiative"])
    ]
    assert sorted(edge["node"]["id"] for edge in data["contributions"]["edges"]) == sorted(
        [_gid("Contribution", own.ids["recorded"]), _gid("Contribution", own.ids["matched"])]
    )
    [pool] = [edge["node"] for edge in data["fundPools"]["edges"]]
    assert len(pool["ledgerEntries"]["edges"]) == 6
    assert [edge["node"]["id"] for edge in pool["contributions"]["edges"]] == [
        _gid("Contribution", own.ids["matched"]),
        _gid("Contribution", own.ids["recorded"]),
    ]
    assert [row["organization"]["id"] for row in data["investmentRecognition"]] == [
        _gid("Organization", own.ids["organization"])
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
                "initiativeId": _gid("Initiative", funds.initiative),
                "organizationId": _gid("Organization", funds.world.organizations["employer"]),
                "poolId": _gid("FundPool", funds.pool),
                "kind": "CASH",
                "purpose": "TRAINING_COSTS",
                "amount": _money("1234"),
                "contributedOn": CONTRIBUTED_ON.isoformat(),
            }
        },
        token=funds.token("org_admin"),
    )

    # then: a new contribution of A, neither a conflict nor B's contribution
    payload = body["data"]["recordContribution"]
    assert payload["userErrors"] == []
    assert payload["contribution"]["amount"] == {"amountMinor": "1234"}
    assert payload["contribution"]["id"] != _gid("Contribution", theirs.id)
    assert await snapshot(owner_sessions, other_funds.tenant_id) == before
