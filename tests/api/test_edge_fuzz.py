"""A bounded, seeded fuzz of every class of bad input of issue 9: no request gets a server
error, and what the edge refuses writes nothing.

One ``random.Random`` draws every request, from the seed in ``COALITION_FUZZ_SEED`` (a
fixed one by default, so CI sends the same requests every run; ``random`` draws a fresh
one to explore); a failure names the seed, and the same seed sends the same requests.
The requests go to the app in-process, as people of every role of a partnership, as its
partner apps, anonymously, and with a broken token.

The classes the edge must refuse with a 400 (or a 413) before anything runs, and after
which no table has a row more or less:
- text PostgreSQL cannot store (a lone surrogate, U+0000) in every text input of the
  schema, in the variables, as a literal (raw or escaped), by GET, in an unused variable,
  in a variable's name and in ``operationName``;
- JSON nested past 64 levels, in the body and in GET's ``variables``;
- an ``operationName`` that is empty, too long, unknown or not a string;
- bodies that are not a GraphQL request: random bytes, JSON that is not an object, the
  wrong content type, a body over the size limit.

The classes that may run, and must then answer without a server error (an HTTP 5xx, an
error coded INTERNAL_SERVER_ERROR, a null for a non-null field, an ERROR in the log), each
within 5 s: fragment bombs, arguments of the wrong type, huge strings, demand CSV files with
every kind of line ending and broken cells, forged cursors (the shape of a real one, one
value replaced), documents over the SDL (random fields, arguments, aliases, fragments),
sent by GET or POST or another method. Each test stops at its count of requests or its
time budget, whichever comes first (a busy machine sends fewer of the same sequence).
"""

from __future__ import annotations

import base64
import json
import logging
import os
import random
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette

from coalition.api.schema import build_schema
from coalition.config import Settings
from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from coalition.demand import service as demand
from coalition.demand.models import OpeningsKind
from coalition.funds.service.contributions import record_contribution
from coalition.models import Base
from tests.funds.support.world import FundsWorld, contribution_input, create_funds_world, key
from tests.support.documents import CURSOR_VALUES, DocumentGenerator
from tests.support.string_inputs import SAMPLES, StringInput, sample, string_inputs
from tests.support.world import World, global_id

_SEED = os.environ.get("COALITION_FUZZ_SEED") or "20261202"
SEED = random.SystemRandom().randrange(2**32) if _SEED == "random" else int(_SEED)
# COALITION_FUZZ_SCALE=10 runs a ten times longer fuzz locally; the suite keeps 1.
SCALE = float(os.environ.get("COALITION_FUZZ_SCALE", "1"))
EDGE_REQUESTS, EDGE_SECONDS = int(2000 * SCALE), 8 * SCALE
RUN_REQUESTS, RUN_SECONDS = int(600 * SCALE), 17 * SCALE
SLOW = 5.0  # seconds: no answer may take longer (an 18-level bomb once held the loop 6 s)
SCHEMA = build_schema(Settings())._schema
INPUTS = string_inputs(SCHEMA)
CREATE = (
    "mutation Create($name: String!) { createOrganization(input: {name: $name, "
    "kind: EMPLOYER}) { organization { id } userErrors { code } } }"
)
SERVER_ERROR = "INTERNAL_SERVER_ERROR"
NON_NULL_VIOLATION = "Cannot return null for non-nullable field"


@dataclass
class Probe:
    """One request, and whether the edge must refuse it."""

    kind: str
    method: str = "POST"
    content: bytes | None = None
    params: dict[str, str] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    refused: bool = False

    def describe(self) -> str:
        sent = self.params if self.params is not None else (self.content or b"")[:600]
        return f"[{self.kind}] {self.method} {self.headers} {sent!r}"


@dataclass
class Target:
    funds: FundsWorld
    tokens: list[str | None]
    global_ids: list[str]


