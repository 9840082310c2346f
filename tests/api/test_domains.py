"""The schema is built from the list of domains: a new domain registers with one line,
every Node type resolves its own IDs, and the audit log names every object by its
global ID."""

from __future__ import annotations

import textwrap
import uuid
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from starlette.applications import Starlette

from coalition.api.context import Context
from coalition.api.relay import from_global_id, to_global_id
from coalition.api.schema import build_schema, load_domains
from coalition.auth.principal import system_principal
from coalition.auth.scopes import USER_SCOPES
from coalition.auth.tokens import USER_TOKEN_CLIENT_ID, issue_access_token
from coalition.config import Settings
from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from coalition.demo import NAMESPACE, seed_demo
from coalition.domains import DOMAINS
from coalition.tenancy.models import User
from tests.support.graphql import GraphQLClient
from tests.support.world import World

THROWAWAY = '''
"""A domain made up for the test: one Node type and one query."""

from __future__ import annotations

import uuid

import strawberry

from coalition.api.context import Info
from coalition.api.relay import Node, to_global_id


@strawberry.type(name="Widget", description="A made-up object.")
class WidgetType(Node):
    label: str = strawberry.field(description="Its label.")

    @classmethod
    async def resolve_node(cls, info: Info, object_id: uuid.UUID) -> WidgetType | None:
        return cls(id=to_global_id("Widget", object_id), label=f"widget {object_id}")


@strawberry.type
class WidgetQuery:
    @strawberry.field(description="How many widgets there are.")
    def widget_count(self) -> int:
        return 7


@strawberry.type
class WidgetExtras:
    @strawberry.field(description="Its label, shouted.")
    def shouted(self) -> str:
        return self.label.upper()


Query = WidgetQuery
Mutation = None
NODE_TYPES = (WidgetType,)
TYPES = ()
FIELDS = ((WidgetType, WidgetExtras),)
'''


