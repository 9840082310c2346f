"""Who sees which contributions, tranches and ledger records (funds/permissions.py).

Two employers of one partnership are competitors: each sees its own contributions,
never the other's, by any road (node, contribution(id), filters, nested connections,
the ledger, breakdowns, the report). A pool's overseers (partnership admins, analysts,
the funder's people, funds:read apps) see everything about that pool; a funder's people
see nothing of another funder's pool but its aggregates. A hidden record reads exactly
like a missing one; a pool's per-recipient fields are FORBIDDEN to non-overseers.

The scenario: pool 1 (the foundation's) matched the employer's contribution A (a tranche
paid to the employer) and the other employer's contribution B (a tranche paid to the
college); pool 2 (a second funder's) matched the other employer's contribution C.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.applications import Starlette

from coalition.auth.scopes import USER_SCOPES
from coalition.auth.tokens import USER_TOKEN_CLIENT_ID, issue_access_token
from coalition.config import Settings
from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from coalition.funds.models.ledger import LedgerEntry, LedgerTransaction, LedgerTransactionKind
from coalition.funds.models.pools import FundPoolStatus
from coalition.funds.report.breakdowns import BreakdownBy, pool_breakdown
from coalition.funds.report.summaries import pool_summary
from coalition.funds.service.commitments import CommitmentInput, add_commitment
from coalition.funds.service.contributions import record_contribution
from coalition.funds.service.disbursements import schedule_disbursement
from coalition.funds.service.pools import create_pool, set_pool_status
from coalition.tenancy.models import Membership, Organization, OrganizationKind, Role, User
from tests.funds.support.steps import record, tranche_input, verified
from tests.funds.support.world import TERM, FundsWorld, contribution_input, key, pool_input
from tests.support.graphql import GraphQLClient, error_codes
from tests.support.statements import StatementCounter, without_tenant_filter
from tests.support.world import global_id

BREAKDOWNS = ["RECIPIENT", "INITIATIVE", "PURPOSE", "MONTH"]


@dataclass
class Scenario:
    funds: FundsWorld
    pool2: uuid.UUID
    funder2: uuid.UUID
    a: uuid.UUID  # the employer's, pool 1
    b: uuid.UUID  # the other employer's, pool 1
    c: uuid.UUID  # the other employer's, pool 2
    tranche_a: uuid.UUID  # paid to the employer
    tranche_b: uuid.UUID  # paid to the college (the provider)
    match_b: uuid.UUID  # B's MATCH transaction
    entry_b: uuid.UUID  # one of its entries (names the other employer)
    match_c: uuid.UUID

    def token(self, name: str) -> str:
        return self.funds.token(name)


async def _tranche(
    session: AsyncSession, fw: FundsWorld, contribution: uuid.UUID, payee: uuid.UUID
) -> uuid.UUID:
    tranche = await schedule_disbursement(
        session,
        fw.principal("admin"),
        tranche_input(fw, contribution, 10_000, payee=payee),
        idempotency_key=key(),
    )
    return tranche.id


async def _match(session: AsyncSession, fw: FundsWorld, contribution: uuid.UUID) -> uuid.UUID:
    found = await session.scalar(
        select(LedgerTransaction.id).where(
            LedgerTransaction.tenant_id == fw.tenant_id,
            LedgerTransaction.contribution_id == contribution,
            LedgerTransaction.kind == LedgerTransactionKind.MATCH,
        )
    )
    assert found is not None
    return found


async def _add_person(
    sessions: SessionFactory,
    app: Starlette,
    settings: Settings,
    fw: FundsWorld,
    name: str,
    organization_id: uuid.UUID,
) -> None:
    """A person with a MEMBER membership in ``organization_id``, and their token."""
    user_id, membership_id = uuid.uuid4(), uuid.uuid4()
    async with tenant_transaction(sessions, fw.tenant_id) as session:
        session.add(
            User(
                tenant_id=fw.tenant_id,
                id=user_id,
                email=f"{name}@{fw.world.slug}.example",
                display_name=name,
            )
        )
        await session.flush()
        session.add(
            Membership(
                tenant_id=fw.tenant_id,
                id=membership_id,
                user_id=user_id,
                organization_id=organization_id,
                role=Role.MEMBER,
            )
        )
    fw.people[name] = (user_id, organization_id, Role.MEMBER, membership_id)
    fw.tokens[name] = issue_access_token(
        await app.state.keys.signer(),
        settings,
        tenant_id=fw.tenant_id,
        subject=str(user_id),
        client_id=USER_TOKEN_CLIENT_ID,
        scopes=USER_SCOPES,
    )


@pytest.fixture
async def scenario(
    funds: FundsWorld, owner_sessions: SessionFactory, app: Starlette, settings: Settings
) -> Scenario:
    fw = funds
    employer = fw.world.organizations["employer"]
    other = fw.world.organizations["other_employer"]
    admin = fw.principal("admin")
    funder2 = uuid.uuid4()
    async with tenant_transaction(owner_sessions, fw.tenant_id) as session:
        session.add(
            Organization(
                tenant_id=fw.tenant_id,
                id=funder2,
                name=f"{fw.world.slug} state board",
                kind=OrganizationKind.FUNDER,
                employee_count=30,
            )
        )
        await session.flush()
        pool2 = await create_pool(
            session, admin, pool_input(funder2, name="Second pool"), idempotency_key=key()
        )
        await add_commitment(
            session,
            admin,
            CommitmentInput(pool2.id, funder2, "STATE", 5_000_000, "USD", TERM[0]),
            idempotency_key=key(),
        )
        await set_pool_status(session, admin, pool2.id, FundPoolStatus.OPEN)
    await _add_person(owner_sessions, app, settings, fw, "provider_member", fw.provider)
    await _add_person(owner_sessions, app, settings, fw, "funder2_member", funder2)
    a = await verified(owner_sessions, fw)
    b = await verified(owner_sessions, fw, by="other_org_admin", organization_id=other)
    c = await verified(
        owner_sessions, fw, by="other_org_admin", organization_id=other, pool_id=pool2.id
    )
    async with tenant_transaction(owner_sessions, fw.tenant_id) as session:
        tranche_a = await _tranche(session, fw, a, employer)
        tranche_b = await _tranche(session, fw, b, fw.provider)
        match_b, match_c = await _match(session, fw, b), await _match(session, fw, c)
        entry_b = await session.scalar(
            select(LedgerEntry.id).where(
                LedgerEntry.tenant_id == fw.tenant_id,
                LedgerEntry.transaction_id == match_b,
                LedgerEntry.organization_id == other,
            )
        )
    assert entry_b is not None
    return Scenario(fw, pool2.id, funder2, a, b, c, tranche_a, tranche_b, match_b, entry_b, match_c)


def _gid(type_name: str, object_id: uuid.UUID) -> str:
    return global_id(type_name, object_id)


async def _ok(gql: GraphQLClient, query: str, variables: dict[str, Any], token: str) -> Any:
    body = await gql(query, variables, token=token)
    assert "errors" not in body, body
    return body["data"]


NODE = "query($id: ID!) { node(id: $id) { id } }"
CONTRIBUTION = "query($id: ID!) { contribution(id: $id) { id amount { amountMinor } } }"
LISTED = """query($filter: ContributionFilter) {
  contributions(first: 50, filter: $filter) { totalCount edges { node { id } } } }"""
INITIATIVE = """query($id: ID!) { initiative(id: $id) {
  contributions(first: 50) { totalCount edges { node { id } } }
  funding { matched { amountMinor } } } }"""
POOL = """query($id: ID!) { fundPool(id: $id) {
  summary { matched { amountMinor } contributed { amountMinor } }
  contributions(first: 50) { totalCount edges { node { id
    disbursements { id contribution { id } } } } }
  disbursements(first: 50) { totalCount edges { node { id contribution { id } } } } } }"""
LEDGER = """query($id: ID!) { fundPool(id: $id) { ledgerEntries(first: 50) { totalCount } } }"""
BREAKDOWN = """query($id: ID!, $by: FundBreakdownBy!) { fundPool(id: $id) {
  breakdown(by: $by) { key matched { amountMinor } } } }"""
REPORT = "query($id: ID!) { fundPool(id: $id) { reportCsv } }"
REPORT_FIELD = "query($id: ID!) { fundReportCsv(poolId: $id) }"


def _ids(connection: dict[str, Any]) -> set[str]:
    ids = {edge["node"]["id"] for edge in connection["edges"]}
    assert connection["totalCount"] == len(ids)
    return ids


async def _sees(gql: GraphQLClient, token: str, type_name: str, object_id: uuid.UUID) -> bool:
    """Whether node(id) finds the object (never an error either way)."""
    data = await _ok(gql, NODE, {"id": _gid(type_name, object_id)}, token)
    return data["node"] is not None


async def _details_refused(gql: GraphQLClient, token: str, pool: uuid.UUID) -> None:
    """Every per-recipient read of the pool is FORBIDDEN, and leaks no figure."""
    variables: dict[str, Any] = {"id": _gid("FundPool", pool)}
    asked = [
        (LEDGER, variables),
        (REPORT, variables),
        (REPORT_FIELD, variables),
        *((BREAKDOWN, {**variables, "by": by}) for by in BREAKDOWNS),
    ]
    for query, given in asked:
        body = await gql(query, given, token=token)
        assert error_codes(body) == ["FORBIDDEN"], (query, body)
        assert list(body["data"].values()) == [None]


async def _details_read(gql: GraphQLClient, token: str, pool: uuid.UUID) -> None:
    variables: dict[str, Any] = {"id": _gid("FundPool", pool)}
    ledger = await _ok(gql, LEDGER, variables, token)
    assert ledger["fundPool"]["ledgerEntries"]["totalCount"] > 0
    for by in BREAKDOWNS:
        rows = await _ok(gql, BREAKDOWN, {**variables, "by": by}, token)
        assert rows["fundPool"]["breakdown"], by
    assert "Ledger entries" in (await _ok(gql, REPORT, variables, token))["fundPool"]["reportCsv"]
    assert (await _ok(gql, REPORT_FIELD, variables, token))["fundReportCsv"]


# -- the employers ---------------------------------------------------------------------------


@pytest.mark.parametrize("person", ["org_admin", "member"])
async def test_an_employer_sees_its_own_contribution_and_not_its_competitors(
    gql: GraphQLClient, scenario: Scenario, person: str
) -> None:
    s, token = scenario, scenario.token(person)
    other = scenario.funds.world.organizations["other_employer"]
    employer = scenario.funds.world.organizations["employer"]

    # node(): its own contribution, tranche; nothing of the competitor's, nor the ledger
    assert await _sees(gql, token, "Contribution", s.a)
    assert await _sees(gql, token, "Disbursement", s.tranche_a)
    for type_name, object_id in [
        ("Contribution", s.b),
        ("Contribution", s.c),
        ("Disbursement", s.tranche_b),
        ("LedgerTransaction", s.match_b),
        ("LedgerEntry", s.entry_b),
        ("LedgerTransaction", s.match_c),
    ]:
        assert not await _sees(gql, token, type_name, object_id), type_name

    # contribution(id): the same, null without an error (like a missing ID)
    own = await _ok(gql, CONTRIBUTION, {"id": _gid("Contribution", s.a)}, token)
    assert own["contribution"]["amount"] == {"amountMinor": "100000"}
    for hidden in (s.b, s.c, uuid.uuid4()):
        found = await _ok(gql, CONTRIBUTION, {"id": _gid("Contribution", hidden)}, token)
        assert found == {"contribution": None}

    # contributions(filter): asking for the competitor by name finds nothing, counts nothing
    listed = await _ok(
        gql, LISTED, {"filter": {"organizationId": _gid("Organization", other)}}, token
    )
    assert listed["contributions"] == {"totalCount": 0, "edges": []}
    everything = await _ok(gql, LISTED, {"filter": None}, token)
    assert _ids(everything["contributions"]) == {_gid("Contribution", s.a)}
    mine = await _ok(
        gql, LISTED, {"filter": {"organizationId": _gid("Organization", employer)}}, token
    )
    assert _ids(mine["contributions"]) == {_gid("Contribution", s.a)}

    # Initiative.contributions: its own only; the funding totals stay open
    initiative = await _ok(gql, INITIATIVE, {"id": _gid("Initiative", s.funds.initiative)}, token)
    assert _ids(initiative["initiative"]["contributions"]) == {_gid("Contribution", s.a)}
    assert sorted(row["matched"]["amountMinor"] for row in initiative["initiative"]["funding"]) == [
        "200000",
        "400000",
    ]

    # FundPool.contributions / disbursements: its own only; the summary stays whole
    pool = (await _ok(gql, POOL, {"id": _gid("FundPool", s.funds.pool)}, token))["fundPool"]
    assert pool["summary"]["matched"] == {"amountMinor": "400000"}
    assert _ids(pool["contributions"]) == {_gid("Contribution", s.a)}
    assert _ids(pool["disbursements"]) == {_gid("Disbursement", s.tranche_a)}
    [node] = [edge["node"] for edge in pool["contributions"]["edges"]]
    assert [tranche["id"] for tranche in node["disbursements"]] == [
        _gid("Disbursement", s.tranche_a)
    ]
    pool2 = (await _ok(gql, POOL, {"id": _gid("FundPool", s.pool2)}, token))["fundPool"]
    assert pool2["summary"]["matched"] == {"amountMinor": "200000"}
    assert pool2["contributions"] == {"totalCount": 0, "edges": []}
    assert pool2["disbursements"] == {"totalCount": 0, "edges": []}

    # the per-recipient detail of either pool: FORBIDDEN
    await _details_refused(gql, token, s.funds.pool)
    await _details_refused(gql, token, s.pool2)


async def test_the_competitor_sees_the_mirror_image(gql: GraphQLClient, scenario: Scenario) -> None:
    s, token = scenario, scenario.token("other_org_admin")
    assert not await _sees(gql, token, "Contribution", s.a)
    assert not await _sees(gql, token, "Disbursement", s.tranche_a)
    assert await _sees(gql, token, "Contribution", s.b)
    assert await _sees(gql, token, "Contribution", s.c)
    # the tranche of its contribution, though paid to the college
    assert await _sees(gql, token, "Disbursement", s.tranche_b)
    everything = await _ok(gql, LISTED, {"filter": None}, token)
    assert _ids(everything["contributions"]) == {
        _gid("Contribution", s.b),
        _gid("Contribution", s.c),
    }
    # its own contributions still do not open the ledger
    assert not await _sees(gql, token, "LedgerTransaction", s.match_b)
    await _details_refused(gql, token, s.funds.pool)


async def test_a_payee_sees_its_tranche_but_not_the_contribution_behind_it(
    gql: GraphQLClient, scenario: Scenario
) -> None:
    s, token = scenario, scenario.token("provider_member")
    query = """query($id: ID!) { node(id: $id) { ... on Disbursement {
        id amount { amountMinor } contribution { id } payee { id } } } }"""
    found = await _ok(gql, query, {"id": _gid("Disbursement", s.tranche_b)}, token)
    assert found["node"] == {
        "id": _gid("Disbursement", s.tranche_b),
        "amount": {"amountMinor": "10000"},
        "contribution": None,
        "payee": {"id": _gid("Organization", s.funds.provider)},
    }
    assert not await _sees(gql, token, "Disbursement", s.tranche_a)
    assert not await _sees(gql, token, "Contribution", s.b)
    pool = (await _ok(gql, POOL, {"id": _gid("FundPool", s.funds.pool)}, token))["fundPool"]
    assert pool["contributions"] == {"totalCount": 0, "edges": []}
    assert _ids(pool["disbursements"]) == {_gid("Disbursement", s.tranche_b)}


# -- funders ---------------------------------------------------------------------------------


@pytest.mark.parametrize("person", ["funder_admin", "funder2_member"])
async def test_a_funder_oversees_its_own_pool_only(
    gql: GraphQLClient, scenario: Scenario, person: str
) -> None:
    s, token = scenario, scenario.token(person)
    own, others = (s.funds.pool, s.pool2) if person == "funder_admin" else (s.pool2, s.funds.pool)
    own_contributions = {s.a, s.b} if person == "funder_admin" else {s.c}
    hidden_contributions = {s.a, s.b, s.c} - own_contributions

    for contribution in own_contributions:
        assert await _sees(gql, token, "Contribution", contribution)
    for contribution in hidden_contributions:
        assert not await _sees(gql, token, "Contribution", contribution)
        found = await _ok(gql, CONTRIBUTION, {"id": _gid("Contribution", contribution)}, token)
        assert found == {"contribution": None}
    everything = await _ok(gql, LISTED, {"filter": None}, token)
    assert _ids(everything["contributions"]) == {
        _gid("Contribution", each) for each in own_contributions
    }
    in_other = await _ok(gql, LISTED, {"filter": {"poolId": _gid("FundPool", others)}}, token)
    assert in_other["contributions"] == {"totalCount": 0, "edges": []}
    own_match, other_match = (
        (s.match_b, s.match_c) if person == "funder_admin" else (s.match_c, s.match_b)
    )
    assert await _sees(gql, token, "LedgerTransaction", own_match)
    assert not await _sees(gql, token, "LedgerTransaction", other_match)

    await _details_read(gql, token, own)
    await _details_refused(gql, token, others)
    # the other pool's aggregates stay open
    pool = (await _ok(gql, POOL, {"id": _gid("FundPool", others)}, token))["fundPool"]
    assert int(pool["summary"]["matched"]["amountMinor"]) > 0
    assert pool["contributions"]["totalCount"] == 0


# -- the convener's staff and partner apps ---------------------------------------------------


@pytest.mark.parametrize("reader", ["admin", "analyst", "funds_reader"])
async def test_the_conveners_staff_and_funds_apps_see_everything(
    gql: GraphQLClient, scenario: Scenario, reader: str
) -> None:
    s, token = scenario, scenario.token(reader)
    for type_name, object_id in [
        ("Contribution", s.a),
        ("Contribution", s.b),
        ("Contribution", s.c),
        ("Disbursement", s.tranche_a),
        ("Disbursement", s.tranche_b),
        ("LedgerTransaction", s.match_b),
        ("LedgerEntry", s.entry_b),
        ("LedgerTransaction", s.match_c),
    ]:
        assert await _sees(gql, token, type_name, object_id), type_name
    everything = await _ok(gql, LISTED, {"filter": None}, token)
    assert _ids(everything["contributions"]) == {
        _gid("Contribution", each) for each in (s.a, s.b, s.c)
    }
    pool = (await _ok(gql, POOL, {"id": _gid("FundPool", s.funds.pool)}, token))["fundPool"]
    assert _ids(pool["disbursements"]) == {
        _gid("Disbursement", s.tranche_a),
        _gid("Disbursement", s.tranche_b),
    }
    by_contribution = {
        edge["node"]["id"]: edge["node"]["contribution"]["id"]
        for edge in pool["disbursements"]["edges"]
    }
    assert by_contribution[_gid("Disbursement", s.tranche_b)] == _gid("Contribution", s.b)
    await _details_read(gql, token, s.funds.pool)
    await _details_read(gql, token, s.pool2)


# -- the rule in SQL: batched, tenant-filtered -----------------------------------------------


async def test_a_non_overseers_reads_filter_by_tenant_and_stay_batched(
    gql: GraphQLClient,
    scenario: Scenario,
    owner_sessions: SessionFactory,
    count_statements: StatementCounter,
) -> None:
    s = scenario
    query = """query($id: ID!) { fundPool(id: $id) {
      contributions(first: 100) { totalCount edges { node { id organization { id }
        disbursements { id payee { id } contribution { id } } } } }
      disbursements(first: 100) { totalCount edges { node { id contribution { id } } } } } }"""

    async def run(token: str) -> tuple[int, int]:
        count_statements.statements.clear()
        data = await _ok(gql, query, {"id": _gid("FundPool", s.funds.pool)}, token)
        assert without_tenant_filter(count_statements.statements) == []
        return count_statements.count, data["fundPool"]["contributions"]["totalCount"]

    async def add(count: int) -> None:
        admin = s.funds.principal("admin")
        async with tenant_transaction(owner_sessions, s.funds.tenant_id) as session:
            for index in range(count):
                organization = ("employer", "other_employer")[index % 2]
                await record_contribution(
                    session,
                    admin,
                    contribution_input(
                        s.funds,
                        organization_id=s.funds.world.organizations[organization],
                        amount_minor=1_000 + index,
                    ),
                    idempotency_key=key(),
                )

    small = {person: await run(s.token(person)) for person in ("org_admin", "funder2_member")}
    await add(20)
    large = {person: await run(s.token(person)) for person in ("org_admin", "funder2_member")}
    assert small["org_admin"][1] == 1 and large["org_admin"][1] == 11
    assert small["funder2_member"][1] == 0 and large["funder2_member"][1] == 0
    assert large["org_admin"][0] == small["org_admin"][0]
    assert large["funder2_member"][0] == small["funder2_member"][0]


async def test_a_recorded_contribution_of_another_employer_is_hidden_too(
    gql: GraphQLClient, scenario: Scenario, owner_sessions: SessionFactory
) -> None:
    # given: an unverified contribution (no ledger yet) of the other employer
    other = scenario.funds.world.organizations["other_employer"]
    recorded = await record(
        owner_sessions, scenario.funds, by="other_org_admin", organization_id=other
    )

    # then: the employer cannot find it; the pool's funder can
    assert not await _sees(gql, scenario.token("org_admin"), "Contribution", recorded)
    assert await _sees(gql, scenario.token("funder_admin"), "Contribution", recorded)


async def test_the_report_functions_read_a_pool_as_missing_to_non_overseers(
    scenario: Scenario, owner_sessions: SessionFactory
) -> None:
    from coalition.funds.export import pool_report_csv

    s = scenario
    async with tenant_transaction(owner_sessions, s.funds.tenant_id) as session:
        for person, pool in [
            ("org_admin", s.funds.pool),
            ("member", s.pool2),
            ("funder_admin", s.pool2),
            ("funder2_member", s.funds.pool),
        ]:
            principal = s.funds.principal(person)
            assert await pool_report_csv(session, principal, pool) is None, person
            for by in BreakdownBy:
                assert await pool_breakdown(session, principal, pool, by) == [], person
            # the aggregates stay open to them
            summary = await pool_summary(session, principal, pool)
            assert summary is not None and summary.matched > 0
        funder = s.funds.principal("funder2_member")
        assert await pool_report_csv(session, funder, s.pool2) is not None
        rows = await pool_breakdown(session, funder, s.pool2, BreakdownBy.RECIPIENT)
        assert [row.matched for row in rows] == [200_000]