@pytest.fixture
async def target(
    app: Starlette, owner_sessions: SessionFactory, settings: Settings, world: World
) -> Target:
    fw = await create_funds_world(owner_sessions, app, settings, world)
    async with tenant_transaction(owner_sessions, world.id) as session:
        contribution = await record_contribution(
            session, fw.principal("org_admin"), contribution_input(fw), idempotency_key=key()
        )
        signal = await demand.create_demand_signal(
            session,
            fw.principal("member"),
            organization_id=world.organizations["employer"],
            fields={
                "occupation_code": "51-4041",
                "openings": 4,
                "start_quarter": "2027Q1",
                "end_quarter": "2027Q4",
                "openings_kind": OpeningsKind.GROWTH,
            },
        )
    rows = [
        *(("Organization", org) for name, org in world.organizations.items() if name != "convener"),
        *(("Membership", m) for person, m in world.memberships.items() if person != "admin"),
        *(("User", u) for person, u in world.users.items() if person != "admin"),
        ("Initiative", fw.initiative),
        ("FundPool", fw.pool),
        ("Contribution", contribution.id),
        ("DemandSignal", signal.id),
        ("Tenant", world.id),
    ]
    tokens: list[str | None] = [fw.token(name) for name in ("admin", "member", "org_admin")]
    tokens += [fw.token(name) for name in ("analyst", "reader", "writer", "funder_admin")]
    tokens.append(None)
    return Target(fw, tokens, [global_id(kind, row) for kind, row in rows])


@pytest.fixture
def row_counts(admin_engine: AsyncEngine) -> Callable[[], Awaitable[dict[str, int]]]:
    tables = sorted(Base.metadata.tables)
    statement = text("SELECT " + ", ".join(f'(SELECT count(*) FROM "{t}")' for t in tables))

    async def count() -> dict[str, int]:
        async with admin_engine.connect() as connection:
            row = (await connection.execute(statement)).one()
        return dict(zip(tables, (int(value) for value in row), strict=True))

    return count


# -- what is sent -------------------------------------------------------------------------


def headers(rng: random.Random, target: Target, content_type: str | None) -> dict[str, str]:
    chosen: dict[str, str] = {}
    # A broken token one time in twenty: it is refused before anything runs.
    token = "not-a-token" if rng.random() < 0.05 else rng.choice(target.tokens)
    if token is not None:
        chosen["Authorization"] = f"Bearer {token}"
    if content_type is not None:
        chosen["Content-Type"] = content_type
    return chosen


def post(rng: random.Random, target: Target, kind: str, payload: Any, **extra: Any) -> Probe:
    # ASCII JSON, as a client may write it: a lone surrogate is the escape \ud800.
    body = json.dumps(payload).encode("ascii")
    return Probe(kind, content=body, headers=headers(rng, target, "application/json"), **extra)


def get(
    rng: random.Random, target: Target, kind: str, params: dict[str, str], **extra: Any
) -> Probe:
    return Probe(kind, method="GET", params=params, headers=headers(rng, target, None), **extra)


def unstorable(rng: random.Random) -> tuple[str, str]:
    """Text PostgreSQL cannot store, as (the text, a GraphQL escape of it)."""
    code = rng.choice([0, rng.randint(0xD800, 0xDBFF), rng.randint(0xDC00, 0xDFFF)])
    escape = rng.choice(
        [f"\\u{code:04X}", f"\\u{code:04x}", f"\\u{{{code:X}}}", f"\\u{{00{code:x}}}"]
    )
    before, after = rng.choice(["", "a", "Shop "]), rng.choice(["", "z", " Inc"])
    return before + chr(code) + after, before + escape + after


def unstorable_probe(rng: random.Random, target: Target) -> Probe:
    text_input = rng.choice(INPUTS)
    raw, escaped = unstorable(rng)
    query, variables = text_input.document(value=raw, literal=False)
    literal_query, _ = text_input.document(value=f'"{escaped}"', literal=True)
    raw_query, _ = text_input.document(value=json.dumps(raw, ensure_ascii=False), literal=True)
    is_query = text_input.operation == "query"
    where = rng.choice(["variables", "literal", "raw", "unused", "name", "operationName", "get"])
    kind = f"unstorable text ({where})"
    if where == "get" and is_query:
        params = rng.choice(
            [{"query": query, "variables": json.dumps(variables)}, {"query": literal_query}]
        )
        return get(rng, target, kind, params, refused=True)
    valid, _ = text_input.document(value=SAMPLES[text_input.scalar], literal=False)
    payloads = {
        "variables": {"query": query, "variables": variables},
        "literal": {"query": literal_query},
        "raw": {"query": raw_query},
        "unused": {"query": valid, "variables": {"v": sample_value(text_input), "x": [raw]}},
        "name": {"query": valid, "variables": {"v": sample_value(text_input), raw: 1}},
        "operationName": {"query": valid, "operationName": f"Probe{raw}"},
    }
    return post(rng, target, kind, payloads.get(where, payloads["variables"]), refused=True)


