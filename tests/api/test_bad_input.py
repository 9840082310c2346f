"""Bad input is a 400 that names the problem before anything runs: text PostgreSQL cannot
store (lone UTF-16 surrogates), JSON nested deeper than any operation needs, and an
``operationName`` that picks no single operation. Each was a server error (found by the
fuzz of issue 9); each is now logged at INFO, without a traceback, and writes nothing."""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from coalition.demand.models import DemandSignal
from tests.support.world import World, global_id

SURROGATE = "Text may not contain a lone UTF-16 surrogate (U+D800 to U+DFFF); it cannot be stored."
BODY_TOO_DEEP = "The request body nests arrays and objects more than 64 levels deep."
VARIABLES_TOO_DEEP = "The variables parameter nests arrays and objects more than 64 levels deep."
UNKNOWN_NAME = "The document has no operation of the name given in 'operationName'."
EMPTY_NAME = "'operationName' is empty: leave it out or name an operation of the document."
LONG_NAME = "'operationName' is longer than 256 characters."
NOT_A_STRING = "'operationName' must be a string."
UNNAMED = "The document holds several operations: name the one to run in 'operationName'."
NO_OPERATION = "The document holds no operation: send a query or a mutation."
SUBSCRIPTION = (
    "Subscriptions run over WebSocket (graphql-transport-ws) at /graphql: send a query or a "
    "mutation."
)

CREATE = """mutation Create($name: String!) {
  createOrganization(input: {name: $name, kind: EMPLOYER}) {
    organization { name } userErrors { code } } }"""
INDUSTRY = "query Industry($code: String!) { industry(code: $code) { title } }"
IMPORT = """mutation($input: ImportDemandSignalsInput!) {
  importDemandSignals(input: $input) { importedCount userErrors { code } } }"""


def create_literal(name: str) -> str:
    """CREATE with the name written into the document as ``name`` (a GraphQL literal)."""
    return (
        f"mutation {{ createOrganization(input: {{name: {name}, kind: EMPLOYER}}) "
        "{ organization { name } userErrors { code } } }"
    )


async def post_json(http: httpx.AsyncClient, payload: Any, token: str) -> httpx.Response:
    """POST ``payload`` as JSON text that escapes every non-ASCII character, as a client may
    (``json.dumps`` writes a lone surrogate as ``\\ud800``)."""
    return await http.post(
        "/graphql",
        content=json.dumps(payload).encode("ascii"),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )


async def post_text(http: httpx.AsyncClient, text: str, token: str) -> httpx.Response:
    return await http.post(
        "/graphql",
        content=text.encode("ascii"),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )


async def get(http: httpx.AsyncClient, params: dict[str, str], token: str) -> httpx.Response:
    return await http.get("/graphql", params=params, headers={"Authorization": f"Bearer {token}"})


def assert_refused(
    response: httpx.Response, message: str, caplog: pytest.LogCaptureFixture
) -> None:
    """A 400 with exactly ``message``, logged once at INFO, with no traceback and no error."""
    assert response.status_code == 400, response.text
    assert response.json() == {
        "errors": [{"message": message, "extensions": {"code": "BAD_REQUEST"}}]
    }
    api = [record for record in caplog.records if record.name == "coalition.api"]
    assert [(record.levelno, record.getMessage()) for record in api] == [
        (logging.INFO, f"bad request: {message}")
    ]
    assert [record for record in caplog.records if record.exc_info] == []
    assert [record for record in caplog.records if record.levelno >= logging.WARNING] == []


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.INFO)
    return caplog


@pytest.fixture
def signal_count(owner_sessions: SessionFactory) -> Callable[[uuid.UUID], Awaitable[int]]:
    async def count(tenant_id: uuid.UUID) -> int:
        async with tenant_transaction(owner_sessions, tenant_id) as session:
            total = await session.scalar(
                select(func.count())
                .select_from(DemandSignal)
                .where(DemandSignal.tenant_id == tenant_id)
            )
        return int(total or 0)

    return count


