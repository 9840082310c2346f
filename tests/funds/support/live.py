"""A live server to race real HTTP requests at, the database read as the superuser (no
row-level security in the way), and a partnership built to race in."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

import httpx
import uvicorn
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette

from coalition.api.relay import from_global_id
from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from coalition.funds.models.pools import FundPoolStatus
from coalition.funds.service.commitments import CommitmentInput, add_commitment
from coalition.funds.service.contributions import record_contribution
from coalition.funds.service.disbursements import DisbursementInput, schedule_disbursement
from coalition.funds.service.initiatives import add_initiative_participant
from coalition.funds.service.pools import create_pool, set_pool_status
from coalition.funds.service.verifications import verify_contribution
from coalition.tenancy.models import Organization, OrganizationKind
from tests.funds.support.world import (
    CONTRIBUTED_ON,
    FundsWorld,
    contribution_input,
    key,
    pool_input,
)
from tests.support.world import global_id

T = TypeVar("T")

RACE_TIMEOUT = 120.0

CONTRIBUTION_FIELDS = """
    id status
    amount { amountMinor currency }
    matchRequested { amountMinor currency }
    matched { amountMinor currency }
    unmatched { amountMinor currency }
    scheduled { amountMinor currency }
"""
VERIFY = f"""
mutation Verify($key: String!, $id: ID!) {{
  verifyContribution(input: {{idempotencyKey: $key, contributionId: $id}}) {{
    contribution {{ {CONTRIBUTION_FIELDS} }}
    userErrors {{ field message code }}
  }}
}}
"""
SCHEDULE = """
mutation Schedule($key: String!, $id: ID!, $payee: ID!, $amount: String!, $on: Date!) {
  scheduleDisbursement(input: {idempotencyKey: $key, contributionId: $id,
      payeeOrganizationId: $payee, amount: {amountMinor: $amount, currency: "USD"},
      scheduledOn: $on}) {
    disbursement { id status amount { amountMinor currency } }
    userErrors { field message code }
  }
}
"""
APPROVE = """
mutation Approve($key: String!, $id: ID!) {
  approveDisbursement(input: {idempotencyKey: $key, disbursementId: $id}) {
    disbursement { id status }
    userErrors { field message code }
  }
}
"""
PAY = """
mutation Pay($key: String!, $id: ID!) {
  payDisbursement(input: {idempotencyKey: $key, disbursementId: $id}) {
    disbursement { id status }
    userErrors { field message code }
  }
}
"""
CANCEL = """
mutation Cancel($key: String!, $id: ID!, $reason: String!) {
  cancelDisbursement(input: {idempotencyKey: $key, disbursementId: $id, reason: $reason}) {
    disbursement { id status }
    userErrors { field message code }
  }
}
"""
POOL_SUMMARY = """
query Summary($id: ID!) {
  fundPool(id: $id) {
    summary {
      committed { amountMinor currency }
      matched { amountMinor currency }
      remaining { amountMinor currency }
    }
  }
}
"""


# -- a live server and racing requests at it ----------------------------------------------


@dataclass
class LiveApi:
    """An HTTP client for a running server; ``post`` returns (status, JSON body)."""

    client: httpx.AsyncClient

    async def post(
        self, query: str, variables: dict[str, Any], *, token: str
    ) -> tuple[int, dict[str, Any]]:
        response = await self.client.post(
            "/graphql",
            json={"query": query, "variables": variables},
            headers={"Authorization": f"Bearer {token}"},
        )
        try:
            body: dict[str, Any] = response.json()
        except ValueError:
            body = {"raw": response.text}
        return response.status_code, body

    async def ok(self, query: str, variables: dict[str, Any], *, token: str) -> dict[str, Any]:
        """The ``data`` of a request that must succeed without any GraphQL error."""
        status, body = await self.post(query, variables, token=token)
        assert status == 200 and "errors" not in body, body
        data: dict[str, Any] = body["data"]
        return data


@asynccontextmanager
async def live_api(app: Starlette) -> AsyncIterator[LiveApi]:
    """Serve ``app`` (its lifespan already running) with uvicorn on a free local port."""
    config = uvicorn.Config(
        app, host="127.0.0.1", port=0, lifespan="off", log_level="warning", log_config=None
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    try:
        async with asyncio.timeout(15):
            while not server.started:
                if task.done():
                    task.result()
                    raise RuntimeError("the test server stopped before it started")
                await asyncio.sleep(0.02)
        port = server.servers[0].sockets[0].getsockname()[1]
        limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
        async with httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{port}", timeout=httpx.Timeout(90.0), limits=limits
        ) as client:
            yield LiveApi(client)
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, timeout=30)


async def race(calls: Sequence[Awaitable[T]]) -> list[T]:
    """Run all calls at once; fail (cancelling the rest) if they take over RACE_TIMEOUT."""
    return await asyncio.wait_for(asyncio.gather(*calls), RACE_TIMEOUT)


class LockWatch:
    """Samples how many of the API's backends wait on a lock at once, while a race runs:
    proof that the requests really met in the database."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.most_waiting = 0
        self._task: asyncio.Task[None] | None = None

    async def _sample(self) -> None:
        async with self.engine.connect() as connection:
            while True:
                waiting = (
                    await connection.execute(
                        text(
                            "SELECT count(*) FROM pg_stat_activity "
                            "WHERE datname = current_database() AND wait_event_type = 'Lock' "
                            "AND pid <> pg_backend_pid()"
                        )
                    )
                ).scalar_one()
                await connection.rollback()
                self.most_waiting = max(self.most_waiting, int(waiting))
                await asyncio.sleep(0.005)

    async def __aenter__(self) -> LockWatch:
        self._task = asyncio.create_task(self._sample())
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        assert self._task is not None
        self._task.cancel()
        try:
            await self._task
        except asyncio.CancelledError:
            pass