def sample_value(text_input: StringInput) -> Any:
    argument = text_input.steps[-1].field.args[text_input.argument]
    value = sample(argument.type, text_input.path)
    return json.loads(json.dumps(value, default=lambda _: SAMPLES[text_input.scalar]))


def deep_json(rng: random.Random, target: Target) -> Probe:
    depth = rng.choice([65, 66, 100, rng.randint(65, 3_000), rng.randint(3_000, 20_000)])
    shape = rng.choice(["arrays", "objects", "mixed", "unclosed"])
    if shape == "mixed":
        parts = [rng.choice(["[", '{"a":']) for _ in range(depth)]
    else:
        parts = ['{"a":' if shape == "objects" else "["] * depth
    where = rng.choice(["body", "variables", "get"])
    if where == "get":  # a URL is at most 64 KB long
        parts = parts[:3_000]
    closing = (
        ""
        if shape == "unclosed"
        else "".join(part[0].replace("[", "]").replace("{", "}") for part in reversed(parts))
    )
    nested = "".join(parts) + "1" + closing
    kind = f"deep JSON ({shape}, {where})"
    if where == "get":
        params = {"query": "{ __typename }", "variables": '{"v": ' + nested + "}"}
        return get(rng, target, kind, params, refused=True)
    body = nested
    if where == "variables":
        body = (
            '{"query": ' + json.dumps(CREATE) + ', "variables": {"name": "S", "v": ' + nested + "}}"
        )
    content_type = headers(rng, target, "application/json")
    return Probe(kind, content=body.encode(), headers=content_type, refused=True)


def operation_name(rng: random.Random, target: Target) -> Probe:
    name: Any = rng.choice(
        [
            "",
            "Other",
            "create",
            "C" * rng.randint(257, 60_000),
            rng.randint(-5, 5),
            True,
            ["Create"],
            {"name": "Create"},
            1.5,
        ]
    )
    query = rng.choice([CREATE, CREATE + " query Q { __typename }", "{ __typename }"])
    payload = {"query": query, "variables": {"name": "Shop"}, "operationName": name}
    if rng.random() < 0.2 and isinstance(name, str) and name:
        return get(
            rng,
            target,
            "operationName (get)",
            {"query": "query Q { __typename }", "operationName": name},
            refused=True,
        )
    return post(rng, target, "operationName", payload, refused=True)


def garbage(rng: random.Random, target: Target) -> Probe:
    choice = rng.randrange(5)
    if choice == 0:
        body = rng.randbytes(rng.randint(0, 2000))
    elif choice == 1:
        body = json.dumps(
            rng.choice([1, "x", None, [], [{"query": "{ __typename }"}], 2.5, True])
        ).encode()
    elif choice == 2:
        body = json.dumps(
            rng.choice(
                [
                    {},
                    {"query": 1},
                    {"query": ""},
                    {"query": "   "},
                    {"query": ["{ a }"]},
                    {"query": "{ __typename }", "variables": rng.choice([[], "x", 1, True])},
                ]
            )
        ).encode()
    elif choice == 3:
        whole = json.dumps({"query": CREATE, "variables": {"name": "Shop"}}).encode()
        body = whole[: rng.randint(0, len(whole) - 1)] + rng.choice([b"", b"\xff", b"\xc3("])
    else:
        body = b'{"query": "' + b"x" * rng.randint(100_001, 200_000) + b'"}'
    content_type = rng.choice(["application/json", "application/json; charset=utf-8"])
    if rng.random() < 0.3:
        content_type = rng.choice(
            [
                "text/plain",
                "application/graphql",
                "application/x-www-form-urlencoded",
                "multipart/form-data; boundary=x",
                "",
                "application/jsonx",
                "json",
                "*/*",
            ]
        )
        body = json.dumps({"query": CREATE, "variables": {"name": "Shop"}}).encode()
    return Probe(
        "garbage body", content=body, headers=headers(rng, target, content_type), refused=True
    )


