"""A forged cursor is "not valid", never a server error (found by the seeded fuzz).

A cursor is decoded after the edge's checks, so one a client forged could carry what the
edge refuses elsewhere (U+0000, a lone surrogate) or a value the database cannot compare
with its column (an integer past bigint, a decimal past numeric, a time that leaves the
calendar once moved to UTC): each was an INTERNAL_SERVER_ERROR. Every list of the schema
with an ``after`` argument is read once for a real cursor, then sent that cursor with one
of its values replaced by each of these: the answer is that the cursor is not valid, or
(where the value is one the column can hold) a page.
"""

from __future__ import annotations

import base64
import json
from datetime import date

import pytest
from graphql import get_named_type
from sqlalchemy import BigInteger, Integer, column
from starlette.applications import Starlette

from coalition.api.schema import build_schema
from coalition.config import Settings
from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from coalition.demand import service as demand
from coalition.demand.models import OpeningsKind
from coalition.errors import InvalidInput
from coalition.events import registrations
from coalition.funds.service.contributions import record_contribution
from coalition.funds.service.disbursements import DisbursementInput, schedule_disbursement
from coalition.funds.service.verifications import verify_contribution
from coalition.outcomes.counts import CountRow, report_aggregate_counts
from coalition.outcomes.periods import quarter_label, quarter_start
from coalition.outcomes.targets import set_outcome_target
from coalition.pagination import PageRequest, after_clause, decode_cursor
from coalition.pathways.service import create_pathway
from tests.demand.support import principal_of
from tests.events.support import add_event
from tests.funds.support.world import TERM, contribution_input, create_funds_world, key
from tests.outcomes.support import add_record
from tests.supply.support import add_cohort, add_program
from tests.support.graphql import GraphQLClient
from tests.support.string_inputs import StringInput, string_inputs
from tests.support.world import World, global_id

# Text no column holds, an integer past bigint, a decimal past numeric, a time past 9999
# in UTC. (Where the column is text, the digits are a name like any other.)
FORGED = ["\x00", "a\ud800", "9" * 30, "1e-100000", "9999-12-31T23:59:59-14:00"]
NOT_VALID = "The cursor is not valid."
LISTS = [i for i in string_inputs(build_schema(Settings())._schema) if i.argument == "after"]
# Lists only the member's own organization admin reads (the convener never): read as the
# college's admin, of the college.
KEEPER_LISTS = {"participantRecords", "aggregateCounts"}


def encode(values: list[str]) -> str:
    raw = json.dumps(values, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor: str) -> list[str]:
    values: list[str] = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    return values


def listing(text_input: StringInput, ids: dict[str, str], *, search: bool) -> str:
    """The list's first page of one item, its parent found by a real ID."""
    query, _ = text_input.document(value="$after", literal=True)
    for step in text_input.steps[:-1]:
        parent = get_named_type(step.field.type).name
        query = query.replace(f'{step.name}(id: "x")', f'{step.name}(id: "{ids[parent]}")')
    if search:
        query = query.replace("occupations(after:", 'occupations(search: "machin", after:')
    if text_input.steps[-1].name in KEEPER_LISTS:
        query = query.replace('organizationId: "x"', f'organizationId: "{ids["Organization"]}"')
    # A list that takes a reporting period (scorecards) gets a real one.
    query = query.replace('period: "x"', 'period: "2026Q1"')
    query = query.replace("query Probe {", "query Probe($after: String) {")
    return query.replace("{ __typename }", "{ pageInfo { endCursor } }")