def payload_of(body: dict[str, Any], mutation: str) -> dict[str, Any]:
    """A mutation's payload from a 200 response without GraphQL errors (no INTERNAL ones)."""
    assert "errors" not in body, body
    payload: dict[str, Any] = body["data"][mutation]
    return payload


def user_error_codes(payload: dict[str, Any]) -> list[str]:
    return [error["code"] for error in payload["userErrors"]]


def uuid_of(node_id: str) -> uuid.UUID:
    decoded = from_global_id(node_id)
    assert decoded is not None, node_id
    return decoded[1]


def minor(money: dict[str, Any]) -> int:
    assert money["currency"] == "USD"
    return int(money["amountMinor"])


# -- the database, read as the superuser (no row-level security in the way) --------------


async def rows(engine: AsyncEngine, sql: str, **params: Any) -> list[Any]:
    async with engine.connect() as connection:
        return list((await connection.execute(text(sql), params)).all())


async def scalar(engine: AsyncEngine, sql: str, **params: Any) -> Any:
    async with engine.connect() as connection:
        return (await connection.execute(text(sql), params)).scalar_one()


@dataclass(frozen=True)
class PoolRow:
    committed: int
    matched: int
    disbursed: int
    paid: int
    contributed: int


async def pool_row(engine: AsyncEngine, tenant_id: uuid.UUID, pool_id: uuid.UUID) -> PoolRow:
    (row,) = await rows(
        engine,
        "SELECT committed_minor, matched_minor, disbursed_minor, paid_minor, contributed_minor "
        "FROM fund_pools WHERE tenant_id = :t AND id = :p",
        t=tenant_id,
        p=pool_id,
    )
    return PoolRow(*row)