def fragment_bomb(rng: random.Random, target: Target) -> Probe:
    levels, fan_out = rng.randint(8, 40), rng.randint(2, 4)
    on, leaf, wrap = rng.choice(
        [("Query", "__typename", "{0}"), ("Tenant", "name", "tenant {{ {0} }}")]
    )
    fragments = [f"fragment F0 on {on} {{ {leaf} }}"]
    for level in range(1, levels + 1):
        spreads = " ".join(f"...F{level - 1}" for _ in range(fan_out))
        if rng.random() < 0.2:
            spreads = f"... on {on} {{ {spreads} }}"
        fragments.append(f"fragment F{level} on {on} {{ {spreads} }}")
    query = "query { " + wrap.format(f"...F{levels}") + " } " + " ".join(fragments)
    return post(rng, target, f"fragment bomb ({levels}x{fan_out})", {"query": query})


def huge_text(rng: random.Random, target: Target) -> Probe:
    text_input = rng.choice([i for i in INPUTS if i.scalar in ("String", "ID")])
    size = rng.choice([1_000, 10_000, 60_000, 99_000, 150_000])
    query, variables = text_input.document(value=rng.choice("xé漢") * size, literal=False)
    return post(rng, target, f"huge text ({size})", {"query": query, "variables": variables})


CSV_HEADER = (
    "occupation_code,openings,start_quarter,end_quarter,openings_kind,wage_min,wage_max,"
    "wage_unit,currency,degree_required,credentials,work_based_learning,skills,city,"
    "postal_code,sharing_level,status,posting_id"
)
CSV_ROW = (
    "51-4041,4,2027Q1,2027Q4,growth,24.00,31.50,hour,USD,no,NIMS Machining Level I,"
    "registered_apprenticeship,2.A.1.e:3;2.B.3.h:3,Muskegon,49440,pooled,active,HF-1"
)
IMPORT = """mutation($input: ImportDemandSignalsInput!) {
  importDemandSignals(input: $input) { importedCount createdCount userErrors { field code } } }"""


def csv_text(rng: random.Random, target: Target) -> Probe:
    """A demand CSV with line endings of every kind (CR, LF, CRLF, mixed, a bare CR inside
    a row), cells cut, swapped and quoted, tabs, a byte-order mark, blank lines."""
    rows = [CSV_HEADER] + [CSV_ROW.replace("HF-1", f"HF-{n}") for n in range(rng.randint(0, 4))]
    cells = [row.split(",") for row in rows]
    for row in cells[1:]:
        for _ in range(rng.randint(0, 3)):
            row[rng.randrange(len(row))] = rng.choice(
                ["", " ", "\t", '"a,b"', '"', '""', "\r", "x\ry", "-1", "1e9", "2027Q9", "é"]
            )
        if rng.random() < 0.1:
            del row[rng.randrange(len(row)) :]
    ending = rng.choice(["\n", "\r\n", "\r", "mixed"])
    lines = [",".join(row) for row in cells]
    joined = "".join(
        line + (rng.choice(["\n", "\r\n", "\r"]) if ending == "mixed" else ending) for line in lines
    )
    joined = rng.choice(["", "\ufeff"]) + joined + rng.choice(["", "\n", "\r\r", "\t\n"])
    if rng.random() < 0.1:
        joined = rng.choice(["", "\t", "\n", "\r", "\r\n\t", " \n \n"])
    employer = global_id("Organization", target.funds.world.organizations["employer"])
    variables = {"input": {"organizationId": employer, "csv": joined}}
    return post(rng, target, f"CSV ({ending})", {"query": IMPORT, "variables": variables})


# The shapes of the API's own cursors (decoded, as anyone can): the sort key's values and
# the row's ID last. A forged cursor keeps a shape and puts something else in one place.
CURSOR_SHAPES = [
    ["Shop", "00000000-0000-4000-8000-000000000000"],
    ["2027-01-04T10:00:00+00:00", "00000000-0000-4000-8000-000000000000"],
    ["x", "x"],
    ["51-4041"],
    ["1", "0.5", "51-4041"],
]
LISTS = [i for i in INPUTS if i.argument == "after" and len(i.steps) == 1]


