"""Every query path and mutation of participant records, tried by each person of the
world and each partner app: only the college's own organization admin reads or writes
a record. For everyone else a record is exactly a missing ID (the list is empty, node
and nodes are null, the export is the header alone), and a refused write writes
nothing.

The convener (a partnership admin), the analyst, the employer's admins and member, the
college's own MEMBER, and partner apps with read or read+write never see one.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from coalition.db.engine import SessionFactory
from coalition.outcomes.layout import COLUMNS
from tests.outcomes.support import (
    CREATE,
    CSV,
    IMPORT,
    LIST,
    NODE,
    RECORDS_TABLES,
    UPDATE,
    add_record,
    record_input,
)
from tests.support.graphql import GraphQLClient, error_codes
from tests.support.snapshots import snapshot
from tests.support.world import World, global_id

ACTORS = [
    "admin",
    "analyst",
    "org_admin",
    "member",
    "other_org_admin",
    "college_admin",
    "college_member",
    "reader",
    "writer",
    None,
]
KEEPER = "college_admin"
HEADER = ",".join(column.name for column in COLUMNS) + "\n"


async def _record(owner_sessions: SessionFactory, world: World) -> uuid.UUID:
    return await add_record(owner_sessions, world, participant_identifier="LC-MATRIX-7")


def _token(world: World, actor: str | None) -> str | None:
    return world.tokens[actor] if actor else None


@pytest.mark.parametrize("actor", ACTORS)
async def test_only_the_members_own_admin_reads_a_record_by_any_path(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory, actor: str | None
) -> None:
    record_id = await _record(owner_sessions, world)
    college = global_id("Organization", world.organizations["college"])
    record = global_id("ParticipantRecord", record_id)
    token = _token(world, actor)

    listed = await gql(LIST, {"org": college}, token=token)
    node = await gql(NODE, {"id": record}, token=token)
    exported = await gql(CSV, {"org": college}, token=token)

    if actor is None:
        for body, errors in ((listed, 1), (node, 2), (exported, 1)):
            assert body["data"] is None
            assert error_codes(body) == ["UNAUTHENTICATED"] * errors
        return
    if actor == KEEPER:
        assert listed["data"]["participantRecords"]["totalCount"] == 1
        assert node["data"]["node"] == {
            "__typename": "ParticipantRecord",
            "id": record,
            "participantIdentifier": "LC-MATRIX-7",
        }
        assert "LC-MATRIX-7" in exported["data"]["participantRecordsCsv"]
        return
    assert listed == {
        "data": {
            "participantRecords": {
                "totalCount": 0,
                "pageInfo": {"hasNextPage": False, "endCursor": None},
                "edges": [],
            }
        }
    }
    assert node == {"data": {"node": None, "nodes": [None]}}
    assert exported == {"data": {"participantRecordsCsv": HEADER}}


def _create(world: World, record: str) -> dict[str, Any]:
    return {"input": record_input(world, participantIdentifier="LC-NEW-1")}


def _update(world: World, record: str) -> dict[str, Any]:
    return {"input": {"id": record, "exitDate": "2026-06-30"}}


def _import(world: World, record: str) -> dict[str, Any]:
    college = global_id("Organization", world.organizations["college"])
    return {"input": {"organizationId": college, "csv": "100,900\nLC-NEW-2,2026-02-02\n"}}


MUTATIONS = {
    "createParticipantRecord": (CREATE, _create),
    "updateParticipantRecord": (UPDATE, _update),
    "importParticipantRecords": (IMPORT, _import),
}


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("mutation", MUTATIONS)
async def test_only_the_members_own_admin_writes_records(
    gql: GraphQLClient,
    world: World,
    owner_sessions: SessionFactory,
    actor: str | None,
    mutation: str,
) -> None:
    record = global_id("ParticipantRecord", await _record(owner_sessions, world))
    document, variables = MUTATIONS[mutation]
    before = await snapshot(owner_sessions, world.id, RECORDS_TABLES)

    body = await gql(document, variables(world, record), token=_token(world, actor))

    after = await snapshot(owner_sessions, world.id, RECORDS_TABLES)
    if actor == KEEPER:
        assert body["data"][mutation]["userErrors"] == []
        assert after != before
        return
    assert after == before
    if actor is None:
        assert error_codes(body) == ["UNAUTHENTICATED"]
    elif mutation == "updateParticipantRecord":
        # Not theirs to see: exactly an ID that does not exist.
        assert body["data"][mutation]["userErrors"] == [
            {"field": ["id"], "message": "No participant record with this ID.", "code": "NOT_FOUND"}
        ]
    else:
        assert error_codes(body) == ["FORBIDDEN"]