async def assert_ledger_consistent(
    engine: AsyncEngine, tenant_id: uuid.UUID, pool_id: uuid.UUID
) -> PoolRow:
    """The pool's running totals, its contributions and its entries tell one story,
    computed here independently of the service's code."""
    pool = await pool_row(engine, tenant_id, pool_id)
    unbalanced = await rows(
        engine,
        "SELECT t.id, sum(e.amount_minor) FROM ledger_transactions t "
        "JOIN ledger_entries e ON e.tenant_id = t.tenant_id AND e.transaction_id = t.id "
        "WHERE t.tenant_id = :t AND t.pool_id = :p GROUP BY t.id "
        "HAVING sum(e.amount_minor) <> 0 OR count(*) < 2",
        t=tenant_id,
        p=pool_id,
    )
    assert unbalanced == []
    sums = dict(
        await rows(
            engine,
            "SELECT account, sum(amount_minor) FROM ledger_entries "
            "WHERE tenant_id = :t AND pool_id = :p GROUP BY account",
            t=tenant_id,
            p=pool_id,
        )
    )
    account = {
        name: int(sums.get(name, 0))
        for name in ("COMMITMENTS", "AVAILABLE", "MATCHED", "APPROVED", "PAID")
    }
    assert sum(account.values()) == 0
    assert pool.committed == -account["COMMITMENTS"]
    assert pool.committed - pool.matched == account["AVAILABLE"]
    assert pool.matched == account["MATCHED"] + account["APPROVED"] + account["PAID"]
    assert pool.disbursed == account["APPROVED"] + account["PAID"]
    assert pool.paid == account["PAID"]
    assert 0 <= pool.paid <= pool.disbursed <= pool.matched <= pool.committed
    verified = await rows(
        engine,
        "SELECT coalesce(sum(amount_minor), 0), coalesce(sum(matched_minor), 0) "
        "FROM contributions WHERE tenant_id = :t AND pool_id = :p AND status = 'VERIFIED'",
        t=tenant_id,
        p=pool_id,
    )
    assert (pool.contributed, pool.matched) == tuple(int(v) for v in verified[0])
    # Per recipient and per contribution, the entries equal the contributions' matches.
    by_recipient = await rows(
        engine,
        "SELECT c.organization_id, c.matched, coalesce(e.booked, 0) FROM "
        "(SELECT organization_id, sum(matched_minor) AS matched FROM contributions "
        " WHERE tenant_id = :t AND pool_id = :p AND status = 'VERIFIED' "
        " GROUP BY organization_id) c "
        "FULL JOIN (SELECT organization_id, sum(amount_minor) AS booked FROM ledger_entries "
        " WHERE tenant_id = :t AND pool_id = :p "
        " AND account IN ('MATCHED', 'APPROVED', 'PAID') GROUP BY organization_id) e "
        "USING (organization_id) WHERE coalesce(c.matched, 0) <> coalesce(e.booked, 0)",
        t=tenant_id,
        p=pool_id,
    )
    assert by_recipient == []
    by_contribution = await rows(
        engine,
        "SELECT c.id FROM contributions c LEFT JOIN LATERAL ("
        " SELECT sum(e.amount_minor) AS booked FROM ledger_transactions t "
        " JOIN ledger_entries e ON e.tenant_id = t.tenant_id AND e.transaction_id = t.id "
        " WHERE t.tenant_id = c.tenant_id AND t.contribution_id = c.id "
        " AND t.kind IN ('MATCH', 'REVERSAL') AND e.account = 'MATCHED') m ON true "
        "WHERE c.tenant_id = :t AND c.pool_id = :p "
        "AND CASE WHEN c.status = 'VERIFIED' THEN c.matched_minor ELSE 0 END "
        "    <> coalesce(m.booked, 0)",
        t=tenant_id,
        p=pool_id,
    )
    assert by_contribution == []
    scheduled = await rows(
        engine,
        "SELECT c.id FROM contributions c LEFT JOIN LATERAL ("
        " SELECT sum(d.amount_minor) AS total FROM disbursements d "
        " WHERE d.tenant_id = c.tenant_id AND d.contribution_id = c.id "
        " AND d.status <> 'CANCELLED') s ON true "
        "WHERE c.tenant_id = :t AND c.pool_id = :p "
        "AND (c.scheduled_minor <> coalesce(s.total, 0) OR c.scheduled_minor > c.matched_minor)",
        t=tenant_id,
        p=pool_id,
    )
    assert scheduled == []
    return pool


async def match_transactions(
    engine: AsyncEngine, tenant_id: uuid.UUID, pool_id: uuid.UUID
) -> Counter[uuid.UUID]:
    """How many MATCH transactions each contribution of the pool has."""
    found = await rows(
        engine,
        "SELECT contribution_id FROM ledger_transactions "
        "WHERE tenant_id = :t AND pool_id = :p AND kind = 'MATCH'",
        t=tenant_id,
        p=pool_id,
    )
    return Counter(row[0] for row in found)


# -- building a partnership to race in (service layer, as the owner) ---------------------