@pytest.fixture
def throwaway_domain(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    package = tmp_path / "throwaway_widgets"
    (package / "schema").mkdir(parents=True)
    (package / "__init__.py").write_text('"""Widgets."""\n')
    (package / "schema" / "__init__.py").write_text(textwrap.dedent(THROWAWAY))
    monkeypatch.syspath_prepend(str(tmp_path))
    return "throwaway_widgets"


async def test_a_throwaway_domain_registers_with_one_line(
    throwaway_domain: str, settings: Settings
) -> None:
    # Given a domain package that lives outside the source tree,
    # when it is added to the list of domains,
    schema = build_schema(settings, domains=[*DOMAINS, throwaway_domain])

    # then its type and query are in the schema beside everyone else's,
    sdl = schema.as_str()
    assert "type Widget implements Node {" in sdl
    assert "widgetCount: Int!" in sdl
    assert "fundPools(" in sdl
    # and node(id:) finds its objects.
    object_id = uuid.uuid4()
    context = Context(
        settings=settings,
        request_id="test",
        principal=system_principal(uuid.uuid4(), "test"),
        transaction=None,
    )
    result = await schema.execute(
        "query ($id: ID!) { node(id: $id) { __typename id ... on Widget { label shouted } } "
        "widgetCount }",
        variable_values={"id": to_global_id("Widget", object_id)},
        context_value=context,
    )
    assert result.errors is None
    assert result.data == {
        "node": {
            "__typename": "Widget",
            "id": to_global_id("Widget", object_id),
            "label": f"widget {object_id}",
            # a field another module adds to the type (FIELDS) resolves on its object
            "shouted": f"WIDGET {object_id}".upper(),
        },
        "widgetCount": 7,
    }


def test_the_default_schema_has_no_throwaway(settings: Settings) -> None:
    assert "Widget" not in build_schema(settings).as_str()


def test_two_domains_may_not_claim_one_node_type(throwaway_domain: str, settings: Settings) -> None:
    with pytest.raises(ValueError, match="Widget"):
        build_schema(settings, domains=[*DOMAINS, throwaway_domain, throwaway_domain])


def _sdl_node_types(sdl: str) -> set[str]:
    found = set()
    for line in sdl.splitlines():
        if line.startswith("type ") and "implements" in line:
            name, _, interfaces = line.removeprefix("type ").partition(" implements ")
            if "Node" in interfaces.removesuffix(" {").split(" & "):
                found.add(name)
    return found


def test_every_node_type_of_the_sdl_is_registered_by_a_domain(settings: Settings) -> None:
    sdl = Path(__file__).resolve().parents[2].joinpath("graphql", "schema.graphql").read_text()
    registered = {
        node_type.__strawberry_definition__.name
        for module in load_domains()
        for node_type in module.NODE_TYPES
    }

    assert _sdl_node_types(sdl) == registered
    assert set(build_schema(settings).node_types) == registered


# How to find one object of each Node type in the demo, as its partnership admin.
FINDERS: dict[str, tuple[str, list[str]]] = {
    "Organization": ("{ organizations(first: 1) { edges { node { id } } } }", ["organizations"]),
    "Membership": ("{ viewer { memberships { id } } }", ["viewer", "memberships"]),
    "User": ("{ viewer { user { id } } }", ["viewer", "user"]),
    "ApiClient": ("{ apiClients(first: 1) { edges { node { id } } } }", ["apiClients"]),
    "Tenant": ("{ tenant { id } }", ["tenant"]),
    "DemandSignal": ("{ demandSignals(first: 1) { edges { node { id } } } }", ["demandSignals"]),
    "DemandRelease": (
        "{ demandSummary(groupBy: [OCCUPATION]) { release { id } } }",
        ["demandSummary", "release"],
    ),
    "FundPool": ("{ fundPools(first: 1) { edges { node { id } } } }", ["fundPools"]),
    "Event": ("{ events(first: 1) { edges { node { id } } } }", ["events"]),
    "Exhibitor": (
        "{ events(first: 1) { edges { node { exhibitors { id } } } } }",
        ["events", "exhibitors"],
    ),
    "Registration": (
        "{ events(first: 1, filter: {kinds: [INFORMATION_SESSION]}) { edges { node { "
        "registrations(first: 1) { edges { node { id } } } } } } }",
        ["events", "registrations"],
    ),
    "EventSession": (
        "{ events(first: 1, filter: {kinds: [JOB_FAIR]}) { edges { node { sessions { id } } } } }",
        ["events", "sessions"],
    ),
    "CareerPathway": (
        "{ careerPathways(first: 1) { edges { node { id } } } }",
        ["careerPathways"],
    ),
    "FundCommitment": (
        "{ fundPools(first: 1) { edges { node { commitments { id } } } } }",
        ["fundPools", "commitments"],
    ),
    "Initiative": ("{ initiatives(first: 1) { edges { node { id } } } }", ["initiatives"]),
    "Contribution": (
        "{ contributions(first: 1) { edges { node { id } } } }",
        ["contributions"],
    ),
    "Disbursement": (
        "{ fundPools(first: 1) { edges { node { disbursements(first: 1) "
        "{ edges { node { id } } } } } } }",
        ["fundPools", "disbursements"],
    ),
    "LedgerTransaction": (
        "{ fundPools(first: 1) { edges { node { ledgerEntries(first: 1) "
        "{ edges { node { transaction { id } } } } } } } }",
        ["fundPools", "ledgerEntries", "transaction"],
    ),
    "LedgerEntry": (
        "{ fundPools(first: 1) { edges { node { ledgerEntries(first: 1) "
        "{ edges { node { id } } } } } } }",
        ["fundPools", "ledgerEntries"],
    ),
    "TrainingProgram": (
        "{ trainingPrograms(first: 1) { edges { node { id } } } }",
        ["trainingPrograms"],
    ),
    "Cohort": (
        "{ trainingPrograms(first: 1) { edges { node { cohorts(first: 1) "
        "{ edges { node { id } } } } } } }",
        ["trainingPrograms", "cohorts"],
    ),
    "OutcomeTarget": (
        "{ initiatives(first: 1) { edges { node { outcomeTargets(first: 1) "
        "{ edges { node { id } } } } } } }",
        ["initiatives", "outcomeTargets"],
    ),
}
ADD_RECORD = """mutation($id: ID!) { createParticipantRecord(input: {organizationId: $id,
  participantIdentifier: "RT-1", entryDate: "2026-01-05"}) {
  participantRecord { id } userErrors { code } } }"""
PROVIDER = """{ organizations(first: 1, filter: {kinds: [EDUCATION_INSTITUTION]}) {
  edges { node { id } } } }"""
ADD_PROGRAM = """mutation($id: ID!) { createTrainingProgram(input: {organizationId: $id,
  name: "Round trip", cipCode: "48.0501", credential: {kind: NONE}, modality: ONLINE}) {
  trainingProgram { id } userErrors { code } } }"""
ADD_COHORT = """mutation($id: ID!) { createCohort(input: {programId: $id, startsOn: "2027-01-04",
  endsOn: "2027-03-26", seats: 10, expectedCompletionRate: 80}) { userErrors { code } } }"""


async def _a_program_with_a_cohort(gql: GraphQLClient, token: str) -> None:
    """A training program with a cohort in the demo partnership, made through the API
    while the demo seeds none."""
    listed = await gql("{ trainingPrograms(first: 1) { totalCount } }", token=token)
    if listed["data"]["trainingPrograms"]["totalCount"]:
        return
    college = _dig((await gql(PROVIDER, token=token))["data"], ["organizations"])
    made = await gql(ADD_PROGRAM, {"id": college}, token=token)
    assert made["data"]["createTrainingProgram"]["userErrors"] == [], made
    program = made["data"]["createTrainingProgram"]["trainingProgram"]["id"]
    added = await gql(ADD_COHORT, {"id": program}, token=token)
    assert added == {"data": {"createCohort": {"userErrors": []}}}


def _dig(data: Any, path: list[str]) -> str:
    """The first ID along ``path``, through connections' first edge and lists' first item."""
    value = data
    for step in path:
        value = value[step]
        if isinstance(value, dict) and "edges" in value:
            value = value["edges"][0]["node"]
        elif isinstance(value, list):
            value = value[0]
    assert isinstance(value, dict), value
    return str(value["id"])


async def _demo_token(
    app: Starlette, owner_sessions: SessionFactory, settings: Settings, local_part: str
) -> str:
    tenant_id = uuid.uuid5(NAMESPACE, "lakeshore-manufacturing")
    async with tenant_transaction(owner_sessions, tenant_id) as session:
        user_id = await session.scalar(
            select(User.id).where(
                User.tenant_id == tenant_id,
                User.email == f"{local_part}@lakeshore-manufacturing.example",
            )
        )
    assert user_id is not None
    return issue_access_token(
        await app.state.keys.signer(),
        settings,
        tenant_id=tenant_id,
        subject=str(user_id),
        client_id=USER_TOKEN_CLIENT_ID,
        scopes=USER_SCOPES,
    )


@pytest.fixture
async def demo_admin_token(
    app: Starlette, owner_sessions: SessionFactory, settings: Settings
) -> str:
    await seed_demo(owner_sessions)
    return await _demo_token(app, owner_sessions, settings, "admin")


SET_TARGET = """mutation($id: ID!, $period: String!) { setOutcomeTarget(input: {
  initiativeId: $id, metric: ENROLLMENTS, period: $period, target: "10"}) {
  userErrors { code } } }"""
REPORT_COUNTS = """mutation($id: ID!) { reportAggregateCounts(input: {organizationId: $id,
  quarter: "2026Q1", rows: [{dimension: TOTAL, served: 3, exited: 1, completed: 1,
  credentialed: 0, placed: 0}]}) { aggregateCounts { id } userErrors { code } } }"""


async def _a_target(gql: GraphQLClient, token: str) -> None:
    """An outcome target on the first initiative, set through the API while the demo
    seeds none."""
    found = await gql(
        "{ initiatives(first: 1) { edges { node { id startsOn "
        "outcomeTargets(first: 1) { totalCount } } } } }",
        token=token,
    )
    initiative = found["data"]["initiatives"]["edges"][0]["node"]
    if initiative["outcomeTargets"]["totalCount"]:
        return
    starts_on = date.fromisoformat(initiative["startsOn"])
    period = f"{starts_on.year}Q{(starts_on.month - 1) // 3 + 1}"
    made = await gql(SET_TARGET, {"id": initiative["id"], "period": period}, token=token)
    assert made == {"data": {"setOutcomeTarget": {"userErrors": []}}}, made


async def _keeper_counts(gql: GraphQLClient, token: str) -> str:
    """Aggregate counts of the demo college, reported by its own admin; a row's global ID."""
    college = _dig((await gql(PROVIDER, token=token))["data"], ["organizations"])
    made = await gql(REPORT_COUNTS, {"id": college}, token=token)
    assert made["data"]["reportAggregateCounts"]["userErrors"] == [], made
    return str(made["data"]["reportAggregateCounts"]["aggregateCounts"][0]["id"])


async def _keeper_record(gql: GraphQLClient, token: str) -> str:
    """A participant record of the demo college, made by its own admin; its global ID."""
    college = _dig((await gql(PROVIDER, token=token))["data"], ["organizations"])
    made = await gql(ADD_RECORD, {"id": college}, token=token)
    assert made["data"]["createParticipantRecord"]["userErrors"] == [], made
    return str(made["data"]["createParticipantRecord"]["participantRecord"]["id"])


async def test_every_node_type_round_trips_through_node(
    gql: GraphQLClient,
    demo_admin_token: str,
    settings: Settings,
    app: Starlette,
    owner_sessions: SessionFactory,
) -> None:
    # Every registered Node type has a way to be found here: a new one fails this test
    # until it is added to FINDERS.
    assert set(FINDERS) | set(KEEPER_TYPES) == set(build_schema(settings).node_types)
    created = await gql(
        'mutation { createApiClient(input: {name: "Round trip", scopes: ["read"]}) '
        "{ userErrors { code } } }",
        token=demo_admin_token,
    )
    assert created == {"data": {"createApiClient": {"userErrors": []}}}
    await _a_program_with_a_cohort(gql, demo_admin_token)
    await _a_target(gql, demo_admin_token)
    for type_name, (query, path) in FINDERS.items():
        found = await gql(query, token=demo_admin_token)
        assert "errors" not in found, (type_name, found)
        global_id = _dig(found["data"], path)
        assert from_global_id(global_id, type_name) is not None, (type_name, global_id)

        body = await gql(
            "query ($id: ID!) { node(id: $id) { __typename id } "
            "nodes(ids: [$id]) { __typename id } }",
            {"id": global_id},
            token=demo_admin_token,
        )

        expected = {"__typename": type_name, "id": global_id}
        assert body == {"data": {"node": expected, "nodes": [expected]}}, type_name
    keeper = await _demo_token(app, owner_sessions, settings, "college-admin")
    for type_name, make in KEEPER_TYPES.items():
        global_id = await make(gql, keeper)
        assert from_global_id(global_id, type_name) is not None, (type_name, global_id)
        body = await gql(
            "query ($id: ID!) { node(id: $id) { __typename id } "
            "nodes(ids: [$id]) { __typename id } }",
            {"id": global_id},
            token=keeper,
        )
        expected = {"__typename": type_name, "id": global_id}
        assert body == {"data": {"node": expected, "nodes": [expected]}}, type_name


# Types only their keeper ever sees (never the convener): found with the demo college's
# own organization admin's token, after adding one through the API.
KEEPER_TYPES = {"ParticipantRecord": _keeper_record, "AggregateCount": _keeper_counts}

# Objects the audit log names that are not Node types: their IDs stay plain UUIDs.
NOT_NODES = {"EssentialSkillOverride"}


async def _object_ids_in_audit_log(gql: GraphQLClient, token: str) -> dict[str, list[str]]:
    """Every audit event's object ID, by object type, over every page."""
    found: dict[str, list[str]] = {}
    after: str | None = None
    for _ in range(100):
        body = await gql(
            "query ($after: String) { auditEvents(first: 100, after: $after) { "
            "edges { node { objectType objectId } } pageInfo { hasNextPage endCursor } } }",
            {"after": after},
            token=token,
        )
        page = body["data"]["auditEvents"]
        for edge in page["edges"]:
            object_type, object_id = edge["node"]["objectType"], edge["node"]["objectId"]
            if object_type is not None:
                found.setdefault(object_type, []).append(object_id)
        if not page["pageInfo"]["hasNextPage"]:
            return found
        after = page["pageInfo"]["endCursor"]
    raise AssertionError("the audit log did not end within 100 pages")


async def test_the_audit_log_names_every_object_by_its_global_id(
    gql: GraphQLClient, demo_admin_token: str, world: World, settings: Settings
) -> None:
    node_types = set(build_schema(settings).node_types)
    # The demo's funds were seeded through the services (audited); tenancy events are
    # made in a partnership of the test's own, so the demo stays as seeded.
    created = await gql(
        'mutation { createOrganization(input: {name: "Audited Shop", kind: EMPLOYER}) '
        "{ userErrors { code } } "
        'createApiClient(input: {name: "Audited app", scopes: ["read"]}) '
        "{ userErrors { code } } }",
        token=world.tokens["admin"],
    )
    assert created == {
        "data": {"createOrganization": {"userErrors": []}, "createApiClient": {"userErrors": []}}
    }

    seen: dict[str, list[str]] = {}
    for token in (demo_admin_token, world.tokens["admin"]):
        for object_type, object_ids in (await _object_ids_in_audit_log(gql, token)).items():
            seen.setdefault(object_type, []).extend(object_ids)

    for object_type, object_ids in seen.items():
        for object_id in object_ids:
            if object_type in NOT_NODES:
                assert uuid.UUID(object_id)
            else:
                assert from_global_id(object_id, object_type) is not None, object_type
    assert {"Organization", "ApiClient", "FundPool", "Initiative", "Contribution"} <= set(seen)
    assert set(seen) - NOT_NODES <= node_types