@pytest.fixture
async def ids(
    app: Starlette, owner_sessions: SessionFactory, settings: Settings, world: World
) -> dict[str, str]:
    """A partnership with a row in every list (a signal with a second version, a verified
    contribution with a tranche, so a ledger, a training program with a cohort)."""
    fw = await create_funds_world(owner_sessions, app, settings, world)
    admin = fw.principal("admin")
    async with tenant_transaction(owner_sessions, world.id) as session:
        contribution = await record_contribution(
            session, fw.principal("org_admin"), contribution_input(fw), idempotency_key=key()
        )
        await verify_contribution(session, admin, contribution.id, idempotency_key=key())
        tranche = DisbursementInput(
            contribution.id, fw.provider, 100, "USD", date(2025, 4, 1), None
        )
        await schedule_disbursement(session, admin, tranche, idempotency_key=key())
        member = fw.principal("member")
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
            },
        )
        await demand.update_demand_signal(
            session, member, signal_id=signal.id, fields={"openings": 5}
        )
        await create_pathway(
            session,
            admin,
            name="Machining",
            description="",
            organization_id=None,
            organization_given=False,
        )
    program_id = await add_program(owner_sessions, world)
    await add_cohort(owner_sessions, world, program_id)
    # The convener organizes it, so its people (the admin) see who registered.
    event_id = await add_event(owner_sessions, world, person="admin", organization="convener")
    async with tenant_transaction(owner_sessions, world.id) as session:
        await registrations.register(
            session,
            admin,
            event_id=event_id,
            attendee=registrations.Attendee(name="Ada Lovelace", email="ada@example.org"),
        )
    await add_record(owner_sessions, world)
    async with tenant_transaction(owner_sessions, world.id) as session:
        await set_outcome_target(
            session,
            admin,
            initiative_id=fw.initiative,
            metric="ENROLLMENTS",
            period=quarter_label(quarter_start(TERM[0])),
            target="10",
        )
        await report_aggregate_counts(
            session,
            principal_of(world, "college_admin"),
            organization_id=world.organizations["college"],
            quarter="2026Q1",
            program_id=None,
            initiative_id=None,
            rows=[CountRow("TOTAL", None, 1, 0, 0, 0, 0)],
        )
    return {
        "Event": global_id("Event", event_id),
        # The college: it has members and a training program (with a cohort).
        "Organization": global_id("Organization", world.organizations["college"]),
        "TrainingProgram": global_id("TrainingProgram", program_id),
        "DemandSignal": global_id("DemandSignal", signal.id),
        "FundPool": global_id("FundPool", fw.pool),
        "Initiative": global_id("Initiative", fw.initiative),
    }


def test_the_decoder_refuses_text_a_column_cannot_hold() -> None:
    for forged in ("\x00", "a\ud800", "\udfff"):
        with pytest.raises(InvalidInput):
            decode_cursor(encode([forged, "x"]), 2)
    assert decode_cursor(encode(["Shop \U0001f600", "x"]), 2) == ["Shop \U0001f600", "x"]


@pytest.mark.parametrize(
    ("kind", "forged", "fits"),
    [
        (Integer(), "2147483647", True),
        (Integer(), "2147483648", False),
        (BigInteger(), "2147483648", True),
        (BigInteger(), "9223372036854775808", False),
        (BigInteger(), "-9223372036854775809", False),
    ],
)
def test_an_integer_must_fit_its_column(kind: Integer, forged: str, fits: bool) -> None:
    page = PageRequest(after=encode([forged]))

    if fits:
        assert after_clause([column("n", kind)], page, [int]) is not None
    else:
        with pytest.raises(InvalidInput):
            after_clause([column("n", kind)], page, [int])


async def test_every_list_answers_a_forged_cursor_as_not_valid(
    gql: GraphQLClient, world: World, ids: dict[str, str]
) -> None:
    cases = [(i, False) for i in LISTS] + [
        (i, True) for i in LISTS if i.steps[-1].name == "occupations"
    ]
    assert len(cases) >= 15
    wrong = []
    for text_input, search in cases:
        keeper = text_input.steps[-1].name in KEEPER_LISTS
        token = world.tokens["college_admin" if keeper else "admin"]
        query = listing(text_input, ids, search=search)
        first = await gql(query, {"after": None}, token=token)
        assert "errors" not in first, (str(text_input), first)
        page = first["data"]
        while isinstance(page, dict) and "pageInfo" not in page:
            [page] = page.values()
        cursor = page["pageInfo"]["endCursor"]
        assert cursor is not None, f"{text_input}: no row to page through"
        real = decode(cursor)
        for position in range(len(real)):
            for forged in FORGED:
                values = [*real[:position], forged, *real[position + 1 :]]
                body = await gql(query, {"after": encode(values)}, token=token)
                messages = [error["message"] for error in body.get("errors", [])]
                if messages not in ([NOT_VALID], []):
                    wrong.append((str(text_input), search, values, body))
    assert wrong == []
