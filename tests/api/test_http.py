"""``/graphql`` over HTTP, the production configuration, and the small routes beside it."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest
import strawberry.schema.schema as strawberry_schema

from coalition.api import payload
from coalition.config import Settings
from tests.support.graphql import GraphQLClient, error_codes
from tests.support.world import World

VIEWER = "{ viewer { label } }"
CREATE = (
    'mutation { createOrganization(input: {name: "Sneaky GET", kind: EMPLOYER}) '
    "{ organization { id } userErrors { code } } }"
)
HEX_ID = re.compile(r"^[0-9a-f]{32}$")


def _headers(world: World, content_type: str | None = None) -> dict[str, str]:
    headers = {"Authorization": f"Bearer {world.tokens['admin']}"}
    if content_type is not None:
        headers["Content-Type"] = content_type
    return headers


def _bad_request(response: httpx.Response, status: int = 400) -> None:
    assert response.status_code == status, response.text
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


# --- what a POST must look like ---------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [b"{", b'{"query": "{ viewer { label } }"', b"\xff\xfe", b""],
    ids=["truncated", "unclosed", "not-utf8", "empty"],
)
async def test_a_body_that_is_not_json_is_refused(
    http: httpx.AsyncClient, world: World, body: bytes
) -> None:
    response = await http.post(
        "/graphql",
        content=body,
        headers=_headers(world, "application/json"),
    )

    _bad_request(response)


async def test_a_batch_is_refused(http: httpx.AsyncClient, world: World) -> None:
    response = await http.post(
        "/graphql",
        json=[{"query": VIEWER}, {"query": VIEWER}],
        headers=_headers(world),
    )

    _bad_request(response)


@pytest.mark.parametrize("payload", ['"{ viewer { label } }"', "42", "null", "true"])
async def test_a_body_that_is_not_an_object_is_refused(
    http: httpx.AsyncClient, world: World, payload: str
) -> None:
    response = await http.post(
        "/graphql",
        content=payload.encode(),
        headers=_headers(world, "application/json"),
    )

    _bad_request(response)


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("text/plain", json.dumps({"query": VIEWER})),
        ("application/x-www-form-urlencoded", "query=%7B+viewer+%7B+label+%7D+%7D"),
        (
            "multipart/form-data; boundary=x",
            f'--x\r\nContent-Disposition: form-data; name="query"\r\n\r\n{VIEWER}\r\n--x--\r\n',
        ),
    ],
    ids=["text-plain", "form-urlencoded", "multipart"],
)
async def test_simple_request_content_types_are_refused(
    http: httpx.AsyncClient, world: World, content_type: str, body: str
) -> None:
    response = await http.post(
        "/graphql",
        content=body.encode(),
        headers=_headers(world, content_type),
    )

    _bad_request(response)


async def test_json_with_a_charset_parameter_is_accepted(
    http: httpx.AsyncClient, world: World
) -> None:
    response = await http.post(
        "/graphql",
        content=json.dumps({"query": VIEWER}).encode(),
        headers=_headers(world, "application/json; charset=utf-8"),
    )

    assert response.status_code == 200
    assert response.json() == {
        "data": {"viewer": {"label": f"admin@{world.slug}.example"}},
        "extensions": {"cost": {"requestedQueryCost": 2, "maximumQueryCost": 20_000}},
    }


async def test_a_body_over_the_limit_is_refused(
    http: httpx.AsyncClient, world: World, settings: Settings
) -> None:
    padding = " " * settings.max_body_bytes
    response = await http.post(
        "/graphql",
        content=json.dumps({"query": VIEWER + padding}).encode(),
        headers=_headers(world, "application/json"),
    )

    _bad_request(response, status=413)


async def test_a_streamed_body_over_the_limit_is_refused(
    http: httpx.AsyncClient, world: World, settings: Settings
) -> None:
    # No Content-Length: the limit must hold while reading, not only on the header.
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"query": "{ viewer { label } }", "pad": "'
        for _ in range(settings.max_body_bytes // 10_000 + 1):
            yield b"x" * 10_000
        yield b'"}'

    response = await http.post(
        "/graphql",
        content=chunks(),
        headers=_headers(world, "application/json"),
    )

    _bad_request(response, status=413)


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"query": None},
        {"query": ""},
        {"query": "   "},
        {"query": ["{ viewer { label } }"]},
        {"query": VIEWER, "variables": ["first", 1]},
        {"query": VIEWER, "variables": "{}"},
        {"query": VIEWER, "variables": 3},
        {"query": VIEWER, "operationName": 7},
    ],
    ids=[
        "no-query",
        "null-query",
        "empty-query",
        "blank-query",
        "list-query",
        "list-variables",
        "string-variables",
        "number-variables",
        "number-operation-name",
    ],
)
async def test_a_malformed_operation_is_refused(
    http: httpx.AsyncClient, world: World, payload: dict[str, Any]
) -> None:
    response = await http.post("/graphql", json=payload, headers=_headers(world))

    _bad_request(response)


# --- GET in development -----------------------------------------------------------------


async def test_get_runs_a_query_in_development(http: httpx.AsyncClient, world: World) -> None:
    response = await http.get(
        "/graphql",
        params={"query": VIEWER},
        headers=_headers(world),
    )

    assert response.status_code == 200
    assert response.json() == {
        "data": {"viewer": {"label": f"admin@{world.slug}.example"}},
        "extensions": {"cost": {"requestedQueryCost": 2, "maximumQueryCost": 20_000}},
    }


async def test_get_with_variables_that_are_not_json_is_refused(
    http: httpx.AsyncClient, world: World
) -> None:
    response = await http.get(
        "/graphql",
        params={"query": VIEWER, "variables": "{not json"},
        headers=_headers(world),
    )

    _bad_request(response)


async def test_get_never_runs_a_mutation(
    http: httpx.AsyncClient,
    world: World,
    organization_count: Callable[[uuid.UUID], Awaitable[int]],
) -> None:
    before = await organization_count(world.id)

    response = await http.get(
        "/graphql",
        params={"query": CREATE},
        headers=_headers(world),
    )

    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert error_codes(response.json()) == ["METHOD_NOT_ALLOWED"]
    assert await organization_count(world.id) == before == 4


async def test_get_without_a_query_serves_graphiql_to_a_browser(http: httpx.AsyncClient) -> None:
    response = await http.get("/graphql", headers={"Accept": "text/html,application/xhtml+xml"})

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "<title>Coalition GraphiQL</title>" in response.text


async def test_get_without_a_query_for_a_program_is_refused(http: httpx.AsyncClient) -> None:
    response = await http.get("/graphql", headers={"Accept": "application/json"})

    _bad_request(response)


# --- production configuration -----------------------------------------------------------


async def test_production_answers_queries_over_post(
    production_gql: GraphQLClient, world: World
) -> None:
    body = await production_gql(VIEWER, token=world.tokens["analyst"])

    assert body == {"data": {"viewer": {"label": f"analyst@{world.slug}.example"}}}


@pytest.mark.parametrize(
    ("params", "accept"),
    [({}, "text/html"), ({"query": VIEWER}, "application/json")],
    ids=["graphiql", "query"],
)
async def test_production_refuses_every_get(
    production_gql: GraphQLClient, world: World, params: dict[str, str], accept: str
) -> None:
    response = await production_gql.http.get(
        "/graphql",
        params=params,
        headers={"Accept": accept, "Authorization": f"Bearer {world.tokens['admin']}"},
    )

    assert response.status_code == 405
    assert "graphiql" not in response.text.lower()
    assert error_codes(response.json()) == ["METHOD_NOT_ALLOWED"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("{ __schema { types { name } } }", "__schema"),
        ('{ __type(name: "Organization") { name } }', "__type"),
    ],
    ids=["schema", "type"],
)
async def test_production_refuses_introspection(
    production_gql: GraphQLClient, world: World, query: str, field: str
) -> None:
    body = await production_gql(query, token=world.tokens["admin"])

    assert body["data"] is None
    assert set(error_codes(body)) == {"GRAPHQL_VALIDATION_FAILED"}
    assert body["errors"][0]["message"] == (
        "GraphQL introspection has been disabled, but the requested query contained "
        f"the field '{field}'."
    )


async def test_development_allows_introspection(gql: GraphQLClient, world: World) -> None:
    body = await gql('{ __type(name: "Tenant") { name } }', token=world.tokens["admin"])

    assert body == {"data": {"__type": {"name": "Tenant"}}}


TYPOS = [
    ("{ viewr { label } }", None),
    ("{ organizations(frist: 1) { totalCount } }", None),
    ("{ organizations(filter: {kinds: [EMPLOYR]}) { totalCount } }", None),
    (
        "query($f: OrganizationFilter) { organizations(filter: $f) { totalCount } }",
        {"f": {"kinds": ["EMPLOYR"]}},
    ),
    (
        "query($f: OrganizationFilter) { organizations(filter: $f) { totalCount } }",
        {"f": {"serch": "x"}},
    ),
]
TYPO_IDS = ["field", "argument", "enum-literal", "enum-variable", "input-field-variable"]


@pytest.mark.parametrize(("query", "variables"), TYPOS, ids=TYPO_IDS)
async def test_production_errors_suggest_nothing(
    production_gql: GraphQLClient, world: World, query: str, variables: dict[str, Any] | None
) -> None:
    body = await production_gql(query, variables, token=world.tokens["admin"])

    assert body["data"] is None
    assert len(body["errors"]) == 1
    assert "Did you mean" not in json.dumps(body)


@pytest.mark.parametrize(("query", "variables"), TYPOS, ids=TYPO_IDS)
async def test_development_errors_keep_suggestions(
    gql: GraphQLClient, world: World, query: str, variables: dict[str, Any] | None
) -> None:
    body = await gql(query, variables, token=world.tokens["admin"])

    assert body["data"] is None
    assert len(body["errors"]) == 1
    assert "Did you mean" in body["errors"][0]["message"]


# --- health, request ids, metadata ------------------------------------------------------


async def test_healthz(http: httpx.AsyncClient) -> None:
    response = await http.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_readyz_checks_the_database_and_migrations(http: httpx.AsyncClient) -> None:
    response = await http.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "migrations": "ok"}


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/healthz", 200),
        ("GET", "/readyz", 200),
        ("GET", "/.well-known/jwks.json", 200),
        ("POST", "/graphql", 400),
        ("GET", "/graphql", 400),
        ("GET", "/no-such-route", 404),
        ("DELETE", "/graphql", 405),
    ],
)
async def test_every_response_carries_a_request_id(
    http: httpx.AsyncClient, method: str, path: str, status: int
) -> None:
    response = await http.request(method, path)

    assert response.status_code == status
    assert HEX_ID.match(response.headers["x-request-id"])


async def test_each_request_gets_its_own_id(http: httpx.AsyncClient) -> None:
    first = await http.get("/healthz")
    second = await http.get("/healthz")

    assert first.headers["x-request-id"] != second.headers["x-request-id"]


async def test_a_valid_request_id_is_echoed(
    http: httpx.AsyncClient, gql: GraphQLClient, world: World
) -> None:
    supplied = "trace-42.abc_DEF"

    response = await gql.post(
        VIEWER, token=world.tokens["admin"], headers={"X-Request-ID": supplied}
    )

    assert response.status_code == 200
    assert response.headers["x-request-id"] == supplied


@pytest.mark.parametrize(
    "supplied",
    ["x" * 200, "has space", "semi;colon", "new\\nline", ""],
    ids=["too-long", "space", "semicolon", "backslash", "empty"],
)
async def test_an_invalid_request_id_is_replaced(http: httpx.AsyncClient, supplied: str) -> None:
    response = await http.get("/healthz", headers={"X-Request-ID": supplied})

    assert response.headers["x-request-id"] != supplied
    assert HEX_ID.match(response.headers["x-request-id"])


async def test_authorization_server_metadata(http: httpx.AsyncClient, settings: Settings) -> None:
    response = await http.get("/.well-known/oauth-authorization-server")

    assert response.status_code == 200
    metadata = response.json()
    assert metadata["issuer"] == settings.issuer
    assert metadata["token_endpoint"] == "http://127.0.0.1:8000/oauth/token"
    assert metadata["jwks_uri"] == "http://127.0.0.1:8000/.well-known/jwks.json"
    assert metadata["grant_types_supported"] == ["client_credentials"]


@pytest.mark.parametrize(
    "query",
    ["{ tenant { name } }", "query Named { tenant { name } } query Other { __typename }"],
)
async def test_a_request_is_parsed_once(
    gql: GraphQLClient, world: World, monkeypatch: pytest.MonkeyPatch, query: str
) -> None:
    # given a count of every parse: the endpoint's, and strawberry's own
    parsed: list[str] = []

    def counting(parse: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(source: Any, *args: Any, **kwargs: Any) -> Any:
            parsed.append(source)
            return parse(source, *args, **kwargs)

        return wrapper

    # a text no earlier test sent (a document parsed before may be remembered)
    query = f"{query}\n# {uuid.uuid4()}"
    monkeypatch.setattr(payload, "parse", counting(payload.parse))
    monkeypatch.setattr(strawberry_schema, "parse", counting(strawberry_schema.parse))
    name = "Named" if "Named" in query else None

    response = await gql.http.post(
        "/graphql",
        json={"query": query, "operationName": name},
        headers={"Authorization": f"Bearer {world.tokens['analyst']}"},
    )

    assert response.json()["data"]["tenant"] == {"name": "Partnership alpha"}
    assert parsed == [query]
