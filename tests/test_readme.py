"""Every GraphQL and HTTP example in README.md runs against the demo, without errors.

The extractor reads the fenced code blocks and the inline code spans. A GraphQL
example is a text that starts with ``{``, ``query``, ``mutation`` or a root field
followed by ``{`` (an inline span of a root field runs wrapped in ``{ }``). An
HTTP example is a fenced block with ``curl``: its commands run against the test
app, with the shell variables they set or the README tells the reader to set.
Command-line examples are left to the CLI's tests, and listed here as skipped;
a fenced block that is none of these fails the test, so nothing new goes unrun.
"""

from __future__ import annotations

import asyncio
import json
import re
import shlex
import sys
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from graphql import build_schema
from sqlalchemy import select
from starlette.applications import Starlette
from starlette.routing import BaseRoute, Mount, Route, compile_path

from coalition.auth.scopes import USER_SCOPES
from coalition.auth.tokens import USER_TOKEN_CLIENT_ID, issue_access_token
from coalition.config import Settings
from coalition.db.engine import SessionFactory
from coalition.db.scoping import in_tenant
from coalition.db.session import tenant_transaction
from coalition.demo import seed_demo
from coalition.tenancy.models import Tenant, User

REPOSITORY = Path(__file__).resolve().parents[1]
README = (REPOSITORY / "README.md").read_text()
SCHEMA = build_schema((REPOSITORY / "graphql" / "schema.graphql").read_text())
ROOT_FIELDS = frozenset(SCHEMA.query_type.fields) if SCHEMA.query_type else frozenset()

TENANT = "lakeshore-manufacturing"
# Who runs an example: the convener, unless the README names someone else for it.
DEFAULT_PERSON = f"admin@{TENANT}.example"
PERSON_BY_ROOT_FIELD = {
    "fundPools": f"funder@{TENANT}.example",
    "providerGap": f"college-admin@{TENANT}.example",
}
# Commands the CLI's own tests run (tests/test_cli.py): skipped here, on purpose.
CLI_PREFIXES = ("make ", ".venv/bin/coalition ", "coalition ")

_FENCE = re.compile(r"^```([\w-]*)\n(.*?)^```$", re.MULTILINE | re.DOTALL)
_SPAN = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.DOTALL)
_ROOT_FIELD = re.compile(r"^([a-z][A-Za-z0-9]*)\s*(?:\([^{]*\))?\s*\{")


@dataclass(frozen=True)
class Example:
    kind: str  # "graphql", "http", "path" or "cli"
    text: str
    line: int

    @property
    def id(self) -> str:
        return f"line{self.line}"


def _line_of(offset: int) -> int:
    return README.count("\n", 0, offset) + 1


def _graphql(text: str) -> str | None:
    """The runnable document ``text`` is, or None if it is no GraphQL example."""
    stripped = " ".join(text.split())
    if _is_json(stripped):
        return None  # a response shown, not a request
    if stripped.startswith("{") or re.match(r"^(query|mutation)\b\s*[\w($]*\s*[({]", stripped):
        return stripped
    match = _ROOT_FIELD.match(stripped)
    if match and match.group(1) in ROOT_FIELDS:
        return "{ " + stripped + " }"
    return None


def _is_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def _is_cli(text: str) -> bool:
    commands = [
        line.strip()
        for line in text.splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]
    return bool(commands) and all(command.startswith(CLI_PREFIXES) for command in commands)


def _examples() -> list[Example]:
    found: list[Example] = []
    fenced: list[tuple[int, int]] = []
    for block in _FENCE.finditer(README):
        fenced.append(block.span())
        body, line = block.group(2), _line_of(block.start())
        if "curl " in body:
            found.append(Example("http", body, line))
        elif _is_cli(body):
            found.append(Example("cli", body, line))
        elif (document := _graphql(body)) is not None:
            found.append(Example("graphql", document, line))
        else:
            found.append(Example("unknown", body, line))
    for span in _SPAN.finditer(README):
        if any(start <= span.start() < end for start, end in fenced):
            continue
        text, line = span.group(2).strip(), _line_of(span.start())
        if (document := _graphql(text)) is not None:
            found.append(Example("graphql", document, line))
        elif text.startswith(CLI_PREFIXES):
            found.append(Example("cli", text, line))
        elif re.fullmatch(r"/[\w./-]+", text):
            found.append(Example("path", text, line))
    return found


EXAMPLES = _examples()


def of_kind(kind: str) -> list[Example]:
    return [example for example in EXAMPLES if example.kind == kind]


