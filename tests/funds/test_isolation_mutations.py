"""With a token of partnership A, every funds mutation given partnership B's ID fails as
for a random one (the same body once the ID is masked): NOT_FOUND, or FORBIDDEN before the
lookup. Nothing is written in either partnership. Queries and lists are in
test_isolation.py.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from coalition.db.engine import SessionFactory
from tests.funds.support.documents import usd
from tests.funds.support.isolation import Objects, masked
from tests.funds.support.steps import snapshot
from tests.funds.support.world import CONTRIBUTED_ON, key
from tests.support.graphql import GraphQLClient
from tests.support.world import global_id

USER_ERRORS = "userErrors { field message code }"


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
        "initiativeId": global_id("Initiative", o.ids["initiative"]),
        "organizationId": global_id("Organization", o.ids["organization"]),
        "poolId": global_id("FundPool", o.ids["pool"]),
        "kind": "CASH",
        "purpose": "TRAINING_COSTS",
        "amount": usd(1000),
        "contributedOn": CONTRIBUTED_ON.isoformat(),
    }
    return values | ids


def _commitment(o: Objects, **ids: str) -> dict[str, Any]:
    values = {
        "idempotencyKey": key(),
        "poolId": global_id("FundPool", o.ids["pool"]),
        "funderOrganizationId": global_id("Organization", o.ids["funder"]),
        "source": "FEDERAL",
        "amount": usd(1000),
        "committedOn": "2025-01-01",
    }
    return values | ids


def _tranche(o: Objects, **ids: str) -> dict[str, Any]:
    values = {
        "idempotencyKey": key(),
        "contributionId": global_id("Contribution", o.ids["matched"]),
        "payeeOrganizationId": global_id("Organization", o.ids["organization"]),
        "amount": usd(1000),
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
            "organizationId": global_id("Organization", o.fw.world.organizations["college"]),
        },
        ("Initiative", "initiative"),
        ["initiativeId"],
    ),
    "addInitiativeParticipant.organizationId": MutationCase(
        "addInitiativeParticipant",
        "AddInitiativeParticipantInput",
        "initiative { id }",
        lambda o, id_: {
            "initiativeId": global_id("Initiative", o.ids["initiative"]),
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
    foreign_id = global_id(type_name, foreign.ids[name])
    random_id = global_id(type_name, uuid.uuid4())
    before_own = await snapshot(owner_sessions, own.fw.tenant_id)
    before_foreign = await snapshot(owner_sessions, foreign.fw.tenant_id)
    token = own.fw.token(actor)

    # when
    foreign_body = await gql(case.document, {"input": case.input(own, foreign_id)}, token=token)
    random_body = await gql(case.document, {"input": case.input(own, random_id)}, token=token)

    # then: the same answer, and nothing written on either side
    assert masked(foreign_body, foreign_id) == masked(random_body, random_id)
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
