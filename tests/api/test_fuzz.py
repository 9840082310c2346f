"""Schemathesis fuzzes the GraphQL API: no request may make the server fail (SECURITY.md item 36).

Every root field of Query and Mutation is one Schemathesis operation. For each,
Schemathesis (through hypothesis-graphql) generates random documents: arbitrary
selection sets and literal arguments of every type, strings with NUL bytes and
control characters included. Each document is sent in-process to the ASGI app
with a bearer token, as a partner app (scopes read, demand:read, funds:read)
and, separately, as the partnership's admin, who may run every mutation.

A server error is an HTTP 5xx or an error with ``extensions.code``
INTERNAL_SERVER_ERROR (what ``api/errors.py`` turns any unexpected exception
into), or a resolver that broke its schema (null for a non-null field). Any
other error (FORBIDDEN, NOT_FOUND, BAD_USER_INPUT, QUERY_LIMIT_EXCEEDED,
validation) and any userError is a correct answer to a bad request. A failure
lists each distinct error once: the operation, the document, the response and
the traceback the API logged for it.

The partnership is the funds tests' one (a funder, a training provider, an
initiative and an OPEN pool) with a verified contribution, a scheduled tranche
and a demand signal. Arguments draw from Schemathesis dictionaries part of the
time: ``first`` from page sizes (so documents get past the page-size limit), ID
arguments from the partnership's real global IDs (so they reach real rows, not
only NOT_FOUND), other strings from strings known to break servers.

The run is bounded and reproducible: a fixed number of examples per operation,
derandomized (the same documents every run: Hypothesis seeds from the inner test
function's code, so editing ``run`` changes which documents are drawn), no
example database. ``FUZZ_EXAMPLES=200`` runs a deeper fuzz locally.

How Schemathesis is driven, and why:
- not the CLI (``st run --url``): it needs a served URL;
- not ``schemathesis.pytest.from_fixture``: with pytest 9.2 it fails
  (it sets ``request.node._nodeid``, which pytest's nodes no longer have);
- so each operation's ``as_strategy()`` runs under Hypothesis' ``@given`` here.
Schemathesis calls an ASGI app on an event loop of its own, in its own
thread, and runs the app's lifespan there; the shared ``app`` fixture's
lifespan state (its engine) must not be replaced, so the fuzzed app is a
second instance of the same application over the same database, stopped when
the module is done.
"""

from __future__ import annotations

import logging
import os
import traceback
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import graphql
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from schemathesis.config import SchemathesisConfig
from schemathesis.python.asgi import shutdown_lifespans
from starlette.applications import Starlette

from coalition.api.relay import to_global_id
from coalition.app import create_app
from coalition.auth.scopes import DEMAND_READ, FUNDS_READ, READ
from coalition.auth.secrets import hash_client_secret
from coalition.auth.tokens import issue_access_token
from coalition.config import Settings
from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from coalition.demand import service as demand
from coalition.demand.models import OpeningsKind
from coalition.funds.service.contributions import record_contribution
from coalition.funds.service.disbursements import DisbursementInput, schedule_disbursement
from coalition.funds.service.verifications import verify_contribution
from coalition.skills.starter import load_starter
from coalition.tenancy.models import ApiClient, format_client_id
from tests.funds.support.world import (
    CONTRIBUTED_ON,
    FundsWorld,
    contribution_input,
    create_funds_world,
    key,
)
from tests.support.world import CLIENT_SECRET, World

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_FILE = ROOT / "graphql" / "schema.graphql"
# FUZZ_EXAMPLES runs a deeper fuzz locally (the suite keeps the bounded default).
EXAMPLES_PER_OPERATION = int(os.environ.get("FUZZ_EXAMPLES", "20"))
FUZZ_SETTINGS = hypothesis_settings(
    max_examples=EXAMPLES_PER_OPERATION,
    derandomize=True,
    database=None,
    deadline=None,
    # Generation only: the test collects the server errors instead of failing inside
    # Hypothesis, so there is nothing to shrink or replay.
    phases=[Phase.generate],
    suppress_health_check=list(HealthCheck),
)
PARTNER_SCOPES = {READ, DEMAND_READ, FUNDS_READ}
# Page sizes, mostly allowed (1..100), some refused.
PAGE_SIZES = [1, 2, 3, 5, 10, 100, 0, -1, 101]
# Strings that break servers: NUL (PostgreSQL refuses it in text), empty and blank, LIKE
# wildcards, a backslash, a quote, a right-to-left override, an emoji, and text longer than
# a file name may be (255 bytes).
AWKWARD_STRINGS = ["\x00", "", " ", "%_", "\\", "'", "\u202e", "\U0001f600", "x" * 300]
# Refusals that happen before any resolver runs.
NOT_EXECUTED = {"GRAPHQL_VALIDATION_FAILED", "QUERY_LIMIT_EXCEEDED", "BAD_REQUEST"}
SERVER_ERROR = "INTERNAL_SERVER_ERROR"
NON_NULL_VIOLATION = "Cannot return null for non-nullable field"


