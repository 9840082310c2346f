"""Every statement the API runs on a tenant table names tenant_id (SECURITY.md item 13).

Row-level security would hide other tenants' rows anyway; the explicit filter is
what lets Citus route a query to one shard, and what keeps the service layer a
wall of its own. This runs a broad set of operations through the API, records
every SQL statement, and checks each one that touches a tenant table.
"""

from __future__ import annotations

import re

from coalition.models import Base
from tests.support.graphql import GraphQLClient
from tests.support.statements import StatementCounter, without_tenant_filter
from tests.support.world import World, global_id

TENANT_TABLES = sorted(
    table.name for table in Base.metadata.tables.values() if "tenant_id" in table.c
)
_MENTIONS = {table: re.compile(rf"\b{table}\b") for table in TENANT_TABLES}

OPERATIONS = [
    """{ viewer { label roles memberships { organization { name } } tenant { name } }
         organizations(first: 50) { totalCount edges { node { name
           memberships(first: 5) { totalCount edges { node { role user { email } } } } } } }
         apiClients { totalCount } auditEvents { totalCount } essentialSkills { name } }""",
    """{ demandSignals(first: 20) { totalCount edges { node { openings
           occupation { title } skills { level } organization { name } history { totalCount }
         } } }
         demandSummary(groupBy: [OCCUPATION, QUARTER]) { total { openings } } }""",
]


async def test_reads_and_writes_filter_by_tenant(
    gql: GraphQLClient, world: World, count_statements: StatementCounter
) -> None:
    admin = world.tokens["admin"]
    employer = global_id("Organization", world.organizations["employer"])
    created = await gql(
        """mutation($org: ID!) {
             createOrganization(input: {name: "Query Log Shop", kind: EMPLOYER}) {
               organization { id } userErrors { code } }
             updateOrganization(input: {id: $org, city: "Holland"}) { userErrors { code } }
             addMembership(input: {organizationId: $org, email: "log@example.org",
                                   role: MEMBER}) { membership { id } userErrors { code } }
             createDemandSignal(input: {organizationId: $org, occupationCode: "51-4041",
                 openings: 3, startQuarter: "2027Q1", endQuarter: "2027Q2",
                 openingsKind: GROWTH}) { demandSignal { id } userErrors { field code } }
           }""",
        {"org": employer},
        token=admin,
    )
    assert "errors" not in created, created
    membership = created["data"]["addMembership"]["membership"]["id"]
    signal = created["data"]["createDemandSignal"]["demandSignal"]["id"]
    changed = await gql(
        """mutation($membership: ID!, $signal: ID!) {
             updateDemandSignal(input: {id: $signal, openings: 4}) { userErrors { code } }
             withdrawDemandSignal(input: {id: $signal}) { userErrors { code } }
             removeMembership(input: {id: $membership}) { userErrors { code } }
           }""",
        {"membership": membership, "signal": signal},
        token=admin,
    )
    assert "errors" not in changed, changed
    for operation in OPERATIONS:
        body = await gql(operation, token=admin)
        assert "errors" not in body, body
    await gql("{ node(id: $id) { id } }".replace("$id", f'"{signal}"'), token=admin)

    touched = [
        s
        for s in count_statements.statements
        if any(pattern.search(s) for pattern in _MENTIONS.values())
    ]
    assert len(touched) >= 20
    assert without_tenant_filter(count_statements.statements) == []


def test_the_check_catches_a_statement_without_the_filter() -> None:
    assert without_tenant_filter(["SELECT id FROM organizations WHERE name = $1"]) == [
        "SELECT id FROM organizations WHERE name = $1"
    ]
    assert without_tenant_filter(["SELECT id FROM organizations WHERE tenant_id = $1"]) == []
