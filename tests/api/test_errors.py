"""How errors reach clients: a code for everything expected, nothing of the internals."""

from __future__ import annotations

import logging
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from coalition.tenancy import organizations
from coalition.tenancy import reads as tenancy
from tests.support.graphql import GraphQLClient, error_codes
from tests.support.world import World, global_id

CREATE = """
mutation($input: CreateOrganizationInput!) {
  createOrganization(input: $input) {
    organization { id name }
    userErrors { field message code }
  }
}"""

Count = Callable[[uuid.UUID], Awaitable[int]]


def _raise(error: Exception) -> Callable[..., Awaitable[Any]]:
    async def broken(*args: Any, **kwargs: Any) -> Any:
        raise error

    return broken


# --- unexpected exceptions --------------------------------------------------------------


async def test_an_unexpected_exception_is_masked(
    gql: GraphQLClient,
    world: World,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr(tenancy, "get_tenant", _raise(KeyError("secret internals")))

    with caplog.at_level(logging.ERROR, logger="coalition.api"):
        response = await gql.post("{ tenant { name } }", token=world.tokens["analyst"])

    assert response.status_code == 200
    request_id = response.headers["x-request-id"]
    assert response.json() == {
        "errors": [
            {
                "message": "Unexpected error.",
                "path": ["tenant"],
                "extensions": {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id},
            }
        ],
        "data": None,
        "extensions": {"cost": {"requestedQueryCost": 2, "maximumQueryCost": 20_000}},
    }
    assert "secret internals" not in response.text
    assert "KeyError" not in response.text
    # The log keeps what the client does not see.
    logged = [record for record in caplog.records if record.name == "coalition.api"]
    assert len(logged) == 1
    assert repr(logged[0].exc_info[1]) == "KeyError('secret internals')"  # type: ignore[index]


async def test_a_masked_error_beside_good_fields_keeps_them(
    gql: GraphQLClient, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tenancy, "organizations_by_ids", _raise(RuntimeError("db password=x")))
    convener = global_id("Organization", world.organizations["convener"])

    response = await gql.post(
        "query($id: ID!) { organizations { totalCount } organization(id: $id) { name } }",
        {"id": convener},
        token=world.tokens["analyst"],
    )

    body = response.json()
    assert body["data"] == {"organizations": {"totalCount": 4}, "organization": None}
    assert error_codes(body) == ["INTERNAL_SERVER_ERROR"]
    assert "password" not in response.text


async def test_a_mutation_that_fails_unexpectedly_writes_nothing(
    gql: GraphQLClient,
    world: World,
    organization_count: Count,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    original = organizations.create_organization

    async def write_then_fail(*args: Any, **kwargs: Any) -> Any:
        await original(*args, **kwargs)
        raise RuntimeError("after the insert")

    monkeypatch.setattr(organizations, "create_organization", write_then_fail)

    body = await gql(
        CREATE, {"input": {"name": "Half Done", "kind": "EMPLOYER"}}, token=world.tokens["admin"]
    )

    assert body["data"] is None
    assert error_codes(body) == ["INTERNAL_SERVER_ERROR"]
    assert body["errors"][0]["message"] == "Unexpected error."
    assert await organization_count(world.id) == 4


# --- permission and authentication ------------------------------------------------------


@pytest.mark.parametrize(
    ("caller", "message"),
    [
        ("analyst", "Only a partnership admin may do this."),
        ("member", "Only a partnership admin may do this."),
        ("reader", "This client lacks the 'write' scope."),
    ],
)
async def test_a_refusal_keeps_forbidden(
    gql: GraphQLClient, world: World, organization_count: Count, caller: str, message: str
) -> None:
    body = await gql(
        CREATE, {"input": {"name": "Not Allowed", "kind": "EMPLOYER"}}, token=world.tokens[caller]
    )

    assert body["data"] is None
    assert error_codes(body) == ["FORBIDDEN"]
    assert body["errors"][0]["message"] == message
    assert body["errors"][0]["path"] == ["createOrganization"]
    assert await organization_count(world.id) == 4


ANY_ORGANIZATION = global_id("Organization", uuid.UUID(int=1))


@pytest.mark.parametrize(
    ("query", "data"),
    [
        ("{ organizations { totalCount } }", None),
        ("{ tenant { name } }", None),
        ("{ viewer { label } }", None),
        ("{ apiClients { totalCount } }", None),
        ("{ auditEvents { totalCount } }", None),
        (f'{{ node(id: "{ANY_ORGANIZATION}") {{ id }} }}', {"node": None}),
        (f'{{ organization(id: "{ANY_ORGANIZATION}") {{ id }} }}', {"organization": None}),
        (
            'mutation { createOrganization(input: {name: "Anon", kind: EMPLOYER}) '
            "{ userErrors { code } } }",
            None,
        ),
    ],
    ids=[
        "organizations",
        "tenant",
        "viewer",
        "apiClients",
        "auditEvents",
        "node",
        "organization",
        "createOrganization",
    ],
)
async def test_no_token_gives_unauthenticated(
    gql: GraphQLClient, query: str, data: dict[str, None] | None
) -> None:
    body = await gql(query)

    assert body["data"] == data
    assert error_codes(body) == ["UNAUTHENTICATED"]
    assert body["errors"][0]["message"] == "Authentication required."


@pytest.mark.parametrize(
    "authorization",
    ["Bearer not-a-token", "Basic dXNlcjpwYXNz", "Bearer "],
    ids=["garbage", "basic", "empty"],
)
async def test_a_bad_authorization_header_is_refused(
    http: httpx.AsyncClient, authorization: str
) -> None:
    response = await http.post(
        "/graphql", json={"query": "{ viewer { label } }"}, headers={"Authorization": authorization}
    )

    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Bearer error="invalid_token"'
    assert error_codes(response.json()) == ["UNAUTHENTICATED"]


# --- input GraphQL itself refuses -------------------------------------------------------

VALID = {"name": "Input Test", "kind": "EMPLOYER"}
BAD_INPUTS: dict[str, dict[str, Any]] = {
    "unknown-field": {**VALID, "colour": "red"},
    "wrong-type": {**VALID, "employeeCount": "ten"},
    "invalid-enum": {**VALID, "kind": "BAKERY"},
    "null-for-non-null": {**VALID, "name": None},
}
LITERALS = {
    "unknown-field": '{name: "Input Test", kind: EMPLOYER, colour: "red"}',
    "wrong-type": '{name: "Input Test", kind: EMPLOYER, employeeCount: "ten"}',
    "invalid-enum": '{name: "Input Test", kind: BAKERY}',
    "null-for-non-null": "{name: null, kind: EMPLOYER}",
}


@pytest.mark.parametrize("case", list(BAD_INPUTS))
async def test_ill_typed_variables_are_refused(
    gql: GraphQLClient, world: World, organization_count: Count, case: str
) -> None:
    body = await gql(CREATE, {"input": BAD_INPUTS[case]}, token=world.tokens["admin"])

    # the document is valid; the value given for its variable cannot be coerced
    assert body["data"] is None
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert await organization_count(world.id) == 4


@pytest.mark.parametrize("case", list(LITERALS))
async def test_ill_typed_literals_are_refused(
    gql: GraphQLClient, world: World, organization_count: Count, case: str
) -> None:
    query = (
        f"mutation {{ createOrganization(input: {LITERALS[case]}) "
        "{ organization { id } userErrors { code } } }"
    )

    body = await gql(query, token=world.tokens["admin"])

    # the value is written in the document, so the document fails validation
    assert body["data"] is None
    assert error_codes(body) == ["GRAPHQL_VALIDATION_FAILED"]
    assert await organization_count(world.id) == 4


# A document that fails validation is GRAPHQL_VALIDATION_FAILED; a variable's value that
# cannot be coerced is BAD_USER_INPUT (both kinds of message start "Variable '$").
PAGE = "organizations(first: $first) { totalCount }"
ERROR_CODES: dict[str, tuple[str, dict[str, Any] | None, str]] = {
    "variable-in-a-wrong-position": (
        f"query($first: String) {{ {PAGE} }}",
        {"first": "5"},
        "GRAPHQL_VALIDATION_FAILED",
    ),
    "undefined-variable": (f"{{ {PAGE} }}", None, "GRAPHQL_VALIDATION_FAILED"),
    "unused-variable": (
        "query($first: Int) { organizations { totalCount } }",
        {"first": 5},
        "GRAPHQL_VALIDATION_FAILED",
    ),
    "unknown-field": ("{ organizations { colour } }", None, "GRAPHQL_VALIDATION_FAILED"),
    "syntax-error": ("{ organizations { ", None, "GRAPHQL_VALIDATION_FAILED"),
    "variable-of-another-type": (
        f"query($first: Int) {{ {PAGE} }}",
        {"first": "ten"},
        "BAD_USER_INPUT",
    ),
    "required-variable-missing": (f"query($first: Int!) {{ {PAGE} }}", {}, "BAD_USER_INPUT"),
    "required-variable-null": (
        f"query($first: Int!) {{ {PAGE} }}",
        {"first": None},
        "BAD_USER_INPUT",
    ),
}


@pytest.mark.parametrize("case", list(ERROR_CODES))
async def test_validation_failures_and_bad_variable_values_have_their_own_codes(
    gql: GraphQLClient, world: World, service_calls: Counter[str], case: str
) -> None:
    query, variables, code = ERROR_CODES[case]

    body = await gql(query, variables, token=world.tokens["analyst"])

    assert body["data"] is None
    assert error_codes(body) == [code]
    assert dict(service_calls) == {}


async def test_a_bad_cursor_is_bad_user_input(gql: GraphQLClient, world: World) -> None:
    body = await gql(
        '{ organizations(after: "not a cursor") { totalCount } }', token=world.tokens["analyst"]
    )

    assert body["data"] is None
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["path"] == ["organizations"]


# --- input the caller can fix: userErrors -----------------------------------------------


@pytest.mark.parametrize(
    ("fields", "field", "code"),
    [
        ({"name": "x" * 201}, ["name"], "TOO_LONG"),
        ({"name": "   "}, ["name"], "BLANK"),
        ({"website": "ftp://x"}, ["website"], "INVALID"),
        ({"website": "https://"}, ["website"], "INVALID"),
        ({"employeeCount": -1}, ["employeeCount"], "OUT_OF_RANGE"),
        ({"naicsCode": "12a"}, ["naicsCode"], "INVALID"),
    ],
    ids=[
        "long-name",
        "blank-name",
        "ftp-website",
        "hostless-website",
        "negative-employees",
        "bad-naics",
    ],
)
async def test_fixable_input_gives_user_errors_and_writes_nothing(
    gql: GraphQLClient,
    world: World,
    organization_count: Count,
    fields: dict[str, Any],
    field: list[str],
    code: str,
) -> None:
    body = await gql(CREATE, {"input": {**VALID, **fields}}, token=world.tokens["admin"])

    assert "errors" not in body
    payload = body["data"]["createOrganization"]
    assert payload["organization"] is None
    assert [(error["field"], error["code"]) for error in payload["userErrors"]] == [(field, code)]
    assert await organization_count(world.id) == 4


async def test_every_problem_is_reported_at_once(
    gql: GraphQLClient, world: World, organization_count: Count
) -> None:
    body = await gql(
        CREATE,
        {
            "input": {
                "name": "x" * 201,
                "kind": "EMPLOYER",
                "employeeCount": -1,
                "website": "ftp://x",
            }
        },
        token=world.tokens["admin"],
    )

    payload = body["data"]["createOrganization"]
    assert payload["organization"] is None
    assert sorted((error["field"][0], error["code"]) for error in payload["userErrors"]) == [
        ("employeeCount", "OUT_OF_RANGE"),
        ("name", "TOO_LONG"),
        ("website", "INVALID"),
    ]
    assert await organization_count(world.id) == 4


async def test_a_name_of_exactly_200_characters_is_accepted(
    gql: GraphQLClient, world: World, organization_count: Count
) -> None:
    body = await gql(CREATE, {"input": {**VALID, "name": "y" * 200}}, token=world.tokens["admin"])

    assert body["data"]["createOrganization"]["userErrors"] == []
    assert body["data"]["createOrganization"]["organization"]["name"] == "y" * 200
    assert await organization_count(world.id) == 5