# -- lone surrogates --------------------------------------------------------------------


@pytest.mark.parametrize(
    "payload",
    [
        {"query": CREATE, "variables": {"name": "\ud800"}},
        {"query": CREATE, "variables": {"name": "a\ud83dz"}},
        {"query": CREATE, "variables": {"name": "Shop", "unused": [{"deep": "\udfff"}]}},
        {"query": CREATE, "variables": {"name": "Shop", "\ud800": 1}},
        {"query": create_literal('"""Shop \ud800"""')},
        {"query": create_literal('"Shop \ud800"')},
        {"query": create_literal('"Shop \\uD800"')},
        {"query": create_literal('"a\\uD83Dz"')},
        {"query": create_literal('"\\udfff"')},
        {"query": create_literal('"a\\u{D800}b"')},
        {"query": create_literal('"a\\u{00dfff}b"')},
        {"query": CREATE, "variables": {"name": "Shop"}, "operationName": "Create\ud800"},
    ],
)
async def test_a_lone_surrogate_in_a_post_is_refused_and_nothing_is_written(
    http: httpx.AsyncClient,
    world: World,
    organization_count: Callable[[uuid.UUID], Awaitable[int]],
    logs: pytest.LogCaptureFixture,
    payload: dict[str, Any],
) -> None:
    before = await organization_count(world.id)

    response = await post_json(http, payload, world.tokens["admin"])

    assert_refused(response, SURROGATE, logs)
    assert await organization_count(world.id) == before


@pytest.mark.parametrize(
    "params",
    [
        {"query": INDUSTRY, "variables": '{"code": "\\ud800"}'},
        {"query": INDUSTRY, "variables": '{"code": "a\\ud83dz"}'},
        {"query": INDUSTRY, "variables": '{"code": "x", "other": ["\\udfff"]}'},
        {"query": '{ industry(code: "\\uDFFF") { title } }'},
        {"query": '{ industry(code: "a\\u{d83d}z") { title } }'},
    ],
)
async def test_a_lone_surrogate_in_a_get_is_refused(
    http: httpx.AsyncClient, world: World, logs: pytest.LogCaptureFixture, params: dict[str, str]
) -> None:
    response = await get(http, params, world.tokens["admin"])

    assert_refused(response, SURROGATE, logs)


async def test_a_lone_surrogate_in_a_csv_is_refused_and_nothing_is_imported(
    http: httpx.AsyncClient,
    world: World,
    signal_count: Callable[[uuid.UUID], Awaitable[int]],
    logs: pytest.LogCaptureFixture,
) -> None:
    csv = "occupation_code,openings,start_quarter,end_quarter,openings_kind\n"
    csv += "51-4121,3,2026Q1,2026Q2,NEW\ud800\n"
    organization_id = global_id("Organization", world.organizations["employer"])
    variables = {"input": {"organizationId": organization_id, "csv": csv}}

    response = await post_json(
        http, {"query": IMPORT, "variables": variables}, world.tokens["member"]
    )

    assert_refused(response, SURROGATE, logs)
    assert await signal_count(world.id) == 0


@pytest.mark.parametrize(
    ("payload", "stored"),
    [
        ({"query": CREATE, "variables": {"name": "Shop \U0001f600"}}, "Shop \U0001f600"),
        ({"query": create_literal('"Shop \\uD83D\\uDE00"')}, "Shop \U0001f600"),
        ({"query": create_literal('"Shop \\u{1F600}"')}, "Shop \U0001f600"),
        ({"query": create_literal('"""Shop \\uD800"""')}, "Shop \\uD800"),
        ({"query": create_literal('"Shop \\\\uD800"')}, "Shop \\uD800"),
    ],
)
async def test_a_whole_pair_and_text_that_only_spells_an_escape_are_stored(
    http: httpx.AsyncClient, world: World, payload: dict[str, Any], stored: str
) -> None:
    response = await post_json(http, payload, world.tokens["admin"])

    assert response.status_code == 200, response.text
    assert response.json()["data"]["createOrganization"] == {
        "organization": {"name": stored},
        "userErrors": [],
    }


