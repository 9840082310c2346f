"""Text PostgreSQL cannot store is refused in every text input (SECURITY.md item 37).

The inputs are read from the built schema (``tests/support/string_inputs.py``): every
argument and input-object field of type String, ID or a custom scalar read from text
(Date, DateTime), or a list of them, on every field a query or mutation reaches. A field
added to the schema is a new case here without any test changing.

For each, a lone UTF-16 surrogate and the NUL character are sent in the JSON variables
and as a GraphQL literal (an escape), by POST, and for a query by GET as well, by a
partnership admin and anonymously; each answer is the 400 that names the problem, and no
row of any table was written. The same documents with valid text are valid operations
(their variables coerce), so the refusal is the text's, not the document's.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest
from graphql import OperationDefinitionNode, parse, validate
from graphql.execution.values import get_variable_values
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette

from coalition.api.schema import build_schema
from coalition.config import Settings
from coalition.db.engine import SessionFactory
from coalition.models import Base
from tests.support.string_inputs import SAMPLES, StringInput, string_inputs
from tests.support.world import World, create_world

SCHEMA = build_schema(Settings())._schema
INPUTS = string_inputs(SCHEMA)

SURROGATE = "Text may not contain a lone UTF-16 surrogate (U+D800 to U+DFFF); it cannot be stored."
NUL = "Text may not contain the NUL character (U+0000); it cannot be stored."
# (what the variables carry, the GraphQL literal, the message)
UNSTORABLE = [
    ("x\ud800", '"x\\uD800"', SURROGATE),
    ("\udfffy", '"\\uDFFFy"', SURROGATE),
    ("x\x00y", '"x\\u0000y"', NUL),
]

RowCounts = Callable[[], Awaitable[dict[str, int]]]


@pytest.fixture(scope="module")
async def prober(app: Starlette, owner_sessions: SessionFactory, settings: Settings) -> World:
    return await create_world(owner_sessions, await app.state.keys.signer(), settings, label="text")


@pytest.fixture(scope="module")
async def module_http(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000") as client:
        yield client


@pytest.fixture(scope="module")
def row_counts(admin_engine: AsyncEngine) -> RowCounts:
    """Rows of every table of every tenant, in one statement (as the superuser: no
    row-level security in the way)."""
    tables = sorted(Base.metadata.tables)
    statement = text("SELECT " + ", ".join(f'(SELECT count(*) FROM "{name}")' for name in tables))

    async def count() -> dict[str, int]:
        async with admin_engine.connect() as connection:
            row = (await connection.execute(statement)).one()
        return dict(zip(tables, (int(value) for value in row), strict=True))

    return count


def requests(text_input: StringInput) -> list[tuple[str, str, Any, str]]:
    """(label, method, what is sent, the message) for every way text reaches the input."""
    sent: list[tuple[str, str, Any, str]] = []
    for value, literal, message in UNSTORABLE:
        query, variables = text_input.document(value=value, literal=False)
        posted = {"query": query, "variables": variables}
        sent.append((f"variables {value!r}", "POST", posted, message))
        if text_input.operation == "query":
            in_url = {"query": query, "variables": json.dumps(variables)}
            sent.append((f"GET variables {value!r}", "GET", in_url, message))
        query, _ = text_input.document(value=literal, literal=True)
        sent.append((f"literal {literal}", "POST", {"query": query}, message))
        if text_input.operation == "query":
            sent.append((f"GET literal {literal}", "GET", {"query": query}, message))
    return sent


async def send(
    http: httpx.AsyncClient, method: str, sent: dict[str, Any], token: str | None
) -> httpx.Response:
    headers = {} if token is None else {"Authorization": f"Bearer {token}"}
    if method == "GET":
        return await http.get("/graphql", params=sent, headers=headers)
    # ASCII JSON: json.dumps writes a lone surrogate as the escape \ud800, as a client may.
    headers["Content-Type"] = "application/json"
    return await http.post("/graphql", content=json.dumps(sent).encode("ascii"), headers=headers)


def assert_valid_with_valid_text(text_input: StringInput) -> None:
    valid = SAMPLES[text_input.scalar]
    query, variables = text_input.document(value=valid, literal=False)
    document = parse(query)
    assert validate(SCHEMA, document) == [], query
    [operation] = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    coerced = get_variable_values(SCHEMA, operation.variable_definitions, variables or {})
    assert not isinstance(coerced, list), (query, variables, coerced)
    query, _ = text_input.document(value=json.dumps(valid), literal=True)
    assert validate(SCHEMA, parse(query)) == [], query


def test_the_text_inputs_are_read_from_the_schema() -> None:
    names = {str(text_input) for text_input in INPUTS}

    assert len(INPUTS) >= 150
    assert {
        "Mutation.createOrganization(input.name: String)",
        "Mutation.createDemandSignal(input.credentials: String)",
        "Mutation.createDemandSignal(input.skills.skillId: ID)",
        "Mutation.importDemandSignals(input.csv: String)",
        "Mutation.recordContribution(input.contributedOn: Date)",
        "Query.nodes(ids: ID)",
        "Query.organizations(filter.search: String)",
        "Query.organization.memberships(after: String)",
        "Mutation.createTrainingProgram(input.cipCode: String)",
        "Mutation.createTrainingProgram(input.credential.ctid: String)",
        "Mutation.createCohort(input.startsOn: Date)",
        "Query.trainingPrograms(filter.search: String)",
        "Query.suggestedOccupations(cipCode: String)",
    } <= names
    assert len(names) == len(INPUTS)


@pytest.mark.parametrize("text_input", INPUTS, ids=str)
async def test_text_that_cannot_be_stored_is_refused_in_every_text_input(
    module_http: httpx.AsyncClient, prober: World, row_counts: RowCounts, text_input: StringInput
) -> None:
    assert_valid_with_valid_text(text_input)
    before = await row_counts()

    answers = []
    for label, method, sent, message in requests(text_input):
        for caller, token in (("admin", prober.tokens["admin"]), ("anonymous", None)):
            response = await send(module_http, method, sent, token)
            answers.append((caller, label, response.status_code, response.json(), message))

    refused = {"extensions": {"code": "BAD_REQUEST"}}
    assert [
        (caller, label, status, body)
        for caller, label, status, body, message in answers
        if (status, body) != (400, {"errors": [{"message": message, **refused}]})
    ] == []
    assert await row_counts() == before
