"""Logs: JSON with the request id in production, readable text in development; one access
line per request, a client's mistake at INFO without a traceback, the unexpected at ERROR."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from coalition.app import create_app
from coalition.config import Settings
from coalition.observability import configure_logging, request_id_var
from coalition.tenancy import reads as tenancy
from tests.support.graphql import GraphQLClient
from tests.support.world import World


@pytest.fixture
def restore_logging() -> object:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield None
    root.handlers[:] = handlers
    root.setLevel(level)


def test_production_logs_are_json_with_the_request_id(
    restore_logging: object, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging(json_format=True)
    token = request_id_var.set("req-123")
    try:
        logging.getLogger("coalition.test").warning("disk %s", "full")
    finally:
        request_id_var.reset(token)

    entry = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    assert entry["level"] == "warning"
    assert entry["logger"] == "coalition.test"
    assert entry["message"] == "disk full"
    assert entry["request_id"] == "req-123"


def test_development_logs_are_text_with_the_request_id(
    restore_logging: object, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging(json_format=False)
    token = request_id_var.set("req-456")
    try:
        logging.getLogger("coalition.test").info("hello")
    finally:
        request_id_var.reset(token)

    line = capsys.readouterr().err.strip().splitlines()[-1]
    assert "[req-456] coalition.test: hello" in line


# --- what a request leaves in the log ---------------------------------------------------

FORBIDDEN_MUTATION = (
    'mutation { createOrganization(input: {name: "No", kind: EMPLOYER}) { userErrors { code } } }'
)
CLIENT_MISTAKES = {
    "forbidden": (FORBIDDEN_MUTATION, "FORBIDDEN at createOrganization"),
    "validation": ("{ organizations { colour } }", "GRAPHQL_VALIDATION_FAILED at operation"),
    "bad-cursor": (
        '{ organizations(after: "not a cursor") { totalCount } }',
        "BAD_USER_INPUT at organizations",
    ),
    "limit": (
        "{ organizations(first: 100) { edges { node { memberships(first: 100) "
        "{ edges { node { user { id } } } } } } } }",
        "QUERY_LIMIT_EXCEEDED at operation",
    ),
    "enum": ("{ organizations(filter: {kinds: [EMPLOYR]}) { totalCount } }", None),
}


@pytest.mark.parametrize("case", list(CLIENT_MISTAKES))
async def test_a_client_mistake_is_one_info_line_without_traceback(
    gql: GraphQLClient, world: World, caplog: pytest.LogCaptureFixture, case: str
) -> None:
    query, summary = CLIENT_MISTAKES[case]
    caplog.set_level(logging.DEBUG)

    body = await gql(query, token=world.tokens["analyst"])

    assert body["errors"]
    assert [record for record in caplog.records if record.levelno >= logging.WARNING] == []
    assert [record.name for record in caplog.records if record.name.startswith("strawberry")] == []
    [line] = [record for record in caplog.records if record.name == "coalition.api"]
    assert line.levelno == logging.INFO
    assert line.exc_info is None
    expected = summary or "GRAPHQL_VALIDATION_FAILED at operation"
    assert line.getMessage() == f"client errors: {expected}"


def test_uvicorn_access_lines_are_silenced_by_the_app(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    # given an app (``coalition serve`` runs uvicorn, which would log each request too)
    create_app(settings, configure_logs=False)
    caplog.set_level(logging.INFO)

    logging.getLogger("uvicorn.access").info('127.0.0.1:5000 - "GET /healthz HTTP/1.1" 200')

    assert caplog.records == []


async def test_each_request_is_one_json_access_line_with_its_request_id(
    restore_logging: object,
    capsys: pytest.CaptureFixture[str],
    gql: GraphQLClient,
    world: World,
) -> None:
    # given production's log format
    configure_logging(json_format=True)

    # when a request fails for the caller's own mistake
    response = await gql.post(FORBIDDEN_MUTATION, token=world.tokens["analyst"])

    # then the log has one line for the mistake and one access line, both with its id
    request_id = response.headers["x-request-id"]
    lines = [json.loads(line) for line in capsys.readouterr().err.strip().splitlines()]
    entries = [entry for entry in lines if entry["logger"] != "httpx"]  # the test's client
    assert [(entry["logger"], entry["level"]) for entry in entries] == [
        ("coalition.api", "info"),
        ("coalition.http", "info"),
    ]
    mistake, access = entries
    assert mistake["message"] == "client errors: FORBIDDEN at createOrganization"
    assert mistake["error_codes"] == ["FORBIDDEN"]
    assert "exception" not in mistake
    assert access["message"].startswith("POST /graphql 200 ")
    assert (access["method"], access["path"], access["status"]) == ("POST", "/graphql", 200)
    assert isinstance(access["duration_ms"], float)
    assert mistake["request_id"] == access["request_id"] == request_id


async def test_an_unexpected_error_is_logged_with_its_traceback_once(
    gql: GraphQLClient,
    world: World,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def broken(*args: object, **kwargs: object) -> object:
        raise KeyError("secret internals")

    monkeypatch.setattr(tenancy, "get_tenant", broken)
    caplog.set_level(logging.DEBUG)

    body = await gql("{ tenant { name } }", token=world.tokens["analyst"])

    assert [error["extensions"]["code"] for error in body["errors"]] == ["INTERNAL_SERVER_ERROR"]
    errors = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert [(record.name, record.getMessage()) for record in errors] == [
        ("coalition.api", "unexpected error in tenant")
    ]
    assert repr(errors[0].exc_info[1]) == "KeyError('secret internals')"  # type: ignore[index]


def test_the_embedded_servers_command_lines_are_not_logged() -> None:
    # pgserver logs each pg_ctl command line and its empty output at INFO.
    root, pgserver = logging.getLogger(), logging.getLogger("pgserver")
    saved = (list(root.handlers), root.level, pgserver.level)
    try:
        configure_logging(json_format=False)

        assert not pgserver.isEnabledFor(logging.INFO)
        assert pgserver.isEnabledFor(logging.WARNING)
        assert logging.getLogger("coalition").isEnabledFor(logging.INFO)
    finally:
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])
        pgserver.setLevel(saved[2])


# --- each kind of bad request, in production's JSON log ---------------------------------


async def _chunks(size: int) -> AsyncIterator[bytes]:
    for _ in range(size // 10_000 + 1):
        yield b" " * 10_000


def _json_lines(capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    lines = [json.loads(line) for line in capsys.readouterr().err.strip().splitlines()]
    return [entry for entry in lines if entry["logger"] != "httpx"]  # the test's client


BAD_REQUESTS: dict[str, tuple[dict[str, Any], int, str]] = {
    "bad-json": (
        {"content": b'{"query": ', "headers": {"Content-Type": "application/json"}},
        400,
        "bad request: The request body is not valid JSON.",
    ),
    "not-json": (
        {"content": b"query=%7B%7D", "headers": {"Content-Type": "text/plain"}},
        400,
        "bad request: Send the operation as JSON (Content-Type: application/json).",
    ),
    "too-large": (
        {"content": b" " * 100_001, "headers": {"Content-Type": "application/json"}},
        413,
        "bad request: The request body is too large.",
    ),
    "too-large-streamed": (
        {"content": _chunks(100_001), "headers": {"Content-Type": "application/json"}},
        413,
        "bad request: The request body is too large.",
    ),
    "bad-token": (
        {"json": {"query": "{ viewer { label } }"}, "headers": {"Authorization": "Bearer x"}},
        401,
        "bad request: The access token is malformed.",
    ),
}


@pytest.mark.parametrize("case", list(BAD_REQUESTS))
async def test_a_refused_request_is_one_info_line_with_its_request_id(
    restore_logging: object,
    capsys: pytest.CaptureFixture[str],
    http: httpx.AsyncClient,
    settings: Settings,
    case: str,
) -> None:
    arguments, status, message = BAD_REQUESTS[case]
    assert settings.max_body_bytes == 100_000
    configure_logging(json_format=True)

    response = await http.post("/graphql", **arguments)

    assert response.status_code == status
    request_id = response.headers["x-request-id"]
    refusal, access = _json_lines(capsys)
    assert (refusal["logger"], refusal["level"], refusal["message"]) == (
        "coalition.api",
        "info",
        message,
    )
    assert refusal["status"] == status
    assert "exception" not in refusal
    assert (access["logger"], access["level"], access["status"]) == (
        "coalition.http",
        "info",
        status,
    )
    assert refusal["request_id"] == access["request_id"] == request_id


GRAPHQL_MISTAKES: dict[str, tuple[str, dict[str, Any] | None, str]] = {
    "validation": (
        "{ organizations { colour } }",
        None,
        "client errors: GRAPHQL_VALIDATION_FAILED at operation",
    ),
    "bad-variable": (
        "query($first: Int) { organizations(first: $first) { totalCount } }",
        {"first": "ten"},
        "client errors: BAD_USER_INPUT at operation",
    ),
    "bad-argument": (
        '{ organizations(after: "not a cursor") { totalCount } }',
        None,
        "client errors: BAD_USER_INPUT at organizations",
    ),
}


@pytest.mark.parametrize("case", list(GRAPHQL_MISTAKES))
async def test_a_graphql_mistake_is_one_info_line_with_its_request_id(
    restore_logging: object,
    capsys: pytest.CaptureFixture[str],
    gql: GraphQLClient,
    world: World,
    case: str,
) -> None:
    query, variables, message = GRAPHQL_MISTAKES[case]
    configure_logging(json_format=True)

    response = await gql.post(query, variables, token=world.tokens["analyst"])

    assert response.status_code == 200
    mistake, access = _json_lines(capsys)
    assert (mistake["logger"], mistake["level"], mistake["message"]) == (
        "coalition.api",
        "info",
        message,
    )
    assert "exception" not in mistake
    assert mistake["request_id"] == access["request_id"] == response.headers["x-request-id"]


async def test_a_server_error_is_one_error_line_with_its_traceback_and_request_id(
    restore_logging: object,
    capsys: pytest.CaptureFixture[str],
    gql: GraphQLClient,
    world: World,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def broken(*args: object, **kwargs: object) -> object:
        raise KeyError("secret internals")

    monkeypatch.setattr(tenancy, "get_tenant", broken)
    configure_logging(json_format=True)

    response = await gql.post("{ tenant { name } }", token=world.tokens["analyst"])

    assert response.json()["errors"][0]["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    failure, access = _json_lines(capsys)
    assert (failure["logger"], failure["level"], failure["message"]) == (
        "coalition.api",
        "error",
        "unexpected error in tenant",
    )
    assert failure["exception"].startswith("Traceback (most recent call last):")
    assert failure["exception"].endswith("KeyError: 'secret internals'")
    assert failure["request_id"] == access["request_id"] == response.headers["x-request-id"]
    assert "secret internals" not in response.text
