"""GraphQL documents of the funds API tests, and helpers to read their answers."""

from __future__ import annotations

import uuid
from typing import Any

from tests.funds.support.world import CONTRIBUTED_ON, TERM, FundsWorld, key
from tests.support.graphql import GraphQLClient
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
