"""Idempotency keys under concurrency (SECURITY.md item 30): concurrent requests with one
key produce one row, and with one key and two inputs do one of them.
"""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette

from coalition.db.engine import SessionFactory
from tests.funds.support.idempotency import (
    BY_NAME,
    contribution_variables,
    counts,
    key_count,
    reused,
    snapshot,
)
from tests.funds.support.live import live_api, payload_of, race, rows, uuid_of
from tests.funds.support.steps import FUNDS_TABLE_NAMES
from tests.funds.support.world import FundsWorld, key


@pytest.mark.parametrize(
    "name", ["recordContribution", "verifyContribution", "scheduleDisbursement"]
)
async def test_twenty_concurrent_requests_with_one_key_make_one_row(
    name: str,
    funds: FundsWorld,
    owner_sessions: SessionFactory,
    admin_engine: AsyncEngine,
    app: Starlette,
) -> None:
    case = BY_NAME[name]
    given, _ = await case.setup(funds, owner_sessions, admin_engine)
    the_key = key()
    before = counts(await snapshot(admin_engine, funds.tenant_id))
    variables = {"input": given | {"idempotencyKey": the_key}}

    async with live_api(app) as api:
        responses = await race(
            [api.post(case.document, variables, token=funds.token(case.person)) for _ in range(20)]
        )

    assert all(status == 200 for status, _ in responses), responses
    payloads = [payload_of(body, name) for _, body in responses]
    assert all(payload["userErrors"] == [] for payload in payloads), payloads
    ids = {payload[case.result]["id"] for payload in payloads}
    assert len(ids) == 1
    after = counts(await snapshot(admin_engine, funds.tenant_id))
    written = {table: after[table] - before[table] for table in FUNDS_TABLE_NAMES}
    expected = {
        "recordContribution": {"contributions": 1},
        "verifyContribution": {"ledger_transactions": 1, "ledger_entries": 2},
        "scheduleDisbursement": {"disbursements": 1},
    }[name]
    assert written == dict.fromkeys(FUNDS_TABLE_NAMES, 0) | expected | {
        "idempotency_keys": 1,
        "audit_events": 1,
    }
    assert await key_count(admin_engine, funds.tenant_id, the_key) == 1


async def test_concurrent_requests_with_one_key_and_two_inputs_do_one_of_them(
    funds: FundsWorld, owner_sessions: SessionFactory, admin_engine: AsyncEngine, app: Starlette
) -> None:
    the_key = key()
    inputs = [contribution_variables(funds, 10_000 + (i % 2)) for i in range(20)]
    before = counts(await snapshot(admin_engine, funds.tenant_id))

    async with live_api(app) as api:
        responses = await race(
            [
                api.post(
                    BY_NAME["recordContribution"].document,
                    {"input": given | {"idempotencyKey": the_key}},
                    token=funds.token("org_admin"),
                )
                for given in inputs
            ]
        )

    payloads = [payload_of(body, "recordContribution") for _, body in responses]
    done = [(given, p) for given, p in zip(inputs, payloads, strict=True) if p["contribution"]]
    assert {p["contribution"]["id"] for _, p in done} and len(
        {p["contribution"]["id"] for _, p in done}
    ) == 1
    winning_amount = done[0][0]["amount"]
    # Every request with the winner's input got its contribution; the others were refused.
    for given, payload in zip(inputs, payloads, strict=True):
        if given["amount"] == winning_amount:
            assert payload["userErrors"] == [] and payload["contribution"], payload
        else:
            reused(payload, "contribution")
    after = counts(await snapshot(admin_engine, funds.tenant_id))
    assert after["contributions"] - before["contributions"] == 1
    assert after["idempotency_keys"] - before["idempotency_keys"] == 1
    (amount,) = await rows(
        admin_engine,
        "SELECT amount_minor FROM contributions WHERE tenant_id = :t AND id = :c",
        t=funds.tenant_id,
        c=uuid_of(done[0][1]["contribution"]["id"]),
    )
    assert str(amount[0]) == winning_amount["amountMinor"]