def test_every_fenced_block_is_run_or_listed_as_a_command() -> None:
    assert of_kind("unknown") == []
    # The README has examples of each kind: an extractor that found none would pass vacuously.
    assert {example.kind for example in EXAMPLES} == {"graphql", "http", "path", "cli"}


def test_the_skipped_examples_are_all_commands() -> None:
    skipped = of_kind("cli")
    for example in skipped:
        assert _is_cli(example.text) or example.text.startswith(CLI_PREFIXES), example


# --- running them against the demo ------------------------------------------------------


@dataclass
class Demo:
    http: httpx.AsyncClient
    tokens: dict[str, str]


@pytest.fixture(scope="module")
async def demo(
    app: Starlette, owner_sessions: SessionFactory, settings: Settings
) -> AsyncIterator[Demo]:
    await seed_demo(owner_sessions)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000") as http:
        yield Demo(http=http, tokens={})


async def token_for(demo: Demo, app: Starlette, sessions: SessionFactory, email: str) -> str:
    if email not in demo.tokens:
        async with sessions() as session:
            tenant_id = await session.scalar(select(Tenant.id).where(Tenant.slug == TENANT))
        assert tenant_id is not None
        async with tenant_transaction(sessions, tenant_id) as session:
            user_id = await session.scalar(
                select(User.id).where(in_tenant(User, tenant_id), User.email == email)
            )
        assert user_id is not None, f"the demo has no {email}"
        demo.tokens[email] = issue_access_token(
            await app.state.keys.signer(),
            app.state.settings,
            tenant_id=tenant_id,
            subject=str(user_id),
            client_id=USER_TOKEN_CLIENT_ID,
            scopes=USER_SCOPES,
        )
    return demo.tokens[email]


def person_for(document: str) -> str:
    match = re.match(r"^\{\s*([a-zA-Z]+)", document)
    return PERSON_BY_ROOT_FIELD.get(match.group(1) if match else "", DEFAULT_PERSON)


@pytest.mark.parametrize("example", of_kind("graphql"), ids=lambda example: example.id)
async def test_a_graphql_example_runs_without_errors(
    demo: Demo, app: Starlette, owner_sessions: SessionFactory, example: Example
) -> None:
    token = await token_for(demo, app, owner_sessions, person_for(example.text))

    response = await demo.http.post(
        "/graphql",
        json={"query": example.text},
        headers={"Authorization": f"Bearer {token}"},
    )

    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, (example.text, body["errors"])
    assert all(value is not None for value in body["data"].values()), body


@pytest.mark.parametrize("example", of_kind("path"), ids=lambda example: example.id)
def test_a_path_the_readme_names_is_a_route(app: Starlette, example: Example) -> None:
    # A route's own path, or a path its parameters match (/public/<slug>/...); the web
    # app's routes are mounted at "" (its catch-all "not found" page does not count).
    assert any(regex.fullmatch(example.text) for regex in _route_regexes(app.routes)), example.text


def _route_regexes(routes: list[BaseRoute], prefix: str = "") -> list[re.Pattern[str]]:
    found: list[re.Pattern[str]] = []
    for route in routes:
        if isinstance(route, Route) and route.name != "not_found":
            found.append(compile_path(prefix + route.path)[0])
        elif isinstance(route, Mount) and route.routes:
            found.extend(_route_regexes(list(route.routes), prefix + route.path))
    return found


# --- shell examples with curl -----------------------------------------------------------

CREATE_CLIENT = """mutation($input: CreateApiClientInput!) { createApiClient(input: $input) {
    apiClient { id clientId } clientSecret userErrors { code } } }"""
REVOKE_CLIENT = """mutation($id: ID!) { revokeApiClient(input: {id: $id}) {
    userErrors { code } } }"""