# -- nesting depth ----------------------------------------------------------------------


def nested_variables(depth: int, *, brackets: str = "[]") -> str:
    """A JSON object of variables whose value ``v`` nests ``depth`` arrays (or objects)."""
    opening, closing = (brackets[0], brackets[1])
    if opening == "{":
        return '{"v": ' + '{"a": ' * depth + "1" + "}" * depth + "}"
    return '{"v": ' + opening * depth + closing * depth + "}"


@pytest.mark.parametrize(
    "body",
    [
        "[" * 20_000 + "]" * 20_000,
        "[" * 20_000,
        '{"query": "{ __typename }", "variables": ' + nested_variables(8_000, brackets="{}") + "}",
        '{"query": "{ __typename }", "variables": ' + nested_variables(63) + "}",
        '{"query": "{ __typename }", "variables": ' + nested_variables(63, brackets="{}") + "}",
    ],
    ids=["arrays-20000", "unclosed-20000", "objects-8000", "arrays-65", "objects-65"],
)
async def test_a_post_body_nested_too_deep_is_refused(
    http: httpx.AsyncClient, world: World, logs: pytest.LogCaptureFixture, body: str
) -> None:
    response = await post_text(http, body, world.tokens["admin"])

    assert_refused(response, BODY_TOO_DEEP, logs)


async def test_a_mutation_nested_too_deep_writes_nothing(
    http: httpx.AsyncClient,
    world: World,
    organization_count: Callable[[uuid.UUID], Awaitable[int]],
    logs: pytest.LogCaptureFixture,
) -> None:
    before = await organization_count(world.id)
    variables = '{"name": "Shop", "unused": ' + "[" * 8_000 + "]" * 8_000 + "}"

    body = '{"query": ' + json.dumps(CREATE) + ', "variables": ' + variables + "}"

    response = await post_text(http, body, world.tokens["admin"])

    assert_refused(response, BODY_TOO_DEEP, logs)
    assert await organization_count(world.id) == before


@pytest.mark.parametrize(
    "variables",
    ["[" * 3_000 + "]" * 3_000, nested_variables(3_000, brackets="{}"), nested_variables(64)],
    ids=["arrays-3000", "objects-3000", "arrays-65"],
)
async def test_get_variables_nested_too_deep_are_refused(
    http: httpx.AsyncClient, world: World, logs: pytest.LogCaptureFixture, variables: str
) -> None:
    response = await get(
        http, {"query": "{ __typename }", "variables": variables}, world.tokens["admin"]
    )

    assert_refused(response, VARIABLES_TOO_DEEP, logs)


async def test_nesting_up_to_the_limit_and_brackets_inside_strings_pass(
    http: httpx.AsyncClient, world: World
) -> None:
    # The body is one level, its variables another: 62 more make 64.
    at_limit = '{"query": "{ __typename }", "variables": ' + nested_variables(62) + "}"
    in_text = {"query": "{ __typename }", "variables": {"v": "[{" * 5_000 + '\\"'}}
    get_at_limit = {"query": "{ __typename }", "variables": nested_variables(63)}

    answers = [
        await post_text(http, at_limit, world.tokens["admin"]),
        await post_json(http, in_text, world.tokens["admin"]),
        await get(http, get_at_limit, world.tokens["admin"]),
    ]

    assert [(answer.status_code, answer.json()["data"]) for answer in answers] == [
        (200, {"__typename": "Query"})
    ] * 3


