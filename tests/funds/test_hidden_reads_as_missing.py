"""Within one partnership, every funds mutation given the ID of a contribution, tranche or
ledger transaction the caller may not see answers exactly as for a random ID (data, errors
and userErrors, byte for byte once the ID is masked), and writes nothing: a hidden record
reads like a missing one (funds/permissions.py). Across partnerships:
test_isolation_mutations.py."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

import pytest

from coalition.db.engine import SessionFactory
from tests.funds.support.isolation import Objects, masked
from tests.funds.support.steps import snapshot
from tests.funds.support.world import key
from tests.support.graphql import GraphQLClient
from tests.support.world import global_id

USER_ERRORS = "userErrors { field message code }"
# Callers who see none of the employer's contributions and tranches: another employer's
# admin, partner apps without funds:read.
ACTORS = ["other_org_admin", "reader", "writer"]
Input = Callable[[Objects, str], dict[str, Any]]


def _tranche(o: Objects, id_: str) -> dict[str, Any]:
    return {
        "idempotencyKey": key(),
        "contributionId": id_,
        "payeeOrganizationId": global_id("Organization", o.fw.world.organizations["employer"]),
        "amount": {"amountMinor": "1000", "currency": "USD"},
        "scheduledOn": "2025-06-01",
    }


# field -> (input type, selection, the input given the ID, the hidden record: (type, key))
MUTATIONS: dict[str, tuple[str, str, Input, tuple[str, str]]] = {
    "verifyContribution": (
        "VerifyContributionInput",
        "contribution { id status }",
        lambda o, id_: {"idempotencyKey": key(), "contributionId": id_},
        ("Contribution", "recorded"),
    ),
    "reverseContribution": (
        "ReverseContributionInput",
        "contribution { id status }",
        lambda o, id_: {"idempotencyKey": key(), "contributionId": id_, "reason": "Peeking."},
        ("Contribution", "matched"),
    ),
    "scheduleDisbursement": (
        "ScheduleDisbursementInput",
        "disbursement { id }",
        _tranche,
        ("Contribution", "matched"),
    ),
    "approveDisbursement": (
        "ApproveDisbursementInput",
        "disbursement { id status }",
        lambda o, id_: {"idempotencyKey": key(), "disbursementId": id_},
        ("Disbursement", "scheduled"),
    ),
    "markDisbursementRequirementMet": (
        "MarkDisbursementRequirementMetInput",
        "disbursement { id requirementMetAt }",
        lambda o, id_: {"disbursementId": id_},
        ("Disbursement", "scheduled"),
    ),
    "payDisbursement": (
        "PayDisbursementInput",
        "disbursement { id status }",
        lambda o, id_: {"idempotencyKey": key(), "disbursementId": id_},
        ("Disbursement", "approved"),
    ),
    "cancelDisbursement": (
        "CancelDisbursementInput",
        "disbursement { id status }",
        lambda o, id_: {"idempotencyKey": key(), "disbursementId": id_, "reason": "Peeking."},
        ("Disbursement", "approved"),
    ),
    "reverseLedgerTransaction": (
        "ReverseLedgerTransactionInput",
        "reversal { id }",
        lambda o, id_: {"idempotencyKey": key(), "transactionId": id_, "reason": "Peeking."},
        ("LedgerTransaction", "match"),
    ),
}


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("field", list(MUTATIONS))
async def test_a_hidden_record_answers_like_a_random_id(
    gql: GraphQLClient, own: Objects, owner_sessions: SessionFactory, field: str, actor: str
) -> None:
    # given: a record of the employer that the actor may not see
    input_type, selection, make_input, (type_name, name) = MUTATIONS[field]
    document = (
        f"mutation($input: {input_type}!) {{ {field}(input: $input) {{ "
        f"{selection} {USER_ERRORS} }} }}"
    )
    hidden_id = global_id(type_name, own.ids[name])
    random_id = global_id(type_name, uuid.uuid4())
    token = own.fw.token(actor)
    before = await snapshot(owner_sessions, own.fw.tenant_id)

    # when
    hidden_body = await gql(document, {"input": make_input(own, hidden_id)}, token=token)
    random_body = await gql(document, {"input": make_input(own, random_id)}, token=token)

    # then: byte for byte the same answer, and nothing written
    assert masked(hidden_body, hidden_id) == masked(random_body, random_id)
    assert json.dumps(hidden_body).count(hidden_id) == json.dumps(random_body).count(random_id)
    assert await snapshot(owner_sessions, own.fw.tenant_id) == before


def test_every_funds_mutation_with_a_contribution_or_tranche_id_is_tried() -> None:
    from coalition.funds.schema import Mutation

    definition = Mutation.__strawberry_definition__  # type: ignore[attr-defined]
    taking = set()
    for field in definition.fields:
        [argument] = field.arguments
        inputs = {f.python_name for f in argument.type.__strawberry_definition__.fields}
        if inputs & {"contribution_id", "disbursement_id", "transaction_id"}:
            words = field.python_name.split("_")
            taking.add(words[0] + "".join(word.title() for word in words[1:]))

    assert taking == set(MUTATIONS)