def _commands(script: str) -> list[str]:
    """The script's commands: continuation lines joined, blank lines and comments dropped."""
    joined = re.sub(r"\\\n\s*", " ", script)
    lines = (line.strip() for line in joined.splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def _expand(token: str, env: dict[str, str]) -> str:
    def value(match: re.Match[str]) -> str:
        return env[match.group(1) or match.group(2)]  # a KeyError names an unset variable

    return re.sub(r"\$\{([A-Z_][A-Z0-9_]*)\}|\$([A-Z_][A-Z0-9_]*)", value, token)


async def _curl(http: httpx.AsyncClient, words: list[str], env: dict[str, str]) -> httpx.Response:
    """Runs one ``curl`` command line (the options the README uses) against the test app."""
    assert words[0] == "curl"
    headers: dict[str, str] = {}
    data: str | None = None
    auth: tuple[str, str] | None = None
    url: str | None = None
    arguments = iter(_expand(word, env) for word in words[1:])
    for word in arguments:
        if word == "-s":
            continue
        if word == "-u":
            user, _, password = next(arguments).partition(":")
            auth = (user, password)
        elif word == "-H":
            name, _, header_value = next(arguments).partition(":")
            headers[name.strip()] = header_value.strip()
        elif word == "-d":
            data = next(arguments)
        elif word.startswith("http"):
            url = word
        else:
            raise AssertionError(f"the README's curl uses an option this test lacks: {word}")
    assert url is not None and url.startswith("http://127.0.0.1:8000/"), url
    path = url.removeprefix("http://127.0.0.1:8000")
    if data is None:
        return await http.get(path, headers=headers, auth=auth or httpx.USE_CLIENT_DEFAULT)
    headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
    return await http.post(
        path, content=data.encode(), headers=headers, auth=auth or httpx.USE_CLIENT_DEFAULT
    )


async def _run_script(http: httpx.AsyncClient, script: str, env: dict[str, str]) -> list[Any]:
    """Runs each command; ``NAME=$(curl ... | python3 -c '...')`` sets NAME as a shell would
    (the Python filter runs for real on the response). Returns each plain curl's answer."""
    answers: list[Any] = []
    for command in _commands(script):
        assignment = re.fullmatch(r"([A-Z_][A-Z0-9_]*)=\$\((.*)\)", command)
        pipeline = assignment.group(2) if assignment else command
        stages = [shlex.split(stage) for stage in _split_pipes(pipeline)]
        response = await _curl(http, stages[0], env)
        assert response.status_code == 200, (command, response.text)
        output = response.text
        for stage in stages[1:]:
            assert stage[:2] == ["python3", "-c"], stage
            output = await _python_filter(stage[2], output)
        if assignment:
            env[assignment.group(1)] = output.strip()
        elif response.headers.get("content-type", "").startswith("text/calendar"):
            answers.append(response.text)
        else:
            answers.append(response.json())
    return answers


async def _python_filter(code: str, text: str) -> str:
    """What ``python3 -c code`` prints for ``text`` on its standard input."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        code,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(text.encode()), timeout=30)
    assert process.returncode == 0, stderr.decode()
    return stdout.decode()


def _split_pipes(pipeline: str) -> list[str]:
    """The stages of a pipeline: ``|`` outside quotes."""
    stages, current, quote = [], "", ""
    for character in pipeline:
        if quote:
            quote = "" if character == quote else quote
        elif character in "'\"":
            quote = character
        elif character == "|":
            stages.append(current)
            current = ""
            continue
        current += character
    return [*stages, current]


@pytest.fixture
async def partner_app(
    demo: Demo, app: Starlette, owner_sessions: SessionFactory
) -> AsyncIterator[dict[str, str]]:
    """A partner app's client with the ``read`` scope, made as the README says (by the
    partnership admin); revoked afterwards. Its credentials, as shell variables."""
    token = await token_for(demo, app, owner_sessions, DEFAULT_PERSON)
    headers = {"Authorization": f"Bearer {token}"}
    name = f"Regional job board {uuid.uuid4().hex[:6]}"
    created = await demo.http.post(
        "/graphql",
        json={"query": CREATE_CLIENT, "variables": {"input": {"name": name, "scopes": ["read"]}}},
        headers=headers,
    )
    payload = created.json()["data"]["createApiClient"]
    assert payload["userErrors"] == []
    try:
        yield {
            "CLIENT_ID": payload["apiClient"]["clientId"],
            "CLIENT_SECRET": payload["clientSecret"],
        }
    finally:
        revoked = await demo.http.post(
            "/graphql",
            json={"query": REVOKE_CLIENT, "variables": {"id": payload["apiClient"]["id"]}},
            headers=headers,
        )
        assert revoked.json()["data"]["revokeApiClient"]["userErrors"] == []


@pytest.mark.parametrize("example", of_kind("http"), ids=lambda example: example.id)
async def test_a_curl_example_runs_without_errors(
    demo: Demo, partner_app: dict[str, str], example: Example
) -> None:
    answers = await _run_script(demo.http, example.text, dict(partner_app))

    assert answers, "the example prints nothing"
    for answer in answers:
        if isinstance(answer, str):  # a calendar feed: it must hold events
            assert answer.startswith("BEGIN:VCALENDAR") and "BEGIN:VEVENT" in answer, answer[:200]
            continue
        assert "errors" not in answer, json.dumps(answer)[:500]
        assert all(value is not None for value in answer["data"].values()), answer
        for payload in answer["data"].values():
            # A mutation's example must work, not show a userError.
            if isinstance(payload, dict) and "userErrors" in payload:
                assert payload["userErrors"] == [], payload