def forged_cursor(rng: random.Random, target: Target) -> Probe:
    text_input = rng.choice(LISTS)
    values = list(rng.choice(CURSOR_SHAPES))
    values[rng.randrange(len(values))] = rng.choice(CURSOR_VALUES)
    cursor = base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")
    query, variables = text_input.document(value=cursor, literal=False)
    if text_input.steps[0].name == "occupations" and rng.random() < 0.5:
        query = query.replace("occupations(after:", 'occupations(search: "machin", after:')
    return post(rng, target, "forged cursor", {"query": query, "variables": variables})


def schema_document(rng: random.Random, target: Target, *, wrong: float = 0.08) -> Probe:
    query, variables = DocumentGenerator(SCHEMA, rng, target.global_ids, wrong=wrong).document()
    kind = "wrongly typed arguments" if wrong > 0.1 else "document over the SDL"
    method = rng.choices(["POST", "GET", "PUT", "DELETE", "PATCH"], [80, 16, 2, 1, 1])[0]
    if method == "GET":
        params = {"query": query}
        if variables:
            params["variables"] = json.dumps(variables)
        return get(rng, target, f"{kind} (GET)", params)
    probe = post(rng, target, kind, {"query": query, "variables": variables or None})
    probe.method = method
    if method != "POST":
        probe.kind = f"{kind} ({method})"
    elif rng.random() < 0.05:
        probe.headers["Content-Type"] = rng.choice(
            ["application/json; charset=utf-8", "Application/JSON", "application/json;x=y"]
        )
    return probe


EDGE_CLASSES = [(unstorable_probe, 5), (deep_json, 2), (operation_name, 2), (garbage, 2)]
RUN_CLASSES: list[tuple[Callable[[random.Random, Target], Probe], int]] = [
    (fragment_bomb, 1),
    (huge_text, 1),
    (csv_text, 1),
    (forged_cursor, 1),
    (lambda rng, target: schema_document(rng, target, wrong=0.5), 2),
    (schema_document, 8),
]


# -- what comes back ----------------------------------------------------------------------


def problem(probe: Probe, response: httpx.Response, elapsed: float) -> str | None:
    """Why the answer is wrong, or None."""
    if response.status_code >= 500:
        return f"HTTP {response.status_code}"
    if elapsed > SLOW:
        return f"took {elapsed:.1f} s"
    try:
        body = response.json()
    except ValueError:
        return None if response.status_code == 405 else f"not JSON: {response.text[:200]!r}"
    errors = body.get("errors") or [] if isinstance(body, dict) else []
    for error in errors:
        if (error.get("extensions") or {}).get("code") == SERVER_ERROR:
            return f"server error: {error.get('message')}"
        if NON_NULL_VIOLATION in str(error.get("message")):
            return f"broke the schema: {error.get('message')}"
    if probe.refused:
        codes = [(error.get("extensions") or {}).get("code") for error in errors]
        if response.status_code not in (400, 413) or codes != ["BAD_REQUEST"]:
            return f"not refused at the edge: HTTP {response.status_code} {body}"[:500]
    return None


NOT_RUN = {"GRAPHQL_VALIDATION_FAILED", "QUERY_LIMIT_EXCEEDED", "BAD_REQUEST"}


def reached_resolvers(response: httpx.Response) -> bool:
    """Whether the document got past parsing, validation and the limits."""
    if response.status_code != 200:
        return False
    errors = response.json().get("errors") or []
    return all(
        "path" in error and (error.get("extensions") or {}).get("code") not in NOT_RUN
        for error in errors
    )