async def test_the_depth_scan_reads_an_unterminated_string_in_linear_time(
    http: httpx.AsyncClient, world: World, logs: pytest.LogCaptureFixture
) -> None:
    # A search for whole strings retried at each of these 33,000 quotes: 10 s of CPU.
    body = '{"query": "' + '\\"' * 33_000
    started = time.perf_counter()

    response = await post_text(http, body, world.tokens["admin"])

    assert time.perf_counter() - started < 1.0
    assert_refused(response, "The request body is not valid JSON.", logs)


# -- operationName ----------------------------------------------------------------------

TWO_QUERIES = "query First { __typename } query Second { __typename }"
NAME_CASES = [
    pytest.param(TWO_QUERIES, "Third", UNKNOWN_NAME, id="unknown"),
    pytest.param("{ __typename }", "First", UNKNOWN_NAME, id="unknown-anonymous"),
    pytest.param(TWO_QUERIES, "", EMPTY_NAME, id="empty"),
    pytest.param(TWO_QUERIES, "F" * 50_000, LONG_NAME, id="50KB"),
    pytest.param(TWO_QUERIES, "F" * 257, LONG_NAME, id="257"),
    pytest.param(TWO_QUERIES, None, UNNAMED, id="missing"),
    pytest.param("fragment F on Query { __typename }", None, NO_OPERATION, id="no-operation"),
    pytest.param("fragment F on Query { __typename }", "F", NO_OPERATION, id="a-fragment"),
    pytest.param("subscription S { __typename }", None, SUBSCRIPTION, id="subscription"),
    pytest.param(
        "subscription S { __typename } query Q { __typename }",
        "S",
        SUBSCRIPTION,
        id="named-subscription",
    ),
]


@pytest.mark.parametrize(("query", "name", "message"), NAME_CASES)
async def test_an_operation_name_that_picks_no_operation_is_refused_in_a_post(
    http: httpx.AsyncClient,
    world: World,
    logs: pytest.LogCaptureFixture,
    query: str,
    name: str | None,
    message: str,
) -> None:
    response = await post_json(http, {"query": query, "operationName": name}, world.tokens["admin"])

    assert_refused(response, message, logs)


@pytest.mark.parametrize(("query", "name", "message"), NAME_CASES)
async def test_an_operation_name_that_picks_no_operation_is_refused_in_a_get(
    http: httpx.AsyncClient,
    world: World,
    logs: pytest.LogCaptureFixture,
    query: str,
    name: str | None,
    message: str,
) -> None:
    params = {"query": query} if name is None else {"query": query, "operationName": name}

    response = await get(http, params, world.tokens["admin"])

    assert_refused(response, message, logs)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("Other", UNKNOWN_NAME),
        ("", EMPTY_NAME),
        ("C" * 50_000, LONG_NAME),
        ("Create\udfff", SURROGATE),
        (7, NOT_A_STRING),
        (["Create"], NOT_A_STRING),
        ({"name": "Create"}, NOT_A_STRING),
    ],
    ids=["unknown", "empty", "50KB", "surrogate", "number", "list", "object"],
)
async def test_a_mutation_with_a_bad_operation_name_writes_nothing(
    http: httpx.AsyncClient,
    world: World,
    organization_count: Callable[[uuid.UUID], Awaitable[int]],
    logs: pytest.LogCaptureFixture,
    name: object,
    message: str,
) -> None:
    before = await organization_count(world.id)
    payload = {"query": CREATE, "variables": {"name": "Shop"}, "operationName": name}

    response = await post_json(http, payload, world.tokens["admin"])

    assert_refused(response, message, logs)
    assert await organization_count(world.id) == before


async def test_an_operation_name_of_256_characters_that_names_an_operation_runs(
    http: httpx.AsyncClient, world: World
) -> None:
    name = "N" * 256
    query = f"query {name} {{ __typename }} query Other {{ __typename }}"

    response = await post_json(http, {"query": query, "operationName": name}, world.tokens["admin"])

    assert response.status_code == 200, response.text
    assert response.json()["data"] == {"__typename": "Query"}