@dataclass
class Fuzzed:
    """What a role's run saw: the distinct server errors, and how far the documents got."""

    problems: dict[tuple[str, str], str] = field(default_factory=dict)
    requests: int = 0
    executed: Counter[str] = field(default_factory=Counter)
    operations: list[str] = field(default_factory=list)


@dataclass
class Target:
    """The fuzzed partnership: its tokens and the global IDs of its rows."""

    funds: FundsWorld
    partner_token: str
    global_ids: list[str]


@pytest.fixture(scope="module")
def fuzz_app(settings: Settings) -> Iterator[Starlette]:
    """A second instance of the API for Schemathesis' own event loop (see the docstring)."""
    application = create_app(settings, configure_logs=False)
    yield application
    shutdown_lifespans()


@pytest.fixture
async def target(
    app: Starlette, owner_sessions: SessionFactory, settings: Settings, world: World
) -> Target:
    fw = await create_funds_world(owner_sessions, app, settings, world)
    admin, org_admin = fw.principal("admin"), fw.principal("org_admin")
    member = fw.principal("member")
    async with owner_sessions() as session, session.begin():
        await load_starter(session)
    partner = uuid.uuid4()
    async with tenant_transaction(owner_sessions, world.id) as session:
        session.add(
            ApiClient(
                tenant_id=world.id,
                id=partner,
                name=f"{world.slug} partner app",
                secret_hash=hash_client_secret(CLIENT_SECRET),
                scopes=sorted(PARTNER_SCOPES),
            )
        )
        contribution = await record_contribution(
            session, org_admin, contribution_input(fw), idempotency_key=key()
        )
        await verify_contribution(session, admin, contribution.id, idempotency_key=key())
        tranche = await schedule_disbursement(
            session,
            admin,
            DisbursementInput(
                contribution.id, fw.provider, 50_000, "USD", CONTRIBUTED_ON, "Outcome report"
            ),
            idempotency_key=key(),
        )
        signal = await demand.create_demand_signal(
            session,
            member,
            organization_id=world.organizations["employer"],
            fields={
                "occupation_code": "51-4041",
                "openings": 4,
                "start_quarter": "2027Q1",
                "end_quarter": "2027Q4",
                "openings_kind": OpeningsKind.GROWTH,
                "skills": [("2.B.3.h", 3)],
            },
        )
    client_id = format_client_id(world.id, partner)
    signer = await app.state.keys.signer()
    token = issue_access_token(
        signer,
        settings,
        tenant_id=world.id,
        subject=client_id,
        client_id=client_id,
        scopes=PARTNER_SCOPES,
    )
    # Not the admin's own membership, user or organization: a mutation that removed
    # them would leave the admin's run refused from then on.
    rows = [
        *(("Organization", org) for name, org in world.organizations.items() if name != "convener"),
        ("Organization", fw.funder),
        ("Organization", fw.provider),
        *(("Membership", m) for person, m in world.memberships.items() if person != "admin"),
        *(("User", u) for person, u in world.users.items() if person != "admin"),
        *(("ApiClient", c) for c in world.clients.values()),
        ("Initiative", fw.initiative),
        ("FundPool", fw.pool),
        ("Contribution", contribution.id),
        ("Disbursement", tranche.id),
        ("DemandSignal", signal.id),
        ("Tenant", world.id),
    ]
    return Target(fw, token, [str(to_global_id(kind, row_id)) for kind, row_id in rows])


def id_binding_keys(schema: graphql.GraphQLSchema) -> list[str]:
    """Schemathesis binding keys (``Type.field.argument[.inputField...]``, ``[*]`` for list
    items) of every ID argument of every field, and of every ID inside input objects."""
    keys: list[str] = []

    def walk(prefix: str, graphql_type: graphql.GraphQLInputType, depth: int) -> None:
        path = prefix
        while isinstance(graphql_type, (graphql.GraphQLNonNull, graphql.GraphQLList)):
            if isinstance(graphql_type, graphql.GraphQLList):
                path += "[*]"
            graphql_type = graphql_type.of_type
        if graphql_type is graphql.GraphQLID:
            keys.append(path)
        elif isinstance(graphql_type, graphql.GraphQLInputObjectType) and depth < 3:
            for name, input_field in graphql_type.fields.items():
                walk(f"{path}.{name}", input_field.type, depth + 1)

    for type_name, named in schema.type_map.items():
        if type_name.startswith("__") or not isinstance(
            named, (graphql.GraphQLObjectType, graphql.GraphQLInterfaceType)
        ):
            continue
        for field_name, field_def in named.fields.items():
            for argument_name, argument in field_def.args.items():
                walk(f"{type_name}.{field_name}.{argument_name}", argument.type, 0)
    return keys