async def add_members(
    fw: FundsWorld,
    sessions: SessionFactory,
    count: int,
    *,
    employee_count: int = 40,
    label: str = "employer",
) -> list[uuid.UUID]:
    """``count`` new employer organizations, all taking part in the world's initiative."""
    created = [uuid.uuid4() for _ in range(count)]
    async with tenant_transaction(sessions, fw.tenant_id) as session:
        session.add_all(
            [
                Organization(
                    tenant_id=fw.tenant_id,
                    id=organization_id,
                    name=f"{label} {organization_id.hex[:8]}",
                    kind=OrganizationKind.EMPLOYER,
                    employee_count=employee_count,
                )
                for organization_id in created
            ]
        )
    admin = fw.principal("admin")
    async with tenant_transaction(sessions, fw.tenant_id) as session:
        for organization_id in created:
            await add_initiative_participant(session, admin, fw.initiative, organization_id)
    return created


async def open_pool(
    fw: FundsWorld,
    sessions: SessionFactory,
    *,
    commitment_minor: int,
    **rules: object,
) -> uuid.UUID:
    """A new OPEN USD pool of the world's funder with one commitment."""
    admin = fw.principal("admin")
    async with tenant_transaction(sessions, fw.tenant_id) as session:
        pool = await create_pool(
            session, admin, pool_input(fw.funder, **rules), idempotency_key=key()
        )
        await add_commitment(
            session,
            admin,
            CommitmentInput(pool.id, fw.funder, "STATE", commitment_minor, "USD", date(2024, 1, 1)),
            idempotency_key=key(),
        )
        await set_pool_status(session, admin, pool.id, FundPoolStatus.OPEN)
    return pool.id


async def record_contributions(
    fw: FundsWorld,
    sessions: SessionFactory,
    pool_id: uuid.UUID,
    items: Sequence[tuple[uuid.UUID, int, date]],
) -> list[uuid.UUID]:
    """Record (organization, amount, date) contributions for the pool, as the admin."""
    admin = fw.principal("admin")
    created: list[uuid.UUID] = []
    async with tenant_transaction(sessions, fw.tenant_id) as session:
        for organization_id, amount, contributed_on in items:
            contribution = await record_contribution(
                session,
                admin,
                contribution_input(
                    fw,
                    organization_id=organization_id,
                    pool_id=pool_id,
                    amount_minor=amount,
                    contributed_on=contributed_on,
                ),
                idempotency_key=key(),
            )
            created.append(contribution.id)
    return created


async def verify_now(fw: FundsWorld, sessions: SessionFactory, contribution_id: uuid.UUID) -> None:
    async with tenant_transaction(sessions, fw.tenant_id) as session:
        await verify_contribution(
            session, fw.principal("admin"), contribution_id, idempotency_key=key()
        )


async def schedule_now(
    fw: FundsWorld, sessions: SessionFactory, contribution_id: uuid.UUID, amount: int
) -> uuid.UUID:
    async with tenant_transaction(sessions, fw.tenant_id) as session:
        tranche = await schedule_disbursement(
            session,
            fw.principal("admin"),
            DisbursementInput(contribution_id, fw.provider, amount, "USD", CONTRIBUTED_ON),
            idempotency_key=key(),
        )
    return tranche.id


def verifier_token(fw: FundsWorld, index: int) -> str:
    """Alternate between the two kinds of verifier: a partnership admin and the funder."""
    return fw.token("admin" if index % 2 == 0 else "funder_admin")


async def verify_all(
    api: LiveApi, fw: FundsWorld, contribution_ids: Sequence[uuid.UUID]
) -> list[tuple[int, dict[str, Any]]]:
    return await race(
        [
            api.post(
                VERIFY,
                {"key": key(), "id": global_id("Contribution", contribution_id)},
                token=verifier_token(fw, index),
            )
            for index, contribution_id in enumerate(contribution_ids)
        ]
    )


def verified_contributions(
    responses: Sequence[tuple[int, dict[str, Any]]],
) -> list[dict[str, Any]]:
    """Every response is a 200 without errors and verified its contribution."""
    verified: list[dict[str, Any]] = []
    for status, body in responses:
        assert status == 200, body
        payload = payload_of(body, "verifyContribution")
        assert payload["userErrors"] == [], payload
        assert payload["contribution"]["status"] == "VERIFIED"
        verified.append(payload["contribution"])
    return verified