async def fuzz(
    http: httpx.AsyncClient,
    target: Target,
    classes: list[tuple[Callable[[random.Random, Target], Probe], int]],
    budget: tuple[int, float],
    rng: random.Random,
    caplog: pytest.LogCaptureFixture,
) -> tuple[Counter[str], dict[str, str]]:
    """Send probes drawn from ``classes`` (by weight), as many as ``budget`` says or as
    fit in its seconds (a busy machine sends fewer of the same sequence); the count per
    class, and the first problem seen of each (class, problem)."""
    sent: Counter[str] = Counter()
    problems: dict[str, str] = {}
    makers, weights = zip(*classes, strict=True)
    requests, seconds = budget
    deadline = time.monotonic() + seconds
    for _ in range(requests):
        if time.monotonic() > deadline:
            break
        probe = rng.choices(makers, weights)[0](rng, target)
        before = len(caplog.records)
        started = time.perf_counter()
        response = await http.request(
            probe.method,
            "/graphql",
            content=probe.content,
            params=probe.params,
            headers=probe.headers,
        )
        elapsed = time.perf_counter() - started
        sent[probe.kind.split(" (")[0]] += 1
        if reached_resolvers(response):
            sent[f"{probe.kind.split(' (')[0]}, reached resolvers"] += 1
        found = problem(probe, response, elapsed)
        logged = [r for r in caplog.records[before:] if r.levelno >= logging.ERROR]
        if found is None and logged:
            found = f"logged an ERROR: {logged[0].getMessage()}"
        if found is not None:
            problems.setdefault(
                f"{probe.kind.split(' (')[0]}: {found[:80]}",
                f"{found}\n{probe.describe()}\nresponse: {response.text[:500]}",
            )
    return sent, problems


def report(problems: dict[str, str]) -> str:
    listed = "\n\n".join(problems.values())
    return f"COALITION_FUZZ_SEED={SEED}: {len(problems)} distinct problem(s):\n\n{listed}"


async def test_what_the_edge_refuses_gets_a_400_and_writes_nothing(
    http: httpx.AsyncClient,
    target: Target,
    row_counts: Callable[[], Awaitable[dict[str, int]]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    rng = random.Random(f"{SEED}-edge")
    before = await row_counts()

    sent, problems = await fuzz(
        http, target, EDGE_CLASSES, (EDGE_REQUESTS, EDGE_SECONDS), rng, caplog
    )

    assert problems == {}, report(problems)
    assert await row_counts() == before, f"COALITION_FUZZ_SEED={SEED}"
    assert set(sent) == {"unstorable text", "deep JSON", "operationName", "garbage body"}
    assert [r for r in caplog.records if r.exc_info] == []


async def test_what_runs_gets_no_server_error(
    http: httpx.AsyncClient, target: Target, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    rng = random.Random(f"{SEED}-run")

    sent, problems = await fuzz(http, target, RUN_CLASSES, (RUN_REQUESTS, RUN_SECONDS), rng, caplog)

    assert problems == {}, report(problems)
    assert {kind for kind in sent if "," not in kind} == {
        "fragment bomb",
        "huge text",
        "CSV",
        "forged cursor",
        "wrongly typed arguments",
        "document over the SDL",
    }
    # The documents over the SDL are mostly valid: at least a fifth of them run (the rest
    # are refused for a page size, a role, a token, a method or a type: still answers).
    reached = sent["document over the SDL, reached resolvers"]
    assert reached >= sent["document over the SDL"] // 5, (SEED, sorted(sent.items()))


def test_the_check_catches_a_server_error_a_slow_answer_and_a_missed_refusal() -> None:
    request = httpx.Request("POST", "http://127.0.0.1/graphql")
    masked = {"data": None, "errors": [{"message": "x", "extensions": {"code": SERVER_ERROR}}]}
    refused = {"errors": [{"message": "No.", "extensions": {"code": "BAD_REQUEST"}}]}

    def answer(status: int, body: Any) -> httpx.Response:
        return httpx.Response(status, json=body, request=request)

    assert problem(Probe("x"), answer(200, masked), 0.01) == "server error: x"
    assert problem(Probe("x"), answer(502, {}), 0.01) == "HTTP 502"
    assert problem(Probe("x"), answer(200, {"data": {}}), SLOW + 1) == f"took {SLOW + 1:.1f} s"
    assert problem(Probe("x", refused=True), answer(200, {"data": {}}), 0.01) is not None
    assert problem(Probe("x", refused=True), answer(400, refused), 0.01) is None
    assert problem(Probe("x"), answer(200, {"data": {"a": 1}}), 0.01) is None