def fuzz_config(global_ids: list[str]) -> SchemathesisConfig:
    parameters: dict[str, Any] = {
        "*.*.first": {"dictionary": "page_sizes", "probability": 0.9},
    }
    for binding in id_binding_keys(graphql.build_schema(SCHEMA_FILE.read_text("utf-8"))):
        parameters[binding] = {"dictionary": "global_ids", "probability": 0.8}
    return SchemathesisConfig.from_dict(
        {
            "dictionaries": {
                "page_sizes": {"values": PAGE_SIZES},
                "global_ids": {"values": global_ids},
                "awkward_strings": {"values": AWKWARD_STRINGS},
            },
            "parameters": parameters,
            # Any other String or ID argument, now and then.
            "generation": {
                "dictionaries": {"string": {"dictionary": "awkward_strings", "probability": 0.3}}
            },
        }
    )


def server_error(status: int, body: Any) -> bool:
    if status >= 500:
        return True
    if not isinstance(body, dict):
        return True
    for error in body.get("errors") or []:
        code = (error.get("extensions") or {}).get("code")
        if code == SERVER_ERROR or NON_NULL_VIOLATION in str(error.get("message")):
            return True
    return False


def logged_errors(records: list[logging.LogRecord]) -> list[tuple[str, str]]:
    """What the API logged for the errors it masked (``api/errors.py``): for each, a one-line
    summary and the exception with the API's own frames of its traceback."""
    found: list[tuple[str, str]] = []
    for record in records:
        if record.name != "coalition.api" or record.levelno < logging.ERROR:
            continue
        error = record.exc_info[1] if record.exc_info else None
        if error is None:
            found.append((record.getMessage(), record.getMessage()))
            continue
        summary = f"{type(error).__name__}: {(str(error).splitlines() or [''])[0]}"
        frames = [
            f"  {Path(frame.filename).relative_to(ROOT)}:{frame.lineno} in {frame.name}"
            for frame in traceback.extract_tb(error.__traceback__)
            if frame.filename.startswith(str(ROOT / "src"))
        ]
        found.append(
            (summary, "\n".join([record.getMessage(), *frames, f"{type(error).__name__}: {error}"]))
        )
    return found


def executed(status: int, body: Any) -> bool:
    """Whether the document got past parsing, validation and the limits to the resolvers."""
    if status != 200 or not isinstance(body, dict):
        return False
    errors = body.get("errors") or []
    return all(
        "path" in error and (error.get("extensions") or {}).get("code") not in NOT_EXECUTED
        for error in errors
    )


def fuzz(
    app: Starlette, token: str, global_ids: list[str], caplog: pytest.LogCaptureFixture
) -> Fuzzed:
    schema = schemathesis.graphql.from_asgi("/graphql", app, config=fuzz_config(global_ids))
    headers = {"Authorization": f"Bearer {token}"}
    seen = Fuzzed()
    for result in schema.get_all_operations():
        operation = result.ok()
        seen.operations.append(operation.label)

        @FUZZ_SETTINGS
        @given(case=operation.as_strategy())
        def run(case: Any) -> None:
            label = case.operation.label
            before = len(caplog.records)
            response = case.call(headers=headers)
            seen.requests += 1
            try:
                body = response.json()
            except ValueError:
                body = response.text
            if executed(response.status_code, body):
                seen.executed[label] += 1
            if not server_error(response.status_code, body):
                return
            logged = logged_errors(caplog.records[before:])
            cause = logged[-1][0] if logged else str(body)[:200]
            seen.problems.setdefault(
                (label, cause),
                f"{label} -> HTTP {response.status_code}\n{case.body}\n"
                f"response: {body}\n" + "\n".join(text for _, text in logged),
            )

        run()
    return seen


def check(seen: Fuzzed) -> None:
    problems = "\n\n".join(seen.problems.values())
    assert not seen.problems, f"{len(seen.problems)} distinct server error(s):\n\n{problems}"
    # The fuzzing itself worked: every root field was sent its examples, and nearly every
    # one reached its resolver at least once (was not always refused before execution).
    assert len(seen.operations) >= 50
    assert seen.requests >= len(seen.operations) * EXAMPLES_PER_OPERATION // 2
    unreached = [label for label in seen.operations if not seen.executed[label]]
    assert len(unreached) <= len(seen.operations) // 10, unreached


def test_a_partner_app_never_gets_a_server_error(
    fuzz_app: Starlette, target: Target, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR, logger="coalition.api")
    check(fuzz(fuzz_app, target.partner_token, target.global_ids, caplog))


def test_a_partnership_admin_never_gets_a_server_error(
    fuzz_app: Starlette, target: Target, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR, logger="coalition.api")
    check(fuzz(fuzz_app, target.funds.token("admin"), target.global_ids, caplog))


def test_the_check_catches_a_masked_error_and_a_5xx() -> None:
    masked = {
        "data": {"industry": None},
        "errors": [{"message": "Unexpected error.", "extensions": {"code": SERVER_ERROR}}],
    }
    assert server_error(200, masked)
    assert server_error(500, {"errors": []})
    assert server_error(200, {"errors": [{"message": f"{NON_NULL_VIOLATION} Pool.name."}]})
    refused = {"errors": [{"message": "No.", "extensions": {"code": "FORBIDDEN"}}], "data": None}
    assert not server_error(200, refused)
    assert not server_error(400, {"errors": [{"extensions": {"code": "BAD_REQUEST"}}]})
