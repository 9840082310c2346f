"""The same refusals over GraphQL: the shape of userErrors."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from coalition.funds.models.disbursements import Disbursement, TrancheStatus
from coalition.funds.models.ledger import LedgerTransactionKind
from tests.funds.support.steps import approve, pay, schedule, snapshot, transaction_of, verified
from tests.funds.support.world import (
    CONTRIBUTED_ON,
    FundsWorld,
    key,
)
from tests.support.graphql import GraphQLClient
from tests.support.world import global_id

# -- the same over GraphQL: the shape of userErrors -----------------------------------------

USER_ERRORS = "userErrors { field message code }"
CREATE_POOL = f"""mutation($input: CreateFundPoolInput!) {{ createFundPool(input: $input) {{
    fundPool {{ id }} {USER_ERRORS} }} }}"""
RECORD = f"""mutation($input: RecordContributionInput!) {{ recordContribution(input: $input) {{
    contribution {{ id }} {USER_ERRORS} }} }}"""
SCHEDULE = f"""mutation($input: ScheduleDisbursementInput!) {{
    scheduleDisbursement(input: $input) {{ disbursement {{ id }} {USER_ERRORS} }} }}"""
REVERSE = f"""mutation($input: ReverseLedgerTransactionInput!) {{
    reverseLedgerTransaction(input: $input) {{ reversal {{ id }} {USER_ERRORS} }} }}"""


async def _gql_rejected(
    gql: GraphQLClient,
    sessions: SessionFactory,
    fw: FundsWorld,
    document: str,
    field: str,
    variables: dict[str, Any],
    token: str = "admin",
) -> list[tuple[list[str], str]]:
    before = await snapshot(sessions, fw.tenant_id)
    body = await gql(document, variables, token=fw.token(token))
    assert "errors" not in body, body
    payload = body["data"][field]
    assert [value for name, value in payload.items() if name != "userErrors"] == [None]
    assert all(isinstance(e["message"], str) and e["message"] for e in payload["userErrors"])
    assert await snapshot(sessions, fw.tenant_id) == before
    return [(e["field"], e["code"]) for e in payload["userErrors"]]


def _money(amount: str, currency: str = "USD") -> dict[str, str]:
    return {"amountMinor": amount, "currency": currency}


async def test_graphql_reports_every_problem_of_a_pool_with_its_path(
    gql: GraphQLClient, funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    variables = {
        "input": {
            "idempotencyKey": key(),
            "funderOrganizationId": global_id("Organization", funds.funder),
            "name": " ",
            "purpose": "",
            "currency": "XXX",
            "startsOn": "2026-01-01",
            "endsOn": "2025-12-31",
            "matchTiers": [
                {"maxEmployees": 49, "ratio": "0"},
                {"maxEmployees": None, "ratio": "-1"},
            ],
            "capPerRecipient": _money("-1"),
            "annualCapPerRecipient": _money("5000", "EUR"),
            "eligibleRecipientKinds": ["EMPLOYER"],
            "eligiblePurposes": ["TRAINING_COSTS"],
        }
    }

    errors = await _gql_rejected(
        gql, owner_sessions, funds, CREATE_POOL, "createFundPool", variables
    )

    # the annual cap's currency is compared only once the pool's currency is known
    assert sorted(errors) == sorted(
        [
            (["name"], "BLANK"),
            (["currency"], "INVALID"),
            (["endsOn"], "OUT_OF_RANGE"),
            (["matchTiers", "0", "ratio"], "OUT_OF_RANGE"),
            (["matchTiers", "1", "ratio"], "INVALID"),
            (["capPerRecipient", "amountMinor"], "OUT_OF_RANGE"),
        ]
    )


async def test_graphql_reports_a_cap_in_the_wrong_currency(
    gql: GraphQLClient, funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    variables = {
        "input": {
            "idempotencyKey": key(),
            "funderOrganizationId": global_id("Organization", funds.funder),
            "name": "Euro caps",
            "purpose": "",
            "currency": "USD",
            "startsOn": "2025-01-01",
            "endsOn": "2025-12-31",
            "matchTiers": [{"maxEmployees": None, "ratio": "1"}],
            "capPerRecipient": _money("100000", "EUR"),
            "annualCapPerRecipient": None,
            "eligibleRecipientKinds": ["EMPLOYER"],
            "eligiblePurposes": ["TRAINING_COSTS"],
        }
    }

    errors = await _gql_rejected(
        gql, owner_sessions, funds, CREATE_POOL, "createFundPool", variables
    )

    assert errors == [(["capPerRecipient", "currency"], "CURRENCY_MISMATCH")]


def _record_variables(fw: FundsWorld, **overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "idempotencyKey": key(),
        "initiativeId": global_id("Initiative", fw.initiative),
        "organizationId": global_id("Organization", fw.world.organizations["employer"]),
        "poolId": global_id("FundPool", fw.pool),
        "kind": "CASH",
        "purpose": "TRAINING_COSTS",
        "amount": _money("100000"),
        "contributedOn": CONTRIBUTED_ON.isoformat(),
    }
    values.update(overrides)
    return {"input": values}


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"amount": _money("0")}, [(["amount", "amountMinor"], "OUT_OF_RANGE")]),
        ({"amount": _money("-100")}, [(["amount", "amountMinor"], "OUT_OF_RANGE")]),
        ({"amount": _money("10.50")}, [(["amount", "amountMinor"], "INVALID")]),
        ({"amount": _money("100", "EUR")}, [(["amount", "currency"], "CURRENCY_MISMATCH")]),
        ({"amount": _money("100", "usd?")}, [(["amount", "currency"], "INVALID")]),
        ({"contributedOn": "2099-01-01"}, [(["contributedOn"], "OUT_OF_RANGE")]),
        (
            {"kind": "IN_KIND"},
            [(["valuationMethod"], "REQUIRED"), (["evidenceNote"], "REQUIRED")],
        ),
        ({"valuationMethod": "WAGE_RATE"}, [(["valuationMethod"], "INVALID")]),
    ],
    ids=["zero", "negative", "decimal", "mismatch", "unknown", "future", "in-kind", "cash-valued"],
)
async def test_graphql_reports_a_bad_contribution_on_its_field(
    gql: GraphQLClient,
    funds: FundsWorld,
    owner_sessions: SessionFactory,
    overrides: dict[str, Any],
    expected: list[tuple[list[str], str]],
) -> None:
    errors = await _gql_rejected(
        gql,
        owner_sessions,
        funds,
        RECORD,
        "recordContribution",
        _record_variables(funds, **overrides),
        token="org_admin",
    )

    assert sorted(errors) == sorted(expected)


async def test_graphql_refuses_disbursing_beyond_the_match(
    gql: GraphQLClient, funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    # given: $2,000.00 matched, $1,500.00 of it scheduled
    contribution_id = await verified(owner_sessions, funds)
    await schedule(owner_sessions, funds, contribution_id, 150_000)
    variables = {
        "input": {
            "idempotencyKey": key(),
            "contributionId": global_id("Contribution", contribution_id),
            "payeeOrganizationId": global_id("Organization", funds.world.organizations["employer"]),
            "amount": _money("50001"),
            "scheduledOn": "2025-04-01",
            "requirement": None,
        }
    }

    # when
    errors = await _gql_rejected(
        gql, owner_sessions, funds, SCHEDULE, "scheduleDisbursement", variables
    )

    # then
    assert errors == [(["amount", "amountMinor"], "EXCEEDS_MATCH")]


async def test_graphql_refuses_reversing_a_payment(
    gql: GraphQLClient, funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    # given
    contribution_id = await verified(owner_sessions, funds)
    tranche = await schedule(owner_sessions, funds, contribution_id, 10_000)
    await approve(owner_sessions, funds, tranche)
    await pay(owner_sessions, funds, tranche)
    payment = await transaction_of(
        owner_sessions, funds, LedgerTransactionKind.PAYMENT, disbursement_id=tranche
    )
    variables = {
        "input": {
            "idempotencyKey": key(),
            "transactionId": global_id("LedgerTransaction", payment),
            "reason": "Paid twice by mistake.",
        }
    }

    # when
    errors = await _gql_rejected(
        gql, owner_sessions, funds, REVERSE, "reverseLedgerTransaction", variables
    )

    # then
    assert errors == [(["transactionId"], "NOT_REVERSIBLE")]


async def test_graphql_a_tranche_status_is_unchanged_after_a_refusal(
    gql: GraphQLClient, funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    # given: a scheduled tranche
    contribution_id = await verified(owner_sessions, funds)
    tranche = await schedule(owner_sessions, funds, contribution_id, 10_000)
    pay_document = f"""mutation($input: PayDisbursementInput!) {{
        payDisbursement(input: $input) {{ disbursement {{ id status }} {USER_ERRORS} }} }}"""

    # when
    errors = await _gql_rejected(
        gql,
        owner_sessions,
        funds,
        pay_document,
        "payDisbursement",
        {"input": {"idempotencyKey": key(), "disbursementId": global_id("Disbursement", tranche)}},
    )

    # then
    assert errors == [(["disbursementId"], "INVALID_TRANSITION")]
    async with tenant_transaction(owner_sessions, funds.tenant_id) as session:
        status = await session.scalar(
            select(Disbursement.status).where(
                Disbursement.tenant_id == funds.tenant_id, Disbursement.id == tranche
            )
        )
    assert status is TrancheStatus.SCHEDULED
