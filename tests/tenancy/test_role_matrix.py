"""Each mutation tried by each role: the refused ones leave the database unchanged.

The expected rules (tenancy/permissions.py): a partnership admin may do everything; an
organization admin may edit its own organization and manage its members (but not hand out
the partnership admin role); analysts and members only read; a partner app with ``write``
may create and update organizations; a ``read`` app nothing; without a token nothing at all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from coalition.tenancy.schema import Mutation
from tests.support.graphql import GraphQLClient, error_codes
from tests.support.snapshots import Rows
from tests.support.world import World, global_id
from tests.tenancy.support import Snapshot

ACTORS = ["admin", "analyst", "org_admin", "member", "other_org_admin", "reader", "writer", None]

USER_ERRORS = "userErrors { field message code }"


def _without(rows: list[dict[str, Any]], key: str, value: Any) -> list[dict[str, Any]]:
    return [row for row in rows if row[key] != value]


def _only(rows: list[dict[str, Any]], key: str, value: Any) -> dict[str, Any]:
    [row] = [row for row in rows if row[key] == value]
    return row


def _unchanged_except(before: Rows, after: Rows, *tables: str) -> None:
    for name in before:
        if name not in tables:
            assert after[name] == before[name], name


def _organization_created(world: World, before: Rows, after: Rows) -> None:
    _unchanged_except(before, after, "organizations")
    created = _only(after["organizations"], "name", "Matrix Machining")
    assert created["kind"] == "EMPLOYER"
    assert _without(after["organizations"], "name", "Matrix Machining") == before["organizations"]


def _organization_updated(name: str) -> Callable[[World, Rows, Rows], None]:
    def check(world: World, before: Rows, after: Rows) -> None:
        _unchanged_except(before, after, "organizations")
        organization_id = world.organizations[name]
        old = _only(before["organizations"], "id", organization_id)
        new = _only(after["organizations"], "id", organization_id)
        assert old["city"] is None
        assert new["city"] == "Holland"
        assert {key for key in new if new[key] != old[key]} == {"city", "updated_at"}
        assert _without(after["organizations"], "id", organization_id) == _without(
            before["organizations"], "id", organization_id
        )

    return check


def _organization_archived(world: World, before: Rows, after: Rows) -> None:
    _unchanged_except(before, after, "organizations")
    organization_id = world.organizations["employer"]
    assert _only(before["organizations"], "id", organization_id)["archived_at"] is None
    assert _only(after["organizations"], "id", organization_id)["archived_at"] is not None
    assert _without(after["organizations"], "id", organization_id) == _without(
        before["organizations"], "id", organization_id
    )


def _membership_added(role: str) -> Callable[[World, Rows, Rows], None]:
    def check(world: World, before: Rows, after: Rows) -> None:
        _unchanged_except(before, after, "users", "memberships")
        user = _only(after["users"], "email", "matrix.person@example.org")
        assert _without(after["users"], "email", "matrix.person@example.org") == before["users"]
        membership = _only(after["memberships"], "user_id", user["id"])
        assert membership["organization_id"] == world.organizations["employer"]
        assert membership["role"] == role
        assert _without(after["memberships"], "user_id", user["id"]) == before["memberships"]

    return check


def _membership_removed(world: World, before: Rows, after: Rows) -> None:
    _unchanged_except(before, after, "memberships")
    assert after["memberships"] == _without(
        before["memberships"], "id", world.memberships["member"]
    )


def _client_created(world: World, before: Rows, after: Rows) -> None:
    _unchanged_except(before, after, "api_clients")
    created = _only(after["api_clients"], "name", "Matrix Dashboard")
    assert created["scopes"] == ["read"]
    assert _without(after["api_clients"], "name", "Matrix Dashboard") == before["api_clients"]


def _client_revoked(world: World, before: Rows, after: Rows) -> None:
    _unchanged_except(before, after, "api_clients")
    writer = world.clients["writer"]
    assert _only(before["api_clients"], "id", writer)["revoked_at"] is None
    assert _only(after["api_clients"], "id", writer)["revoked_at"] is not None
    assert _without(after["api_clients"], "id", writer) == _without(
        before["api_clients"], "id", writer
    )


def _settings_updated(world: World, before: Rows, after: Rows) -> None:
    _unchanged_except(before, after, "tenants")
    settings = after["tenants"][0]["settings"]
    assert (settings["disclosure"], settings["releases"]) == (
        {"min_employers": 4, "noise_max_percent": 30},
        {"min_interval_hours": 12},
    )


@dataclass(frozen=True)
class Case:
    field: str
    document: str
    variables: Callable[[World], dict[str, Any]]
    allowed: frozenset[str]
    effect: Callable[[World, Rows, Rows], None]


def _update(name: str) -> Callable[[World], dict[str, Any]]:
    return lambda world: {
        "input": {"id": global_id("Organization", world.organizations[name]), "city": "Holland"}
    }


def _add(role: str) -> Callable[[World], dict[str, Any]]:
    return lambda world: {
        "input": {
            "organizationId": global_id("Organization", world.organizations["employer"]),
            "email": "matrix.person@example.org",
            "role": role,
        }
    }


CASES: dict[str, Case] = {
    "createOrganization": Case(
        "createOrganization",
        f"""mutation($input: CreateOrganizationInput!) {{ createOrganization(input: $input) {{
            organization {{ id name }} {USER_ERRORS} }} }}""",
        lambda world: {"input": {"name": "Matrix Machining", "kind": "EMPLOYER"}},
        frozenset({"admin", "writer"}),
        _organization_created,
    ),
    "updateOrganization(employer)": Case(
        "updateOrganization",
        f"""mutation($input: UpdateOrganizationInput!) {{ updateOrganization(input: $input) {{
            organization {{ id city }} {USER_ERRORS} }} }}""",
        _update("employer"),
        frozenset({"admin", "org_admin", "writer"}),
        _organization_updated("employer"),
    ),
    "updateOrganization(other_employer)": Case(
        "updateOrganization",
        f"""mutation($input: UpdateOrganizationInput!) {{ updateOrganization(input: $input) {{
            organization {{ id city }} {USER_ERRORS} }} }}""",
        _update("other_employer"),
        frozenset({"admin", "other_org_admin", "writer"}),
        _organization_updated("other_employer"),
    ),
    "archiveOrganization": Case(
        "archiveOrganization",
        f"""mutation($id: ID!) {{ archiveOrganization(input: {{id: $id}}) {{
            organization {{ id archivedAt }} {USER_ERRORS} }} }}""",
        lambda world: {"id": global_id("Organization", world.organizations["employer"])},
        frozenset({"admin"}),
        _organization_archived,
    ),
    "addMembership(MEMBER)": Case(
        "addMembership",
        f"""mutation($input: AddMembershipInput!) {{ addMembership(input: $input) {{
            membership {{ id role }} {USER_ERRORS} }} }}""",
        _add("MEMBER"),
        frozenset({"admin", "org_admin"}),
        _membership_added("MEMBER"),
    ),
    "addMembership(PARTNERSHIP_ADMIN)": Case(
        "addMembership",
        f"""mutation($input: AddMembershipInput!) {{ addMembership(input: $input) {{
            membership {{ id role }} {USER_ERRORS} }} }}""",
        _add("PARTNERSHIP_ADMIN"),
        frozenset({"admin"}),
        _membership_added("PARTNERSHIP_ADMIN"),
    ),
    "removeMembership": Case(
        "removeMembership",
        f"""mutation($id: ID!) {{ removeMembership(input: {{id: $id}}) {{
            membership {{ id }} {USER_ERRORS} }} }}""",
        lambda world: {"id": global_id("Membership", world.memberships["member"])},
        frozenset({"admin", "org_admin"}),
        _membership_removed,
    ),
    "createApiClient": Case(
        "createApiClient",
        f"""mutation($input: CreateApiClientInput!) {{ createApiClient(input: $input) {{
            apiClient {{ id name }} clientSecret {USER_ERRORS} }} }}""",
        lambda world: {"input": {"name": "Matrix Dashboard", "scopes": ["read"]}},
        frozenset({"admin"}),
        _client_created,
    ),
    "updateTenantSettings": Case(
        "updateTenantSettings",
        f"""mutation($input: UpdateTenantSettingsInput!) {{ updateTenantSettings(input: $input) {{
            tenant {{ slug }} {USER_ERRORS} }} }}""",
        lambda world: {
            "input": {"minEmployers": 4, "noiseMaxPercent": 30, "releaseMinIntervalHours": 12}
        },
        frozenset({"admin"}),
        _settings_updated,
    ),
    "revokeApiClient": Case(
        "revokeApiClient",
        f"""mutation($id: ID!) {{ revokeApiClient(input: {{id: $id}}) {{
            apiClient {{ id revokedAt }} {USER_ERRORS} }} }}""",
        lambda world: {"id": global_id("ApiClient", world.clients["writer"])},
        frozenset({"admin"}),
        _client_revoked,
    ),
}


@pytest.mark.parametrize("actor", ACTORS, ids=lambda actor: actor or "anonymous")
@pytest.mark.parametrize("case_name", list(CASES))
async def test_each_mutation_by_each_actor(
    gql: GraphQLClient, world: World, snapshot: Snapshot, case_name: str, actor: str | None
) -> None:
    # given
    case = CASES[case_name]
    token = world.tokens[actor] if actor else None
    before = await snapshot(world.id)

    # when
    body = await gql(case.document, case.variables(world), token=token)

    # then
    after = await snapshot(world.id)
    if actor in case.allowed:
        assert "errors" not in body, body
        assert body["data"][case.field]["userErrors"] == []
        case.effect(world, before, after)
    else:
        expected = "UNAUTHENTICATED" if actor is None else "FORBIDDEN"
        assert error_codes(body) == [expected]
        assert body["errors"][0]["path"] == [case.field]
        # The payload is non-null, so the refused field nulls the whole of data.
        assert body["data"] is None
        assert after == before


def test_the_matrix_covers_every_tenancy_mutation() -> None:
    definition = Mutation.__strawberry_definition__  # type: ignore[attr-defined]
    names = {field.python_name for field in definition.fields}
    camel = {name.split("_")[0] + "".join(p.title() for p in name.split("_")[1:]) for name in names}

    assert camel == {case.field for case in CASES.values()}
