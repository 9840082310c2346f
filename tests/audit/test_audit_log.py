"""The audit log: one event per change, written in the change's own transaction.

A change that is rolled back leaves no event; an authorization denial leaves exactly one
(SECURITY.md item 34), written after the rollback so it survives it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select

from coalition.audit.models import AuditEvent
from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from coalition.tenancy.models import Organization
from tests.support.graphql import GraphQLClient, error_codes
from tests.support.world import World, global_id

EVENTS = """query($first: Int!, $after: String) { auditEvents(first: $first, after: $after) {
    totalCount
    edges { cursor node { id occurredAt actorKind actorId actorLabel action objectType objectId
                          changes requestId } }
    pageInfo { hasNextPage endCursor } } }"""
USER_ERRORS = "userErrors { field message code }"
CREATE_ORGANIZATION = f"""mutation($input: CreateOrganizationInput!) {{
    createOrganization(input: $input) {{ organization {{ id }} {USER_ERRORS} }} }}"""
UPDATE_ORGANIZATION = f"""mutation($input: UpdateOrganizationInput!) {{
    updateOrganization(input: $input) {{ organization {{ id }} {USER_ERRORS} }} }}"""
ARCHIVE_ORGANIZATION = f"""mutation($id: ID!) {{
    archiveOrganization(input: {{id: $id}}) {{ organization {{ id }} {USER_ERRORS} }} }}"""
ADD_MEMBERSHIP = f"""mutation($input: AddMembershipInput!) {{
    addMembership(input: $input) {{ membership {{ id }} {USER_ERRORS} }} }}"""
REMOVE_MEMBERSHIP = f"""mutation($id: ID!) {{
    removeMembership(input: {{id: $id}}) {{ membership {{ id }} {USER_ERRORS} }} }}"""
CREATE_API_CLIENT = f"""mutation($input: CreateApiClientInput!) {{
    createApiClient(input: $input) {{ apiClient {{ id }} clientSecret {USER_ERRORS} }} }}"""
REVOKE_API_CLIENT = f"""mutation($id: ID!) {{
    revokeApiClient(input: {{id: $id}}) {{ apiClient {{ id }} {USER_ERRORS} }} }}"""


async def _events(gql: GraphQLClient, world: World) -> list[dict[str, Any]]:
    body = await gql(EVENTS, {"first": 100}, token=world.tokens["admin"])
    connection = body["data"]["auditEvents"]
    assert connection["totalCount"] == len(connection["edges"])
    return [edge["node"] for edge in connection["edges"]]


def _change(old: Any, new: Any) -> dict[str, Any]:
    return {"from": old, "to": new}


@dataclass(frozen=True)
class Case:
    document: str
    variables: Callable[[World], dict[str, Any]]
    action: str
    object_type: str
    # The global ID of the changed object, from the world and the mutation's payload.
    object_id: Callable[[World, dict[str, Any]], str]
    changes: Callable[[World], dict[str, Any]]


def _organization(name: str) -> Callable[[World], str]:
    return lambda world: global_id("Organization", world.organizations[name])


CASES: dict[str, Case] = {
    "createOrganization": Case(
        CREATE_ORGANIZATION,
        lambda w: {"input": {"name": "Bay Machining", "kind": "EMPLOYER", "city": "Holland"}},
        "organization.create",
        "Organization",
        lambda w, payload: payload["organization"]["id"],
        lambda w: {
            "name": _change(None, "Bay Machining"),
            "kind": _change(None, "EMPLOYER"),
            "city": _change(None, "Holland"),
        },
    ),
    "updateOrganization": Case(
        UPDATE_ORGANIZATION,
        # Name and head count are given but unchanged: only the city is recorded.
        lambda w: {
            "input": {
                "id": _organization("employer")(w),
                "name": "alpha employer",
                "employeeCount": 40,
                "city": "Holland",
            }
        },
        "organization.update",
        "Organization",
        lambda w, payload: _organization("employer")(w),
        lambda w: {"city": _change(None, "Holland")},
    ),
    "archiveOrganization": Case(
        ARCHIVE_ORGANIZATION,
        lambda w: {"id": _organization("college")(w)},
        "organization.archive",
        "Organization",
        lambda w, payload: _organization("college")(w),
        lambda w: {"archived": _change(False, True)},
    ),
    "addMembership": Case(
        ADD_MEMBERSHIP,
        lambda w: {
            "input": {
                "organizationId": _organization("employer")(w),
                "email": "New.Person@X.example",
                "role": "MEMBER",
            }
        },
        "membership.add",
        "Membership",
        lambda w, payload: payload["membership"]["id"],
        lambda w: {
            "organization_id": _change(None, str(w.organizations["employer"])),
            "email": _change(None, "new.person@x.example"),
            "role": _change(None, "MEMBER"),
        },
    ),
    "removeMembership": Case(
        REMOVE_MEMBERSHIP,
        lambda w: {"id": global_id("Membership", w.memberships["member"])},
        "membership.remove",
        "Membership",
        lambda w, payload: global_id("Membership", w.memberships["member"]),
        lambda w: {
            "organization_id": _change(str(w.organizations["employer"]), None),
            "role": _change("MEMBER", None),
        },
    ),
    "createApiClient": Case(
        CREATE_API_CLIENT,
        lambda w: {"input": {"name": "Dashboard", "scopes": ["read"]}},
        "api_client.create",
        "ApiClient",
        lambda w, payload: payload["apiClient"]["id"],
        lambda w: {"name": _change(None, "Dashboard"), "scopes": _change(None, ["read"])},
    ),
    "revokeApiClient": Case(
        REVOKE_API_CLIENT,
        lambda w: {"id": global_id("ApiClient", w.clients["reader"])},
        "api_client.revoke",
        "ApiClient",
        lambda w, payload: global_id("ApiClient", w.clients["reader"]),
        lambda w: {"revoked": _change(False, True)},
    ),
}


@pytest.mark.parametrize("mutation", list(CASES))
async def test_each_mutation_writes_exactly_one_event(
    gql: GraphQLClient, world: World, mutation: str
) -> None:
    # given
    case = CASES[mutation]

    # when
    response = await gql.post(case.document, case.variables(world), token=world.tokens["admin"])

    # then
    body = response.json()
    assert "errors" not in body, body
    payload = body["data"][mutation]
    assert payload["userErrors"] == []
    [event] = await _events(gql, world)
    assert {key: value for key, value in event.items() if key not in ("id", "occurredAt")} == {
        "actorKind": "user",
        "actorId": global_id("User", world.users["admin"]),
        "actorLabel": f"admin@{world.slug}.example",
        "action": case.action,
        "objectType": case.object_type,
        "objectId": case.object_id(world, payload),
        "changes": case.changes(world),
        "requestId": response.headers["x-request-id"],
    }


async def test_a_partner_app_is_recorded_as_a_client(gql: GraphQLClient, world: World) -> None:
    # when
    response = await gql.post(
        CREATE_ORGANIZATION,
        {"input": {"name": "Via App", "kind": "FUNDER"}},
        token=world.tokens["writer"],
    )

    # then
    organization = response.json()["data"]["createOrganization"]["organization"]
    [event] = await _events(gql, world)
    assert (event["actorKind"], event["actorId"], event["actorLabel"]) == (
        "client",
        global_id("ApiClient", world.clients["writer"]),
        "alpha writer",
    )
    assert (event["action"], event["objectId"]) == ("organization.create", organization["id"])
    assert event["requestId"] == response.headers["x-request-id"]


async def test_the_client_secret_never_reaches_the_audit_log(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    # given
    body = await gql(
        CREATE_API_CLIENT,
        {"input": {"name": "Dashboard", "scopes": ["read"]}},
        token=world.tokens["admin"],
    )
    secret = body["data"]["createApiClient"]["clientSecret"]

    # when
    listed = await gql(EVENTS, {"first": 100}, token=world.tokens["admin"])
    async with tenant_transaction(owner_sessions, world.id) as session:
        rows = list(
            await session.scalars(select(AuditEvent).where(AuditEvent.tenant_id == world.id))
        )

    # then
    assert len(secret) == 43
    assert [row.action for row in rows] == ["api_client.create"]
    stored = json.dumps(
        [
            {column.key: getattr(row, column.key) for column in AuditEvent.__table__.columns}
            for row in rows
        ],
        default=str,
    )
    assert secret not in stored
    assert secret not in json.dumps(listed)


async def test_events_come_newest_first_page_by_page(gql: GraphQLClient, world: World) -> None:
    # given
    for index in range(5):
        await gql(
            CREATE_ORGANIZATION,
            {"input": {"name": f"Shop {index}", "kind": "EMPLOYER"}},
            token=world.tokens["admin"],
        )

    # when
    names: list[str] = []
    times: list[str] = []
    after = None
    pages = 0
    while pages < 10:
        body = await gql(EVENTS, {"first": 2, "after": after}, token=world.tokens["admin"])
        connection = body["data"]["auditEvents"]
        assert connection["totalCount"] == 5
        names += [edge["node"]["changes"]["name"]["to"] for edge in connection["edges"]]
        times += [edge["node"]["occurredAt"] for edge in connection["edges"]]
        pages += 1
        if not connection["pageInfo"]["hasNextPage"]:
            break
        after = connection["pageInfo"]["endCursor"]

    # then
    assert pages == 3
    assert names == ["Shop 4", "Shop 3", "Shop 2", "Shop 1", "Shop 0"]
    assert times == sorted(times, reverse=True)


@pytest.mark.parametrize(
    "actor", ["analyst", "org_admin", "member", "other_org_admin", "reader", "writer"]
)
async def test_only_partnership_admins_read_the_log(
    gql: GraphQLClient, world: World, actor: str
) -> None:
    # when
    body = await gql(EVENTS, {"first": 10}, token=world.tokens[actor])

    # then: refused, and the refusal itself is on record
    assert error_codes(body) == ["FORBIDDEN"]
    assert body["data"] is None
    [event] = await _events(gql, world)
    assert event["action"] == "auditEvents.denied"


async def test_without_a_token_the_log_is_refused(gql: GraphQLClient, world: World) -> None:
    body = await gql(EVENTS, {"first": 10})

    assert error_codes(body) == ["UNAUTHENTICATED"]
    assert body["data"] is None


# --- rollback: no change, no event; a denial, one event ---------------------------------


async def _city(owner_sessions: SessionFactory, world: World, name: str) -> str | None:
    async with tenant_transaction(owner_sessions, world.id) as session:
        return await session.scalar(
            select(Organization.city).where(
                Organization.tenant_id == world.id, Organization.id == world.organizations[name]
            )
        )


async def test_a_mutation_with_user_errors_writes_no_event(
    gql: GraphQLClient, world: World
) -> None:
    # when
    body = await gql(
        CREATE_ORGANIZATION,
        {"input": {"name": "alpha employer", "kind": "EMPLOYER"}},
        token=world.tokens["admin"],
    )

    # then
    codes = [error["code"] for error in body["data"]["createOrganization"]["userErrors"]]
    assert codes == ["TAKEN"]
    assert await _events(gql, world) == []


async def test_a_refused_second_mutation_rolls_back_the_first_and_its_event(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    # given: the organization admin may update its organization but not archive it
    employer = global_id("Organization", world.organizations["employer"])
    operation = """mutation($id: ID!) {
        updateOrganization(input: {id: $id, city: "Holland"}) { organization { city } }
        archiveOrganization(input: {id: $id}) { organization { archivedAt } } }"""

    # when
    response = await gql.post(operation, {"id": employer}, token=world.tokens["org_admin"])

    # then
    body = response.json()
    assert error_codes(body) == ["FORBIDDEN"]
    assert body["errors"][0]["path"] == ["archiveOrganization"]
    assert body["data"] is None
    assert await _city(owner_sessions, world, "employer") is None
    [event] = await _events(gql, world)
    assert {key: value for key, value in event.items() if key not in ("id", "occurredAt")} == {
        "actorKind": "user",
        "actorId": global_id("User", world.users["org_admin"]),
        "actorLabel": f"org_admin@{world.slug}.example",
        "action": "archiveOrganization.denied",
        "objectType": None,
        "objectId": None,
        "changes": {"reason": "Only a partnership admin may do this."},
        "requestId": response.headers["x-request-id"],
    }


@pytest.mark.parametrize(
    ("actor", "kind", "document", "variables", "action"),
    [
        (
            "analyst",
            "user",
            ARCHIVE_ORGANIZATION,
            lambda w: {"id": global_id("Organization", w.organizations["college"])},
            "archiveOrganization.denied",
        ),
        (
            "reader",
            "client",
            CREATE_ORGANIZATION,
            lambda w: {"input": {"name": "Refused", "kind": "EMPLOYER"}},
            "createOrganization.denied",
        ),
        (
            "org_admin",
            "user",
            ADD_MEMBERSHIP,
            lambda w: {
                "input": {
                    "organizationId": global_id("Organization", w.organizations["employer"]),
                    "email": "climber@x.example",
                    "role": "PARTNERSHIP_ADMIN",
                }
            },
            "addMembership.denied",
        ),
        (
            "writer",
            "client",
            CREATE_API_CLIENT,
            lambda w: {"input": {"name": "Refused", "scopes": ["read"]}},
            "createApiClient.denied",
        ),
    ],
)
async def test_a_denial_writes_exactly_one_event(
    gql: GraphQLClient,
    world: World,
    actor: str,
    kind: str,
    document: str,
    variables: Callable[[World], dict[str, Any]],
    action: str,
) -> None:
    # when
    response = await gql.post(document, variables(world), token=world.tokens[actor])

    # then
    assert error_codes(response.json()) == ["FORBIDDEN"]
    [event] = await _events(gql, world)
    assert (event["action"], event["actorKind"], event["objectId"]) == (action, kind, None)
    assert event["requestId"] == response.headers["x-request-id"]


async def test_a_denial_is_recorded_under_the_field_name_not_the_alias(
    gql: GraphQLClient, world: World
) -> None:
    # given: the caller chooses the response key, so it must not name the audit action
    operation = """mutation($id: ID!) {
        organization_update: archiveOrganization(input: {id: $id}) { organization { id } } }"""

    # when
    body = await gql(
        operation,
        {"id": global_id("Organization", world.organizations["college"])},
        token=world.tokens["analyst"],
    )

    # then
    assert error_codes(body) == ["FORBIDDEN"]
    [event] = await _events(gql, world)
    assert event["action"] == "archiveOrganization.denied"


async def test_an_unauthenticated_mutation_writes_no_event(
    gql: GraphQLClient, world: World
) -> None:
    # when
    body = await gql(
        ARCHIVE_ORGANIZATION, {"id": global_id("Organization", world.organizations["college"])}
    )

    # then
    assert error_codes(body) == ["UNAUTHENTICATED"]
    assert await _events(gql, world) == []
